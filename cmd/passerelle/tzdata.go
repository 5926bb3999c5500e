package main

// The product shows times in Paris time (pages, the daily digest): the zone
// database is embedded so that a minimal image without tzdata still does.
import _ "time/tzdata"

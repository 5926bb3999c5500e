// Package match scores candidate profiles against job offers and ranks them,
// in both directions, from an in-memory index.
//
// The score of a (profile, offer) pair is computed by one function whatever
// the direction of the query, so that a candidate and an employer looking at
// the same pair always read the same number and the same explanation. Every
// number that shapes a score lives in [Weights], with its rationale.
//
// The package knows nothing of HTTP or of the database: the storage layer
// converts its documents into [Profile] and [Offer], streams them into
// [Index.Build] at start-up and applies later writes with [Index.Upsert] and
// [Index.UpsertOffer]. Skill relations come from a [Relations] provider
// (the skill taxonomy), declared here so that match depends on nothing else
// in the project.
package match

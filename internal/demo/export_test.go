package demo

import "passerelle/internal/place"

// CompanySIRENs returns the SIRENs of the demo companies, for the tests.
func CompanySIRENs() []string {
	var out []string
	for _, c := range companies() {
		out = append(out, sirenOf(c.siren8))
	}
	return out
}

// WorldCommunes returns the communes a world generated with d places people
// and jobs in.
func WorldCommunes(d *place.Directory) []place.Commune {
	c, _, _ := communesOf(d)
	return c
}

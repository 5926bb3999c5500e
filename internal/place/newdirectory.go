package place

import (
	"fmt"
	"slices"
)

// NewDirectory builds a Directory from communes read back from storage, with
// the statistics of the import that produced them, so that a directory saved
// by one process can be rebuilt by another without the original file.
//
// The communes are copied; their PostalCodes are shared and must already be
// sorted and distinct, as Parse leaves them. Every ID must be non-empty and
// distinct: lookups by ID would otherwise be ambiguous.
func NewDirectory(communes []Commune, stats ImportStats) (*Directory, error) {
	seen := make(map[string]bool, len(communes))
	for i, c := range communes {
		if c.ID == "" {
			return nil, fmt.Errorf("new directory: commune %d (%q) has no ID", i, c.Name)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("new directory: duplicate commune ID %q", c.ID)
		}
		seen[c.ID] = true
	}
	return newDirectory(slices.Clone(communes), stats), nil
}

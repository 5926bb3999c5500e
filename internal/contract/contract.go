// Package contract names the contract types of French labour law that
// offers propose and candidates look for — one vocabulary for both sides —
// and maps them to the matching engine's bits.
package contract

import (
	"slices"

	"passerelle/internal/match"
)

// Type is a contract type; its value is what the API and the store write.
type Type string

// The contract types.
const (
	CDI        Type = "cdi"
	CDD        Type = "cdd"
	Alternance Type = "alternance" // work-study (apprenticeship or professionalisation contract)
	Stage      Type = "stage"      // internship
	Freelance  Type = "freelance"
)

// All returns the contract types in their canonical order (forms, lists).
func All() []Type { return []Type{CDI, CDD, Alternance, Stage, Freelance} }

// Valid reports whether t is a known contract type.
func (t Type) Valid() bool { return slices.Contains(All(), t) }

// Match returns the engine's bit for t, 0 for an unknown type.
func Match(t Type) match.Contract {
	switch t {
	case CDI:
		return match.ContractCDI
	case CDD:
		return match.ContractCDD
	case Alternance:
		return match.ContractAlternance
	case Stage:
		return match.ContractStage
	case Freelance:
		return match.ContractFreelance
	}
	return 0
}

// MatchSet returns the engine's bits for a set of types.
func MatchSet(ts []Type) match.Contract {
	var m match.Contract
	for _, t := range ts {
		m |= Match(t)
	}
	return m
}

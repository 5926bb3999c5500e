package contract_test

import (
	"testing"

	"passerelle/internal/contract"
	"passerelle/internal/match"
)

// Every type has its own engine bit, unknown ones none, and a set is the
// union of its members.
func TestMatchBits(t *testing.T) {
	seen := match.Contract(0)
	for _, c := range contract.All() {
		bit := contract.Match(c)
		if !c.Valid() || bit == 0 || seen&bit != 0 {
			t.Errorf("%s: valid %v, bit %b (seen %b)", c, c.Valid(), bit, seen)
		}
		seen |= bit
	}
	if contract.Type("CDI").Valid() || contract.Match("CDI") != 0 || contract.Match("") != 0 {
		t.Error("an unknown type is valid or has a bit")
	}
	if got := contract.MatchSet([]contract.Type{contract.CDI, contract.Stage, "x"}); got != match.ContractCDI|match.ContractStage {
		t.Errorf("MatchSet = %b", got)
	}
	if contract.MatchSet(nil) != 0 {
		t.Error("an empty set has bits")
	}
}

package synth_test

import (
	"testing"

	"passerelle/internal/match/synth"
)

// BenchmarkGenerate measures the generator alone, to tell its share of a
// build from a stream of profiles.
func BenchmarkGenerate(b *testing.B) {
	w := synth.New(synth.Config{Seed: 1, Profiles: b.N})
	b.ResetTimer()
	n := 0
	for p := range w.Profiles() {
		n += len(p.Skills)
	}
	if n == 0 {
		b.Fatal("no skills")
	}
}

package demo

import (
	"testing"
	"time"
)

// BenchmarkProfile measures drawing one synthetic profile, without writing
// it: the generator's share of Generate's time.
func BenchmarkProfile(b *testing.B) {
	w := newGenWorld(GenerateOptions{Seed: 1, Candidates: 1_000_000, Offers: 100_000, Today: time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = w.profile(i)
	}
}

// BenchmarkOffer measures drawing one synthetic offer.
func BenchmarkOffer(b *testing.B) {
	w := newGenWorld(GenerateOptions{Seed: 1, Candidates: 1_000_000, Offers: 100_000, Today: time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = w.offer(i)
	}
}

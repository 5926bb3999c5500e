package match_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"passerelle/internal/match"
)

var debugN = 1_000_000

func BenchmarkDebugSlow(b *testing.B) {
	bw := getWorld(b, debugN)
	ctx := context.Background()
	type row struct {
		d                  time.Duration
		id                 string
		cands, words, evals int
		remote match.RemotePolicy
	}
	offers := map[string]match.Offer{}
	for i := range 2000 {
		o := bw.w.Offer(i)
		offers[o.ID] = o
	}
	runtime.LockOSThread()
	var rows []row
	for _, id := range bw.offers {
		match.DbgReset()
		start := threadCPU()
		if _, err := bw.ix.CandidatesForOffer(ctx, id, match.Query{K: 50}); err != nil {
			b.Fatal(err)
		}
		d := threadCPU() - start
		c, w, e := match.Dbg()
		rows = append(rows, row{d, id, c, w, e, offers[id].Remote})
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.d - a.d) })
	for _, r := range rows[:8] {
		b.Logf("%v %s cands=%d words=%d evals=%d remote=%d", r.d, r.id, r.cands, r.words, r.evals, r.remote)
	}
	for _, r := range rows[495:505] {
		b.Logf("median %v %s cands=%d words=%d evals=%d remote=%d", r.d, r.id, r.cands, r.words, r.evals, r.remote)
	}
}

func BenchmarkDebugOne(b *testing.B) {
	bw := getWorld(b, debugN)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := bw.ix.CandidatesForOffer(ctx, "66b000000000000000000386", match.Query{K: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDebugOffers(b *testing.B) {
	bw := getWorld(b, 100_000)
	ctx := context.Background()
	runtime.LockOSThread()
	type row struct {
		d  time.Duration
		id string
		p  match.Profile
	}
	var rows []row
	for i, id := range bw.profiles {
		start := threadCPU()
		if _, err := bw.ix.OffersForCandidate(ctx, id, match.Query{K: 50}); err != nil {
			b.Fatal(err)
		}
		rows = append(rows, row{threadCPU() - start, id, bw.w.Profile(i * 100)})
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.d - a.d) })
	for _, r := range append(rows[:6], rows[500:503]...) {
		b.Logf("%v %s %s radius=%d remote=%d contracts=%b skills=%d former=%d", r.d, r.id, r.p.Place.Commune, r.p.RadiusKm, r.p.Remote, r.p.Contracts, len(r.p.Skills), len(r.p.Former))
	}
}

package notices_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"passerelle/internal/account"
	"passerelle/internal/candidate"
)

// Benchmarks of the digest's store part on the project's own store (the
// embedded one unless PASSERELLE_TEST_MONGO_URI is set), for
// docs/benchmarks.md; the index part (matching.StrongCandidates over
// 100,000 profiles) is BenchmarkStrongCandidates in internal/matching.
//
//	go test -run '^$' -bench . -benchtime 3x -cpu 1 -v ./internal/notices/

// BenchmarkMarkDue marks 1,000 candidates due for a new offer in one call:
// the most one new offer marks (matching.MaxDepth). The collection grows
// by 1,000 marks an iteration.
func BenchmarkMarkDue(b *testing.B) {
	e := newEnv(b)
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = newID()
	}
	ctx := context.Background()
	for b.Loop() {
		if err := e.jobs.MarkDue(ctx, newID(), ids, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigestRun times one run of the digest after offers new offers,
// each a strong match for each of candidates candidates: every run marks
// them all and queues one digest each (the clock moves a day between
// runs, outside the timing, with the publication of the new offers).
func BenchmarkDigestRun(b *testing.B) {
	const candidates, offers = 100, 10
	e := newEnv(b)
	owner := e.org(b, account.KindCompany, "Acme")
	for i := range candidates {
		e.candidate(b, fmt.Sprintf("Candidat %d", i), 3, candidate.VisibilityAnonymous, true)
	}
	d := e.digest()
	ctx := context.Background()
	b.Run(fmt.Sprintf("offers=%d/candidates=%d", offers, candidates), func(b *testing.B) {
		var marked, sent int
		for b.Loop() {
			b.StopTimer()
			e.advance(25 * time.Hour)
			for i := range offers {
				e.goOffer(b, owner, fmt.Sprintf("Développeur·se Go %d", i))
			}
			e.advance(time.Minute)
			b.StartTimer()
			rep, err := d.Run(ctx)
			if err != nil {
				b.Fatal(err)
			}
			marked, sent = rep.Marked, rep.Sent
		}
		if marked != offers*candidates || sent != candidates {
			b.Fatalf("last run marked %d and sent %d, want %d and %d", marked, sent, offers*candidates, candidates)
		}
		b.ReportMetric(float64(marked), "marks/run")
		b.ReportMetric(float64(sent), "digests/run")
	})
}

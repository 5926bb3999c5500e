package matching

import (
	"context"
	"fmt"
	"testing"
	"time"

	"passerelle/internal/candidate"
	"passerelle/internal/match"
	"passerelle/internal/match/synth"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// memProfiles and memOffers give a synthetic world to a Service the way
// the store would at start-up (one stream from revision 0), from memory,
// so that an index of 100,000 profiles builds in seconds instead of the
// minutes the embedded store takes to write and read them.
type memProfiles struct {
	w *synth.World
	n int
}

func (m memProfiles) Changed(context.Context, int64, int) ([]candidate.Profile, error) {
	return nil, nil
}

func (m memProfiles) StreamChanged(_ context.Context, since int64, fn func(candidate.Profile) error) error {
	for i := int(since); i < m.n; i++ {
		p := storedProfile(m.w.Profile(i), i)
		p.Revision = int64(i + 1)
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

type memOffers struct{ offers []offer.Offer }

func (m memOffers) Changed(context.Context, int64, int) ([]offer.Offer, error) { return nil, nil }

func (m memOffers) StreamChanged(_ context.Context, since int64, fn func(offer.Offer) error) error {
	if since > 0 {
		return nil
	}
	for _, o := range m.offers {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkStrongCandidates measures the index's part of the digest: for
// one new offer, the candidates who score at least 70 under the
// employer's rules, down to MaxDepth, over 100,000 profiles held in
// memory. Each iteration asks for one of the world's published offers in
// turn.
//
//	go test -run '^$' -bench BenchmarkStrongCandidates -benchtime 1000x -cpu 1 -v ./internal/matching/
func BenchmarkStrongCandidates(b *testing.B) {
	const profiles, offers, minScore = 100_000, 2_000, 70.0
	w := synth.New(synth.Config{Seed: 1, Profiles: profiles, Offers: offers})
	var published []offer.Offer
	for i := range offers {
		if o := w.Offer(i); o.Status == match.OfferPublished {
			so := storedOffer(o)
			so.Revision = int64(profiles + i + 1)
			published = append(published, so)
		}
	}
	svc := mustService(b, Config{Profiles: memProfiles{w: w, n: profiles}, Offers: memOffers{published}, Taxonomy: skill.Builtin(),
		Relations: w.Relations(), Key: testKey, PollEvery: time.Hour})
	start := time.Now()
	mustStart(b, svc)
	b.Logf("index of %d profiles and %d published offers built in %v", profiles, len(published), time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	b.Run(fmt.Sprintf("profiles=%d", profiles), func(b *testing.B) {
		var took []time.Duration
		found, most, none := 0, 0, 0
		i := 0
		for b.Loop() {
			o := published[i%len(published)]
			i++
			t0 := time.Now()
			got, err := svc.StrongCandidates(ctx, o.ID, minScore)
			took = append(took, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			found += len(got)
			most = max(most, len(got))
			if len(got) == 0 {
				none++
			}
		}
		b.ReportMetric(ms(percentile(took, 0.5)), "p50-ms/offer")
		b.ReportMetric(ms(percentile(took, 0.99)), "p99-ms/offer")
		b.ReportMetric(float64(found)/float64(len(took)), "candidates/offer")
		b.ReportMetric(float64(most), "max-candidates/offer")
		b.ReportMetric(float64(none)/float64(len(took)), "share-without")
	})
}

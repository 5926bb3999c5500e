package caseload_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/caseload"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
	"passerelle/internal/store/storetest"
)

// Benchmarks of the adviser dashboard on the project's own store (the
// embedded one unless PASSERELLE_TEST_MONGO_URI is set), for
// docs/benchmarks.md. Building the 1,000-candidate world through the
// services takes about 25 minutes on the embedded store, so that size runs
// only with PASSERELLE_BENCH_STORE=1 (as the matching service's store
// benchmarks), which keeps `make bench` within its timeout:
//
//	PASSERELLE_BENCH_STORE=1 go test -run '^$' -bench Dashboard -benchtime 3x -cpu 1 -timeout 60m ./internal/caseload/

// caseloadWorld is an adviser organisation whose caseload was built through
// the real services: candidates who created their profile and linked the
// organisation, and applied to a company's published offers, which the
// company then moved.
type caseloadWorld struct {
	env
	adviser    person
	candidates []string // in the caseload
	outsiders  []string // candidates with applications, outside the caseload
}

// buildCaseload writes a world of n candidates in the caseload and
// outsiders candidates outside it; each candidate applies to apps(i) offers,
// and the company moves some of the applications at random.
func buildCaseload(tb testing.TB, e env, r *rand.Rand, n, outsiders int, apps func(i int) int) caseloadWorld {
	tb.Helper()
	w := caseloadWorld{env: e, adviser: e.adviserOrg(tb, "Mission locale")}
	other := e.adviserOrg(tb, "Cap emploi")
	company := auth.NewContext(context.Background(), auth.Identity{UserID: newID(), Role: auth.RoleEmployer, OrgID: newID(), SessionID: "s"})
	var offers []string
	for i := range 12 {
		o, err := e.offers.Create(company, offer.OfferInput{
			Title: fmt.Sprintf("Développeur·se %d", i), Rome: "M1805", Contract: contract.CDI, CommuneID: "44109", Remote: offer.RemoteHybrid,
			Skills:               []offer.SkillInput{{Code: skill.TagCode("go"), MinLevel: 2, MustHave: true}, {Code: skill.TagCode("docker"), MinLevel: 1, Learnable: true}},
			OpenToCareerChangers: true,
		})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := e.offers.Publish(company, o.ID); err != nil {
			tb.Fatal(err)
		}
		offers = append(offers, o.ID)
	}
	moves := [][]application.MoveInput{
		nil,
		{{To: application.StatusInReview}},
		{{To: application.StatusInReview}, {To: application.StatusInterview}},
		{{To: application.StatusRejected, Reason: application.ReasonSkillsMismatch}},
		{{To: application.StatusInReview}, {To: application.StatusInterview}, {To: application.StatusOfferMade}, {To: application.StatusHired}},
	}
	for i := range n + outsiders {
		id := newID()
		ctx := auth.NewContext(context.Background(), auth.Identity{UserID: id, Role: auth.RoleCandidate, SessionID: "s"})
		p, err := e.profiles.Mine(ctx, fmt.Sprintf("Candidat·e %04d", i))
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := e.profiles.Update(ctx, id, candidate.ProfileInput{
			DisplayName: p.DisplayName, Skills: []candidate.SkillInput{{Code: skill.TagCode("go"), Level: skill.Level(1 + r.IntN(4))}},
			CommuneID: "44109", MobilityKm: 30, Remote: candidate.RemoteHybrid, Contracts: []contract.Type{contract.CDI},
			Visibility: candidate.VisibilityAnonymous, MatchingConsent: true,
		}, p.Revision); err != nil {
			tb.Fatal(err)
		}
		org := w.adviser.OrgID
		if i >= n {
			org = other.OrgID // an outsider, followed by another organisation
			w.outsiders = append(w.outsiders, id)
		} else {
			w.candidates = append(w.candidates, id)
		}
		if _, err := e.profiles.LinkAdviser(ctx, id, org); err != nil {
			tb.Fatal(err)
		}
		first := r.IntN(len(offers))
		for k := range apps(i) {
			a, err := e.apps.Apply(ctx, application.ApplyInput{OfferID: offers[(first+k)%len(offers)]})
			if err != nil {
				tb.Fatal(err)
			}
			for _, m := range moves[r.IntN(len(moves))] {
				if a, err = e.apps.Move(company, a.ID, m); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	return w
}

// BenchmarkDashboard measures the adviser dashboard of a caseload of 50, 200
// and 1,000 candidates with three applications each: one call computes
// every row and the outcomes, then returns the first page. store-calls/op
// counts every command sent to the test's database during the loop,
// including the matching service's once-a-second catch-up reads.
func BenchmarkDashboard(b *testing.B) {
	for _, n := range []int{50, 200, 1000} {
		b.Run(fmt.Sprintf("candidates=%d", n), func(b *testing.B) {
			if n > 200 && os.Getenv("PASSERELLE_BENCH_STORE") == "" {
				b.Skip("set PASSERELLE_BENCH_STORE=1 to build a world of 1,000 candidates (about 25 minutes)")
			}
			// With b.Loop the function runs once: the world is built once
			// per size, outside the timed loop.
			w := buildCaseload(b, newEnv(b), rand.New(rand.NewPCG(1, uint64(n))), n, 0, func(int) int { return 3 })
			before := storetest.Commands(w.st)
			b.ReportAllocs()
			for b.Loop() {
				d, err := w.svc.Dashboard(w.adviser.ctx, caseload.Filter{}, caseload.PageRequest{})
				if err != nil {
					b.Fatal(err)
				}
				if d.CaseloadSize != n {
					b.Fatalf("caseload of %d, want %d", d.CaseloadSize, n)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(storetest.Commands(w.st)-before)/float64(b.N), "store-calls/op")
		})
	}
}

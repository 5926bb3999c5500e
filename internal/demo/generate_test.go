package demo_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/demo"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

// genDay is the fixed day of the generated test worlds.
var genDay = time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)

// world is everything a generated world wrote, read back.
type world struct {
	profiles  []candidate.Profile
	offers    []offer.Offer
	companies []offer.Company
}

func generate(t *testing.T, o demo.GenerateOptions) (*store.Store, world) {
	t.Helper()
	st := storetest.MustOpen(t)
	migrate(t, st)
	o.Today = genDay
	if err := demo.Generate(bg(t), st, o); err != nil {
		t.Fatalf("generate: %v", err)
	}
	return st, readWorld(t, st)
}

func readWorld(t *testing.T, st *store.Store) world {
	t.Helper()
	ctx := bg(t)
	var w world
	ps, os := candidatedb.New(st), offerdb.New(st)
	for after := ""; ; {
		page, err := ps.ScanProfiles(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		w.profiles = append(w.profiles, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	for after := ""; ; {
		page, err := os.ScanOffers(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		w.offers = append(w.offers, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	for since := int64(0); ; {
		page, err := os.ChangedCompanies(ctx, since, 1000)
		if err != nil {
			t.Fatal(err)
		}
		w.companies = append(w.companies, page...)
		if len(page) < 1000 {
			break
		}
		since = page[len(page)-1].Revision
	}
	slices.SortFunc(w.companies, func(a, b offer.Company) int { return compare(a.OrgID, b.OrgID) })
	return w
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// withoutRevisions returns w with every revision zeroed: the only part of a
// document that depends on the database rather than on the seed.
func withoutRevisions(w world) world {
	out := world{profiles: slices.Clone(w.profiles), offers: slices.Clone(w.offers), companies: slices.Clone(w.companies)}
	for i := range out.profiles {
		out.profiles[i].Revision = 0
	}
	for i := range out.offers {
		out.offers[i].Revision = 0
	}
	for i := range out.companies {
		out.companies[i].Revision = 0
	}
	return out
}

func TestGenerate(t *testing.T) {
	const candidates, offers = 2000, 200
	var calls, last, total int
	st, w := generate(t, demo.GenerateOptions{Candidates: candidates, Offers: offers, Seed: 42, BatchSize: 500,
		Progress: func(done, n int) { calls, last, total = calls+1, done, n }})
	if len(w.profiles) != candidates || len(w.offers) != offers || len(w.companies) != 25 {
		t.Fatalf("wrote %d profiles, %d offers, %d company pages; want %d, %d, 25", len(w.profiles), len(w.offers), len(w.companies), candidates, offers)
	}
	if last != total || total != candidates+offers+25 || calls != 1+1+4 {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, total)
	}
	// Every document has its own revision, so that other instances catch up.
	revisions := map[int64]bool{}
	for _, p := range w.profiles {
		revisions[p.Revision] = true
	}
	for _, o := range w.offers {
		revisions[o.Revision] = true
	}
	for _, c := range w.companies {
		revisions[c.Revision] = true
	}
	if len(revisions) != candidates+offers+25 || revisions[0] {
		t.Errorf("%d distinct revisions for %d documents (zero among them: %v)", len(revisions), candidates+offers+25, revisions[0])
	}

	t.Run("same seed, same world; another seed, another world", func(t *testing.T) {
		_, again := generate(t, demo.GenerateOptions{Candidates: candidates, Offers: offers, Seed: 42})
		if !reflect.DeepEqual(withoutRevisions(w), withoutRevisions(again)) {
			for i := range w.profiles {
				if !reflect.DeepEqual(withoutRevisions(w).profiles[i], withoutRevisions(again).profiles[i]) {
					t.Fatalf("profile %d differs:\n%+v\n%+v", i, w.profiles[i], again.profiles[i])
				}
			}
			t.Fatal("same seed, different worlds")
		}
		_, other := generate(t, demo.GenerateOptions{Candidates: candidates / 5, Offers: offers / 5, Seed: 43})
		mine := map[string]bool{}
		for _, p := range w.profiles {
			mine[p.ID] = true
			mine[fmt.Sprint(p.DisplayName, p.Skills)] = true
		}
		same := 0
		for _, p := range other.profiles {
			if mine[p.ID] || mine[fmt.Sprint(p.DisplayName, p.Skills)] {
				same++
			}
		}
		if same > 0 {
			t.Errorf("seeds 42 and 43 share %d of %d profiles", same, len(other.profiles))
		}
	})

	t.Run("rerun completes without duplicating", func(t *testing.T) {
		if err := demo.Generate(bg(t), st, demo.GenerateOptions{Candidates: candidates, Offers: offers, Seed: 42, Today: genDay}); err != nil {
			t.Fatalf("rerun: %v", err)
		}
		n, err := st.DB.Collection(candidatedb.Collection).CountDocuments(bg(t), map[string]any{})
		if err != nil || n != candidates {
			t.Errorf("%d profiles after a rerun (%v), want %d", n, err, candidates)
		}
	})

	t.Run("skill popularity is skewed", func(t *testing.T) {
		holders := map[skill.Code]int{}
		for _, p := range w.profiles {
			for _, s := range p.Skills {
				holders[s.Code]++
			}
		}
		counts := make([]int, 0, len(holders))
		for _, n := range holders {
			counts = append(counts, n)
		}
		slices.Sort(counts)
		top, median := counts[len(counts)-1], counts[len(counts)/2]
		t.Logf("%d distinct skills held; top held by %d profiles, median by %d", len(counts), top, median)
		if top < 20*median || len(counts) < 200 {
			t.Errorf("top skill held by %d profiles, median one by %d, %d distinct: want a few very common skills and a long tail", top, median, len(counts))
		}
	})

	t.Run("a realistic population", func(t *testing.T) {
		changers, training, withPlace, places := 0, 0, 0, map[string]bool{}
		for _, p := range w.profiles {
			if len(p.FormerOccupations) > 0 {
				changers++
			}
			if len(p.Trainings) > 0 && p.Trainings[0].Status == candidate.TrainingInProgress {
				training++
			}
			if !p.Place.IsZero() {
				withPlace++
				places[p.Place.CommuneID] = true
			}
		}
		if changers < candidates*7/10 || training < candidates/3 || withPlace != candidates || len(places) < 40 {
			t.Errorf("%d career changers, %d in training, %d placed in %d communes, of %d", changers, training, withPlace, len(places), candidates)
		}
		published := 0
		for _, o := range w.offers {
			if o.Status == offer.StatusPublished {
				published++
			}
		}
		if published < offers*8/10 {
			t.Errorf("%d of %d offers published", published, offers)
		}
	})

	t.Run("documents pass the services' validation", func(t *testing.T) {
		// A world of its own, small: every update below reads and writes
		// by id, which the embedded store answers with a full scan.
		st, w := generate(t, demo.GenerateOptions{Candidates: 80, Offers: 40, Seed: 42})
		dir, err := place.NewDirectory(demo.WorldCommunes(nil), place.ImportStats{})
		if err != nil {
			t.Fatal(err)
		}
		now := func() time.Time { return genDay.Add(10 * time.Hour) }
		profiles := candidate.NewService(candidatedb.New(st), skill.Builtin(), dir, now)
		for _, p := range w.profiles {
			ctx := auth.NewContext(bg(t), auth.Identity{UserID: p.ID, Role: auth.RoleCandidate})
			if _, err := profiles.Update(ctx, p.ID, p.Input(), p.Revision); err != nil {
				t.Fatalf("profile %s does not validate: %v\n%+v", p.ID, err, p)
			}
		}
		offers := offer.NewService(offerdb.New(st), skill.Builtin(), dir, now)
		for _, o := range w.offers {
			if o.Status == offer.StatusClosed {
				continue
			}
			ctx := auth.NewContext(bg(t), auth.Identity{UserID: "0123456789abcdef01234567", Role: auth.RoleEmployer, OrgID: o.CompanyID})
			if _, err := offers.Update(ctx, o.ID, o.Input(), o.Revision); err != nil {
				t.Fatalf("offer %s does not validate: %v\n%+v", o.ID, err, o)
			}
		}
		for _, c := range w.companies {
			ctx := auth.NewContext(bg(t), auth.Identity{UserID: "0123456789abcdef01234567", Role: auth.RoleEmployer, OrgID: c.OrgID})
			if _, err := offers.UpdateCompany(ctx, c.OrgID, c.Input(), c.Revision); err != nil {
				t.Fatalf("company %s does not validate: %v\n%+v", c.OrgID, err, c)
			}
		}
	})
}

// TestGenerateSpeed measures writing PASSERELLE_GENERATE_PROFILES profiles
// (e.g. 100000) on the test store; skipped unless the variable is set.
func TestGenerateSpeed(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PASSERELLE_GENERATE_PROFILES"))
	if n <= 0 {
		t.Skip("set PASSERELLE_GENERATE_PROFILES=100000 to measure")
	}
	st := storetest.MustOpen(t)
	migrate(t, st)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	start := time.Now()
	next := 0
	err := demo.Generate(ctx, st, demo.GenerateOptions{Candidates: n, Offers: n / 10, Seed: 1, Progress: func(done, total int) {
		if done*10/total >= next {
			t.Logf("%7d / %d after %s", done, total, time.Since(start).Round(time.Millisecond))
			next = done*10/total + 1
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("%d profiles and %d offers in %s: %.0f documents/s", n, n/10, d.Round(time.Millisecond), float64(n+n/10+n/80)/d.Seconds())
}

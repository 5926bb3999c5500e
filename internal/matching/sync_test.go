package matching

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"passerelle/internal/candidate"
	"passerelle/internal/match"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// fakeStore is a store whose writes land when the test says: a revision
// can become visible after a higher one, as on a real store where a writer
// takes its revision, then writes.
type fakeStore struct {
	mu     sync.Mutex
	landed []candidate.Profile
	reads  int
}

func (f *fakeStore) land(ps ...candidate.Profile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.landed = append(f.landed, ps...)
}

func (f *fakeStore) Changed(_ context.Context, since int64, limit int) ([]candidate.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	var out []candidate.Profile
	for _, p := range f.landed {
		if p.Revision > since {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b candidate.Profile) int { return int(a.Revision - b.Revision) })
	return out[:min(limit, len(out))], nil
}

type noOffers struct{}

func (noOffers) Changed(context.Context, int64, int) ([]offer.Offer, error) { return nil, nil }

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func profileAt(n int, rev int64, at time.Time) candidate.Profile {
	return candidate.Profile{ID: hexID(0xca0000 + n), DisplayName: "P", Revision: rev, UpdatedAt: at,
		Visibility: candidate.VisibilityVisible, MatchingConsent: true,
		Skills: []candidate.Skill{{Code: "tag:go", Level: 2, Evidence: skill.EvidenceDeclared}}}
}

func (s *Service) holds(id string) bool {
	_, err := s.ix.OffersForCandidate(context.Background(), id, matchQuery())
	return err == nil
}

// TestLateWriteIsNotMissed: revision 2 lands after revision 3 was read; the
// safety window reads it anyway, and the cursor moves past both only once
// they are older than the window.
func TestLateWriteIsNotMissed(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	t0 := clock.now()
	fs := &fakeStore{}
	fs.land(profileAt(1, 1, t0), profileAt(3, 3, t0))
	svc := mustService(t, Config{Profiles: fs, Offers: noOffers{}, Taxonomy: skill.Builtin(), Key: testKey,
		PollEvery: time.Hour, Settle: 30 * time.Second, Now: clock.now})
	mustStart(t, svc)
	if !svc.holds(hexID(0xca0001)) || !svc.holds(hexID(0xca0003)) || svc.cursorP != 0 {
		t.Fatalf("after the build: cursor %d", svc.cursorP)
	}

	fs.land(profileAt(2, 2, t0)) // took its revision before 3, landed after
	if err := svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !svc.holds(hexID(0xca0002)) {
		t.Fatal("the late write was missed")
	}
	if svc.cursorP != 0 {
		t.Fatalf("cursor moved to %d inside the safety window", svc.cursorP)
	}

	clock.advance(31 * time.Second)
	fs.land(profileAt(4, 4, clock.now()))
	if err := svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if svc.cursorP != 3 || !svc.holds(hexID(0xca0004)) {
		t.Fatalf("cursor %d, want 3 (everything older than the window)", svc.cursorP)
	}
}

// TestBuildReadsPageByPage: more documents than one page, all indexed.
func TestBuildReadsPageByPage(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := &fakeStore{}
	const n = 2*pageSize + 17
	for i := range n {
		fs.land(profileAt(i, int64(i+1), old))
	}
	svc := mustService(t, Config{Profiles: fs, Offers: noOffers{}, Taxonomy: skill.Builtin(), Key: testKey, PollEvery: time.Hour})
	mustStart(t, svc)
	if np, _ := svc.ix.Len(); np != n || fs.reads != 3 || svc.cursorP != n {
		t.Fatalf("%d profiles indexed in %d reads, cursor %d; want %d in 3, cursor %d", np, fs.reads, svc.cursorP, n, n)
	}
}

func TestRelationsCacheTheTaxonomy(t *testing.T) {
	tax := skill.Builtin()
	rel := NewRelations(tax)
	for _, code := range []string{"tag:go", "tag:sql", "ogr:113798", "tag:no-such-tag"} {
		want := tax.Related(skill.Code(code))
		for range 2 {
			got := rel.Related(code)
			if len(got) != len(want) {
				t.Fatalf("%s: %d relations, taxonomy %d", code, len(got), len(want))
			}
			for i := range got {
				if got[i].Code != string(want[i].Code) || got[i].Strength != want[i].Strength {
					t.Fatalf("%s: %+v, taxonomy %+v", code, got[i], want[i])
				}
			}
		}
	}
	if len(rel.Related("tag:go")) == 0 {
		t.Fatal("Go has no related skill: the test proves nothing")
	}
	core := tax.CoreItems("M1805")
	if got := rel.CoreItems("M1805"); len(got) != len(core) || len(got) == 0 {
		t.Fatalf("core items of M1805: %d, taxonomy %d", len(got), len(core))
	}
	var mob []skill.Mobility
	for _, o := range tax.Occupations() {
		if mob = tax.Mobility(o.Code); len(mob) > 0 {
			break
		}
	}
	if len(mob) == 0 {
		t.Fatal("no mobility in the built-in ROME")
	}
	from := string(mob[0].From)
	if !rel.Mobility(from, string(mob[0].To)) || rel.Mobility(from, "Z9999") {
		t.Fatal("mobility answers differ from the taxonomy")
	}
}

func matchQuery() match.Query { return match.Query{K: 1} }

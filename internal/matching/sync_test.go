package matching

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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
	mu      sync.Mutex
	landed  []candidate.Profile
	reads   int // calls of Changed
	streams int // calls of StreamChanged
	// sent counts the profiles StreamChanged gave fn; afterSend, when set,
	// is called after each.
	sent      int
	afterSend func(sent int)
	// ignoreCtx makes StreamChanged read on when ctx is done, as a store
	// between two batches does: only fn's error stops it.
	ignoreCtx bool
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

// StreamChanged serves what has landed like candidatedb's stream: in
// revision order, looking at ctx before each profile.
func (f *fakeStore) StreamChanged(ctx context.Context, since int64, fn func(candidate.Profile) error) error {
	f.mu.Lock()
	f.streams++
	var out []candidate.Profile
	for _, p := range f.landed {
		if p.Revision > since {
			out = append(out, p)
		}
	}
	f.mu.Unlock()
	slices.SortFunc(out, func(a, b candidate.Profile) int { return int(a.Revision - b.Revision) })
	for _, p := range out {
		if err := ctx.Err(); err != nil && !f.ignoreCtx {
			return err
		}
		if err := fn(p); err != nil {
			return fmt.Errorf("stream profiles: %w", err)
		}
		f.sent++
		if f.afterSend != nil {
			f.afterSend(f.sent)
		}
	}
	return nil
}

type noOffers struct{}

func (noOffers) Changed(context.Context, int64, int) ([]offer.Offer, error) { return nil, nil }

func (noOffers) StreamChanged(context.Context, int64, func(offer.Offer) error) error { return nil }

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

// TestBuildReadsOneStream: more documents than one page, all indexed
// through one stream and no page; the first poll then pages from the
// cursor the build left.
func TestBuildReadsOneStream(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := &fakeStore{}
	const n = 2*pageSize + 17
	for i := range n {
		fs.land(profileAt(i, int64(i+1), old))
	}
	svc := mustService(t, Config{Profiles: fs, Offers: noOffers{}, Taxonomy: skill.Builtin(), Key: testKey, PollEvery: time.Hour})
	mustStart(t, svc)
	if np, _ := svc.ix.Len(); np != n || fs.streams != 1 || fs.reads != 0 || svc.cursorP != n {
		t.Fatalf("%d profiles indexed in %d streams and %d pages, cursor %d; want %d in 1 and 0, cursor %d",
			np, fs.streams, fs.reads, svc.cursorP, n, n)
	}
	fs.land(profileAt(n, n+1, old))
	if err := svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if np, _ := svc.ix.Len(); np != n+1 || fs.reads != 1 || svc.cursorP != n+1 {
		t.Fatalf("after a poll: %d profiles in %d pages, cursor %d; want %d in 1, cursor %d", np, fs.reads, svc.cursorP, n+1, n+1)
	}
}

// TestBuildStopsOnCancel: cancelling the build's context stops the store
// read, whether the store notices first (between two documents) or Build
// does (it looks at ctx every few thousand documents, then stops ranging,
// which must end the read), and Start fails without marking the index
// ready.
func TestBuildStopsOnCancel(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		n         int
		ignoreCtx bool
		wantSent  int
	}{
		{name: "the store notices", n: 50, wantSent: 10},
		{name: "build notices", n: 5000, ignoreCtx: true, wantSent: 4095}, // Build's check at the 4,096th stops it before fn returns
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeStore{ignoreCtx: tc.ignoreCtx}
			for i := range tc.n {
				fs.land(profileAt(i, int64(i+1), old))
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fs.afterSend = func(sent int) {
				if sent == 10 {
					cancel()
				}
			}
			svc := mustService(t, Config{Profiles: fs, Offers: noOffers{}, Taxonomy: skill.Builtin(), Key: testKey, PollEvery: time.Hour})
			err := svc.Start(ctx)
			defer svc.Close()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Start: %v, want context.Canceled", err)
			}
			if fs.sent != tc.wantSent || fs.streams != 1 || svc.ready.Load() {
				t.Fatalf("%d profiles sent in %d streams, ready %v; want %d in 1, not ready", fs.sent, fs.streams, svc.ready.Load(), tc.wantSent)
			}
			if np, _ := svc.ix.Len(); np != 0 {
				t.Fatalf("%d profiles in the index after a cancelled build, want 0", np)
			}
		})
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

// cancelAfter cancels the build's context once after profiles have
// reached the index through the wrapped Profiles' stream.
type cancelAfter struct {
	Profiles
	after  int
	cancel context.CancelFunc
	sent   int
}

func (c *cancelAfter) StreamChanged(ctx context.Context, since int64, fn func(candidate.Profile) error) error {
	return c.Profiles.StreamChanged(ctx, since, func(p candidate.Profile) error {
		if err := fn(p); err != nil {
			return err
		}
		if c.sent++; c.sent == c.after {
			c.cancel()
		}
		return nil
	})
}

// TestBuildStopsOnCancelFromTheStore: the same on the store: the stream
// stops at the next document once the context is cancelled.
func TestBuildStopsOnCancelFromTheStore(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 5 {
		w.newCandidate(r, i, w.profiles)
	}
	if np, _ := w.fresh().ix.Len(); np != 5 {
		t.Fatal("a build from the store does not hold the 5 profiles")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ps := &cancelAfter{Profiles: w.profiles, after: 2, cancel: cancel}
	svc := mustService(t, Config{Profiles: ps, Offers: w.offers, Taxonomy: w.tax, Key: testKey, PollEvery: time.Hour})
	err := svc.Start(ctx)
	defer svc.Close()
	if !errors.Is(err, context.Canceled) || ps.sent != 2 || svc.ready.Load() {
		t.Fatalf("Start: %v after %d profiles, ready %v; want context.Canceled after 2, not ready", err, ps.sent, svc.ready.Load())
	}
}

package match_test

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	"passerelle/internal/match"
	"passerelle/internal/match/synth"
)

func seq2[T any](s iter.Seq[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func mustBuild(tb testing.TB, w *synth.World) *match.Index {
	tb.Helper()
	ix, err := match.New(w.Relations(), match.DefaultWeights)
	if err != nil {
		tb.Fatal(err)
	}
	s := match.Stream{Profiles: seq2(w.Profiles()), Offers: seq2(w.Offers())}
	if err := ix.Build(context.Background(), s, nil); err != nil {
		tb.Fatal(err)
	}
	return ix
}

// queryShapes are the query shapes checked against brute force.
var queryShapes = []match.Query{
	{},
	{Viewer: match.RoleAdviser, K: 10},
	{K: 7, Offset: 5},
	{K: 1},
	{Viewer: match.RoleAdviser, K: 200, MinScore: 30},
	{K: 20, Contracts: match.ContractCDI | match.ContractAlternance},
	{K: 20, RemoteOnly: true},
}

// samePage fails unless two pages hold the same results in the same order
// with the same scores; explanations too when withExplanations.
func samePage(tb testing.TB, what string, got, want match.Page, withExplanations bool) {
	tb.Helper()
	if len(got.Results) != len(want.Results) || got.More != want.More {
		tb.Fatalf("%s: %d results (more %v), want %d (more %v)\n got %v\nwant %v", what,
			len(got.Results), got.More, len(want.Results), want.More, ids(got.Results), ids(want.Results))
	}
	for i := range got.Results {
		g, w := got.Results[i], want.Results[i]
		if g.ID != w.ID || g.Score != w.Score || g.Anonymous != w.Anonymous {
			tb.Fatalf("%s: result %d = %s %v (anon %v), want %s %v (anon %v)", what, i, g.ID, g.Score, g.Anonymous, w.ID, w.Score, w.Anonymous)
		}
		if withExplanations && !reflect.DeepEqual(g.Explanation, w.Explanation) {
			tb.Fatalf("%s: explanation of %s differs\n got %+v\nwant %+v", what, g.ID, g.Explanation, w.Explanation)
		}
	}
}

func TestIndexEqualsBruteForce(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2, 3} {
		w := synth.New(synth.Config{Seed: seed, Profiles: 3000, Offers: 300})
		ix := mustBuild(t, w)
		r := rand.New(rand.NewPCG(seed, 99))
		for range 12 {
			o := w.Offer(r.IntN(300))
			q := queryShapes[r.IntN(len(queryShapes))]
			got, err := ix.CandidatesForOffer(ctx, o.ID, q)
			if errors.Is(err, match.ErrOfferClosed) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			brute, err := ix.BruteForceCandidates(ctx, o.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			samePage(t, "index vs brute force, candidates for "+o.ID, got, brute, true)
			plain, err := match.ScoreAll(ctx, w.Profiles(), o, w.Relations(), match.DefaultWeights, q)
			if err != nil {
				t.Fatal(err)
			}
			samePage(t, "index vs ScoreAll, candidates for "+o.ID, got, plain, true)
		}
		for range 12 {
			p := w.Profile(r.IntN(3000))
			q := queryShapes[r.IntN(len(queryShapes))]
			got, err := ix.OffersForCandidate(ctx, p.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			brute, err := ix.BruteForceOffers(ctx, p.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			samePage(t, "index vs brute force, offers for "+p.ID, got, brute, true)
			plain, err := match.ScoreAllOffers(ctx, w.Offers(), p, w.Relations(), match.DefaultWeights, q)
			if err != nil {
				t.Fatal(err)
			}
			samePage(t, "index vs ScoreAllOffers, offers for "+p.ID, got, plain, true)
		}
	}
}

// TestIndexEqualsBruteForceLarge checks a world large enough for bitmap
// chunks and several chunks of ids; it is skipped in -short mode and under
// the race detector, for time.
func TestIndexEqualsBruteForceLarge(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("large world: not in -short mode or under the race detector")
	}
	ctx := context.Background()
	w := synth.New(synth.Config{Seed: 21, Profiles: 150_000, Offers: 2000})
	ix := mustBuild(t, w)
	// Updates after the build land in new blocks past the renumbered ones.
	for i := range 3000 {
		p := w.Profile((i * 7919) % 150_000)
		p.ID, p.Revision = synth.ProfileID(i*41%160_000), uint64(1<<32+i)
		if err := ix.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(21, 1))
	for range 40 {
		o := w.Offer(r.IntN(2000))
		q := queryShapes[r.IntN(len(queryShapes))]
		got, err := ix.CandidatesForOffer(ctx, o.ID, q)
		if errors.Is(err, match.ErrOfferClosed) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		brute, err := ix.BruteForceCandidates(ctx, o.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		samePage(t, "large world, candidates for "+o.ID, got, brute, true)
	}
	for range 40 {
		p := synth.ProfileID(r.IntN(150_000))
		q := queryShapes[r.IntN(len(queryShapes))]
		got, err := ix.OffersForCandidate(ctx, p, q)
		if errors.Is(err, match.ErrNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		brute, err := ix.BruteForceOffers(ctx, p, q)
		if err != nil {
			t.Fatal(err)
		}
		samePage(t, "large world, offers for "+p, got, brute, true)
	}
}

// TestIndexConsistency applies random create, update and delete sequences,
// then checks that the index answers what a recomputation from the
// documents answers, and what an index built afresh from them answers.
func TestIndexConsistency(t *testing.T) {
	ctx := context.Background()
	const n, m = 1500, 150
	w := synth.New(synth.Config{Seed: 5, Profiles: n, Offers: m})
	ix := mustBuild(t, w)
	store := map[string]match.Profile{}
	for p := range w.Profiles() {
		store[p.ID] = p
	}
	offers := map[string]match.Offer{}
	for o := range w.Offers() {
		offers[o.ID] = o
	}
	rev := uint64(n + m + 1)
	r := rand.New(rand.NewPCG(5, 5))
	for range 3000 {
		rev++
		switch x := r.IntN(10); {
		case x < 5: // update a profile with another one's content (new skills, place...)
			i := r.IntN(n + 200)
			p := w.Profile(r.IntN(n))
			p.ID, p.Revision = synth.ProfileID(i), rev
			if r.IntN(3) == 0 { // a small edit: one skill more or less
				p = store[synth.ProfileID(r.IntN(n))]
				if p.ID == "" {
					continue
				}
				p.Revision = rev
				if len(p.Skills) > 3 && r.IntN(2) == 0 {
					p.Skills = slices.Delete(slices.Clone(p.Skills), 0, 1)
				} else {
					p.Skills = append(slices.Clone(p.Skills), match.HeldSkill{Code: "tag:sql", Level: 3})
				}
			}
			store[p.ID] = p
			if err := ix.Upsert(p); err != nil {
				t.Fatal(err)
			}
		case x < 7: // delete a profile
			id := synth.ProfileID(r.IntN(n + 200))
			delete(store, id)
			if err := ix.DeleteProfile(id, rev); err != nil {
				t.Fatal(err)
			}
		case x < 8: // a stale version arrives late: ignored
			id := synth.ProfileID(r.IntN(n))
			p := w.Profile(r.IntN(n))
			p.ID, p.Revision = id, 1
			if _, ok := store[id]; ok || r.IntN(2) == 0 {
				if err := ix.Upsert(p); err != nil {
					t.Fatal(err)
				}
			}
		case x < 9: // update or create an offer
			o := w.Offer(r.IntN(m))
			o.ID, o.Revision = synth.OfferID(r.IntN(m+20)), rev
			offers[o.ID] = o
			if err := ix.UpsertOffer(o); err != nil {
				t.Fatal(err)
			}
		default: // delete an offer
			id := synth.OfferID(r.IntN(m + 20))
			delete(offers, id)
			if err := ix.DeleteOffer(id, rev); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := ix.LastRevision(); got != rev {
		t.Errorf("LastRevision = %d, want %d", got, rev)
	}
	if np, no := ix.Len(); np != len(store) || no != len(offers) {
		t.Errorf("Len = %d profiles, %d offers, want %d, %d", np, no, len(store), len(offers))
	}

	profileList := slices.SortedFunc(maps.Values(store), func(a, b match.Profile) int { return cmp.Compare(a.ID, b.ID) })
	offerList := slices.SortedFunc(maps.Values(offers), func(a, b match.Offer) int { return cmp.Compare(a.ID, b.ID) })
	fresh, err := match.New(w.Relations(), match.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	if err := fresh.Build(ctx, match.Stream{Profiles: seq2(slices.Values(profileList)), Offers: seq2(slices.Values(offerList))}, nil); err != nil {
		t.Fatal(err)
	}
	for i, o := range offerList {
		if i%8 != 0 || o.Status == match.OfferClosed {
			continue
		}
		q := queryShapes[i%len(queryShapes)]
		got, err := ix.CandidatesForOffer(ctx, o.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := match.ScoreAll(ctx, slices.Values(profileList), o, w.Relations(), match.DefaultWeights, q)
		if err != nil {
			t.Fatal(err)
		}
		samePage(t, "after writes, candidates for "+o.ID, got, want, true)
		rebuilt, err := fresh.CandidatesForOffer(ctx, o.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		samePage(t, "after writes vs rebuilt, candidates for "+o.ID, got, rebuilt, true)
	}
	for i, p := range profileList {
		if i%40 != 0 {
			continue
		}
		q := queryShapes[i%len(queryShapes)]
		got, err := ix.OffersForCandidate(ctx, p.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := match.ScoreAllOffers(ctx, slices.Values(offerList), p, w.Relations(), match.DefaultWeights, q)
		if err != nil {
			t.Fatal(err)
		}
		samePage(t, "after writes, offers for "+p.ID, got, want, true)
	}
	for id := range 200 {
		if _, ok := store[synth.ProfileID(n+id)]; ok {
			continue
		}
		if _, err := ix.OffersForCandidate(ctx, synth.ProfileID(n+id), match.Query{}); !errors.Is(err, match.ErrNotFound) {
			t.Fatalf("deleted profile: err = %v, want ErrNotFound", err)
		}
	}
}

func TestRevisions(t *testing.T) {
	ix := mustIndex(t, nil, nil, []match.Offer{baseOffer(1, must("tag:go", 2))})
	p := baseProfile(1, held("tag:go", 3))
	p.Revision = 10
	if err := ix.Upsert(p); err != nil {
		t.Fatal(err)
	}
	old := p
	old.Revision, old.Skills = 9, nil
	if err := ix.Upsert(old); err != nil {
		t.Fatal(err)
	}
	if got := mustCandidates(t, ix, oid(1), match.Query{}); len(got) != 1 {
		t.Fatalf("an older version replaced a newer one: %v", ids(got))
	}
	if err := ix.DeleteProfile(p.ID, 11); err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(p); err != nil { // revision 10, older than the deletion
		t.Fatal(err)
	}
	if got := mustCandidates(t, ix, oid(1), match.Query{}); len(got) != 0 {
		t.Fatalf("a version older than the deletion came back: %v", ids(got))
	}
	if got := ix.LastRevision(); got != 1001 {
		t.Errorf("LastRevision = %d, want 1001 (the offer's)", got)
	}
	if err := ix.Upsert(match.Profile{ID: "xyz"}); !errors.Is(err, match.ErrInvalid) {
		t.Errorf("bad ID: err = %v, want ErrInvalid", err)
	}
	bad := baseProfile(3, held("tag:go", 5))
	if err := ix.Upsert(bad); !errors.Is(err, match.ErrInvalid) {
		t.Errorf("level 5: err = %v, want ErrInvalid", err)
	}
}

func TestBuildProgressAndConcurrentWrites(t *testing.T) {
	w := synth.New(synth.Config{Seed: 9, Profiles: 1000, Offers: 50})
	ix, err := match.New(w.Relations(), match.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	// A write lands while the build reads its stream: it must survive the
	// swap, and beat the older version the stream holds.
	late := w.Profile(3)
	late.Revision = 1 << 40
	late.Skills = []match.HeldSkill{{Code: "tag:unique", Level: 4}}
	profiles := func(yield func(match.Profile, error) bool) {
		for p := range w.Profiles() {
			if p.ID == synth.ProfileID(500) {
				if err := ix.Upsert(late); err != nil {
					t.Error(err)
				}
			}
			if !yield(p, nil) {
				return
			}
		}
		bad := w.Profile(0)
		bad.ID = "not-an-id"
		yield(bad, nil)
	}
	var last match.Progress
	invalid := 0
	err = ix.Build(context.Background(), match.Stream{Profiles: profiles, Offers: seq2(w.Offers())}, func(p match.Progress) {
		if p.Err != nil {
			invalid++
		}
		last = p
	})
	if err != nil {
		t.Fatal(err)
	}
	if !last.Done || last.Profiles != 1001 || last.Offers != 50 || last.Invalid != 1 || invalid != 1 {
		t.Errorf("last progress = %+v (%d errors reported), want done, 1001 profiles, 50 offers, 1 invalid", last, invalid)
	}
	o := baseOffer(77, must("tag:unique", 1))
	o.Remote = match.PolicyRemote
	o.Contract = match.ContractCDI
	o.Start = w.Config().Ref.AddDate(1, 0, 0)
	if err := ix.UpsertOffer(o); err != nil {
		t.Fatal(err)
	}
	got := mustCandidates(t, ix, o.ID, match.Query{Viewer: match.RoleAdviser})
	if ok, _ := match.Visible(late, match.RoleAdviser); ok && match.Check(late, o, match.DefaultWeights) == match.ExclusionNone {
		if !slices.Equal(ids(got), []string{late.ID}) {
			t.Errorf("the write made during the build was lost: %v", ids(got))
		}
	}
	if ix.LastRevision() != 1<<40 {
		t.Errorf("LastRevision = %d, want %d", ix.LastRevision(), 1<<40)
	}

	// Cancelled builds leave the index as it was.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Build(ctx, match.Stream{Profiles: seq2(w.Profiles())}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build: err = %v", err)
	}
	if np, _ := ix.Len(); np != 1000 {
		t.Errorf("after a cancelled build the index holds %d profiles, want 1000", np)
	}
}

// TestConcurrentReadersAndWriters is for the race detector.
func TestConcurrentReadersAndWriters(t *testing.T) {
	w := synth.New(synth.Config{Seed: 11, Profiles: 2000, Offers: 100})
	ix := mustBuild(t, w)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for i := range 150 {
				if g == 0 {
					p := w.Profile(r.IntN(2000))
					p.Revision = uint64(10000 + i)
					p.ID = synth.ProfileID(r.IntN(2100))
					if err := ix.Upsert(p); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				if _, err := ix.CandidatesForOffer(ctx, synth.OfferID(r.IntN(100)), match.Query{K: 10}); err != nil && !errors.Is(err, match.ErrOfferClosed) {
					t.Error(err)
					return
				}
				if _, err := ix.OffersForCandidate(ctx, synth.ProfileID(r.IntN(2000)), match.Query{K: 10}); err != nil && !errors.Is(err, match.ErrNotFound) {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

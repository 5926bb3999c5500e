package offer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/contract"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// fakeRepo serves ChangedOffers and PublishedOffers from a slice, so that a
// test can make a write with a lower revision land after a higher one.
type fakeRepo struct {
	Repository // the other methods are not used here
	mu         sync.Mutex
	offers     map[string]Offer
}

func (f *fakeRepo) put(o Offer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offers[o.ID] = o
}

func (f *fakeRepo) list(since int64, limit int, keep func(Offer) bool) []Offer {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Offer
	for _, o := range f.offers {
		if o.Revision > since && keep(o) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b Offer) int { return int(a.Revision - b.Revision) })
	return out[:min(limit, len(out))]
}

func (f *fakeRepo) ChangedOffers(_ context.Context, since int64, limit int) ([]Offer, error) {
	return f.list(since, limit, func(Offer) bool { return true }), nil
}

func (f *fakeRepo) PublishedOffers(_ context.Context, since int64, limit int) ([]Offer, error) {
	return f.list(since, limit, func(o Offer) bool { return o.Status == StatusPublished }), nil
}

// TestSyncWaitsForLateWrites: revisions are taken before writes land, so
// revision 4 may become visible after revision 5. The cursor must not jump
// over it.
func TestSyncWaitsForLateWrites(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	repo := &fakeRepo{offers: map[string]Offer{}}
	s := NewService(repo, nil, nil, func() time.Time { return now }, WithRefresh(0))
	pub := func(id string, rev int64, age time.Duration) Offer {
		return Offer{ID: id, Title: "Développeur " + id, Status: StatusPublished, Revision: rev, PublishedAt: now.Add(-age), UpdatedAt: now.Add(-age)}
	}
	repo.put(pub("a", 1, time.Hour))
	repo.put(pub("b", 2, time.Hour))
	repo.put(pub("e", 5, time.Second)) // recent: revision 4 may still be in flight
	if err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.cat.cursor != 2 || len(s.cat.entries) != 3 {
		t.Fatalf("cursor %d with %d offers, want 2 (not past the unsettled 5) and 3", s.cat.cursor, len(s.cat.entries))
	}
	repo.put(pub("d", 4, 2*time.Second)) // the late write lands
	closed := pub("a", 6, 0)
	closed.Status = StatusClosed
	repo.put(closed)
	if err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.cat.byID["d"]; !ok {
		t.Fatal("the late write was skipped")
	}
	if _, ok := s.cat.byID["a"]; ok {
		t.Fatal("the closed offer is still searchable")
	}
	// Time passes: everything settles and the cursor moves to the end; the
	// tombstone of "a" is no longer needed.
	now = now.Add(time.Hour)
	if err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.cat.cursor != 6 || len(s.cat.gone) != 0 {
		t.Fatalf("cursor %d, tombstones %v; want 6 and none", s.cat.cursor, s.cat.gone)
	}
	// An old version arriving late never replaces a newer one.
	s.cat.apply(pub("d", 3, time.Hour))
	if s.cat.byID["d"].offer.Revision != 4 {
		t.Fatal("an older version replaced a newer one")
	}
	s.cat.apply(closed)
	s.cat.apply(pub("a", 1, time.Hour))
	if _, ok := s.cat.byID["a"]; ok {
		t.Fatal("an older version brought a closed offer back")
	}
}

func TestSearchKeys(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Développeur C++ / C# et .NET", []string{"cplusplus", "csharp", "developpeur", "dotnet", "et"}},
		{"l'équipe Full-Stack, React.js sous Linux !", []string{"equipe", "full", "fullstack", "l", "linux", "reactjs", "sous", "stack"}},
		{"Réseaux, données", []string{"donnee", "reseau"}},
	} {
		if got := searchKeys(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("searchKeys(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if got := queryKeys("Développeur de la donnée dans l'équipe"); !slices.Equal(got, []string{"developpeur", "donnee", "equipe"}) {
		t.Errorf("queryKeys = %v", got)
	}
}

type fixedPlaces struct{}

func (fixedPlaces) ByID(id string) (place.Commune, bool) {
	return place.Commune{ID: id, Name: "Nantes", LatLon: place.LatLon{Lat: 47.2316, Lon: -1.5483}}, true
}

// BenchmarkSearch measures one search over the catalogue at the size
// DESIGN.md plans for (100,000 open offers per region): what a request
// pays instead of a full scan of the store.
func BenchmarkSearch(b *testing.B) {
	words := strings.Fields("développeur développeuse data analyste administrateur systèmes réseaux cloud web mobile " +
		"sécurité testeur chef projet produit designer UX UI support technicien intégrateur logiciel données équipe client")
	codes := []skill.Code{"tag:go", "tag:python", "tag:java", "tag:react", "tag:sql", "tag:docker", "tag:linux", "tag:figma"}
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := NewService(&fakeRepo{offers: map[string]Offer{}}, nil, fixedPlaces{}, func() time.Time { return now }, WithRefresh(0))
	s.cat.loaded = true
	for i := range 100_000 {
		var title, desc []string
		for range 3 {
			title = append(title, words[rng.IntN(len(words))])
		}
		for range 60 {
			desc = append(desc, words[rng.IntN(len(words))])
		}
		s.cat.apply(Offer{
			ID: fmt.Sprintf("%024x", i), Title: strings.Join(title, " "), Description: strings.Join(desc, " "),
			Skills:   []Skill{{Code: codes[rng.IntN(len(codes))]}, {Code: codes[rng.IntN(len(codes))]}},
			Contract: contract.All()[rng.IntN(5)], Remote: RemotePolicies()[rng.IntN(3)],
			Place:  Place{Lat: 43 + rng.Float64()*8, Lon: -4 + rng.Float64()*11},
			Status: StatusPublished, PublishedAt: now.Add(-time.Duration(rng.IntN(1e6)) * time.Second), Revision: int64(i + 1),
		})
	}
	for _, q := range []SearchQuery{
		{},
		{Text: "développeur données"},
		{Text: "développeur", Skills: []skill.Code{"tag:go"}, NearCommuneID: "44109", RadiusKm: 50, Page: PageRequest{Number: 2}},
	} {
		b.Run(fmt.Sprintf("text=%q near=%v", q.Text, q.NearCommuneID != ""), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package offer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// searchWorld publishes a few offers in Nantes, Rezé and Paris, plus a
// draft and a closed offer that no search may return.
type searchWorld struct {
	e                                   env
	goNantes, reactReze, dataParis, ops offer.Offer
	draft, closed                       offer.Offer
}

func newSearchWorld(t *testing.T) searchWorld {
	t.Helper()
	e := newEnv(t)
	w := searchWorld{e: e}
	mk := func(title, desc, commune string, remote offer.RemotePolicy, kind contract.Type, codes ...skill.Code) offer.OfferInput {
		in := validInput()
		in.Title, in.Description, in.CommuneID, in.Remote, in.Contract = title, desc, commune, remote, kind
		in.Skills = nil
		for _, c := range codes {
			in.Skills = append(in.Skills, offer.SkillInput{Code: c, MinLevel: 2, MustHave: true})
		}
		return in
	}
	pub := func(in offer.OfferInput) offer.Offer {
		e.clock.advance(time.Minute)
		return published(t, e, in)
	}
	w.goNantes = pub(mk("Développeur Go", "Vous rejoindrez l'équipe back-end. Nous utilisons Google Cloud.", "44109", offer.RemoteOnsite, contract.CDI, "tag:go", "tag:sql"))
	w.reactReze = pub(mk("Développeuse ou développeur React", "Interfaces d'analyse de données pour nos clients.", "44143", offer.RemoteHybrid, contract.Alternance, "tag:react", "tag:javascript"))
	w.dataParis = pub(mk("Data engineer", "Pipelines de DONNÉES, SQL et Python.", "75056", offer.RemoteOnsite, contract.CDI, "tag:python", "tag:sql"))
	w.ops = pub(mk("Administrateur systèmes Linux", "Poste en télétravail complet.", "75056", offer.RemoteFull, contract.Freelance, "tag:linux"))
	w.draft = create(t, e, mk("Développeur Go junior", "Brouillon", "44109", offer.RemoteOnsite, contract.CDI, "tag:go"))
	closed := pub(mk("Développeur Go senior", "Clôturée", "44109", offer.RemoteOnsite, contract.CDI, "tag:go"))
	closed, err := e.svc.Close(memberCtx, closed.ID, offer.CloseFilled, "")
	if err != nil {
		t.Fatal(err)
	}
	w.closed = closed
	return w
}

func TestSearch(t *testing.T) {
	w := newSearchWorld(t)
	g, r, d, o := w.goNantes.ID, w.reactReze.ID, w.dataParis.ID, w.ops.ID
	tests := []struct {
		name string
		q    offer.SearchQuery
		want []string // in order: most recently published first
	}{
		{"everything published", offer.SearchQuery{}, []string{o, d, r, g}},
		{"accents and case", offer.SearchQuery{Text: "DEVELOPPEUR"}, []string{r, g}},
		{"plural", offer.SearchQuery{Text: "développeurs"}, []string{r, g}},
		{"whole words: go is not google", offer.SearchQuery{Text: "go"}, []string{g}},
		{"every word must match", offer.SearchQuery{Text: "développeur react"}, []string{r}},
		{"stopwords are ignored", offer.SearchQuery{Text: "analyse des données"}, []string{r}},
		{"description, accent-insensitive", offer.SearchQuery{Text: "donnees"}, []string{d, r}},
		{"hyphenated word", offer.SearchQuery{Text: "backend"}, []string{g}},
		{"hyphenated query", offer.SearchQuery{Text: "back-end"}, []string{g}},
		{"part of a hyphenated word", offer.SearchQuery{Text: "back"}, []string{g}},
		{"no match", offer.SearchQuery{Text: "boulanger"}, nil},
		{"draft and closed never show", offer.SearchQuery{Text: "junior senior"}, nil},
		{"any of the skills", offer.SearchQuery{Skills: []skill.Code{"tag:sql", "tag:linux"}}, []string{o, d, g}},
		{"contract", offer.SearchQuery{Contracts: []contract.Type{contract.CDI}}, []string{d, g}},
		{"contracts", offer.SearchQuery{Contracts: []contract.Type{contract.Alternance, contract.Freelance}}, []string{o, r}},
		{"remote", offer.SearchQuery{Remote: []offer.RemotePolicy{offer.RemoteFull}}, []string{o}},
		{"near Nantes, 10 km: Nantes, Rezé, and fully remote jobs", offer.SearchQuery{NearCommuneID: "44109", RadiusKm: 10}, []string{o, r, g}},
		{"near Nantes, 3 km: Rezé is 6 km away", offer.SearchQuery{NearCommuneID: "44109", RadiusKm: 3}, []string{o, g}},
		{"near Rezé, default radius", offer.SearchQuery{NearCommuneID: "44143"}, []string{o, r, g}},
		{"near Paris, 10 km", offer.SearchQuery{NearCommuneID: "75056", RadiusKm: 10}, []string{o, d}},
		{"near Nantes, 500 km reaches Paris", offer.SearchQuery{NearCommuneID: "44109", RadiusKm: 500}, []string{o, d, r, g}},
		{"filters combine", offer.SearchQuery{Text: "sql", Contracts: []contract.Type{contract.CDI}, NearCommuneID: "44162", RadiusKm: 20}, nil},
		{"filters combine (2)", offer.SearchQuery{Skills: []skill.Code{"tag:sql"}, NearCommuneID: "44162", RadiusKm: 20}, []string{g}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Anonymous callers search like everyone else.
			page, err := w.e.svc.Search(anonCtx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Results); !slices.Equal(got, tt.want) || page.Total != len(tt.want) {
				t.Fatalf("got %v (total %d), want %v", got, page.Total, tt.want)
			}
		})
	}

	t.Run("distances", func(t *testing.T) {
		page, err := w.e.svc.Search(anonCtx, offer.SearchQuery{NearCommuneID: "44109", RadiusKm: 500})
		if err != nil {
			t.Fatal(err)
		}
		dist := map[string]float64{}
		for _, r := range page.Results {
			if !r.HasDistance {
				t.Fatalf("no distance on %s", r.Offer.Title)
			}
			dist[r.Offer.ID] = r.DistanceKm
		}
		if dist[g] != 0 || dist[r] < 5.5 || dist[r] > 6.8 || dist[d] < 330 || dist[d] > 350 {
			t.Errorf("distances from Nantes: Nantes %.1f, Rezé %.1f, Paris %.1f", dist[g], dist[r], dist[d])
		}
		page, _ = w.e.svc.Search(anonCtx, offer.SearchQuery{})
		if page.Results[0].HasDistance {
			t.Error("distance without a reference commune")
		}
	})

	t.Run("invalid queries", func(t *testing.T) {
		for _, tt := range []struct {
			q     offer.SearchQuery
			field string
			key   string
		}{
			{offer.SearchQuery{NearCommuneID: "00000"}, "nearCommuneId", "offer.place.unknown"},
			{offer.SearchQuery{NearCommuneID: "44109", RadiusKm: 501}, "radiusKm", "offer.search.radius.out_of_range"},
			{offer.SearchQuery{NearCommuneID: "44109", RadiusKm: -1}, "radiusKm", "offer.search.radius.out_of_range"},
			{offer.SearchQuery{RadiusKm: 10}, "nearCommuneId", "offer.search.near.required"},
			{offer.SearchQuery{Skills: []skill.Code{"Golang"}}, "skills[0]", "offer.search.skill.invalid"},
			{offer.SearchQuery{Contracts: []contract.Type{"CDI"}}, "contracts[0]", "offer.contract.invalid"},
			{offer.SearchQuery{Remote: []offer.RemotePolicy{"full"}}, "remote[0]", "offer.remote.invalid"},
			{offer.SearchQuery{Text: strings.Repeat("a ", 101)}, "text", "offer.search.text.too_long"},
		} {
			_, err := w.e.svc.Search(anonCtx, tt.q)
			if f := fields(t, err)[tt.field]; f.Key != tt.key {
				t.Errorf("%+v: %+v, want %s on %s", tt.q, f, tt.key, tt.field)
			}
		}
	})
}

func TestSearchPagination(t *testing.T) {
	e := newEnv(t)
	const n = 47
	var all []offer.Offer
	for i := range n {
		// Pairs of offers share a publication time, so that the ID breaks ties.
		if i%2 == 0 {
			e.clock.advance(time.Minute)
		}
		in := validInput()
		in.Title = fmt.Sprintf("Offre numéro %02d", i)
		all = append(all, published(t, e, in))
	}
	slices.SortFunc(all, func(a, b offer.Offer) int {
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var want []string
	for _, o := range all {
		want = append(want, o.ID)
	}

	var got []string
	for p := 1; ; p++ {
		page, err := e.svc.Search(anonCtx, offer.SearchQuery{Page: offer.PageRequest{Number: p}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != n || page.Size != offer.DefaultPageSize || page.Number != p {
			t.Fatalf("page %d: total %d size %d number %d", p, page.Total, page.Size, page.Number)
		}
		if len(page.Results) == 0 {
			if p != 4 {
				t.Fatalf("empty page %d, want pages 1–3 full", p)
			}
			break
		}
		if p < 3 && len(page.Results) != offer.DefaultPageSize {
			t.Fatalf("page %d has %d offers", p, len(page.Results))
		}
		got = append(got, ids(page.Results)...)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages = %v\nwant    %v", got, want)
	}

	for _, tt := range []struct {
		req            offer.PageRequest
		number, size   int
		first, results int
	}{
		{offer.PageRequest{Number: 0, Size: 0}, 1, 20, 0, 20},
		{offer.PageRequest{Number: -3, Size: 5}, 1, 5, 0, 5},
		{offer.PageRequest{Number: 2, Size: 1000}, 2, 100, 0, 0},
		{offer.PageRequest{Number: 1, Size: 1000}, 1, 100, 0, n},
		{offer.PageRequest{Number: 5, Size: 10}, 5, 10, 40, 7},
		{offer.PageRequest{Number: 99, Size: 10}, 99, 10, 0, 0},
	} {
		page, err := e.svc.Search(anonCtx, offer.SearchQuery{Page: tt.req})
		if err != nil {
			t.Fatal(err)
		}
		if page.Number != tt.number || page.Size != tt.size || len(page.Results) != tt.results || page.Total != n {
			t.Errorf("%+v: number %d size %d results %d total %d", tt.req, page.Number, page.Size, len(page.Results), page.Total)
			continue
		}
		if tt.results > 0 && page.Results[0].Offer.ID != want[tt.first] {
			t.Errorf("%+v: first result %s, want %s", tt.req, page.Results[0].Offer.ID, want[tt.first])
		}
	}
}

// TestSearchStaysCurrent checks the catalogue against writes: this
// instance's at once, another instance's after it catches up.
func TestSearchStaysCurrent(t *testing.T) {
	e := newEnv(t)
	first := published(t, e, validInput())
	other := e.another(offer.WithRefresh(0))
	count := func(s *offer.Service) int {
		t.Helper()
		page, err := s.Search(anonCtx, offer.SearchQuery{Text: "go"})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if count(e.svc) != 1 || count(other) != 1 {
		t.Fatal("both instances load the published offer")
	}

	// Own writes show at once, also on a catalogue already loaded.
	o := create(t, e, validInput())
	if count(e.svc) != 1 {
		t.Fatal("a draft is searchable")
	}
	if _, err := e.svc.Publish(memberCtx, o.ID); err != nil {
		t.Fatal(err)
	}
	if count(e.svc) != 2 {
		t.Fatal("own publication not visible at once")
	}
	in := first.Input()
	in.Title = "Développeuse Rust"
	in.Skills[0].Code = "tag:rust"
	first, err := e.svc.Update(memberCtx, first.ID, in, first.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if count(e.svc) != 1 {
		t.Fatal("own edit not visible at once")
	}
	if _, err := e.svc.Close(memberCtx, o.ID, offer.CloseCancelled, ""); err != nil {
		t.Fatal(err)
	}
	if count(e.svc) != 0 {
		t.Fatal("own close not visible at once")
	}

	// The other instance sees them once it catches up.
	if count(other) != 1 {
		t.Fatal("the other instance changed without syncing (WithRefresh(0))")
	}
	if err := other.Sync(anonCtx); err != nil {
		t.Fatal(err)
	}
	if count(other) != 0 {
		t.Fatal("the other instance missed writes after Sync")
	}
	page, _ := other.Search(anonCtx, offer.SearchQuery{Text: "rust"})
	if len(page.Results) != 1 || page.Results[0].Offer.Revision != first.Revision {
		t.Fatalf("other instance holds %+v, want the edited offer", page.Results)
	}

	// A third instance refreshing on its own catches up within its period.
	third := e.another(offer.WithRefresh(time.Second))
	if count(third) != 0 {
		t.Fatal("third instance")
	}
	p := published(t, e, validInput())
	if count(third) != 0 {
		t.Fatal("refreshed before its period")
	}
	e.clock.advance(2 * time.Second)
	if count(third) != 1 {
		t.Fatal("not refreshed after its period")
	}
	// Results are copies: changing one does not change the catalogue.
	page, _ = third.Search(anonCtx, offer.SearchQuery{Text: "go"})
	page.Results[0].Offer.Skills[0].Code = "tag:cobol"
	page, _ = third.Search(anonCtx, offer.SearchQuery{Skills: []skill.Code{"tag:go"}})
	if len(page.Results) != 1 || page.Results[0].Offer.ID != p.ID {
		t.Fatal("a caller's change leaked into the catalogue")
	}
}

func TestSearchErrorsWhenStoreIsDown(t *testing.T) {
	e := newEnv(t)
	published(t, e, validInput())
	cold := e.another()
	ctx, cancel := contextCancelled()
	defer cancel()
	_, err := cold.Search(ctx, offer.SearchQuery{})
	if err == nil || passerelle.ErrorCode(err) == passerelle.EINVALID {
		t.Fatalf("first load with the store unreachable: %v, want an error", err)
	}
	// Once loaded, a failed refresh keeps serving what it holds.
	if _, err := cold.Search(anonCtx, offer.SearchQuery{}); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Minute)
	page, err := cold.Search(ctx, offer.SearchQuery{})
	if err != nil || page.Total != 1 {
		t.Fatalf("refresh failure: %+v %v, want the held data", page, err)
	}
}

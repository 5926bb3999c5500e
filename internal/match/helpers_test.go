package match_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"passerelle/internal/match"
)

// ref is "today" in hand-built cases.
var ref = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func days(n int) time.Time { return ref.AddDate(0, 0, n) }

// id returns a valid document ID; prefix keeps profiles and offers apart.
func id(prefix byte, n int) string { return fmt.Sprintf("%c%023x", prefix, n) }

func pid(n int) string { return id('a', n) }
func oid(n int) string { return id('b', n) }

// Places.
var (
	nantes    = match.Place{Commune: "Nantes", Lat: 47.2184, Lon: -1.5536}
	saintNaz  = match.Place{Commune: "Saint-Nazaire", Lat: 47.2735, Lon: -2.2138} // ~50 km from Nantes
	paris     = match.Place{Commune: "Paris", Lat: 48.8566, Lon: 2.3522}          // ~340 km from Nantes
	marseille = match.Place{Commune: "Marseille", Lat: 43.2965, Lon: 5.3698}
)

// fakeRelations is a hand-written taxonomy.
type fakeRelations struct {
	related  map[string][]match.Related
	core     map[string][]string
	mobility map[[2]string]bool
}

func (f *fakeRelations) Related(code string) []match.Related { return f.related[code] }
func (f *fakeRelations) CoreItems(rome string) []string      { return f.core[rome] }
func (f *fakeRelations) Mobility(a, b string) bool           { return f.mobility[[2]string{a, b}] }

// taxonomy of the hand-built cases: an accountant (M1203) practises data
// analysis of accounts (ogr:1001) and spreadsheets; ROME links accountants to
// data analysts (M1403).
func testRelations() *fakeRelations {
	return &fakeRelations{
		related: map[string][]match.Related{
			"tag:postgresql": {{Code: "tag:sql", Strength: 0.9}},
			"tag:sql":        {{Code: "tag:postgresql", Strength: 0.9}, {Code: "tag:mysql", Strength: 0.8}},
			"tag:kubernetes": {{Code: "tag:docker", Strength: 0.6}},
			"tag:docker":     {{Code: "tag:kubernetes", Strength: 0.6}, {Code: "tag:linux", Strength: 0.4}},
			"tag:powerbi":    {{Code: "tag:tableau", Strength: 0.7}},
		},
		core: map[string][]string{
			"M1203": {"ogr:1001", "ogr:1002", "tag:excel"},
			"M1403": {"ogr:1001", "tag:sql"},
		},
		mobility: map[[2]string]bool{{"M1203", "M1403"}: true},
	}
}

// baseProfile is a visible, consenting candidate in Nantes who wants a CDI.
func baseProfile(n int, skills ...match.HeldSkill) match.Profile {
	return match.Profile{
		ID:         pid(n),
		Skills:     skills,
		Place:      nantes,
		RadiusKm:   30,
		Contracts:  match.ContractCDI,
		Visibility: match.VisibilityVisible,
		Consent:    true,
		Revision:   uint64(n) + 1,
	}
}

// baseOffer is a published on-site CDI in Nantes starting in three months.
func baseOffer(n int, skills ...match.OfferSkill) match.Offer {
	return match.Offer{
		ID:        oid(n),
		CompanyID: "c1",
		ROME:      "M1805",
		Skills:    skills,
		Contract:  match.ContractCDI,
		Place:     nantes,
		Start:     days(90),
		Status:    match.OfferPublished,
		Revision:  uint64(n) + 1000,
	}
}

func held(code string, level int) match.HeldSkill {
	return match.HeldSkill{Code: code, Level: level}
}

func must(code string, min int) match.OfferSkill {
	return match.OfferSkill{Code: code, MinLevel: min, MustHave: true}
}

func nice(code string, min int) match.OfferSkill {
	return match.OfferSkill{Code: code, MinLevel: min}
}

func mustIndex(tb testing.TB, rel match.Relations, profiles []match.Profile, offers []match.Offer) *match.Index {
	tb.Helper()
	ix, err := match.New(rel, match.DefaultWeights)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range profiles {
		if err := ix.Upsert(p); err != nil {
			tb.Fatal(err)
		}
	}
	for _, o := range offers {
		if err := ix.UpsertOffer(o); err != nil {
			tb.Fatal(err)
		}
	}
	return ix
}

func mustScore(tb testing.TB, rel match.Relations, p match.Profile, o match.Offer) match.Result {
	tb.Helper()
	r, err := match.Score(p, o, rel, match.DefaultWeights)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustCandidates(tb testing.TB, ix *match.Index, offer string, q match.Query) []match.Result {
	tb.Helper()
	page, err := ix.CandidatesForOffer(context.Background(), offer, q)
	if err != nil {
		tb.Fatal(err)
	}
	return page.Results
}

func mustOffers(tb testing.TB, ix *match.Index, profile string, q match.Query) []match.Result {
	tb.Helper()
	page, err := ix.OffersForCandidate(context.Background(), profile, q)
	if err != nil {
		tb.Fatal(err)
	}
	return page.Results
}

func ids(rs []match.Result) []string {
	var s []string
	for _, r := range rs {
		s = append(s, r.ID)
	}
	return s
}

func skillOf(tb testing.TB, r match.Result, code string) match.SkillMatch {
	tb.Helper()
	i := slices.IndexFunc(r.Explanation.Skills, func(s match.SkillMatch) bool { return s.Code == code })
	if i < 0 {
		tb.Fatalf("no skill %s in the explanation of %s", code, r.ID)
	}
	return r.Explanation.Skills[i]
}

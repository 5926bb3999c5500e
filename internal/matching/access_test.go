package matching

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// fixture is a small, hand-built world: one published, one draft and one
// closed offer of company A asking for Go and SQL, and five candidates who
// all hold them, each with a different visibility, consent or caseload.
type fixture struct {
	*world
	published, draft, closed string
	// visible (consent, caseload X), anonymous (consent, no caseload),
	// hidden (caseload X), advisers (advisers only, caseload X), noConsent
	// (visible, no consent).
	visible, anonymous, hidden, advisers, noConsent string
}

func goOffer() offer.OfferInput {
	return offer.OfferInput{
		Title: "Développeur Go", Rome: "M1805", Description: "Back-end.",
		Skills: []offer.SkillInput{
			{Code: "tag:go", MinLevel: 3, MustHave: true},
			{Code: "tag:sql", MinLevel: 2, MustHave: true},
			{Code: "tag:docker", MinLevel: 2, Learnable: true},
		},
		Contract: contract.CDI, CommuneID: "44109", Remote: offer.RemoteHybrid,
		// Trainings ending before the start count; with no start date
		// (as soon as possible) a training in progress does not.
		StartDate: day(time.Now()).AddDate(0, 3, 0),
	}
}

func (w *world) candidateWith(id string, in candidate.ProfileInput, orgs ...string) {
	w.t.Helper()
	ctx := candidateCtx(id)
	p, err := w.profiles.Mine(ctx, in.DisplayName)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.profiles.Update(ctx, id, in, p.Revision); err != nil {
		w.t.Fatalf("profile %s: %v", id, err)
	}
	for _, o := range orgs {
		if _, err := w.profiles.LinkAdviser(ctx, id, o); err != nil {
			w.t.Fatal(err)
		}
	}
}

func goProfile(name string, vis candidate.Visibility, consent bool) candidate.ProfileInput {
	today := day(time.Now())
	return candidate.ProfileInput{
		DisplayName: name, CommuneID: "44143", MobilityKm: 20, Remote: candidate.RemoteHybrid,
		Visibility: vis, MatchingConsent: consent,
		Skills: []candidate.SkillInput{{Code: "tag:go", Level: 3}, {Code: "tag:sql", Level: 1, Evidence: skill.EvidenceExperience}},
		Trainings: []candidate.TrainingInput{{Title: "Formation de " + name + " chez Acme", Provider: "AFPA", Status: candidate.TrainingInProgress,
			Start: today.AddDate(0, -2, 0), End: today.AddDate(0, 1, 0), Skills: []skill.Code{"tag:docker"}}},
	}
}

func newFixture(t *testing.T) *fixture {
	w := newWorld(t)
	f := &fixture{world: w}
	mk := func(draft bool) string {
		o, err := w.offers.Create(employerA, goOffer())
		if err != nil {
			t.Fatal(err)
		}
		if !draft {
			if _, err := w.offers.Publish(employerA, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		return o.ID
	}
	f.published, f.draft, f.closed = mk(false), mk(true), mk(false)
	if _, err := w.offers.Close(employerA, f.closed, offer.CloseFilled, ""); err != nil {
		t.Fatal(err)
	}
	f.visible, f.anonymous, f.hidden, f.advisers, f.noConsent = hexID(0xca1), hexID(0xca2), hexID(0xca3), hexID(0xca4), hexID(0xca5)
	w.candidateWith(f.visible, goProfile("Awa Diallo", candidate.VisibilityVisible, true), orgX)
	w.candidateWith(f.anonymous, goProfile("Bruno Leroy", candidate.VisibilityAnonymous, true))
	w.candidateWith(f.hidden, goProfile("Chloé Martin", candidate.VisibilityHidden, true), orgX)
	w.candidateWith(f.advisers, goProfile("David Nguyen", candidate.VisibilityAdvisers, true), orgX)
	w.candidateWith(f.noConsent, goProfile("Emma Petit", candidate.VisibilityVisible, false), orgX)
	return f
}

func TestCandidatesForOfferAccess(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		who      context.Context
		offer    string
		code     string
		listed   []string // candidates expected, by id (named) or by count (anonymous)
		anonym   int
		caseload bool
	}{
		{"anonymous caller", context.Background(), f.published, passerelle.EUNAUTHORIZED, nil, 0, false},
		{"member of the company", employerA, f.published, "", nil, 2, false},
		{"member, draft preview", employerA, f.draft, "", nil, 2, false},
		{"member, closed offer", employerA, f.closed, passerelle.ECONFLICT, nil, 0, false},
		{"other company", employerB, f.published, passerelle.EFORBIDDEN, nil, 0, false},
		{"other company, draft", employerB, f.draft, passerelle.ENOTFOUND, nil, 0, false},
		{"other company, closed", employerB, f.closed, passerelle.ENOTFOUND, nil, 0, false},
		{"candidate", candidateCtx(f.visible), f.published, passerelle.EFORBIDDEN, nil, 0, false},
		{"adviser of the caseload", adviserX, f.published, "", []string{f.advisers, f.visible}, 0, true},
		{"adviser of another organisation", adviserY, f.published, "", []string{}, 0, true},
		{"adviser, draft", adviserX, f.draft, passerelle.ENOTFOUND, nil, 0, false},
		{"adviser, closed", adviserX, f.closed, passerelle.ECONFLICT, nil, 0, false},
		{"admin", admin, f.published, passerelle.EFORBIDDEN, nil, 0, false},
		{"admin, closed", admin, f.closed, passerelle.EFORBIDDEN, nil, 0, false},
		{"unknown offer", employerA, hexID(0xdead), passerelle.ENOTFOUND, nil, 0, false},
		{"malformed id", employerA, "../../etc", passerelle.ENOTFOUND, nil, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := f.svc.CandidatesForOffer(tc.who, tc.offer, Query{})
			if code(err) != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if page.Caseload != tc.caseload || page.K != DefaultK {
				t.Fatalf("caseload %v, K %d", page.Caseload, page.K)
			}
			var named []string
			anonymous := 0
			for _, c := range page.Results {
				if c.Anonymous {
					anonymous++
					continue
				}
				named = append(named, c.CandidateID)
			}
			slices.Sort(named)
			want := slices.Sorted(slices.Values(tc.listed))
			if anonymous != tc.anonym || !slices.Equal(named, want) {
				t.Fatalf("listed %d anonymous and %v, want %d and %v", anonymous, named, tc.anonym, want)
			}
		})
	}
}

// TestEmployersSeeNoIdentity: what an employer reads names nobody, and the
// pseudonym is stable for the company, different for another.
func TestEmployersSeeNoIdentity(t *testing.T) {
	f := newFixture(t)
	page, err := f.svc.CandidatesForOffer(employerA, f.published, Query{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.CandidatesForOffer(employerA, f.published, Query{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Results) != 2 {
		t.Fatalf("%d results, want 2", len(page.Results))
	}
	for i, c := range page.Results {
		if !c.Anonymous || c.CandidateID != "" || c.Name != "" || c.Commune != "Rezé" {
			t.Fatalf("employer sees %+v", c)
		}
		if !strings.HasPrefix(c.Pseudonym, "Profil ") || strings.TrimPrefix(again.Results[i].Pseudonym, "Profile ") != strings.TrimPrefix(c.Pseudonym, "Profil ") {
			t.Fatalf("pseudonyms %q then %q: not stable", c.Pseudonym, again.Results[i].Pseudonym)
		}
		for _, sm := range c.Explanation.Skills {
			if sm.Basis != nil && sm.Basis.Source == SourceTraining {
				if sm.Basis.Training != "" || sm.Basis.TrainingEnd.IsZero() {
					t.Fatalf("employer reads the training %+v", sm.Basis)
				}
			}
			if sm.Gap != nil && sm.Gap.LateTrainingTitle != "" {
				t.Fatalf("employer reads the late training %+v", sm.Gap)
			}
		}
		for _, who := range []string{"Awa", "Bruno", "Diallo", "Leroy", "Acme"} {
			if strings.Contains(c.Explanation.Summary, who) || strings.Contains(c.Pseudonym, who) {
				t.Fatalf("employer reads %q in %+v", who, c)
			}
		}
	}
	a := pseudonym(testKey, companyA, f.visible, "fr")
	if b := pseudonym(testKey, companyB, f.visible, "fr"); a == b {
		t.Fatalf("two companies share the pseudonym %s", a)
	}
	if b := pseudonym([]byte("another key, another deployment, 32+ bytes"), companyA, f.visible, "fr"); a == b {
		t.Fatal("the pseudonym does not depend on the key")
	}
	// The adviser reads the training by its title: it is their caseload.
	adv, err := f.svc.CandidatesForOffer(adviserX, f.published, Query{})
	if err != nil {
		t.Fatal(err)
	}
	titled := false
	for _, c := range adv.Results {
		for _, sm := range c.Explanation.Skills {
			titled = titled || (sm.Basis != nil && strings.HasPrefix(sm.Basis.Training, "Formation de"))
		}
	}
	if !titled {
		t.Fatalf("the adviser does not read the training titles: %+v", adv.Results)
	}
}

func TestOffersForCandidateAccess(t *testing.T) {
	f := newFixture(t)
	stranger := hexID(0xfaceb00c)
	tests := []struct {
		name    string
		who     context.Context
		of      string // "" asks OffersForCandidate (the caller's own)
		code    string
		offers  int
		indexed bool
	}{
		{"candidate, own list", candidateCtx(f.visible), "", "", 1, true},
		{"hidden candidate still sees offers", candidateCtx(f.hidden), "", "", 1, true},
		{"candidate without a profile", candidateCtx(stranger), "", "", 0, false},
		{"employer asking for own list", employerA, "", passerelle.EFORBIDDEN, 0, false},
		{"anonymous", context.Background(), "", passerelle.EUNAUTHORIZED, 0, false},
		{"adviser of the caseload", adviserX, f.visible, "", 1, true},
		{"adviser, hidden profile of the caseload", adviserX, f.hidden, "", 1, true},
		{"adviser of another organisation", adviserY, f.visible, passerelle.ENOTFOUND, 0, false},
		{"adviser, candidate outside the caseload", adviserX, f.anonymous, passerelle.ENOTFOUND, 0, false},
		{"candidate, own id", candidateCtx(f.visible), f.visible, "", 1, true},
		{"candidate, someone else", candidateCtx(f.visible), f.anonymous, passerelle.ENOTFOUND, 0, false},
		{"employer", employerA, f.visible, passerelle.ENOTFOUND, 0, false},
		{"admin", admin, f.visible, passerelle.EFORBIDDEN, 0, false},
		{"unknown candidate", adviserX, stranger, passerelle.ENOTFOUND, 0, false},
		{"anonymous, by id", context.Background(), f.visible, passerelle.EUNAUTHORIZED, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var page OfferPage
			var err error
			if tc.of == "" {
				page, err = f.svc.OffersForCandidate(tc.who, Query{})
			} else {
				page, err = f.svc.ForCandidate(tc.who, tc.of, Query{})
			}
			if code(err) != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if len(page.Results) != tc.offers || page.Indexed != tc.indexed {
				t.Fatalf("%d offers (indexed %v), want %d (%v): %+v", len(page.Results), page.Indexed, tc.offers, tc.indexed, page)
			}
			for _, m := range page.Results {
				if m.Offer.ID != f.published || m.Offer.Title != "Développeur Go" || m.Offer.Commune != "Nantes" {
					t.Fatalf("offer %+v", m.Offer)
				}
			}
		})
	}
}

func TestExplanationAndLearnNext(t *testing.T) {
	f := newFixture(t)
	page, err := f.svc.OffersForCandidate(candidateCtx(f.visible), Query{Lang: "en"})
	if err != nil || len(page.Results) != 1 {
		t.Fatalf("%+v %v", page, err)
	}
	e := page.Results[0].Explanation
	// Go held at the level asked; SQL at 1 for 2 (partial, experience);
	// Docker from a training ending before the (unknown) start.
	want := map[string]Status{"tag:go": Matched, "tag:sql": Partial, "tag:docker": Partial}
	for _, sm := range e.Skills {
		if sm.Status != want[sm.Skill.Code] {
			t.Errorf("%s: %s, want %s", sm.Skill.Code, sm.Status, want[sm.Skill.Code])
		}
		if sm.Skill.Label == "" || sm.Skill.Label == sm.Skill.Code || sm.MinLevel.Label == "" {
			t.Errorf("%s: no label: %+v", sm.Skill.Code, sm)
		}
	}
	sql := e.Skills[1]
	if sql.Basis == nil || sql.Basis.Source != SourceHeld || sql.Basis.Level.Value != 1 || sql.Basis.Evidence.Code != string(skill.EvidenceExperience) || sql.Gap == nil || sql.Gap.Level.Value != 2 {
		t.Errorf("sql: %+v basis %+v gap %+v", sql, sql.Basis, sql.Gap)
	}
	if e.Summary != "1 of 3 skills, 2 partly" || e.Occupation.Code != "M1805" || e.Occupation.Label == "" {
		t.Errorf("summary %q, occupation %+v", e.Summary, e.Occupation)
	}
	fr, err := f.svc.OffersForCandidate(candidateCtx(f.visible), Query{})
	if err != nil || fr.Results[0].Explanation.Summary != "1 compétence sur 3, 2 partielles" {
		t.Errorf("French summary %q (%v)", fr.Results[0].Explanation.Summary, err)
	}

	// Someone with only SQL misses Go (required) and Docker (learnable).
	id := hexID(0xca6)
	in := goProfile("Farid", candidate.VisibilityVisible, true)
	in.Skills, in.Trainings = in.Skills[1:], nil
	f.candidateWith(id, in)
	page, err = f.svc.OffersForCandidate(candidateCtx(id), Query{})
	if err != nil || len(page.Results) != 1 {
		t.Fatalf("%+v %v", page, err)
	}
	if got := page.LearnNext; len(got) != 2 || got[0].Skill.Code != "tag:go" || got[0].MustHave != 1 || got[1].Skill.Code != "tag:docker" || got[1].Learnable != 1 {
		t.Errorf("learn next %+v", got)
	}
	if s := page.Results[0].Explanation.Summary; !strings.Contains(s, "2 à acquérir : Go, Docker (en poste)") {
		t.Errorf("summary %q", s)
	}
}

func TestQueryBounds(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		q     Query
		field string
	}{
		{Query{K: -1}, "k"},
		{Query{K: MaxK + 1}, "k"},
		{Query{Offset: -1}, "offset"},
		{Query{K: 200, Offset: 801}, "offset"},
		{Query{Lang: "de"}, "lang"},
	}
	for _, tc := range tests {
		_, err := f.svc.CandidatesForOffer(employerA, f.published, tc.q)
		var perr *passerelle.Error
		if !errorsAs(err, &perr) || perr.Code != passerelle.EINVALID || len(perr.Fields) != 1 || perr.Fields[0].Field != tc.field {
			t.Errorf("%+v: %v, want an invalid %s", tc.q, err, tc.field)
		}
		if _, err := f.svc.OffersForCandidate(candidateCtx(f.visible), tc.q); code(err) != passerelle.EINVALID {
			t.Errorf("%+v: offers: %v", tc.q, err)
		}
	}
	// Paging: the same list, cut in pages, deterministic.
	all, err := f.svc.CandidatesForOffer(adviserX, f.published, Query{})
	if err != nil || len(all.Results) != 2 || all.More {
		t.Fatalf("%+v %v", all, err)
	}
	for off := range 3 {
		p, err := f.svc.CandidatesForOffer(adviserX, f.published, Query{K: 1, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if off < 2 && (len(p.Results) != 1 || p.Results[0].CandidateID != all.Results[off].CandidateID || p.Results[0].Rank != off+1 || p.More != (off == 0)) {
			t.Fatalf("page %d: %+v", off, p)
		}
		if off == 2 && (len(p.Results) != 0 || p.More) {
			t.Fatalf("page past the end: %+v", p)
		}
	}
}

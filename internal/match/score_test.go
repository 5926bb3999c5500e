package match_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"passerelle/internal/match"
)

// juniorDataAnalyst is the offer of the career-changer case: a junior data
// analyst job (M1403) in Nantes starting in three months.
func juniorDataAnalyst() match.Offer {
	o := baseOffer(1,
		must("tag:sql", 2),
		must("tag:python", 2),
		must("ogr:1001", 2), // analysing data
		nice("tag:excel", 2),
		nice("tag:powerbi", 1),
	)
	o.ROME = "M1403"
	o.OpenToCareerChangers = true
	return o
}

func TestCareerChangerRanksAboveNoBridge(t *testing.T) {
	rel := testRelations()
	changer := baseProfile(1, held("tag:excel", 3))
	changer.Former = []match.FormerOccupation{{ROME: "M1203", Years: 8}}
	changer.Trainings = []match.Training{{
		Title:  "Data analyst (titre RNCP)",
		End:    days(30), // next month, before the start in three months
		Status: match.TrainingInProgress,
		Skills: []string{"tag:sql", "tag:python", "tag:powerbi"},
	}}
	noBridge := baseProfile(2, held("tag:excel", 3), held("tag:sql", 1))
	offer := juniorDataAnalyst()

	ix := mustIndex(t, rel, []match.Profile{changer, noBridge}, []match.Offer{offer})
	got := mustCandidates(t, ix, offer.ID, match.Query{})
	if want := []string{changer.ID, noBridge.ID}; !slices.Equal(ids(got), want) {
		t.Fatalf("ranking = %v, want %v", ids(got), want)
	}
	if got[0].Score <= got[1].Score {
		t.Errorf("career changer scores %v, not above %v", got[0].Score, got[1].Score)
	}

	e := got[0].Explanation
	if e.Bridge != "M1203" || e.OfferROME != "M1403" {
		t.Errorf("bridge = %q → %q, want M1203 → M1403", e.Bridge, e.OfferROME)
	}
	sql := skillOf(t, got[0], "tag:sql")
	if sql.Status != match.StatusPartial || sql.Basis.Source != match.SourceTraining ||
		sql.Basis.Training != "Data analyst (titre RNCP)" || !sql.Basis.TrainingEnd.Equal(days(30)) {
		t.Errorf("sql explained as %+v, want partial from the training ending %v", sql, days(30))
	}
	analysis := skillOf(t, got[0], "ogr:1001")
	if analysis.Basis.Source != match.SourceFormerOccupation || analysis.Basis.Occupation != "M1203" || analysis.Basis.Years != 8 {
		t.Errorf("data analysis explained as %+v, want from former occupation M1203 (8 years)", analysis.Basis)
	}
	if excel := skillOf(t, got[0], "tag:excel"); excel.Status != match.StatusMatched || excel.Basis.Level != 3 {
		t.Errorf("excel explained as %+v, want matched at level 3", excel)
	}

	// The same pair scores the same from the candidate's side.
	mine := mustOffers(t, ix, changer.ID, match.Query{})
	if len(mine) != 1 || mine[0].Score != got[0].Score {
		t.Errorf("offers for the career changer = %+v, want the offer at %v", mine, got[0].Score)
	}
	if one := mustScore(t, rel, changer, offer); one.Score != got[0].Score {
		t.Errorf("Score = %v, index says %v", one.Score, got[0].Score)
	}
}

func TestSkillCredit(t *testing.T) {
	rel := testRelations()
	tests := []struct {
		name       string
		offer      match.OfferSkill
		profile    func(*match.Profile)
		wantStatus match.Status
		wantSource match.Source
		wantCredit float64
	}{
		{
			name:       "held at the level, declared",
			offer:      must("tag:go", 3),
			profile:    func(p *match.Profile) { p.Skills = []match.HeldSkill{held("tag:go", 3)} },
			wantStatus: match.StatusMatched, wantSource: match.SourceHeld, wantCredit: 0.9,
		},
		{
			name:  "validated counts fully",
			offer: must("tag:go", 3),
			profile: func(p *match.Profile) {
				p.Skills = []match.HeldSkill{{Code: "tag:go", Level: 4, Evidence: match.EvidenceValidated}}
			},
			wantStatus: match.StatusMatched, wantSource: match.SourceHeld, wantCredit: 1,
		},
		{
			name:       "below the level earns a proportional part",
			offer:      must("tag:go", 4),
			profile:    func(p *match.Profile) { p.Skills = []match.HeldSkill{held("tag:go", 2)} },
			wantStatus: match.StatusPartial, wantSource: match.SourceHeld, wantCredit: 0.45,
		},
		{
			name:  "training ending before the start",
			offer: must("tag:go", 2),
			profile: func(p *match.Profile) {
				p.Trainings = []match.Training{{Title: "Go", End: days(60), Skills: []string{"tag:go"}}}
			},
			wantStatus: match.StatusPartial, wantSource: match.SourceTraining, wantCredit: 0.7,
		},
		{
			name:  "training ending on the start day",
			offer: must("tag:go", 2),
			profile: func(p *match.Profile) {
				p.Trainings = []match.Training{{Title: "Go", End: days(90), Skills: []string{"tag:go"}}}
			},
			wantStatus: match.StatusPartial, wantSource: match.SourceTraining, wantCredit: 0.7,
		},
		{
			name:  "training ending after the start earns nothing",
			offer: must("tag:go", 2),
			profile: func(p *match.Profile) {
				p.Trainings = []match.Training{{Title: "Go", End: days(91), Skills: []string{"tag:go"}}}
			},
			wantStatus: match.StatusMissing, wantSource: match.SourceNone, wantCredit: 0,
		},
		{
			name:  "completed training",
			offer: must("tag:go", 2),
			profile: func(p *match.Profile) {
				p.Trainings = []match.Training{{Title: "Go", End: days(-100), Status: match.TrainingCompleted, Skills: []string{"tag:go"}}}
			},
			wantStatus: match.StatusPartial, wantSource: match.SourceTraining, wantCredit: 0.8,
		},
		{
			name:       "related skill at strength × rate",
			offer:      must("tag:sql", 2),
			profile:    func(p *match.Profile) { p.Skills = []match.HeldSkill{held("tag:postgresql", 3)} },
			wantStatus: match.StatusPartial, wantSource: match.SourceRelated, wantCredit: 0.45,
		},
		{
			name:  "former occupation, seniority scaled",
			offer: must("ogr:1002", 2),
			profile: func(p *match.Profile) {
				p.Former = []match.FormerOccupation{{ROME: "M1203", Years: 1.5}}
			},
			wantStatus: match.StatusPartial, wantSource: match.SourceFormerOccupation, wantCredit: 0.45,
		},
		{
			name:  "best evidence wins",
			offer: must("tag:sql", 3),
			profile: func(p *match.Profile) {
				p.Skills = []match.HeldSkill{held("tag:sql", 1), held("tag:postgresql", 4)}
			},
			wantStatus: match.StatusPartial, wantSource: match.SourceRelated, wantCredit: 0.45,
		},
		{
			name:       "missing",
			offer:      must("tag:rust", 1),
			profile:    func(p *match.Profile) { p.Skills = []match.HeldSkill{held("tag:go", 4)} },
			wantStatus: match.StatusMissing, wantSource: match.SourceNone, wantCredit: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := baseProfile(1)
			tt.profile(&p)
			o := baseOffer(1, tt.offer, nice("tag:filler", 1))
			r := mustScore(t, rel, p, o)
			s := skillOf(t, r, tt.offer.Code)
			if s.Status != tt.wantStatus || s.Basis.Source != tt.wantSource || math.Abs(s.Credit-tt.wantCredit) > 1e-9 {
				t.Errorf("got %v from %v at %v, want %v from %v at %v", s.Status, s.Basis.Source, s.Credit, tt.wantStatus, tt.wantSource, tt.wantCredit)
			}
			// Score = weighted credit: must-have 3, filler (missing) 1.
			if want := math.Round(tt.wantCredit*3/4*10000) / 100; r.Score != want {
				t.Errorf("score = %v, want %v", r.Score, want)
			}
		})
	}
}

func TestLateTrainingExplainsTheGap(t *testing.T) {
	p := baseProfile(1, held("tag:docker", 2))
	p.Trainings = []match.Training{{Title: "Kubernetes", End: days(120), Skills: []string{"tag:kubernetes"}}}
	o := baseOffer(1, must("tag:kubernetes", 2))
	r := mustScore(t, testRelations(), p, o)
	k := skillOf(t, r, "tag:kubernetes")
	// Docker is related to Kubernetes: partial credit, and the late training
	// is what would close the gap.
	if k.Status != match.StatusPartial || k.Basis.Related != "tag:docker" || k.Basis.Strength != 0.6 {
		t.Errorf("kubernetes = %+v, want partial from docker at 0.6", k)
	}
	if k.Gap.LateTraining != "Kubernetes" || !k.Gap.LateTrainingEnd.Equal(days(120)) || k.Gap.Level != 2 {
		t.Errorf("gap = %+v, want the Kubernetes training ending %v, level 2", k.Gap, days(120))
	}
	if !slices.Equal(k.Gap.Related, []string{"tag:docker"}) {
		t.Errorf("gap related = %v, want [tag:docker]", k.Gap.Related)
	}
}

func TestLearnableOnTheJobCostsLess(t *testing.T) {
	o := baseOffer(1,
		must("tag:go", 2),
		nice("tag:docker", 2),
		match.OfferSkill{Code: "tag:kubernetes", MinLevel: 2, Learnable: true},
	)
	missesLearnable := baseProfile(1, held("tag:go", 3), held("tag:docker", 3))
	missesNormal := baseProfile(2, held("tag:go", 3), held("tag:kubernetes", 3))
	a := mustScore(t, nil, missesLearnable, o)
	b := mustScore(t, nil, missesNormal, o)
	if a.Score <= b.Score {
		t.Errorf("missing a learnable skill scores %v, missing a normal one %v: want more", a.Score, b.Score)
	}
	if s := skillOf(t, a, "tag:kubernetes"); s.Status != match.StatusMissing || !s.Learnable {
		t.Errorf("kubernetes = %+v, want missing and learnable", s)
	}
}

func TestMustHaveWeighsMore(t *testing.T) {
	o := baseOffer(1, must("tag:go", 2), nice("tag:docker", 2))
	hasMust := mustScore(t, nil, baseProfile(1, held("tag:go", 2)), o)
	hasNice := mustScore(t, nil, baseProfile(2, held("tag:docker", 2)), o)
	if hasMust.Score <= hasNice.Score {
		t.Errorf("must-have only %v, nice-to-have only %v: want more", hasMust.Score, hasNice.Score)
	}
}

func TestSummary(t *testing.T) {
	o := baseOffer(1, must("tag:go", 2), must("tag:sql", 3), nice("tag:docker", 2),
		match.OfferSkill{Code: "tag:kubernetes", MinLevel: 1, Learnable: true})
	p := baseProfile(1, held("tag:go", 3), held("tag:sql", 2))
	r := mustScore(t, nil, p, o)
	label := func(code string, lang match.Lang) string {
		return map[string]string{"tag:docker": "Docker", "tag:kubernetes": "Kubernetes"}[code]
	}
	if got, want := r.Explanation.Summary(match.French, label), "1 compétence sur 4, 1 partielle — 2 à acquérir : Docker, Kubernetes (en poste)"; got != want {
		t.Errorf("French summary\n got %q\nwant %q", got, want)
	}
	if got, want := r.Explanation.Summary(match.English, label), "1 of 4 skills, 1 partly — 2 to learn: Docker, Kubernetes (on the job)"; got != want {
		t.Errorf("English summary\n got %q\nwant %q", got, want)
	}
	if e := r.Explanation; e.Matched != 1 || e.Partial != 1 || e.Missing != 2 {
		t.Errorf("counts = %d/%d/%d, want 1/1/2", e.Matched, e.Partial, e.Missing)
	}

	changer := baseProfile(2, held("tag:sql", 2))
	changer.Former = []match.FormerOccupation{{ROME: "M1203", Years: 3}}
	r = mustScore(t, testRelations(), changer, juniorDataAnalyst())
	if got, want := r.Explanation.Summary(match.French, nil), "1 compétence sur 5, 2 partielles — 2 à acquérir : tag:python, tag:powerbi — passerelle depuis M1203"; got != want {
		t.Errorf("French summary with a bridge\n got %q\nwant %q", got, want)
	}
}

func TestFilters(t *testing.T) {
	tests := []struct {
		name    string
		profile func(*match.Profile)
		offer   func(*match.Offer)
		want    match.Exclusion
	}{
		{"nearby on-site", nil, nil, match.ExclusionNone},
		{"beyond the radius", func(p *match.Profile) { p.Place = saintNaz }, nil, match.ExclusionDistance},
		{"within a larger radius", func(p *match.Profile) { p.Place, p.RadiusKm = saintNaz, 60 }, nil, match.ExclusionNone},
		{"far but the offer is remote", func(p *match.Profile) { p.Place = marseille },
			func(o *match.Offer) { o.Remote = match.PolicyRemote }, match.ExclusionNone},
		{"far and the offer is hybrid", func(p *match.Profile) { p.Place = paris },
			func(o *match.Offer) { o.Remote = match.PolicyHybrid }, match.ExclusionDistance},
		{"on-site only and a remote offer", func(p *match.Profile) { p.Remote = match.RemoteOnsiteOnly },
			func(o *match.Offer) { o.Remote = match.PolicyRemote }, match.ExclusionRemote},
		{"contract not wanted", nil, func(o *match.Offer) { o.Contract = match.ContractStage }, match.ExclusionContract},
		{"one of the contracts wanted", func(p *match.Profile) { p.Contracts = match.ContractCDD | match.ContractStage },
			func(o *match.Offer) { o.Contract = match.ContractStage }, match.ExclusionNone},
		{"no contract preference", func(p *match.Profile) { p.Contracts = 0 },
			func(o *match.Offer) { o.Contract = match.ContractFreelance }, match.ExclusionNone},
		{"available within the tolerance", func(p *match.Profile) { p.AvailableFrom = days(120) }, nil, match.ExclusionNone},
		{"available too late", func(p *match.Profile) { p.AvailableFrom = days(121) }, nil, match.ExclusionAvailability},
		{"no start date", func(p *match.Profile) { p.AvailableFrom = days(400) },
			func(o *match.Offer) { o.Start = time.Time{} }, match.ExclusionNone},
		{"deleted offer", nil, func(o *match.Offer) { o.Deleted = true }, match.ExclusionDeleted},
	}
	rel := testRelations()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := baseProfile(1, held("tag:go", 3))
			o := baseOffer(1, must("tag:go", 2))
			if tt.profile != nil {
				tt.profile(&p)
			}
			if tt.offer != nil {
				tt.offer(&o)
			}
			if got := match.Check(p, o, match.DefaultWeights); got != tt.want {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
			if o.Deleted {
				return
			}
			// The index applies the same filters in both directions.
			ix := mustIndex(t, rel, []match.Profile{p}, []match.Offer{o})
			wantIDs := []string(nil)
			if tt.want == match.ExclusionNone {
				wantIDs = []string{p.ID}
			}
			if got := ids(mustCandidates(t, ix, o.ID, match.Query{})); !slices.Equal(got, wantIDs) {
				t.Errorf("candidates = %v, want %v", got, wantIDs)
			}
			wantIDs = nil
			if tt.want == match.ExclusionNone {
				wantIDs = []string{o.ID}
			}
			if got := ids(mustOffers(t, ix, p.ID, match.Query{})); !slices.Equal(got, wantIDs) {
				t.Errorf("offers = %v, want %v", got, wantIDs)
			}
		})
	}
}

func TestVisibility(t *testing.T) {
	o := baseOffer(1, must("tag:go", 2))
	mk := func(n int, v match.Visibility, consent bool) match.Profile {
		p := baseProfile(n, held("tag:go", 3))
		p.Visibility, p.Consent = v, consent
		return p
	}
	hidden := mk(1, match.VisibilityHidden, true)
	advisers := mk(2, match.VisibilityAdvisersOnly, true)
	anonymous := mk(3, match.VisibilityAnonymous, true)
	visible := mk(4, match.VisibilityVisible, true)
	noConsent := mk(5, match.VisibilityVisible, false)
	all := []match.Profile{hidden, advisers, anonymous, visible, noConsent}
	ix := mustIndex(t, nil, all, []match.Offer{o})

	tests := []struct {
		viewer   match.Role
		want     []string
		wantAnon []bool
	}{
		{match.RoleEmployer, []string{anonymous.ID, visible.ID}, []bool{true, false}},
		{match.RoleAdviser, []string{advisers.ID, anonymous.ID, visible.ID}, []bool{false, false, false}},
	}
	for _, tt := range tests {
		t.Run(map[match.Role]string{match.RoleEmployer: "employer", match.RoleAdviser: "adviser"}[tt.viewer], func(t *testing.T) {
			q := match.Query{Viewer: tt.viewer}
			for _, got := range [][]match.Result{
				mustCandidates(t, ix, o.ID, q),
				bruteCandidates(t, ix, o.ID, q),
				scoreAll(t, nil, all, o, q),
			} {
				if !slices.Equal(ids(got), tt.want) {
					t.Fatalf("candidates = %v, want %v", ids(got), tt.want)
				}
				for i, r := range got {
					if r.Anonymous != tt.wantAnon[i] {
						t.Errorf("%s anonymous = %v, want %v", r.ID, r.Anonymous, tt.wantAnon[i])
					}
				}
			}
		})
	}
	// A hidden candidate still sees offers for themselves.
	if got := ids(mustOffers(t, ix, hidden.ID, match.Query{})); !slices.Equal(got, []string{o.ID}) {
		t.Errorf("offers for a hidden candidate = %v, want [%s]", got, o.ID)
	}
}

func TestOfferStatus(t *testing.T) {
	p := baseProfile(1, held("tag:go", 3))
	published := baseOffer(1, must("tag:go", 2))
	draft := baseOffer(2, must("tag:go", 2))
	draft.Status = match.OfferDraft
	closed := baseOffer(3, must("tag:go", 2))
	closed.Status = match.OfferClosed
	ix := mustIndex(t, nil, []match.Profile{p}, []match.Offer{published, draft, closed})
	if got := ids(mustOffers(t, ix, p.ID, match.Query{})); !slices.Equal(got, []string{published.ID}) {
		t.Errorf("offers = %v, want only the published one", got)
	}
	if _, err := ix.CandidatesForOffer(context.Background(), closed.ID, match.Query{}); !errors.Is(err, match.ErrOfferClosed) {
		t.Errorf("candidates for a closed offer: err = %v, want ErrOfferClosed", err)
	}
	// An employer may preview the candidates of a draft.
	if got := ids(mustCandidates(t, ix, draft.ID, match.Query{})); !slices.Equal(got, []string{p.ID}) {
		t.Errorf("candidates for a draft = %v, want [%s]", got, p.ID)
	}
	// Closing an offer removes it at once.
	published.Status, published.Revision = match.OfferClosed, published.Revision+1
	if err := ix.UpsertOffer(published); err != nil {
		t.Fatal(err)
	}
	if got := mustOffers(t, ix, p.ID, match.Query{}); len(got) != 0 {
		t.Errorf("offers after closing = %v, want none", ids(got))
	}
}

func TestTiesBrokenByID(t *testing.T) {
	o := baseOffer(1, must("tag:go", 2))
	var profiles []match.Profile
	for _, n := range rand.New(rand.NewPCG(1, 2)).Perm(30) {
		profiles = append(profiles, baseProfile(n, held("tag:go", 3)))
	}
	ix := mustIndex(t, nil, profiles, []match.Offer{o})
	var want []string
	for n := range 30 {
		want = append(want, pid(n))
	}
	got := mustCandidates(t, ix, o.ID, match.Query{K: 30})
	if !slices.Equal(ids(got), want) {
		t.Fatalf("ties ranked %v, want by ID %v", ids(got), want)
	}
	// Pages tile the ranking.
	var paged []string
	for off := 0; off < 30; off += 7 {
		page, err := ix.CandidatesForOffer(context.Background(), o.ID, match.Query{K: 7, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(page.Results)...)
		if page.More != (off+7 < 30) {
			t.Errorf("page at %d: More = %v", off, page.More)
		}
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages = %v, want %v", paged, want)
	}
}

func TestQueryBounds(t *testing.T) {
	o := baseOffer(1, must("tag:go", 2))
	ix := mustIndex(t, nil, []match.Profile{baseProfile(1, held("tag:go", 2))}, []match.Offer{o})
	for _, q := range []match.Query{{K: -1}, {K: 201}, {Offset: -1}, {K: 200, Offset: 801}, {MinScore: 101}} {
		if _, err := ix.CandidatesForOffer(context.Background(), o.ID, q); !errors.Is(err, match.ErrInvalidQuery) {
			t.Errorf("query %+v: err = %v, want ErrInvalidQuery", q, err)
		}
	}
	if _, err := ix.CandidatesForOffer(context.Background(), oid(99), match.Query{}); !errors.Is(err, match.ErrNotFound) {
		t.Errorf("unknown offer: err = %v, want ErrNotFound", err)
	}
	if _, err := ix.OffersForCandidate(context.Background(), "nope", match.Query{}); !errors.Is(err, match.ErrInvalid) {
		t.Errorf("malformed ID: err = %v, want ErrInvalid", err)
	}
	if got := mustCandidates(t, ix, o.ID, match.Query{MinScore: 99}); len(got) != 0 {
		t.Errorf("MinScore 99 kept %v", ids(got))
	}
}

func TestPropertyMonotone(t *testing.T) {
	rel := testRelations()
	codes := []string{"tag:go", "tag:sql", "tag:postgresql", "tag:mysql", "tag:docker", "tag:kubernetes",
		"tag:linux", "tag:powerbi", "tag:tableau", "tag:excel", "ogr:1001", "ogr:1002", "tag:python"}
	r := rand.New(rand.NewPCG(42, 42))
	randomProfile := func() match.Profile {
		p := baseProfile(1)
		for _, c := range codes {
			if r.IntN(3) == 0 {
				p.Skills = append(p.Skills, match.HeldSkill{Code: c, Level: 1 + r.IntN(4), Evidence: match.Evidence(r.IntN(4))})
			}
		}
		if r.IntN(2) == 0 {
			p.Former = []match.FormerOccupation{{ROME: "M1203", Years: float64(r.IntN(6))}}
		}
		if r.IntN(2) == 0 {
			p.Trainings = []match.Training{{Title: "T", End: days(r.IntN(200)), Status: match.TrainingStatus(r.IntN(2)),
				Skills: []string{codes[r.IntN(len(codes))], codes[r.IntN(len(codes))]}}}
		}
		return p
	}
	randomOffer := func() match.Offer {
		o := baseOffer(1)
		o.ROME = []string{"M1403", "M1805"}[r.IntN(2)]
		o.OpenToCareerChangers = r.IntN(2) == 0
		for _, i := range r.Perm(len(codes))[:1+r.IntN(6)] {
			o.Skills = append(o.Skills, match.OfferSkill{Code: codes[i], MinLevel: 1 + r.IntN(4), MustHave: r.IntN(2) == 0, Learnable: r.IntN(4) == 0})
		}
		return o
	}
	for i := range 2000 {
		p, o := randomProfile(), randomOffer()
		before := mustScore(t, rel, p, o).Score
		// Add a skill of the offer (at a random level) or raise one held.
		s := o.Skills[r.IntN(len(o.Skills))]
		added := p
		added.Skills = append(slices.Clone(p.Skills), match.HeldSkill{Code: s.Code, Level: 1 + r.IntN(4), Evidence: match.Evidence(r.IntN(4))})
		if after := mustScore(t, rel, added, o).Score; after < before {
			t.Fatalf("case %d: adding %s lowered the score from %v to %v", i, s.Code, before, after)
		}
		if len(p.Skills) > 0 {
			k := r.IntN(len(p.Skills))
			removed := p
			removed.Skills = slices.Delete(slices.Clone(p.Skills), k, k+1)
			if after := mustScore(t, rel, removed, o).Score; after > before {
				t.Fatalf("case %d: removing %s raised the score from %v to %v", i, p.Skills[k].Code, before, after)
			}
		}
	}
}

func bruteCandidates(tb testing.TB, ix *match.Index, offer string, q match.Query) []match.Result {
	tb.Helper()
	page, err := ix.BruteForceCandidates(context.Background(), offer, q)
	if err != nil {
		tb.Fatal(err)
	}
	return page.Results
}

func scoreAll(tb testing.TB, rel match.Relations, profiles []match.Profile, o match.Offer, q match.Query) []match.Result {
	tb.Helper()
	page, err := match.ScoreAll(context.Background(), slices.Values(profiles), o, rel, match.DefaultWeights, q)
	if err != nil {
		tb.Fatal(err)
	}
	return page.Results
}

package matching

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var (
	_ Taxonomy = skill.Builtin()
	_ Profiles = (*candidate.Service)(nil)
	_ Offers   = (*offer.Service)(nil)
)

var testKey = []byte("0123456789abcdef0123456789abcdef-matching-tests")

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

func as(role auth.Role, user, org string) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: user, Role: role, OrgID: org, SessionID: "s"})
}

// Organisations of the tests.
var (
	companyA = hexID(0xc0a)
	companyB = hexID(0xc0b)
	orgX     = hexID(0xad1) // adviser organisations
	orgY     = hexID(0xad2)
)

var (
	employerA = as(auth.RoleEmployer, hexID(0xe0a), companyA)
	employerB = as(auth.RoleEmployer, hexID(0xe0b), companyB)
	adviserX  = as(auth.RoleAdviser, hexID(0xa0a), orgX)
	adviserY  = as(auth.RoleAdviser, hexID(0xa0b), orgY)
	admin     = as(auth.RoleAdmin, hexID(0xadadad), "")
)

func candidateCtx(id string) context.Context { return as(auth.RoleCandidate, id, "") }

// world is a fresh store with the services of one server process (the
// instance) writing to it and feeding its matching Service.
type world struct {
	t        *testing.T
	st       *store.Store
	tax      *skill.Taxonomy
	profiles *candidate.Service
	offers   *offer.Service
	svc      *Service
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := storetest.MustOpen(t)
	for _, ensure := range []func(context.Context, *store.Store) error{candidatedb.EnsureIndexes, offerdb.EnsureIndexes} {
		if err := ensure(context.Background(), st); err != nil {
			t.Fatal(err)
		}
	}
	w := &world{t: t, st: st, tax: skill.Builtin()}
	w.profiles, w.offers, w.svc = w.instance()
	return w
}

// instance starts another server process's worth of services on w's store:
// a candidate and an offer service whose writes feed a matching Service,
// started (its index built) before it is returned.
func (w *world) instance() (*candidate.Service, *offer.Service, *Service) {
	w.t.Helper()
	hook := &Hook{}
	profiles := candidate.NewService(candidatedb.New(w.st), w.tax, place.Builtin(), time.Now, candidate.WithObserver(hook.Profile))
	offers := offer.NewService(offerdb.New(w.st), w.tax, place.Builtin(), time.Now, offer.WithRefresh(0), offer.WithObserver(hook.Offer))
	svc := mustService(w.t, Config{Profiles: profiles, Offers: offers, Taxonomy: w.tax, Key: testKey})
	hook.Attach(svc)
	mustStart(w.t, svc)
	return profiles, offers, svc
}

func mustService(tb testing.TB, cfg Config) *Service {
	tb.Helper()
	svc, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return svc
}

func mustStart(tb testing.TB, svc *Service) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := svc.Start(ctx); err != nil {
		cancel()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cancel(); svc.Close() })
}

// fresh returns a Service built now from the store, without observers: what
// a new instance would answer.
func (w *world) fresh() *Service {
	w.t.Helper()
	svc := mustService(w.t, Config{Profiles: w.profiles, Offers: w.offers, Taxonomy: w.tax, Key: testKey, PollEvery: time.Hour})
	mustStart(w.t, svc)
	return svc
}

// Vocabulary of the random worlds, filtered at first use to what the
// built-in taxonomy knows, so that every write passes validation.
var (
	tagPool = []string{"go", "python", "javascript", "typescript", "java", "php", "sql", "postgresql", "mysql", "docker",
		"kubernetes", "react", "angular", "vue", "node", "git", "linux", "html", "css", "aws", "power-bi", "excel",
		"data-analysis", "statistics", "figma", "ux-design", "scrum", "ci-cd", "terraform", "pandas"}
	romePool    = []string{"M1805", "M1811", "M1810", "M1801", "M1806", "M1403", "M1802", "E1205"}
	formerPool  = []string{"M1203", "D1401", "K2111", "G1602", "M1607", "D1106", "N1103", "M1805"}
	trainTitles = []string{"Développeur web et web mobile", "Data analyst", "Concepteur développeur d'applications", "Technicien supérieur systèmes et réseaux"}
)

func (w *world) vocabulary() (tags []skill.Code, romes, formers []skill.RomeCode, communes []string) {
	for _, t := range tagPool {
		if c := skill.TagCode(t); w.tax.Known(c) {
			tags = append(tags, c)
		}
	}
	for _, r := range romePool {
		if _, ok := w.tax.Occupation(skill.RomeCode(r)); ok {
			romes = append(romes, skill.RomeCode(r))
		}
	}
	for _, r := range formerPool {
		if _, ok := w.tax.Occupation(skill.RomeCode(r)); ok {
			formers = append(formers, skill.RomeCode(r))
		}
	}
	for _, c := range place.Builtin().All() {
		communes = append(communes, c.ID)
	}
	if len(tags) < 15 || len(romes) < 3 || len(formers) < 3 {
		w.t.Fatalf("built-in taxonomy lacks the test vocabulary: %d tags, %d occupations, %d former occupations", len(tags), len(romes), len(formers))
	}
	return tags, romes, formers, communes
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func pickN[T comparable](r *rand.Rand, s []T, n int) []T {
	out := slices.Clone(s)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(n, len(out))]
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// randomProfile is a valid profile input: a few skills, maybe trainings and
// former jobs, a commune of Nantes Métropole, mostly visible.
func (w *world) randomProfile(r *rand.Rand, name string) candidate.ProfileInput {
	tags, _, formers, communes := w.vocabulary()
	today := day(time.Now())
	in := candidate.ProfileInput{
		DisplayName: name,
		CommuneID:   pick(r, communes),
		MobilityKm:  pick(r, []int{0, 5, 10, 20, 30, 50}),
		Remote:      pick(r, candidate.RemotePreferences()),
		Visibility:  pick(r, []candidate.Visibility{candidate.VisibilityVisible, candidate.VisibilityAnonymous, candidate.VisibilityAnonymous, candidate.VisibilityAdvisers, candidate.VisibilityHidden}),
		// Most people agree to be proposed; some have not yet.
		MatchingConsent: r.IntN(5) > 0,
	}
	for _, c := range pickN(r, tags, r.IntN(7)) {
		in.Skills = append(in.Skills, candidate.SkillInput{Code: c, Level: skill.Level(1 + r.IntN(4)),
			Evidence: pick(r, []skill.Evidence{skill.EvidenceDeclared, skill.EvidenceTraining, skill.EvidenceExperience})})
	}
	for range r.IntN(3) {
		t := candidate.TrainingInput{Title: pick(r, trainTitles), Provider: "AFPA"}
		if r.IntN(2) == 0 {
			t.Status, t.Start, t.End = candidate.TrainingInProgress, today.AddDate(0, -3, 0), today.AddDate(0, 0, 10+r.IntN(300))
		} else {
			t.Status, t.Start, t.End = candidate.TrainingCompleted, today.AddDate(-1, 0, 0), today.AddDate(0, -1-r.IntN(6), 0)
		}
		t.Skills = append(t.Skills, pickN(r, tags, 1+r.IntN(3))...)
		in.Trainings = append(in.Trainings, t)
	}
	for _, f := range pickN(r, formers, r.IntN(3)) {
		in.FormerOccupations = append(in.FormerOccupations, candidate.FormerOccupationInput{Rome: f, Years: r.IntN(12)})
	}
	for _, c := range contract.All() {
		if r.IntN(3) == 0 {
			in.Contracts = append(in.Contracts, c)
		}
	}
	if r.IntN(3) == 0 {
		in.AvailableFrom = today.AddDate(0, 0, r.IntN(120))
	}
	return in
}

// randomOffer is a valid offer input asking for 1–6 skills, at least one
// of them required.
func (w *world) randomOffer(r *rand.Rand) offer.OfferInput {
	tags, romes, _, communes := w.vocabulary()
	today := day(time.Now())
	in := offer.OfferInput{
		Title:                fmt.Sprintf("Poste %d", r.IntN(1000)),
		Rome:                 pick(r, romes),
		Description:          "Une équipe bienveillante.",
		Contract:             pick(r, contract.All()),
		CommuneID:            pick(r, communes),
		Remote:               pick(r, offer.RemotePolicies()),
		OpenToCareerChangers: r.IntN(2) == 0,
	}
	if r.IntN(3) > 0 {
		in.StartDate = today.AddDate(0, 0, r.IntN(200))
	}
	for i, c := range pickN(r, tags, 1+r.IntN(6)) {
		in.Skills = append(in.Skills, offer.SkillInput{Code: c, MinLevel: skill.Level(1 + r.IntN(4)), MustHave: i == 0 || r.IntN(2) == 0, Learnable: r.IntN(3) == 0})
	}
	return in
}

// newCandidate creates the profile of a new candidate through the service
// and returns their id.
func (w *world) newCandidate(r *rand.Rand, n int, profiles *candidate.Service) string {
	w.t.Helper()
	id := hexID(0xca000 + n)
	p, err := profiles.Mine(candidateCtx(id), "x")
	if err != nil {
		w.t.Fatalf("create profile: %v", err)
	}
	if _, err := profiles.Update(candidateCtx(id), id, w.randomProfile(r, fmt.Sprintf("Candidat·e %d", n)), p.Revision); err != nil {
		w.t.Fatalf("update profile: %v", err)
	}
	return id
}

// newOffer creates an offer of company (by a member) and publishes it unless
// draft.
func (w *world) newOffer(r *rand.Rand, offers *offer.Service, member context.Context, draft bool) string {
	w.t.Helper()
	o, err := offers.Create(member, w.randomOffer(r))
	if err != nil {
		w.t.Fatalf("create offer: %v", err)
	}
	if !draft {
		if _, err := offers.Publish(member, o.ID); err != nil {
			w.t.Fatalf("publish offer: %v", err)
		}
	}
	return o.ID
}

// storeContents reads every profile and offer back from the store.
func (w *world) storeContents() ([]candidate.Profile, []offer.Offer) {
	w.t.Helper()
	var ps []candidate.Profile
	for since := int64(0); ; {
		page, err := w.profiles.Changed(context.Background(), since, 1000)
		if err != nil {
			w.t.Fatal(err)
		}
		ps = append(ps, page...)
		if len(page) < 1000 {
			break
		}
		since = page[len(page)-1].Revision
	}
	var os []offer.Offer
	for since := int64(0); ; {
		page, err := w.offers.Changed(context.Background(), since, 1000)
		if err != nil {
			w.t.Fatal(err)
		}
		os = append(os, page...)
		if len(page) < 1000 {
			break
		}
		since = page[len(page)-1].Revision
	}
	return ps, os
}

// code returns the domain error code of err ("" for nil).
func code(err error) string { return passerelle.ErrorCode(err) }

// engineQueries are the shapes compared between index, fresh build and
// brute force.
var engineQueries = []match.Query{
	{},
	{Viewer: match.RoleAdviser},
	{K: 3, Offset: 2},
	{Viewer: match.RoleAdviser, K: 1, Offset: 1},
}

// samePage fails unless two engine pages are identical, explanations
// included.
func samePage(t *testing.T, what string, got, want match.Page) {
	t.Helper()
	if len(got.Results) != len(want.Results) || got.More != want.More {
		t.Fatalf("%s: %d results (more %v), want %d (more %v)\n got %v\nwant %v", what,
			len(got.Results), got.More, len(want.Results), want.More, resultIDs(got.Results), resultIDs(want.Results))
	}
	for i := range got.Results {
		g, w := got.Results[i], want.Results[i]
		if g.ID != w.ID || g.Score != w.Score || g.Anonymous != w.Anonymous {
			t.Fatalf("%s: result %d is %s (%v, anonymous %v), want %s (%v, anonymous %v)", what, i, g.ID, g.Score, g.Anonymous, w.ID, w.Score, w.Anonymous)
		}
		if !equalExplanations(g.Explanation, w.Explanation) {
			t.Fatalf("%s: result %d (%s): explanations differ\n got %+v\nwant %+v", what, i, g.ID, g.Explanation, w.Explanation)
		}
	}
}

func equalExplanations(a, b match.Explanation) bool {
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

func resultIDs(rs []match.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s:%v", r.ID, r.Score))
	}
	return out
}

// errorsIs and errorsAs are errors.Is and errors.As, shorter in tables.
var (
	errorsIs = errors.Is
	errorsAs = errors.As
)

package demo

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
)

// GenerateOptions sizes and seeds a synthetic world.
type GenerateOptions struct {
	// Candidates and Offers are how many profiles and offers to write.
	// Offers come with one company page per eight offers.
	Candidates, Offers int
	// Seed decides everything random: the same options (with the same
	// taxonomy and places) give the same documents, whatever the database;
	// only revisions differ.
	Seed uint64
	// Progress, when set, is called after each batch with the number of
	// documents written so far and the total (company pages, offers and
	// profiles), from the goroutine that called Generate.
	Progress func(done, total int)
	// Taxonomy gives the skills and occupations; nil means skill.Builtin().
	Taxonomy *skill.Taxonomy
	// Places gives the communes people live and work in; nil means the
	// built-in Nantes Métropole. A directory of fewer than 1,000 communes
	// (the built-in one) is completed with 49 other large French cities,
	// with the ids an import of the postal-codes file without INSEE codes
	// gives them, so that a world spans the country; an imported directory
	// of all communes is used alone.
	Places *place.Directory
	// Today is the day the world's dates count from (trainings ending,
	// offers starting); zero means the current day. Reproducing a world on
	// another day needs the same Today.
	Today time.Time
	// BatchSize is how many documents one insert writes (default 1,000).
	// Each insert has the store's call deadline.
	BatchSize int
}

// Kinds of generated documents, for their ids and random streams.
const (
	kindCompany uint64 = iota + 1
	kindOffer
	kindProfile
)

// offersPerCompany sizes the generated companies.
const offersPerCompany = 8

// Generate writes a synthetic world into st: company pages, offers and
// candidate profiles, straight through the storage adapters in bulk, for
// benchmarks. Everything is drawn from o.Seed, document by document, so a
// world of any size streams without being held in memory and comes out the
// same every time.
//
// The world looks like the real one where that shapes the work of matching
// and search: skill popularity is Zipf-like over the taxonomy's tags and
// ROME items (a few skills nearly everyone lists, a long tail), skills
// cluster by occupation, most candidates are career changers with a former
// occupation and a training, places gather around the large cities.
//
// Generated candidates have no account (nobody logs in as them; their
// profiles are read by matching), and generated companies have a public
// page but no organisation or members; their offers have no author.
//
// Documents whose id is already stored are kept, so an interrupted run is
// completed by running it again with the same options. Generate does not
// create indexes: migrate the database first.
func Generate(ctx context.Context, st *store.Store, o GenerateOptions) error {
	if o.Candidates < 0 || o.Offers < 0 {
		return errors.New("generate: candidates and offers must not be negative")
	}
	w := newGenWorld(o)
	profiles, offers := candidatedb.New(st), offerdb.New(st)
	total := w.companies + o.Offers + o.Candidates
	done := 0
	progress := func(n int) {
		done += n
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	steps := []struct {
		what  string
		n     int
		write func(ctx context.Context, from, to int) error
	}{
		{"company pages", w.companies, func(ctx context.Context, from, to int) error {
			_, err := offers.InsertCompanies(ctx, gather(from, to, w.company))
			return err
		}},
		{"offers", o.Offers, func(ctx context.Context, from, to int) error {
			_, err := offers.InsertOffers(ctx, gather(from, to, w.offer))
			return err
		}},
		{"profiles", o.Candidates, func(ctx context.Context, from, to int) error {
			_, err := profiles.InsertProfiles(ctx, gather(from, to, w.profile))
			return err
		}},
	}
	for _, s := range steps {
		for from := 0; from < s.n; from += w.batch {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("generate %s: %w", s.what, err)
			}
			to := min(from+w.batch, s.n)
			if err := s.write(ctx, from, to); err != nil {
				return fmt.Errorf("generate %s %d–%d: %w", s.what, from, to, err)
			}
			progress(to - from)
		}
	}
	return nil
}

// gather builds the documents from to to.
func gather[T any](from, to int, doc func(int) T) []T {
	out := make([]T, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, doc(i))
	}
	return out
}

// genWorld is what every document of a world is drawn from: built once from
// the seed, then read only.
type genWorld struct {
	o         GenerateOptions
	tax       *skill.Taxonomy
	today     time.Time
	batch     int
	companies int

	vocab   []skill.Code // tags, then ROME items
	labels  map[skill.Code]string
	popular sampler // vocab by global popularity

	digital, former         []genOccupation
	digitalPick, formerPick sampler

	communes             []place.Commune
	peoplePick, jobsPick sampler
	companyPick          sampler
}

// genOccupation is an occupation with its skills, most typical first.
type genOccupation struct {
	code   skill.RomeCode
	label  string
	titles []string // job titles (appellations)
	skills []skill.Code
	pick   sampler
}

func newGenWorld(o GenerateOptions) *genWorld {
	w := &genWorld{o: o, tax: o.Taxonomy, batch: cmp.Or(max(o.BatchSize, 0), 1000)}
	if w.tax == nil {
		w.tax = skill.Builtin()
	}
	if o.Today.IsZero() {
		o.Today = time.Now()
	}
	w.today = day(o.Today)
	if o.Offers > 0 {
		w.companies = max(1, (o.Offers+offersPerCompany-1)/offersPerCompany)
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x5eed))

	// Vocabulary and global popularity: the named popular tags, then the
	// other tags, then ROME items, each tail in an order drawn from the
	// seed; weights fall as a Zipf–Mandelbrot law, items below tags
	// (employers write tags).
	w.labels = map[skill.Code]string{}
	var weights []float64
	seen := map[skill.Code]bool{}
	add := func(c skill.Code, weight float64) {
		if seen[c] {
			return
		}
		seen[c] = true
		l, _ := w.tax.Label(c, skill.LangFR)
		w.vocab, w.labels[c] = append(w.vocab, c), l
		weights = append(weights, weight)
	}
	tagWeight := func(rank int) float64 { return 1 / math.Pow(float64(rank)+3, 1.05) }
	for _, slug := range popularTags {
		if c := skill.TagCode(slug); w.tax.Known(c) {
			add(c, tagWeight(len(w.vocab)))
		}
	}
	var rest []skill.Code
	for _, t := range w.tax.Tags().All() {
		if !seen[t.Code()] {
			rest = append(rest, t.Code())
		}
	}
	shuffle(r, rest)
	for _, c := range rest {
		add(c, tagWeight(len(w.vocab)))
	}
	rome := w.tax.ROME()
	items := make([]skill.Code, 0, len(rome.Skills)+len(rome.Knowledge))
	for _, it := range slices.Concat(rome.Skills, rome.Knowledge) {
		if !credential(it) {
			items = append(items, it.Code)
		}
	}
	shuffle(r, items)
	for i, c := range items {
		add(c, 0.5/math.Pow(float64(i)+6, 1.05))
	}
	w.popular = newSampler(weights)

	// Occupations: digital ones to retrain into, former ones to come from.
	var digital, former []skill.RomeCode
	for _, c := range digitalOccupations {
		if _, ok := w.tax.Occupation(skill.RomeCode(c)); ok {
			digital = append(digital, skill.RomeCode(c))
		}
	}
	for _, c := range formerOccupations {
		if _, ok := w.tax.Occupation(skill.RomeCode(c)); ok && !slices.Contains(digital, skill.RomeCode(c)) {
			former = append(former, skill.RomeCode(c))
		}
	}
	var moreDigital, moreFormer []skill.RomeCode
	for _, occ := range w.tax.Occupations() {
		if slices.Contains(digital, occ.Code) || slices.Contains(former, occ.Code) {
			continue
		}
		if occ.TransitionNum {
			moreDigital = append(moreDigital, occ.Code)
		} else {
			moreFormer = append(moreFormer, occ.Code)
		}
	}
	shuffle(r, moreDigital)
	shuffle(r, moreFormer)
	for _, c := range append(digital, moreDigital...) {
		w.digital = append(w.digital, w.occupation(c, 30))
	}
	for _, c := range append(former, moreFormer...) {
		w.former = append(w.former, w.occupation(c, 15))
	}
	w.digitalPick = newSampler(zipf(len(w.digital), 0.9))
	w.formerPick = newSampler(zipf(len(w.former), 0.8))

	w.communes, w.peoplePick, w.jobsPick = communesOf(o.Places)
	if w.companies > 0 {
		w.companyPick = newSampler(zipf(w.companies, 0.6))
	}
	return w
}

// occupation returns occupation c with at most n skills, most typical
// first: its usual tags, its core ROME items, the tags linked to its items,
// its other items.
func (w *genWorld) occupation(c skill.RomeCode, n int) genOccupation {
	occ, _ := w.tax.Occupation(c)
	g := genOccupation{code: c, label: occ.Label}
	for _, a := range w.tax.Appellations(c) {
		g.titles = append(g.titles, a.Label)
	}
	if len(g.titles) == 0 {
		g.titles = []string{occ.Label}
	}
	have := map[skill.Code]bool{}
	add := func(code skill.Code) {
		if len(g.skills) < n && !have[code] && w.tax.Known(code) {
			have[code] = true
			g.skills = append(g.skills, code)
		}
	}
	for _, slug := range typicalTags[string(c)] {
		add(skill.TagCode(slug))
	}
	items := w.tax.OccupationItems(c)
	items = slices.DeleteFunc(items, func(it skill.OccupationItem) bool { return credential(it.Item) })
	for _, it := range items {
		if it.Flag == skill.LinkCore {
			add(it.Code)
		}
	}
	inOcc := map[skill.Code]bool{}
	for _, it := range items {
		inOcc[it.Code] = true
	}
	for _, t := range w.tax.Tags().All() {
		for _, link := range t.ROME {
			if inOcc[link] {
				add(t.Code())
			}
		}
	}
	for _, it := range items {
		add(it.Code)
	}
	if len(g.skills) == 0 { // an occupation without items: lean on the popular tags
		for _, code := range w.vocab[:min(n, len(w.vocab))] {
			add(code)
		}
	}
	g.pick = newSampler(zipf(len(g.skills), 0.9))
	return g
}

// credential reports whether a ROME item is a diploma, a certification or a
// licence ("Certifications et habilitations"): a qualification rather than a
// skill people list or offers ask for.
func credential(it skill.Item) bool {
	c := strings.ToLower(it.Category)
	return strings.Contains(c, "certification") || strings.Contains(c, "habilitation") || strings.Contains(c, "diplôme")
}

// rng returns the random stream of one document, so that any document can
// be drawn alone, in any order.
func (w *genWorld) rng(kind uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(w.o.Seed, kind<<56^uint64(i)))
}

// id returns the ObjectID of document i of a kind: the world's day, then 8
// bytes that a bijective mix of the index makes distinct within the world
// and unrelated across seeds.
func (w *genWorld) id(kind uint64, i int) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(w.today.Unix()))
	binary.BigEndian.PutUint64(b[4:], mix64(mix64(w.o.Seed^kind*0x9e3779b97f4a7c15)+uint64(i)))
	return hex.EncodeToString(b[:])
}

// mix64 is the SplitMix64 finaliser, a bijection of uint64.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// at returns the day n days from today at a time drawn from r, as
// timestamps are stored (UTC, milliseconds).
func (w *genWorld) at(r *rand.Rand, n int) time.Time {
	return w.today.AddDate(0, 0, n).Add(time.Duration(r.IntN(86_400_000)) * time.Millisecond)
}

func (w *genWorld) date(n int) time.Time { return w.today.AddDate(0, 0, n) }

// company returns company page k.
func (w *genWorld) company(k int) offer.Company {
	c, _ := w.companyAt(k)
	return c
}

// companyAt returns company page k and the commune it is in.
func (w *genWorld) companyAt(k int) (offer.Company, place.Commune) {
	r := w.rng(kindCompany, k)
	com := w.communes[w.jobsPick.pick(r)]
	name := fmt.Sprintf("%s %s %s", pickOne(r, companyPrefixes), pickOne(r, companyRoots), pickOne(r, companySuffixes))
	sector := pickOne(r, companySectors)
	created := w.at(r, -400-r.IntN(800))
	return offer.Company{
		OrgID: w.id(kindCompany, k), Name: name, Sector: sector, Size: offer.CompanySizes()[sizePick.pick(r)],
		City: com.Name,
		Description: fmt.Sprintf("%s (%s, %s) : entreprise fictive d'un jeu de données de test, qui recrute des profils du numérique, "+
			"y compris en reconversion.", name, lowerFirst(sector), com.Name),
		CreatedAt: created, UpdatedAt: created,
	}, com
}

// offer returns offer j.
func (w *genWorld) offer(j int) offer.Offer {
	r := w.rng(kindOffer, j)
	company, home := w.companyAt(w.companyPick.pick(r))
	occ := w.digital[w.digitalPick.pick(r)]
	title := pickOne(r, occ.titles)
	if !strings.Contains(title, " / ") { // "Développeur / Développeuse" says it already
		title += " (H/F)"
	}
	title = truncate(title, offer.MaxTitleRunes)

	// Skills: mostly the occupation's, some popular ones; the first are
	// must-haves.
	n := 3 + r.IntN(8)
	codes := w.draw(r, n, func(r *rand.Rand) skill.Code {
		if r.Float64() < 0.75 {
			return occ.skills[occ.pick.pick(r)]
		}
		return w.vocab[w.popular.pick(r)]
	})
	mustN := 1 + r.IntN(min(3, len(codes)))
	skills := make([]offer.Skill, len(codes))
	for i, c := range codes {
		s := offer.Skill{Code: c, Label: w.labels[c], MustHave: i < mustN}
		if s.MustHave {
			s.MinLevel, s.Learnable = skill.Level(2+r.IntN(2)), r.Float64() < 0.1
		} else {
			s.MinLevel, s.Learnable = skill.Level(1+r.IntN(2)), r.Float64() < 0.35
		}
		skills[i] = s
	}

	kind := offerContracts[contractPick.pick(r)]
	var salary offer.Salary
	switch kind {
	case contract.Alternance:
		salary.Min = 11000 + 1000*r.IntN(6)
		salary.Max = salary.Min + 2000 + 1000*r.IntN(3)
	case contract.Stage:
		salary = offer.Salary{Min: 7920, Max: 7920}
	default:
		if r.Float64() < 0.85 {
			salary.Min = 1000 * (26 + r.IntN(30))
			salary.Max = salary.Min + 1000*(3+r.IntN(6))
		}
	}
	where := home // most jobs are where the company is
	if r.Float64() < 0.2 {
		where = w.communes[w.jobsPick.pick(r)]
	}
	remote := offer.RemotePolicies()[remotePick.pick(r)]
	var start time.Time
	if r.Float64() >= 0.15 {
		start = w.date(14 + r.IntN(107))
	}
	o := offer.Offer{
		ID: w.id(kindOffer, j), CompanyID: company.OrgID, Title: title, Rome: occ.code, RomeLabel: occ.label,
		Description: offerDescription(r, company.Name, title, where.Name, kind),
		Skills:      skills, Contract: kind,
		Place:  offer.Place{CommuneID: where.ID, Name: where.Name, Lat: where.Lat, Lon: where.Lon},
		Remote: remote, Salary: salary, StartDate: start, OpenToCareerChangers: r.Float64() < 0.7,
		CreatedAt: w.at(r, -r.IntN(90)),
	}
	o.UpdatedAt = o.CreatedAt
	switch x := r.Float64(); {
	case x < 0.04:
		o.Status = offer.StatusDraft
	case x < 0.08:
		o.Status = offer.StatusClosed
		o.PublishedAt = o.CreatedAt.Add(time.Duration(r.IntN(72)) * time.Hour)
		o.ClosedAt = o.PublishedAt.Add(time.Duration(1+r.IntN(30*24)) * time.Hour)
		o.Closure = offer.Closure{Reason: offer.CloseFilled}
		if r.IntN(3) == 0 {
			o.Closure.Reason = offer.CloseCancelled
		}
		o.UpdatedAt = o.ClosedAt
	default:
		o.Status = offer.StatusPublished
		o.PublishedAt = o.CreatedAt.Add(time.Duration(r.IntN(72)) * time.Hour)
		o.UpdatedAt = o.PublishedAt
	}
	return o
}

func offerDescription(r *rand.Rand, company, title, city string, c contract.Type) string {
	kind := map[contract.Type]string{
		contract.CDI: "en CDI", contract.CDD: "en CDD de six à douze mois", contract.Alternance: "en alternance",
		contract.Stage: "en stage de six mois", contract.Freelance: "en mission freelance",
	}[c]
	team := 3 + r.IntN(20)
	s := fmt.Sprintf("%s recrute %s à %s : %s. Vous rejoignez une équipe de %d personnes et travaillez avec les métiers, "+
		"de l'expression du besoin à la mise en service.", company, kind, city, lowerFirst(title), team)
	if r.IntN(2) == 0 {
		s += " Les personnes en reconversion sont les bienvenues : un parcours d'intégration et un tutorat sont prévus."
	}
	return s
}

// profile returns candidate profile i.
func (w *genWorld) profile(i int) candidate.Profile {
	r := w.rng(kindProfile, i)
	id := w.id(kindProfile, i)
	target := w.digital[w.digitalPick.pick(r)]
	changer := r.Float64() < 0.8
	var former []genOccupation
	if changer {
		former = append(former, w.former[w.formerPick.pick(r)])
		if r.Float64() < 0.2 {
			if f := w.former[w.formerPick.pick(r)]; f.code != former[0].code {
				former = append(former, f)
			}
		}
	}

	p := candidate.Profile{
		ID:           id,
		DisplayName:  pickOne(r, firstNames) + " " + pickOne(r, lastNames),
		MobilityKm:   mobilities[mobilityPick.pick(r)],
		Remote:       candidate.RemotePreferences()[preferencePick.pick(r)],
		LastEditedBy: candidate.Editor{UserID: id, Role: auth.RoleCandidate},
	}
	if changer {
		p.Headline = truncate("En reconversion : "+lowerFirst(target.label), candidate.MaxHeadlineRunes)
	} else {
		p.Headline = truncate(target.label+", junior", candidate.MaxHeadlineRunes)
	}
	home := w.communes[w.peoplePick.pick(r)]
	p.Place = candidate.Place{CommuneID: home.ID, Name: home.Name, Lat: home.Lat, Lon: home.Lon}

	// Held skills: the target occupation's (being learnt), popular ones,
	// and those of the former occupations (experience).
	held := map[skill.Code]bool{}
	n := 3 + r.IntN(6) + r.IntN(7)
	for range n * 3 {
		if len(p.Skills) == n {
			break
		}
		var s candidate.Skill
		switch x := r.Float64(); {
		case x < 0.5:
			s.Code = target.skills[target.pick.pick(r)]
			s.Level, s.Evidence = skill.Level(1+levelPick.pick(r)), skill.EvidenceTraining
		case x < 0.8 || len(former) == 0:
			s.Code = w.vocab[w.popular.pick(r)]
			s.Level, s.Evidence = skill.Level(1+levelPick.pick(r)), skill.EvidenceDeclared
		default:
			f := former[r.IntN(len(former))]
			s.Code = f.skills[f.pick.pick(r)]
			s.Level, s.Evidence = skill.Level(3+r.IntN(2)), skill.EvidenceExperience
		}
		if held[s.Code] {
			continue
		}
		held[s.Code] = true
		s.Label = w.labels[s.Code]
		p.Skills = append(p.Skills, s)
	}

	for _, f := range former {
		p.FormerOccupations = append(p.FormerOccupations, candidate.FormerOccupation{Rome: f.code, Label: f.label, Years: 2 + r.IntN(24)})
	}

	// A training towards the target occupation for most.
	if r.Float64() < 0.75 {
		start := -30 - r.IntN(300)
		end := start + 90 + r.IntN(330)
		t := candidate.Training{
			Title:    truncate(fmt.Sprintf(pickOne(r, trainingKinds), lowerFirst(target.label)), candidate.MaxTrainingTitle),
			Provider: pickOne(r, trainingProviders),
			Start:    w.date(start), End: w.date(end),
		}
		switch {
		case r.Float64() < 0.04:
			t.Status, t.End = candidate.TrainingAbandoned, time.Time{}
		case end < 0:
			t.Status = candidate.TrainingCompleted
		default:
			t.Status = candidate.TrainingInProgress
			p.AvailableFrom = w.date(end + r.IntN(30))
		}
		for _, c := range w.draw(r, 2+r.IntN(5), func(r *rand.Rand) skill.Code { return target.skills[target.pick.pick(r)] }) {
			t.Skills = append(t.Skills, candidate.SkillRef{Code: c, Label: w.labels[c]})
		}
		p.Trainings = []candidate.Training{t}
	}
	if p.AvailableFrom.IsZero() && r.Float64() < 0.4 {
		p.AvailableFrom = w.date(r.IntN(90))
	}

	// Contracts wanted (empty: any), in canonical order.
	for c, share := range []float64{0.8, 0.4, 0.25, 0.1, 0.08} {
		if r.Float64() < share {
			p.Contracts = append(p.Contracts, contract.All()[c])
		}
	}

	if r.Float64() < 0.96 {
		p.Languages = append(p.Languages, candidate.Language{Code: "fr", Level: candidate.LanguageNative})
	} else {
		p.Languages = append(p.Languages, candidate.Language{Code: "fr", Level: candidate.LanguageB2},
			candidate.Language{Code: pickOne(r, []string{"ar", "pt", "es", "ro", "wo", "tr", "uk"}), Level: candidate.LanguageNative})
	}
	if r.Float64() < 0.7 {
		p.Languages = append(p.Languages, candidate.Language{Code: "en", Level: candidate.LanguageLevels()[r.IntN(5)]})
	}

	p.Visibility = candidate.Visibilities()[visibilityPick.pick(r)]
	switch p.Visibility {
	case candidate.VisibilityVisible, candidate.VisibilityAnonymous:
		p.MatchingConsent = r.Float64() < 0.95
	default:
		p.MatchingConsent = r.Float64() < 0.3
	}
	p.CreatedAt = w.at(r, -r.IntN(365))
	p.UpdatedAt = p.CreatedAt.Add(time.Duration(r.IntN(30*24)) * time.Hour)
	if limit := w.today.Add(24*time.Hour - time.Millisecond); p.UpdatedAt.After(limit) {
		p.UpdatedAt = limit
	}
	return p
}

// draw returns up to n distinct codes from next.
func (w *genWorld) draw(r *rand.Rand, n int, next func(*rand.Rand) skill.Code) []skill.Code {
	out := make([]skill.Code, 0, n)
	for range n * 4 {
		if len(out) == n {
			break
		}
		if c := next(r); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Shares of the small choices, in the order of the values they pick.
var (
	sizePick       = newSampler([]float64{3, 4, 2, 1}) // offer.CompanySizes
	offerContracts = []contract.Type{contract.CDI, contract.Alternance, contract.CDD, contract.Stage, contract.Freelance}
	contractPick   = newSampler([]float64{55, 15, 12, 10, 8})
	remotePick     = newSampler([]float64{35, 50, 15}) // offer.RemotePolicies
	mobilities     = []int{5, 10, 15, 20, 25, 30, 40, 50, 80, 100}
	mobilityPick   = newSampler([]float64{3, 8, 8, 12, 8, 14, 6, 8, 2, 2})
	preferencePick = newSampler([]float64{20, 45, 35})     // candidate.RemotePreferences
	visibilityPick = newSampler([]float64{10, 10, 35, 45}) // candidate.Visibilities
	levelPick      = newSampler([]float64{35, 40, 20, 5})  // levels 1 to 4
)

// communesOf returns the communes of a world with samplers for where people
// live and where jobs are: each commune weighs by its closeness to the
// large cities (a kernel of about ten kilometres), the city's own commune
// most, with a floor for the countryside.
func communesOf(d *place.Directory) ([]place.Commune, sampler, sampler) {
	var communes []place.Commune
	if d != nil {
		communes = d.All()
	}
	if len(communes) < 1000 {
		base := place.Builtin().All()
		if len(communes) > 0 {
			base = communes
		}
		have := map[string]bool{}
		for _, c := range base {
			have[c.ID] = true
		}
		communes = base
		for _, c := range cities {
			if !have[c.id] {
				communes = append(communes, place.Commune{ID: c.id, Name: c.name, LatLon: place.LatLon{Lat: c.lat, Lon: c.lon}})
			}
		}
	}
	slices.SortFunc(communes, func(a, b place.Commune) int { return strings.Compare(a.ID, b.ID) })
	people := make([]float64, len(communes))
	jobs := make([]float64, len(communes))
	for i := range people {
		people[i], jobs[i] = 0.02, 0.005
	}
	for _, a := range cities {
		centre := place.LatLon{Lat: a.lat, Lon: a.lon}
		nearest, best := -1, math.Inf(1)
		for i, c := range communes {
			d := place.Distance(c.LatLon, centre)
			if d > 60 {
				continue
			}
			people[i] += a.people * math.Exp(-d/10)
			jobs[i] += a.job * math.Exp(-d/6)
			if d < best {
				nearest, best = i, d
			}
		}
		if nearest >= 0 && best < 10 {
			people[nearest] += 3 * a.people
			jobs[nearest] += 6 * a.job
		}
	}
	return communes, newSampler(people), newSampler(jobs)
}

// sampler draws indexes with given weights.
type sampler struct{ cum []float64 }

func newSampler(weights []float64) sampler {
	cum := make([]float64, len(weights))
	sum := 0.0
	for i, w := range weights {
		sum += w
		cum[i] = sum
	}
	return sampler{cum}
}

func (s sampler) pick(r *rand.Rand) int {
	x := r.Float64() * s.cum[len(s.cum)-1]
	return min(sort.SearchFloat64s(s.cum, x), len(s.cum)-1)
}

// zipf returns n weights 1/(rank+1)^s.
func zipf(n int, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i)+1, s)
	}
	return w
}

func pickOne[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func shuffle[T any](r *rand.Rand, xs []T) {
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
}

// lowerFirst lower-cases the first letter of s, and of each gendered form
// ("Développeur / Développeuse web"), for use inside a sentence, leaving
// acronyms alone ("UX - UI Designer").
func lowerFirst(s string) string {
	parts := strings.Split(s, " / ")
	for i, p := range parts {
		r := []rune(p)
		if len(r) >= 2 && !unicode.IsUpper(r[1]) {
			r[0] = unicode.ToLower(r[0])
			parts[i] = string(r)
		}
	}
	return strings.Join(parts, " / ")
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Package synth generates synthetic worlds for the matching engine: a skill
// taxonomy, candidate profiles and job offers, reproducible from a seed.
//
// Realism matters where it shapes the engine's work: skill popularity is
// Zipf-like (a few skills nearly everyone has, a long tail), skills cluster
// by occupation (a data analyst has SQL and Python together), places gather
// around real French cities, and a share of profiles are career changers
// with a former occupation and a training in progress. Profiles and offers
// are generated one at a time from (seed, index), so a world of a million
// profiles streams without being held in memory, and any profile can be
// regenerated alone.
package synth

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"passerelle/internal/match"
)

// Config sizes a world.
type Config struct {
	Seed     uint64
	Profiles int
	Offers   int
	// Ref is the world's "today"; zero means 2026-01-05.
	Ref time.Time
}

// World is a synthetic world. Its methods are safe for concurrent use.
type World struct {
	cfg   Config
	tax   *Taxonomy
	codes []string // the vocabulary, tags first

	digital, former []string // occupations: targets of retraining, previous jobs
	pools           map[string]*pool
	global          sampler // all codes by global popularity
	digitalPick     sampler // target occupations by popularity
	formerPick      sampler
	peoplePick      sampler // cities by population
	jobsPick        sampler // cities by digital jobs
	titles          map[string][]string
}

// pool is the skills of an occupation, most typical first.
type pool struct {
	codes []string
	pick  sampler
}

// Taxonomy is the world's skill taxonomy; it implements match.Relations.
type Taxonomy struct {
	related  map[string][]match.Related
	core     map[string][]string
	mobility map[[2]string]bool
	labels   map[string]string
}

// Related implements match.Relations.
func (t *Taxonomy) Related(code string) []match.Related { return t.related[code] }

// CoreItems implements match.Relations.
func (t *Taxonomy) CoreItems(rome string) []string { return t.core[rome] }

// Mobility implements match.Relations.
func (t *Taxonomy) Mobility(from, to string) bool { return t.mobility[[2]string{from, to}] }

// Label returns a display label for a code, in any language (synthetic
// labels are not translated).
func (t *Taxonomy) Label(code string, _ match.Lang) string { return t.labels[code] }

// namedTags are the most popular technology tags, in popularity order.
var namedTags = []string{
	"sql", "git", "excel", "python", "javascript", "html", "css", "linux", "java", "agile",
	"docker", "react", "php", "typescript", "node", "powerbi", "figma", "aws", "kubernetes", "go",
	"scrum", "jira", "csharp", "dotnet", "angular", "vue", "tableau", "spark", "terraform", "ansible",
	"wordpress", "seo", "photoshop", "cybersecurity", "network", "windows-server", "azure", "gcp", "kotlin", "swift",
}

// Occupations. Digital ones are what candidates retrain into and offers ask
// for; former ones are where career changers come from.
var (
	digitalROME = []string{
		"M1805", "M1403", "M1810", "M1801", "M1802", "M1803", "M1804", "M1806", "M1811", "M1812",
		"E1205", "E1104", "M1402", "M1404", "M1813", "H1206", "E1101", "M1807", "M1808", "M1809",
		"M1405", "M1401", "E1103", "E1402", "M1703", "M1705", "H1208", "E1201", "M1301", "M1302",
	}
	formerROME = []string{
		"M1203", "D1402", "D1401", "K2111", "K2107", "G1602", "D1106", "D1507", "M1607", "M1602",
		"N1103", "H2102", "J1506", "K1302", "G1803", "D1214", "M1502", "M1601", "M1204", "C1401",
		"I1304", "H1402", "K1801", "N4105", "G1204", "M1501", "C1206", "D1501", "K2204", "A1203",
		"F1603", "H3203", "M1701", "K1202", "G1101", "N1301", "D1211", "M1101", "C1501", "K1205",
	}
)

const (
	numTags  = 300
	numItems = 2000
)

// New returns the world of cfg. The taxonomy is built at once (a few
// milliseconds); profiles and offers are generated on demand.
func New(cfg Config) *World {
	if cfg.Ref.IsZero() {
		cfg.Ref = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	}
	w := &World{cfg: cfg, pools: map[string]*pool{}, titles: map[string][]string{}}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x7a78))

	// Vocabulary and global popularity: Zipf–Mandelbrot, tags ahead of ROME
	// items (employers write tags).
	var codes []string
	var weights []float64
	for i := range numTags {
		name := fmt.Sprintf("tag:t%03d", i)
		if i < len(namedTags) {
			name = "tag:" + namedTags[i]
		}
		codes = append(codes, name)
		weights = append(weights, 1/math.Pow(float64(i)+4, 1.05))
	}
	for i := range numItems {
		codes = append(codes, fmt.Sprintf("ogr:%d", 100000+i*37))
		weights = append(weights, 0.6/math.Pow(float64(i)+8, 1.05))
	}
	w.global = newSampler(weights)
	w.codes = codes
	w.digital, w.former = digitalROME, formerROME
	w.digitalPick = newSampler(zipf(len(w.digital), 0.9))
	w.formerPick = newSampler(zipf(len(w.former), 0.8))
	var people, jobs []float64
	for _, c := range cities {
		people = append(people, c.people)
		jobs = append(jobs, c.jobs)
	}
	w.peoplePick = newSampler(people)
	w.jobsPick = newSampler(jobs)

	t := &Taxonomy{related: map[string][]match.Related{}, core: map[string][]string{},
		mobility: map[[2]string]bool{}, labels: map[string]string{}}
	for i, c := range codes {
		t.labels[c] = labelOf(c, i)
	}
	// Occupation pools: 25 skills each, drawn by global popularity, so that
	// popular skills are typical of many occupations. Digital pools lean on
	// tags, former ones on ROME items.
	makePool := func(occ string, tagShare float64) {
		seen := map[string]bool{}
		var pc []string
		for len(pc) < 25 {
			var c string
			if r.Float64() < tagShare {
				c = codes[w.global.pickRange(r, 0, numTags)]
			} else {
				c = codes[w.global.pickRange(r, numTags, len(codes))]
			}
			if !seen[c] {
				seen[c] = true
				pc = append(pc, c)
			}
		}
		w.pools[occ] = &pool{codes: pc, pick: newSampler(zipf(len(pc), 0.9))}
		for _, c := range pc {
			if c[:4] == "ogr:" && len(t.core[occ]) < 12 {
				t.core[occ] = append(t.core[occ], c)
			}
		}
		t.labels[occ] = "Métier " + occ
	}
	for _, o := range w.digital {
		makePool(o, 0.6)
	}
	for _, o := range w.former {
		makePool(o, 0.2)
	}
	// Relations: skills typical of the same occupation are related, more
	// strongly the more typical they are.
	rel := map[string]map[string]float64{}
	link := func(a, b string, s float64) {
		if a == b {
			return
		}
		if rel[a] == nil {
			rel[a] = map[string]float64{}
		}
		rel[a][b] = max(rel[a][b], s)
	}
	for _, o := range slices.Concat(w.digital, w.former) {
		pc := w.pools[o].codes[:10]
		for i := range pc {
			for j := i + 1; j < len(pc); j++ {
				if r.Float64() < 0.35 {
					s := math.Round((0.3+0.6*r.Float64())*100) / 100
					link(pc[i], pc[j], s)
					link(pc[j], pc[i], s)
				}
			}
		}
	}
	for a, m := range rel {
		for b, s := range m {
			t.related[a] = append(t.related[a], match.Related{Code: b, Strength: s})
		}
		sort.Slice(t.related[a], func(i, j int) bool { return t.related[a][i].Code < t.related[a][j].Code })
	}
	// Mobility: each former occupation bridges to two or three digital
	// ones; digital occupations to a few others. Accountants become data
	// analysts, as in the tests.
	for _, o := range w.former {
		for range 2 + r.IntN(2) {
			t.mobility[[2]string{o, w.digital[w.digitalPick.pick(r)]}] = true
		}
	}
	for _, o := range w.digital {
		for range 2 + r.IntN(3) {
			if d := w.digital[r.IntN(len(w.digital))]; d != o {
				t.mobility[[2]string{o, d}] = true
			}
		}
	}
	t.mobility[[2]string{"M1203", "M1403"}] = true
	// Training titles per digital occupation.
	for i, o := range w.digital {
		for k := range 3 {
			w.titles[o] = append(w.titles[o], fmt.Sprintf("Titre professionnel %s niveau %d (%02d)", o, 5+k%2, i))
		}
	}
	w.tax = t
	return w
}

func labelOf(code string, i int) string {
	if code[:4] == "tag:" {
		return code[4:]
	}
	return fmt.Sprintf("Savoir-faire %d", i-numTags)
}

func zipf(n int, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i)+1, s)
	}
	return w
}

// Relations returns the world's taxonomy.
func (w *World) Relations() *Taxonomy { return w.tax }

// Config returns the world's configuration.
func (w *World) Config() Config { return w.cfg }

// ProfileID returns the ID of profile i: ObjectID-like, 24 hex digits.
func ProfileID(i int) string { return fmt.Sprintf("65a%05x%016x", i>>20, i) }

// OfferID returns the ID of offer i.
func OfferID(i int) string { return fmt.Sprintf("66b%05x%016x", i>>20, i) }

// Profiles streams the world's profiles, in index order.
func (w *World) Profiles() iter.Seq[match.Profile] {
	return func(yield func(match.Profile) bool) {
		for i := range w.cfg.Profiles {
			if !yield(w.Profile(i)) {
				return
			}
		}
	}
}

// Offers streams the world's offers, in index order.
func (w *World) Offers() iter.Seq[match.Offer] {
	return func(yield func(match.Offer) bool) {
		for i := range w.cfg.Offers {
			if !yield(w.Offer(i)) {
				return
			}
		}
	}
}

func (w *World) day(d int) time.Time { return w.cfg.Ref.AddDate(0, 0, d) }

func (w *World) place(r *rand.Rand, byJobs bool) match.Place {
	var c city
	if byJobs {
		c = cities[w.jobsPick.pick(r)]
	} else {
		c = cities[w.peoplePick.pick(r)]
	}
	spread := 8.0 // km
	if r.Float64() < 0.2 {
		spread = 30 // the countryside around
	}
	dy, dx := r.NormFloat64()*spread, r.NormFloat64()*spread
	lat := c.lat + dy/111.2
	lon := c.lon + dx/(111.2*math.Cos(c.lat*math.Pi/180))
	return match.Place{Commune: c.name, Lat: lat, Lon: lon}
}

// skill draws a skill of occupation occ: mostly typical of it, sometimes
// anything (by global popularity).
func (w *World) skill(r *rand.Rand, occ string, typical float64) string {
	if r.Float64() < typical {
		p := w.pools[occ]
		return p.codes[p.pick.pick(r)]
	}
	return w.codes[w.global.pick(r)]
}

func weighted[T any](r *rand.Rand, vals []T, weights []float64) T {
	x := r.Float64() * sum(weights)
	for i, wt := range weights {
		if x < wt {
			return vals[i]
		}
		x -= wt
	}
	return vals[len(vals)-1]
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// Profile returns profile i.
func (w *World) Profile(i int) match.Profile {
	r := rand.New(rand.NewPCG(w.cfg.Seed, uint64(i)<<1))
	target := w.digital[w.digitalPick.pick(r)]
	p := match.Profile{
		ID:         ProfileID(i),
		Place:      w.place(r, false),
		RadiusKm:   weighted(r, []int{10, 15, 20, 30, 40, 50, 75, 100}, []float64{8, 10, 20, 22, 14, 14, 7, 5}),
		Remote:     weighted(r, []match.RemotePref{match.RemoteAccepted, match.RemoteHybrid, match.RemoteOnsiteOnly}, []float64{50, 30, 20}),
		Visibility: weighted(r, []match.Visibility{match.VisibilityHidden, match.VisibilityAdvisersOnly, match.VisibilityAnonymous, match.VisibilityVisible}, []float64{8, 17, 35, 40}),
		Consent:    r.Float64() < 0.92,
		Revision:   uint64(i) + 1,
	}
	n := 3 + r.IntN(13)
	p.Skills = make([]match.HeldSkill, 0, n)
	for len(p.Skills) < n {
		c := w.skill(r, target, 0.65)
		if slices.ContainsFunc(p.Skills, func(s match.HeldSkill) bool { return s.Code == c }) {
			continue
		}
		p.Skills = append(p.Skills, match.HeldSkill{
			Code:     c,
			Level:    weighted(r, []int{1, 2, 3, 4}, []float64{20, 35, 30, 15}),
			Evidence: weighted(r, []match.Evidence{match.EvidenceDeclared, match.EvidenceTraining, match.EvidenceExperience, match.EvidenceValidated}, []float64{55, 20, 20, 5}),
		})
	}
	switch x := r.Float64(); {
	case x < 0.15:
		p.Former = append(p.Former, w.formerJob(r), w.formerJob(r))
		if p.Former[0].ROME == p.Former[1].ROME {
			p.Former = p.Former[:1]
		}
	case x < 0.6:
		p.Former = append(p.Former, w.formerJob(r))
	}
	for range weighted(r, []int{0, 1, 2}, []float64{40, 50, 10}) {
		end := w.day(-365 + r.IntN(605))
		t := match.Training{
			Title:  w.titles[target][r.IntN(len(w.titles[target]))],
			End:    end,
			Status: match.TrainingInProgress,
		}
		if end.Before(w.cfg.Ref) {
			t.Status = match.TrainingCompleted
		}
		for range 2 + r.IntN(4) {
			t.Skills = append(t.Skills, w.skill(r, target, 0.9))
		}
		p.Trainings = append(p.Trainings, t)
	}
	for _, c := range []struct {
		c match.Contract
		p float64
	}{{match.ContractCDI, 0.8}, {match.ContractCDD, 0.5}, {match.ContractAlternance, 0.3}, {match.ContractStage, 0.1}, {match.ContractFreelance, 0.1}} {
		if r.Float64() < c.p {
			p.Contracts |= c.c
		}
	}
	if r.Float64() < 0.6 {
		p.AvailableFrom = w.day(-30 + r.IntN(210))
	}
	return p
}

func (w *World) formerJob(r *rand.Rand) match.FormerOccupation {
	return match.FormerOccupation{ROME: w.former[w.formerPick.pick(r)], Years: math.Round((0.5+r.ExpFloat64()*5)*10) / 10}
}

// Offer returns offer i.
func (w *World) Offer(i int) match.Offer {
	r := rand.New(rand.NewPCG(w.cfg.Seed, uint64(i)<<1|1))
	occ := w.digital[w.digitalPick.pick(r)]
	o := match.Offer{
		ID:                   OfferID(i),
		CompanyID:            fmt.Sprintf("67c%021x", r.IntN(5000)),
		ROME:                 occ,
		Contract:             weighted(r, []match.Contract{match.ContractCDI, match.ContractCDD, match.ContractAlternance, match.ContractStage, match.ContractFreelance}, []float64{55, 15, 20, 5, 5}),
		Place:                w.place(r, true),
		Remote:               weighted(r, []match.RemotePolicy{match.PolicyOnsite, match.PolicyHybrid, match.PolicyRemote}, []float64{45, 40, 15}),
		Status:               weighted(r, []match.OfferStatus{match.OfferPublished, match.OfferDraft, match.OfferClosed}, []float64{90, 5, 5}),
		OpenToCareerChangers: r.Float64() < 0.4,
		Revision:             uint64(w.cfg.Profiles) + uint64(i) + 1,
	}
	if r.Float64() < 0.95 {
		o.Start = w.day(r.IntN(120))
	}
	n := 4 + r.IntN(7)
	o.Skills = make([]match.OfferSkill, 0, n)
	for len(o.Skills) < n {
		c := w.skill(r, occ, 0.85)
		if slices.ContainsFunc(o.Skills, func(s match.OfferSkill) bool { return s.Code == c }) {
			continue
		}
		must := r.Float64() < 0.5
		learn := r.Float64() < 0.3
		if must {
			learn = r.Float64() < 0.1
		}
		o.Skills = append(o.Skills, match.OfferSkill{
			Code:      c,
			MinLevel:  weighted(r, []int{1, 2, 3, 4}, []float64{15, 45, 30, 10}),
			MustHave:  must,
			Learnable: learn,
		})
	}
	return o
}

// sampler draws indexes with given weights, by bisection of the cumulative
// weights.
type sampler struct{ cum []float64 }

func newSampler(w []float64) sampler {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return sampler{cum: c}
}

func (s sampler) pick(r *rand.Rand) int {
	return s.pickRange(r, 0, len(s.cum))
}

// pickRange draws among indexes [lo, hi) only.
func (s sampler) pickRange(r *rand.Rand, lo, hi int) int {
	base := 0.0
	if lo > 0 {
		base = s.cum[lo-1]
	}
	x := base + r.Float64()*(s.cum[hi-1]-base)
	i := sort.SearchFloat64s(s.cum[lo:hi], x)
	return min(lo+i, hi-1)
}

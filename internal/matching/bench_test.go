package matching

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/match/synth"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

// Benchmarks of the matching service on the project's own store (the
// embedded one unless PASSERELLE_TEST_MONGO_URI is set), for
// docs/benchmarks.md. The engine's own benchmarks, on synthetic worlds held
// in memory, are in internal/match. Run, for instance:
//
//	go test -run '^$' -bench BenchmarkStoreTop50 -benchtime 30x -cpu 1 ./internal/matching/
//	PASSERELLE_BENCH_STORE=1 go test -run '^$' -bench BenchmarkStoreRead -benchtime 1x -cpu 1 -timeout 2h ./internal/matching/

// storeWorld is a synthetic world written to a store: its profiles as
// candidate profiles, some of its offers as offers, and a matching Service
// built from the store, as a server would at start-up.
type storeWorld struct {
	st       *store.Store
	world    *synth.World
	svc      *Service
	offers   []match.Offer // published offers written, as the engine reads them
	occs     []string      // every former occupation of the profiles
	profiles *candidate.Service
}

// Conversions from the synthetic world's engine documents to the stored
// ones, so that the store holds what the services would have written.

var evidenceNames = map[match.Evidence]skill.Evidence{
	match.EvidenceDeclared: skill.EvidenceDeclared, match.EvidenceTraining: skill.EvidenceTraining,
	match.EvidenceExperience: skill.EvidenceExperience, match.EvidenceValidated: skill.EvidenceAdviserValidated,
}

var contractNames = map[match.Contract]contract.Type{
	match.ContractCDI: contract.CDI, match.ContractCDD: contract.CDD, match.ContractAlternance: contract.Alternance,
	match.ContractStage: contract.Stage, match.ContractFreelance: contract.Freelance,
}

var long = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // written long ago: outside the safety window

func storedProfile(p match.Profile, i int) candidate.Profile {
	out := candidate.Profile{
		ID: p.ID, DisplayName: "Profil synthétique " + strconv.Itoa(i),
		Place:      candidate.Place{CommuneID: "synth", Name: p.Place.Commune, Lat: p.Place.Lat, Lon: p.Place.Lon},
		MobilityKm: p.RadiusKm, AvailableFrom: p.AvailableFrom, MatchingConsent: p.Consent,
		Remote:     []candidate.RemotePreference{candidate.RemoteOK, candidate.RemoteHybrid, candidate.RemoteOnsiteOnly}[p.Remote],
		Visibility: []candidate.Visibility{candidate.VisibilityHidden, candidate.VisibilityAdvisers, candidate.VisibilityAnonymous, candidate.VisibilityVisible}[p.Visibility],
		CreatedAt:  long, UpdatedAt: long,
	}
	for _, s := range p.Skills {
		out.Skills = append(out.Skills, candidate.Skill{Code: skill.Code(s.Code), Level: skill.Level(s.Level), Evidence: evidenceNames[s.Evidence]})
	}
	for _, t := range p.Trainings {
		ct := candidate.Training{Title: t.Title, End: t.End, Status: candidate.TrainingInProgress}
		if t.Status == match.TrainingCompleted {
			ct.Status = candidate.TrainingCompleted
		}
		for _, c := range t.Skills {
			ct.Skills = append(ct.Skills, candidate.SkillRef{Code: skill.Code(c)})
		}
		out.Trainings = append(out.Trainings, ct)
	}
	for _, f := range p.Former {
		out.FormerOccupations = append(out.FormerOccupations, candidate.FormerOccupation{Rome: skill.RomeCode(f.ROME), Years: int(math.Round(f.Years))})
	}
	for c, name := range contractNames {
		if p.Contracts&c != 0 {
			out.Contracts = append(out.Contracts, name)
		}
	}
	slices.Sort(out.Contracts)
	return out
}

func storedOffer(o match.Offer) offer.Offer {
	out := offer.Offer{
		ID: o.ID, CompanyID: o.CompanyID, Title: "Offre " + o.ID[18:], Rome: skill.RomeCode(o.ROME),
		Contract:  contract.Type(contractNames[o.Contract]),
		Place:     offer.Place{CommuneID: "synth", Name: o.Place.Commune, Lat: o.Place.Lat, Lon: o.Place.Lon},
		Remote:    []offer.RemotePolicy{offer.RemoteOnsite, offer.RemoteHybrid, offer.RemoteFull}[o.Remote],
		StartDate: o.Start, Status: offer.StatusPublished, OpenToCareerChangers: o.OpenToCareerChangers,
		CreatedAt: long, UpdatedAt: long,
	}
	for _, s := range o.Skills {
		out.Skills = append(out.Skills, offer.Skill{Code: skill.Code(s.Code), MinLevel: skill.Level(s.MinLevel), MustHave: s.MustHave, Learnable: s.Learnable})
	}
	return out
}

// writeProfiles writes n profiles of w to st, in batches of a thousand,
// and returns their former occupations.
func writeProfiles(b *testing.B, st *store.Store, w *synth.World, n int) []string {
	b.Helper()
	repo := candidatedb.New(st)
	seen := map[string]bool{}
	start := time.Now()
	batch := make([]candidate.Profile, 0, 1000)
	flush := func() {
		if _, err := repo.InsertProfiles(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := range n {
		p := w.Profile(i)
		for _, f := range p.Former {
			seen[f.ROME] = true
		}
		batch = append(batch, storedProfile(p, i))
		if len(batch) == cap(batch) {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	d := time.Since(start)
	b.Logf("wrote %d profiles in %v (%.0f documents/s)", n, d.Round(time.Millisecond), float64(n)/d.Seconds())
	return slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
}

func newStoreWorld(b *testing.B, profiles, offers int) *storeWorld {
	b.Helper()
	st := storetest.MustOpen(b)
	ctx := context.Background()
	for _, ensure := range []func(context.Context, *store.Store) error{candidatedb.EnsureIndexes, offerdb.EnsureIndexes} {
		if err := ensure(ctx, st); err != nil {
			b.Fatal(err)
		}
	}
	w := synth.New(synth.Config{Seed: 1, Profiles: profiles, Offers: offers})
	sw := &storeWorld{st: st, world: w}
	sw.occs = writeProfiles(b, st, w, profiles)
	var os []offer.Offer
	for i := range offers {
		if o := w.Offer(i); o.Status == match.OfferPublished {
			os = append(os, storedOffer(o))
		}
	}
	if _, err := offerdb.New(st).InsertOffers(ctx, os); err != nil {
		b.Fatal(err)
	}
	// The engine reads what the store gives back, not what was generated:
	// years are whole in the store.
	for _, o := range os {
		sw.offers = append(sw.offers, o.MatchOffer())
	}
	sw.profiles = candidate.NewService(candidatedb.New(st), skill.Builtin(), place.Builtin(), time.Now)
	offersSvc := offer.NewService(offerdb.New(st), skill.Builtin(), place.Builtin(), time.Now, offer.WithRefresh(0))
	sw.svc = mustService(b, Config{Profiles: sw.profiles, Offers: offersSvc, Taxonomy: skill.Builtin(), Relations: w.Relations(),
		Key: testKey, PollEvery: time.Hour})
	start := time.Now()
	mustStart(b, sw.svc)
	b.Logf("index built from the store in %v (%d profiles, %d offers)", time.Since(start).Round(time.Millisecond), profiles, len(os))
	return sw
}

// profileDoc is the part of a stored profile that scoring reads, as an
// application would decode it.
type profileDoc struct {
	ID     string `bson:"_id"`
	Skills []struct {
		Code     string `bson:"code"`
		Level    int    `bson:"level"`
		Evidence string `bson:"evidence"`
	} `bson:"skills"`
	Trainings []struct {
		Title  string    `bson:"title"`
		End    time.Time `bson:"end"`
		Status string    `bson:"status"`
		Skills []struct {
			Code string `bson:"code"`
		} `bson:"skills"`
	} `bson:"trainings"`
	FormerOccupations []struct {
		Rome  string `bson:"rome"`
		Years int    `bson:"years"`
	} `bson:"formerOccupations"`
	Place *struct {
		Name string  `bson:"name"`
		Lat  float64 `bson:"lat"`
		Lon  float64 `bson:"lon"`
	} `bson:"place"`
	MobilityKm      int       `bson:"mobilityKm"`
	Remote          string    `bson:"remote"`
	Contracts       []string  `bson:"contracts"`
	AvailableFrom   time.Time `bson:"availableFrom"`
	Visibility      string    `bson:"visibility"`
	MatchingConsent bool      `bson:"matchingConsent"`
	Revision        int64     `bson:"revision"`
}

func (d profileDoc) profile() candidate.Profile {
	p := candidate.Profile{ID: d.ID, MobilityKm: d.MobilityKm, Remote: candidate.RemotePreference(d.Remote), AvailableFrom: d.AvailableFrom,
		Visibility: candidate.Visibility(d.Visibility), MatchingConsent: d.MatchingConsent, Revision: d.Revision}
	for _, s := range d.Skills {
		p.Skills = append(p.Skills, candidate.Skill{Code: skill.Code(s.Code), Level: skill.Level(s.Level), Evidence: skill.Evidence(s.Evidence)})
	}
	for _, t := range d.Trainings {
		ct := candidate.Training{Title: t.Title, End: t.End, Status: candidate.TrainingStatus(t.Status)}
		for _, s := range t.Skills {
			ct.Skills = append(ct.Skills, candidate.SkillRef{Code: skill.Code(s.Code)})
		}
		p.Trainings = append(p.Trainings, ct)
	}
	for _, f := range d.FormerOccupations {
		p.FormerOccupations = append(p.FormerOccupations, candidate.FormerOccupation{Rome: skill.RomeCode(f.Rome), Years: f.Years})
	}
	if d.Place != nil {
		p.Place = candidate.Place{CommuneID: "x", Name: d.Place.Name, Lat: d.Place.Lat, Lon: d.Place.Lon}
	}
	for _, c := range d.Contracts {
		p.Contracts = append(p.Contracts, contract.Type(c))
	}
	return p
}

// mongoWay ranks the candidates of o the way a typical MongoDB application
// would: one Find on the profiles collection for the profiles that can
// score at all (holding one of the offer's skills or a related one, in
// their skills or their trainings, or a former occupation the skills are
// core to) among those an employer may see, every document decoded, scored
// in Go with the engine's own scoring function, the top 50 kept.
func (sw *storeWorld) mongoWay(ctx context.Context, o match.Offer, rel match.Relations) (match.Page, error) {
	codes, occs := []string{}, []string{}
	for _, s := range o.Skills {
		codes = append(codes, s.Code)
		for _, r := range rel.Related(s.Code) {
			codes = append(codes, r.Code)
		}
	}
	for _, occ := range sw.occs {
		core := rel.CoreItems(occ)
		if slices.ContainsFunc(o.Skills, func(s match.OfferSkill) bool { return slices.Contains(core, s.Code) }) {
			occs = append(occs, occ)
		}
	}
	filter := bson.D{
		{Key: "matchingConsent", Value: true},
		{Key: "visibility", Value: bson.D{{Key: "$in", Value: bson.A{"anonymous", "visible"}}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "skills.code", Value: bson.D{{Key: "$in", Value: codes}}}},
			bson.D{{Key: "trainings.skills.code", Value: bson.D{{Key: "$in", Value: codes}}}},
			bson.D{{Key: "formerOccupations.rome", Value: bson.D{{Key: "$in", Value: occs}}}},
		}},
	}
	ctx, cancel := sw.st.Deadline(ctx)
	defer cancel()
	cur, err := sw.st.DB.Collection(candidatedb.Collection).Find(ctx, filter)
	if err != nil {
		return match.Page{}, err
	}
	var docs []profileDoc
	if err := cur.All(ctx, &docs); err != nil {
		return match.Page{}, err
	}
	profiles := make([]match.Profile, len(docs))
	for i, d := range docs {
		profiles[i] = d.profile().MatchProfile()
	}
	return match.ScoreAll(ctx, slices.Values(profiles), o, rel, match.DefaultWeights, match.Query{Viewer: match.RoleEmployer, K: 50})
}

func percentile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// BenchmarkStoreTop50 compares, at 10,000 candidates on the store, the top
// 50 candidates of an offer from the index (the engine alone, and the whole
// service call an employer makes: authorization, labels, pseudonyms) with
// the MongoDB way (mongoWay). Both lists are checked equal first, for every
// sampled offer; each iteration then times the three on one offer.
func BenchmarkStoreTop50(b *testing.B) {
	const profiles, offers, samples = 10_000, 300, 20
	sw := newStoreWorld(b, profiles, offers)
	ctx := context.Background()
	rel := sw.svc.rel
	sample := sw.offers[:min(samples, len(sw.offers))]
	for _, o := range sample {
		got, err := sw.svc.ix.CandidatesForOffer(ctx, o.ID, match.Query{Viewer: match.RoleEmployer, K: 50})
		if err != nil {
			b.Fatal(err)
		}
		want, err := sw.mongoWay(ctx, o, rel)
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Results) != len(want.Results) || len(got.Results) == 0 {
			b.Fatalf("offer %s: index %d results, MongoDB way %d", o.ID, len(got.Results), len(want.Results))
		}
		for i := range got.Results {
			if got.Results[i].ID != want.Results[i].ID || got.Results[i].Score != want.Results[i].Score {
				b.Fatalf("offer %s, rank %d: index %s (%v), MongoDB way %s (%v)", o.ID, i+1,
					got.Results[i].ID, got.Results[i].Score, want.Results[i].ID, want.Results[i].Score)
			}
		}
	}
	b.Logf("top 50 equal for %d offers", len(sample))
	b.Run(fmt.Sprintf("profiles=%d", profiles), func(b *testing.B) {
		var engine, service, mongo []time.Duration
		for i := range b.N {
			o := sample[i%len(sample)]
			member := auth.NewContext(ctx, auth.Identity{UserID: hexID(1), Role: auth.RoleEmployer, OrgID: o.CompanyID})
			t0 := time.Now()
			if _, err := sw.svc.ix.CandidatesForOffer(ctx, o.ID, match.Query{Viewer: match.RoleEmployer, K: 50}); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := sw.svc.CandidatesForOffer(member, o.ID, Query{K: 50}); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			if _, err := sw.mongoWay(ctx, o, rel); err != nil {
				b.Fatal(err)
			}
			t3 := time.Now()
			engine, service, mongo = append(engine, t1.Sub(t0)), append(service, t2.Sub(t1)), append(mongo, t3.Sub(t2))
		}
		b.ReportMetric(ms(percentile(engine, 0.5)), "index-p50-ms")
		b.ReportMetric(ms(percentile(service, 0.5)), "service-p50-ms")
		b.ReportMetric(ms(percentile(service, 0.99)), "service-p99-ms")
		b.ReportMetric(ms(percentile(mongo, 0.5)), "mongo-p50-ms")
		b.ReportMetric(ms(percentile(mongo, 0.99)), "mongo-p99-ms")
		b.ReportMetric(float64(percentile(mongo, 0.5))/float64(percentile(service, 0.5)), "mongo/service-p50")
		b.ReportMetric(float64(percentile(mongo, 0.5))/float64(percentile(engine, 0.5)), "mongo/index-p50")
	})
}

// BenchmarkStoreRead measures how long reading profiles from the store
// takes, the store's own speed (see STORE.md): page by page through
// candidate.Service.Changed, which is how the index is built at start-up;
// in one cursor over the whole collection; and the whole start-up build.
// It writes 100,000 profiles first (PASSERELLE_BENCH_STORE_N to change),
// which takes minutes on the embedded store, so it runs only when
// PASSERELLE_BENCH_STORE is set.
func BenchmarkStoreRead(b *testing.B) {
	if os.Getenv("PASSERELLE_BENCH_STORE") == "" || testing.Short() {
		b.Skip("writes 100,000 profiles first: set PASSERELLE_BENCH_STORE=1")
	}
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("PASSERELLE_BENCH_STORE_N")); err == nil && v > 0 {
		n = v
	}
	st := storetest.MustOpen(b)
	if err := candidatedb.EnsureIndexes(context.Background(), st); err != nil {
		b.Fatal(err)
	}
	w := synth.New(synth.Config{Seed: 1, Profiles: n, Offers: 1})
	writeProfiles(b, st, w, n)
	profiles := candidate.NewService(candidatedb.New(st), skill.Builtin(), place.Builtin(), time.Now)
	ctx := context.Background()
	report := func(b *testing.B, read int, d time.Duration) {
		b.ReportMetric(d.Seconds()/float64(b.N), "s/read-all")
		b.ReportMetric(float64(read)/d.Seconds(), "profiles/s")
	}
	b.Run(fmt.Sprintf("changed-one-page/profiles=%d", n), func(b *testing.B) {
		start := time.Now()
		for range b.N {
			if _, err := profiles.Changed(ctx, 0, pageSize); err != nil {
				if passerelle.ErrorCode(err) == passerelle.EUNAVAILABLE {
					// A measurement too: the embedded store sorts the whole
					// collection for one page.
					b.Skipf("one page did not come within the store's %v deadline (%v): %v", st.Timeout, time.Since(start).Round(time.Second), err)
				}
				b.Fatal(err)
			}
		}
		b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/page")
	})
	b.Run(fmt.Sprintf("one-cursor/profiles=%d", n), func(b *testing.B) {
		read, start := 0, time.Now()
		for range b.N {
			cur, err := st.DB.Collection(candidatedb.Collection).Find(ctx, bson.D{})
			if err != nil {
				b.Fatal(err)
			}
			for cur.Next(ctx) {
				var d profileDoc
				if err := cur.Decode(&d); err != nil {
					b.Fatal(err)
				}
				read++
			}
			if err := cur.Err(); err != nil {
				b.Fatal(err)
			}
			_ = cur.Close(ctx)
		}
		report(b, read, time.Since(start))
	})
	// Reading everything page by page costs about n/1000 times one page
	// on the embedded store (each page scans the collection): hours at
	// 100,000. It runs up to 20,000 profiles, or when asked.
	if n > 20_000 && os.Getenv("PASSERELLE_BENCH_STORE_PAGES") == "" {
		b.Logf("reading %d profiles page by page skipped (about %d × one page); set PASSERELLE_BENCH_STORE_PAGES=1", n, (n+pageSize-1)/pageSize)
		return
	}
	b.Run(fmt.Sprintf("changed-pages/profiles=%d", n), func(b *testing.B) {
		read, start := 0, time.Now()
		for range b.N {
			for since := int64(0); ; {
				page, err := profiles.Changed(ctx, since, pageSize)
				if err != nil {
					b.Fatal(err)
				}
				read += len(page)
				if len(page) < pageSize {
					break
				}
				since = page[len(page)-1].Revision
			}
		}
		report(b, read, time.Since(start))
	})
	b.Run(fmt.Sprintf("build/profiles=%d", n), func(b *testing.B) {
		start := time.Now()
		for range b.N {
			svc := mustService(b, Config{Profiles: profiles, Offers: noOffers{}, Taxonomy: skill.Builtin(), Relations: w.Relations(), Key: testKey, PollEvery: time.Hour})
			if err := svc.build(ctx); err != nil {
				b.Fatal(err)
			}
		}
		report(b, n*b.N, time.Since(start))
	})
}

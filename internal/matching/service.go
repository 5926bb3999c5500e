package matching

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// Profiles is where the Service reads candidate profiles;
// *candidate.Service implements it.
type Profiles interface {
	// Changed returns at most limit profiles written after revision since,
	// by increasing revision.
	Changed(ctx context.Context, since int64, limit int) ([]candidate.Profile, error)
	// StreamChanged calls fn with every profile written after revision
	// since, by increasing revision, in one read; it stops at fn's first
	// error and returns it, wrapped.
	StreamChanged(ctx context.Context, since int64, fn func(candidate.Profile) error) error
}

// Offers is where the Service reads offers; *offer.Service implements it.
type Offers interface {
	// Changed returns at most limit offers of any status written after
	// revision since, by increasing revision.
	Changed(ctx context.Context, since int64, limit int) ([]offer.Offer, error)
	// StreamChanged calls fn with every offer of any status written after
	// revision since, by increasing revision, in one read; it stops at fn's
	// first error and returns it, wrapped.
	StreamChanged(ctx context.Context, since int64, fn func(offer.Offer) error) error
}

// Defaults of Config.
const (
	// DefaultPollEvery is how often other instances' writes are looked for.
	// With a poll taking a few milliseconds, a write shows in every instance
	// within about a second, two at worst.
	DefaultPollEvery = time.Second
	// pollShare bounds the store time that catching up takes: after a poll
	// that took d, the next one waits at least pollShare×d. On MongoDB a
	// poll reads the revision index and takes milliseconds, so this never
	// applies; on the embedded store, which scans the whole collection for
	// it (a second per few thousand profiles, see STORE.md) and serves one
	// call at a time, it keeps requests from queueing behind polls. The
	// embedded store has a single process anyway: its writes all reach the
	// index through the observers.
	pollShare = 4
	// DefaultSettle is the safety window of the poll (see Service.Sync): how
	// long a write may take between taking its revision and landing in the
	// store, clocks of different machines included. Each store call has a
	// deadline (PASSERELLE_DB_TIMEOUT, 5 s by default) and a write makes two
	// (the revision, then the document); 30 s leaves room for clock skew. It
	// is the offer search catalogue's window too.
	DefaultSettle = 30 * time.Second
	// pageSize is how many documents one read of the store returns during a
	// catch-up, the most Changed allows. The build does not page: it reads
	// everything through StreamChanged, since on the embedded store every
	// page is a scan and sort of the whole collection (a build page by page
	// is quadratic, and one page at 10,000 profiles outlasts the store's
	// per-call deadline).
	pageSize = 1000
	// minKeyLen is the shortest pseudonym key accepted (256 bits).
	minKeyLen = 32
)

// Config is what New needs.
type Config struct {
	Profiles Profiles
	Offers   Offers
	// Taxonomy gives the skill relations scores use and the labels
	// explanations show.
	Taxonomy Taxonomy
	// Relations overrides the relations read from Taxonomy (synthetic
	// worlds in benchmarks); nil reads them from Taxonomy, cached.
	Relations match.Relations
	// Weights is the ranking policy; nil means match.DefaultWeights.
	Weights *match.Weights
	// Key derives the pseudonyms shown to employers (at least 32 bytes,
	// secret, stable across restarts and instances).
	Key []byte
	// Log receives the build progress and catch-up failures.
	Log *slog.Logger
	// PollEvery and Settle: see DefaultPollEvery and DefaultSettle.
	PollEvery time.Duration
	Settle    time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service owns the matching index of this process: it builds it, keeps it
// current and answers ranked queries with authorization (see access.go).
// It is safe for concurrent use.
type Service struct {
	ix        *match.Index
	rel       match.Relations
	tax       Taxonomy
	profiles  Profiles
	offers    Offers
	key       []byte
	log       *slog.Logger
	now       func() time.Time
	pollEvery time.Duration
	settle    time.Duration

	// mu guards what the index does not keep but queries need: who may
	// read what (a profile's caseload, an offer's company and status) and
	// what a result shows beside its score (names, communes, titles).
	mu       sync.RWMutex
	pmeta    map[string]*profileMeta
	ometa    map[string]*offerMeta
	interned map[string]string

	ready atomic.Bool

	// syncMu serialises catch-ups; it guards the cursors.
	syncMu           sync.Mutex
	cursorP, cursorO int64
	failing          bool // the last poll failed; the poll goroutine's own
	stopOnce         sync.Once
	cancel           context.CancelFunc
	done             chan struct{}
	lastSync         atomic.Int64 // unix nanoseconds of the last successful catch-up
}

// profileMeta is what a query needs of a profile besides its score.
type profileMeta struct {
	rev     int64
	name    string
	commune string
	orgs    []string // adviser organisations of the caseload
}

// offerMeta is what a query needs of an offer besides its score.
type offerMeta struct {
	rev       int64
	companyID string
	title     string
	commune   string
	rome      skill.RomeCode
	contract  contract.Type
	remote    offer.RemotePolicy
	status    offer.Status
	start     time.Time
}

// New returns a Service with an empty index; Start fills it.
func New(cfg Config) (*Service, error) {
	if cfg.Profiles == nil || cfg.Offers == nil || cfg.Taxonomy == nil {
		return nil, errors.New("new matching service: profiles, offers and taxonomy are required")
	}
	if len(cfg.Key) < minKeyLen {
		return nil, fmt.Errorf("new matching service: the pseudonym key must have at least %d bytes", minKeyLen)
	}
	w := match.DefaultWeights
	if cfg.Weights != nil {
		w = *cfg.Weights
	}
	rel := cfg.Relations
	if rel == nil {
		rel = NewRelations(cfg.Taxonomy)
	}
	ix, err := match.New(rel, w)
	if err != nil {
		return nil, fmt.Errorf("new matching service: %w", err)
	}
	s := &Service{
		ix: ix, rel: rel, tax: cfg.Taxonomy, profiles: cfg.Profiles, offers: cfg.Offers,
		key: append([]byte(nil), cfg.Key...), log: cfg.Log, now: cfg.Now,
		pollEvery: cfg.PollEvery, settle: cfg.Settle,
		pmeta: map[string]*profileMeta{}, ometa: map[string]*offerMeta{}, interned: map[string]string{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.pollEvery <= 0 {
		s.pollEvery = DefaultPollEvery
	}
	if s.settle <= 0 {
		s.settle = DefaultSettle
	}
	return s, nil
}

// intern returns one shared copy of a string that many documents repeat
// (communes, organisation ids); the caller holds mu.
func (s *Service) intern(v string) string {
	if v == "" {
		return ""
	}
	if x, ok := s.interned[v]; ok {
		return x
	}
	s.interned[v] = v
	return v
}

// ApplyProfile records a profile as stored: the observer of the candidate
// service calls it after each write, and catch-ups for what other instances
// wrote. A version no newer than the one held is ignored, so applying twice,
// or late, is harmless.
func (s *Service) ApplyProfile(p candidate.Profile) {
	if !s.noteProfile(p) {
		return
	}
	if err := s.ix.Upsert(p.MatchProfile()); err != nil {
		s.log.Warn("matching: profile left out of the index", "profile", p.ID, "revision", p.Revision, "err", err)
	}
}

// ApplyOffer records an offer as stored, like ApplyProfile.
func (s *Service) ApplyOffer(o offer.Offer) {
	if !s.noteOffer(o) {
		return
	}
	if err := s.ix.UpsertOffer(o.MatchOffer()); err != nil {
		s.log.Warn("matching: offer left out of the index", "offer", o.ID, "revision", o.Revision, "err", err)
	}
}

// noteProfile keeps what queries need of p, and reports whether p is newer
// than the version held.
func (s *Service) noteProfile(p candidate.Profile) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.pmeta[p.ID]; ok && m.rev >= p.Revision {
		return false
	}
	m := &profileMeta{rev: p.Revision, name: p.DisplayName, commune: s.intern(p.Place.Name)}
	for _, o := range p.AdviserOrgs {
		m.orgs = append(m.orgs, s.intern(o))
	}
	s.pmeta[p.ID] = m
	return true
}

func (s *Service) noteOffer(o offer.Offer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.ometa[o.ID]; ok && m.rev >= o.Revision {
		return false
	}
	s.ometa[o.ID] = &offerMeta{rev: o.Revision, companyID: s.intern(o.CompanyID), title: o.Title,
		commune: s.intern(o.Place.Name), rome: o.Rome, contract: o.Contract, remote: o.Remote, status: o.Status, start: o.StartDate}
	return true
}

// Start builds the index from the store, then keeps it current in the
// background until ctx is done or Close is called. It returns once the
// index is built, so that a server started after it answers from complete
// data; an error means the index could not be built.
func (s *Service) Start(ctx context.Context) error {
	if err := s.build(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	s.cancel, s.done = cancel, make(chan struct{})
	go s.poll(ctx)
	return nil
}

// Close stops the background catch-up and waits for it. It is safe to call
// more than once, and without Start.
func (s *Service) Close() {
	s.stopOnce.Do(func() {
		if s.cancel != nil {
			s.cancel()
			<-s.done
		}
	})
}

// build streams every profile and offer into a new index, each collection
// in one read (StreamChanged).
func (s *Service) build(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	start := s.now()
	horizon := start.Add(-s.settle)
	s.log.Info("matching: building the index from the store")
	cp := cursor{settled: 0, settling: true}
	co := cursor{settled: 0, settling: true}
	stream := match.Stream{
		Profiles: stream(ctx, s.profiles.StreamChanged, &cp, horizon, func(p candidate.Profile) (match.Profile, int64, time.Time) {
			s.noteProfile(p)
			return p.MatchProfile(), p.Revision, p.UpdatedAt
		}),
		Offers: stream(ctx, s.offers.StreamChanged, &co, horizon, func(o offer.Offer) (match.Offer, int64, time.Time) {
			s.noteOffer(o)
			return o.MatchOffer(), o.Revision, o.UpdatedAt
		}),
	}
	progress := func(p match.Progress) {
		switch {
		case p.Err != nil:
			s.log.Warn("matching: document left out of the index", "err", p.Err)
		case p.Done:
			np, no := s.ix.Len()
			s.log.Info("matching: index built", "profiles_read", p.Profiles, "offers_read", p.Offers, "invalid", p.Invalid,
				"profiles", np, "offers", no, "duration_ms", time.Since(start).Milliseconds())
		default:
			s.log.Info("matching: building the index", "profiles_read", p.Profiles, "offers_read", p.Offers, "invalid", p.Invalid)
		}
	}
	if err := s.ix.Build(ctx, stream, progress); err != nil {
		return fmt.Errorf("build matching index: %w", err)
	}
	s.cursorP, s.cursorO = cp.settled, co.settled
	s.lastSync.Store(start.UnixNano())
	s.ready.Store(true)
	return nil
}

// poll catches up with other instances' writes every pollEvery (or less
// often after a slow poll, see pollShare) until ctx is done. A failure is
// logged once, and its end once.
func (s *Service) poll(ctx context.Context) {
	defer close(s.done)
	t := time.NewTimer(s.pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		err := s.Sync(ctx)
		took := time.Since(start)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !s.failing:
			s.failing = true
			s.log.Warn("matching: cannot catch up with the store; queries answer from the index as it is", "err", err)
		case err == nil && s.failing:
			s.failing = false
			s.log.Info("matching: catching up with the store again")
		}
		t.Reset(max(s.pollEvery, pollShare*took))
	}
}

// Sync applies what was written to the store since the last catch-up: the
// writes of other instances (this one's reached the index already through
// the observers). The background poll calls it every second; tests and
// operators may call it to catch up at once.
//
// A revision is taken before its write lands, so a write may become
// visible after one with a higher revision: moving the cursor to the
// highest revision seen could skip it for ever. Each catch-up therefore
// reads from the settled cursor — the highest revision such that it and
// every lower one belong to documents written more than the safety window
// (Settle, 30 s) ago, by when any write that took an earlier revision has
// landed — and so reads the last 30 s of writes again each time: the last
// seen revision minus a safety window. Applying a version again is a no-op
// (ApplyProfile compares revisions), so the overlap costs a read, nothing
// more.
func (s *Service) Sync(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	start := s.now()
	horizon := start.Add(-s.settle)
	cp := cursor{settled: s.cursorP, settling: true}
	err := catchUp(ctx, s.profiles.Changed, &cp, horizon, func(p candidate.Profile) (int64, time.Time) {
		s.ApplyProfile(p)
		return p.Revision, p.UpdatedAt
	})
	s.cursorP = cp.settled
	if err != nil {
		return fmt.Errorf("catch up profiles: %w", err)
	}
	co := cursor{settled: s.cursorO, settling: true}
	err = catchUp(ctx, s.offers.Changed, &co, horizon, func(o offer.Offer) (int64, time.Time) {
		s.ApplyOffer(o)
		return o.Revision, o.UpdatedAt
	})
	s.cursorO = co.settled
	if err != nil {
		return fmt.Errorf("catch up offers: %w", err)
	}
	s.lastSync.Store(start.UnixNano())
	return nil
}

// cursor is where the next catch-up starts: settled only moves over a
// prefix (by revision) of documents older than the safety window.
type cursor struct {
	settled  int64
	settling bool
}

// advance moves the cursor over a document read in revision order.
func (c *cursor) advance(rev int64, updated, horizon time.Time) {
	if c.settling && !updated.After(horizon) {
		c.settled = rev
	} else {
		c.settling = false
	}
}

// catchUp reads every document written after c.settled, page by page, and
// applies each.
func catchUp[T any](ctx context.Context, fetch func(context.Context, int64, int) ([]T, error), c *cursor, horizon time.Time, apply func(T) (int64, time.Time)) error {
	after := c.settled
	for {
		page, err := fetch(ctx, after, pageSize)
		if err != nil {
			return err
		}
		for _, d := range page {
			rev, updated := apply(d)
			c.advance(rev, updated, horizon)
			after = rev
		}
		if len(page) < pageSize {
			return nil
		}
	}
}

// errStopped ends a store read early when Build stops ranging over its
// stream.
var errStopped = errors.New("matching: stream stopped")

// stream reads every document from revision 0 for Build in one read of the
// store, converting each with conv and moving c like catchUp. A read error
// ends the stream (Build then fails with it); so does Build stopping, which
// ends the read.
func stream[T, M any](ctx context.Context, read func(context.Context, int64, func(T) error) error, c *cursor, horizon time.Time, conv func(T) (M, int64, time.Time)) iter.Seq2[M, error] {
	return func(yield func(M, error) bool) {
		err := read(ctx, 0, func(d T) error {
			m, rev, updated := conv(d)
			c.advance(rev, updated, horizon)
			if !yield(m, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			var zero M
			yield(zero, err)
		}
	}
}

// LastSync returns when the index last caught up with the store (its build
// or a poll); zero before Start.
func (s *Service) LastSync() time.Time {
	if ns := s.lastSync.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// Hook forwards the writes of the candidate and offer services to a
// Service. The services take their observers when they are built, and the
// Service is built after them (it reads through them): wire the services
// with Hook.Profile and Hook.Offer, then Attach the Service. Writes made
// before Attach are not lost: Start reads the store.
type Hook struct {
	s atomic.Pointer[Service]
}

// Attach sends the writes observed from now on to s.
func (h *Hook) Attach(s *Service) { h.s.Store(s) }

// Profile is the candidate service's observer (candidate.WithObserver).
func (h *Hook) Profile(p candidate.Profile) {
	if s := h.s.Load(); s != nil {
		s.ApplyProfile(p)
	}
}

// Offer is the offer service's observer (offer.WithObserver).
func (h *Hook) Offer(o offer.Offer) {
	if s := h.s.Load(); s != nil {
		s.ApplyOffer(o)
	}
}

package offer

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Repository is the storage the Service needs; offerdb.Store implements it
// on MongoDB and the embedded store.
//
// Errors: a missing offer or company is a *passerelle.Error with code
// ENOTFOUND (also for a malformed id); a taken id on create, or a stale
// revision on replace, ECONFLICT; an unreachable store EUNAVAILABLE;
// anything else is internal. Each write touches one document.
type Repository interface {
	// CreateOffer inserts o, whose ID the caller chose, with a new revision,
	// and returns it as stored. ECONFLICT when the ID is taken.
	CreateOffer(ctx context.Context, o Offer) (Offer, error)
	// Offer returns the offer with id. ENOTFOUND.
	Offer(ctx context.Context, id string) (Offer, error)
	// ReplaceOffer replaces the whole stored offer o.ID, in one write, if
	// its revision is still expectedRevision, with a new revision, and
	// returns it as stored. ECONFLICT ("error.offer.stale") otherwise.
	ReplaceOffer(ctx context.Context, o Offer, expectedRevision int64) (Offer, error)
	// CompanyOffers returns a company's offers, newest created first (ties
	// by ID), skipping offset and returning at most limit, and the total.
	CompanyOffers(ctx context.Context, companyID string, offset, limit int) ([]Offer, int, error)
	// ChangedOffers returns at most limit offers of any status with a
	// revision above since, by increasing revision.
	ChangedOffers(ctx context.Context, since int64, limit int) ([]Offer, error)
	// StreamChangedOffers calls fn with every offer of any status with a
	// revision above since, by increasing revision, read in one pass (one
	// cursor) under one deadline that grows with what it may return. It stops
	// at fn's first error and returns it, wrapped; EUNAVAILABLE when the
	// store is unreachable or the deadline passes.
	StreamChangedOffers(ctx context.Context, since int64, fn func(Offer) error) error
	// PublishedOffers is ChangedOffers restricted to published offers: the
	// first load of the search catalogue skips drafts and closed offers.
	PublishedOffers(ctx context.Context, since int64, limit int) ([]Offer, error)
	// ScanOffers returns at most limit offers with an ID above afterID, by
	// increasing ID: a resumable walk over every offer.
	ScanOffers(ctx context.Context, afterID string, limit int) ([]Offer, error)

	// Company returns the page of organisation orgID. ENOTFOUND.
	Company(ctx context.Context, orgID string) (Company, error)
	// CreateCompany inserts c with a new revision. ECONFLICT when the
	// organisation has a page already.
	CreateCompany(ctx context.Context, c Company) (Company, error)
	// ReplaceCompany replaces the page c.OrgID if its revision is still
	// expectedRevision. ECONFLICT ("error.company.stale") otherwise.
	ReplaceCompany(ctx context.Context, c Company, expectedRevision int64) (Company, error)
	// ChangedCompanies returns at most limit pages with a revision above
	// since, by increasing revision.
	ChangedCompanies(ctx context.Context, since int64, limit int) ([]Company, error)
}

// Taxonomy is what the Service asks the skill taxonomy; *skill.Taxonomy
// implements it.
type Taxonomy interface {
	Known(c skill.Code) bool
	Label(c skill.Code, lang string) (string, bool)
	Resolve(text string) (skill.Code, bool)
	DidYouMean(text, lang string, limit int) []skill.Suggestion
	Occupation(r skill.RomeCode) (skill.Occupation, bool)
	ResolveOccupation(text string) (skill.RomeCode, bool)
}

// Places resolves commune ids; *place.Directory implements it.
type Places interface {
	ByID(id string) (place.Commune, bool)
}

// Service holds the rules of offers and company pages.
type Service struct {
	repo   Repository
	tax    Taxonomy
	places Places
	now    func() time.Time
	log    *slog.Logger

	cat *catalogue
	// refreshEvery bounds how stale the search catalogue may be with
	// respect to other instances' writes (0: only Sync refreshes it).
	refreshEvery time.Duration
	// settle is how long a write may take between taking its revision and
	// becoming visible; see catalogue.sync.
	settle time.Duration
	// observers are told of every offer written (see WithObserver).
	observers []func(Offer)
}

// Option configures a Service.
type Option func(*Service)

// WithRefresh sets how old the search catalogue may grow before a search
// catches up with other instances' writes (default 5 s). 0 leaves catching
// up to explicit Sync calls, e.g. from a background loop, or to nothing on
// a single instance, which sees its own writes at once anyway.
func WithRefresh(every time.Duration) Option {
	return func(s *Service) { s.refreshEvery = max(every, 0) }
}

// WithLogger sets where failures to refresh the search catalogue are
// logged; searches then go on with the data they have.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithObserver registers f to be told of every offer the Service writes, as
// stored (with its new revision), right after the write succeeded: this is
// how the matching index of the same process sees its own writes at once
// instead of at its next poll. f runs on the writer's goroutine, so it must
// be quick and must not call the Service back. Several observers may be
// registered; they run in order. Company pages are not reported.
func WithObserver(f func(Offer)) Option {
	return func(s *Service) {
		if f != nil {
			s.observers = append(s.observers, f)
		}
	}
}

// written records an offer just stored in the search catalogue and tells
// the observers.
func (s *Service) written(o Offer) {
	s.cat.apply(o)
	for _, f := range s.observers {
		f(o)
	}
}

// NewService returns a Service. now is the clock (time.Now in production).
func NewService(repo Repository, tax Taxonomy, places Places, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{
		repo: repo, tax: tax, places: places, now: now,
		log:          slog.New(slog.DiscardHandler),
		cat:          newCatalogue(),
		refreshEvery: 5 * time.Second,
		settle:       30 * time.Second,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// clock returns the current time as stored: UTC, millisecond precision.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// newID returns a new ObjectID as 24 hex digits: 4 bytes of Unix time then
// 8 random bytes, so that ids sort roughly by creation. The service picks
// it so that a retried create can be recognised by its id.
func newID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

// member reports whether id acts for the employer organisation companyID.
func member(id auth.Identity, companyID string) bool {
	return id.Role == auth.RoleEmployer && id.OrgID != "" && id.OrgID == companyID
}

// canRead is the one place that decides who sees an offer: published ones
// are public; drafts only the company's members; closed ones the members,
// advisers (who follow outcomes) and admins.
func canRead(id auth.Identity, signedIn bool, o Offer) bool {
	switch o.Status {
	case StatusPublished:
		return true
	case StatusClosed:
		return signedIn && (member(id, o.CompanyID) || id.Role == auth.RoleAdviser || id.Role == auth.RoleAdmin)
	}
	return signedIn && member(id, o.CompanyID)
}

func offerNotFound(err error) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.offer.not_found", Err: err}
}

func unauthorized() error { return passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized") }

// Create stores a new draft offer of the caller's company. Only employers
// create offers; the company is the caller's organisation, whatever the
// input says. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID.
func (s *Service) Create(ctx context.Context, in OfferInput) (Offer, error) {
	actor, ok := auth.FromContext(ctx)
	if !ok || actor.UserID == "" {
		return Offer{}, unauthorized()
	}
	if actor.Role != auth.RoleEmployer || actor.OrgID == "" {
		return Offer{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.offer.employers_only")
	}
	now := s.clock()
	o, err := s.validate(in, Offer{}, now)
	if err != nil {
		return Offer{}, err
	}
	o.ID = newID(now)
	o.CompanyID = actor.OrgID
	o.Status = StatusDraft
	o.CreatedBy = actor.UserID
	o.CreatedAt, o.UpdatedAt = now, now
	out, err := s.repo.CreateOffer(ctx, o)
	if err != nil {
		return Offer{}, fmt.Errorf("create offer: %w", err)
	}
	s.written(out)
	return out, nil
}

// Get returns offer id to a caller who may read it (see canRead); ENOTFOUND
// for anyone else, so that drafts stay secret. Anonymous callers see
// published offers.
func (s *Service) Get(ctx context.Context, id string) (Offer, error) {
	actor, signedIn := auth.FromContext(ctx)
	if !validID(id) {
		return Offer{}, offerNotFound(fmt.Errorf("get offer %q: malformed id", id))
	}
	o, err := s.repo.Offer(ctx, id)
	if err != nil {
		return Offer{}, fmt.Errorf("get offer: %w", err)
	}
	if !canRead(actor, signedIn, o) {
		return Offer{}, offerNotFound(fmt.Errorf("get offer %s: not visible to %q", id, actor.UserID))
	}
	return o, nil
}

// editable reads offer id for a write by the caller: ENOTFOUND when the
// caller cannot even read it, EFORBIDDEN when they can read but are not a
// member of its company.
func (s *Service) editable(ctx context.Context, op, id string) (auth.Identity, Offer, error) {
	actor, signedIn := auth.FromContext(ctx)
	if !signedIn || actor.UserID == "" {
		return actor, Offer{}, unauthorized()
	}
	if !validID(id) {
		return actor, Offer{}, offerNotFound(fmt.Errorf("%s %q: malformed id", op, id))
	}
	o, err := s.repo.Offer(ctx, id)
	if err != nil {
		return actor, Offer{}, fmt.Errorf("%s: %w", op, err)
	}
	if !member(actor, o.CompanyID) {
		if canRead(actor, signedIn, o) {
			return actor, Offer{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.offer.forbidden")
		}
		return actor, Offer{}, offerNotFound(fmt.Errorf("%s %s: not visible to %s", op, id, actor.UserID))
	}
	return actor, o, nil
}

// Update replaces the content of a draft or published offer, if its stored
// revision is still expectedRevision. Errors: EINVALID with every field
// error; ECONFLICT "error.offer.stale" (changed since read: reload, nothing
// written) or "error.offer.closed" (a closed offer is history);
// EFORBIDDEN / ENOTFOUND for non-members.
func (s *Service) Update(ctx context.Context, id string, in OfferInput, expectedRevision int64) (Offer, error) {
	_, cur, err := s.editable(ctx, "update offer", id)
	if err != nil {
		return Offer{}, err
	}
	if cur.Status == StatusClosed {
		return Offer{}, passerelle.Errorf(passerelle.ECONFLICT, "error.offer.closed")
	}
	if cur.Revision != expectedRevision {
		return Offer{}, passerelle.Errorf(passerelle.ECONFLICT, "error.offer.stale")
	}
	now := s.clock()
	o, err := s.validate(in, cur, now)
	if err != nil {
		return Offer{}, err
	}
	o.UpdatedAt = now
	out, err := s.repo.ReplaceOffer(ctx, o, expectedRevision)
	if err != nil {
		return Offer{}, fmt.Errorf("update offer: %w", err)
	}
	s.written(out)
	return out, nil
}

// Publish makes a draft public. ECONFLICT "error.offer.already_published"
// or "error.offer.closed" for any other status; EINVALID when a code of the
// offer left the taxonomy (edit it first).
func (s *Service) Publish(ctx context.Context, id string) (Offer, error) {
	return s.transition(ctx, "publish offer", id, func(o *Offer, now time.Time) error {
		switch o.Status {
		case StatusPublished:
			return passerelle.Errorf(passerelle.ECONFLICT, "error.offer.already_published")
		case StatusClosed:
			return passerelle.Errorf(passerelle.ECONFLICT, "error.offer.closed")
		}
		if err := publishable(*o); err != nil {
			return err
		}
		o.Status, o.PublishedAt = StatusPublished, now
		return nil
	})
}

// Close ends a published offer with a reason (a note is required for
// "other"). ECONFLICT "error.offer.not_published" for a draft and
// "error.offer.already_closed" for a closed offer; EINVALID for a bad reason.
func (s *Service) Close(ctx context.Context, id string, reason CloseReason, note string) (Offer, error) {
	closure, err := validateClose(reason, note)
	if err != nil {
		return Offer{}, err
	}
	return s.transition(ctx, "close offer", id, func(o *Offer, now time.Time) error {
		switch o.Status {
		case StatusDraft:
			return passerelle.Errorf(passerelle.ECONFLICT, "error.offer.not_published")
		case StatusClosed:
			return passerelle.Errorf(passerelle.ECONFLICT, "error.offer.already_closed")
		}
		o.Status, o.Closure, o.ClosedAt = StatusClosed, closure, now
		return nil
	})
}

// transition applies a status change to the stored offer. The rule is
// checked on what is stored at the moment of the write: a concurrent write
// makes it re-read and re-check rather than fail, since the caller asked for
// a state, not for a version.
func (s *Service) transition(ctx context.Context, op, id string, change func(*Offer, time.Time) error) (Offer, error) {
	for range 5 {
		_, cur, err := s.editable(ctx, op, id)
		if err != nil {
			return Offer{}, err
		}
		now := s.clock()
		o := cur
		if err := change(&o, now); err != nil {
			return Offer{}, err
		}
		o.UpdatedAt = now
		out, err := s.repo.ReplaceOffer(ctx, o, cur.Revision)
		if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
			continue
		}
		if err != nil {
			return Offer{}, fmt.Errorf("%s: %w", op, err)
		}
		s.written(out)
		return out, nil
	}
	return Offer{}, passerelle.Errorf(passerelle.ECONFLICT, "error.offer.stale")
}

// PageRequest asks for one page of a list. Number starts at 1; Size is
// clamped to 1…MaxPageSize, 0 meaning DefaultPageSize.
type PageRequest struct {
	Number int
	Size   int
}

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// normalize clamps a page request into bounds: a client cannot ask for an
// unbounded page, and a nonsense page is the first.
func (p PageRequest) normalize() PageRequest {
	if p.Number < 1 {
		p.Number = 1
	}
	switch {
	case p.Size <= 0:
		p.Size = DefaultPageSize
	case p.Size > MaxPageSize:
		p.Size = MaxPageSize
	}
	return p
}

func (p PageRequest) offset() int { return (p.Number - 1) * p.Size }

// Page is one page of offers. A page beyond the last one is empty, with
// Total still telling how many there are.
type Page struct {
	Results []Result
	Total   int
	Number  int
	Size    int
}

// Result is one offer of a page.
type Result struct {
	Offer Offer
	// DistanceKm is the great-circle distance from the searched commune,
	// when HasDistance.
	DistanceKm  float64
	HasDistance bool
}

// ListCompany returns a company's offers of every status, newest first, to
// its members and to admins. EFORBIDDEN for other signed-in callers (the
// company is public, its drafts are not).
func (s *Service) ListCompany(ctx context.Context, companyID string, page PageRequest) (Page, error) {
	actor, ok := auth.FromContext(ctx)
	if !ok || actor.UserID == "" {
		return Page{}, unauthorized()
	}
	if !member(actor, companyID) && actor.Role != auth.RoleAdmin {
		return Page{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.offer.forbidden")
	}
	page = page.normalize()
	offers, total, err := s.repo.CompanyOffers(ctx, companyID, page.offset(), page.Size)
	if err != nil {
		return Page{}, fmt.Errorf("list company offers: %w", err)
	}
	out := Page{Total: total, Number: page.Number, Size: page.Size}
	for _, o := range offers {
		out.Results = append(out.Results, Result{Offer: o})
	}
	return out, nil
}

// Changed returns at most limit offers written after revision since, by
// increasing revision: how another instance (the matching index) catches
// up. limit is clamped to 1…1000. A system operation, not for users.
func (s *Service) Changed(ctx context.Context, since int64, limit int) ([]Offer, error) {
	os, err := s.repo.ChangedOffers(ctx, since, min(max(limit, 1), 1000))
	if err != nil {
		return nil, fmt.Errorf("changed offers: %w", err)
	}
	return os, nil
}

// StreamChanged calls fn with every offer written after revision since, by
// increasing revision, read in one pass: how the matching index is built at
// start-up, where reading page by page with Changed would cost a scan of
// the collection per page on the embedded store. It stops at fn's first
// error and returns it, wrapped. A system operation, not for users.
func (s *Service) StreamChanged(ctx context.Context, since int64, fn func(Offer) error) error {
	if err := s.repo.StreamChangedOffers(ctx, since, fn); err != nil {
		return fmt.Errorf("stream changed offers: %w", err)
	}
	return nil
}

// FlagMissing walks every offer after a taxonomy import and sets Missing on
// each skill (and RomeMissing on the occupation) whose code the new taxonomy
// lacks, clearing flags whose code came back; labels stay. Published offers
// stay published: their candidates still read them. It returns how many
// offers it rewrote. A system operation: a signed-in caller other than an
// admin gets EFORBIDDEN. Rerunning it is harmless.
func (s *Service) FlagMissing(ctx context.Context, knownSkill func(skill.Code) bool, knownOccupation func(skill.RomeCode) bool) (int, error) {
	if id, ok := auth.FromContext(ctx); ok && id.Role != auth.RoleAdmin {
		return 0, passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	const batch = 200
	n, after := 0, ""
	for {
		page, err := s.repo.ScanOffers(ctx, after, batch)
		if err != nil {
			return n, fmt.Errorf("flag missing codes: %w", err)
		}
		for _, o := range page {
			changed, err := s.flagOne(ctx, o, knownSkill, knownOccupation)
			if err != nil {
				return n, err
			}
			if changed {
				n++
			}
		}
		if len(page) < batch {
			return n, nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Service) flagOne(ctx context.Context, o Offer, knownSkill func(skill.Code) bool, knownOccupation func(skill.RomeCode) bool) (bool, error) {
	for range 5 {
		q, changed := flagged(o, knownSkill, knownOccupation)
		if !changed {
			return false, nil
		}
		q.UpdatedAt = s.clock()
		out, err := s.repo.ReplaceOffer(ctx, q, o.Revision)
		if err == nil {
			s.written(out)
			return true, nil
		}
		if passerelle.ErrorCode(err) != passerelle.ECONFLICT {
			return false, fmt.Errorf("flag missing codes of offer %s: %w", o.ID, err)
		}
		if o, err = s.repo.Offer(ctx, o.ID); err != nil {
			if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
				return false, nil
			}
			return false, fmt.Errorf("flag missing codes of offer %s: %w", o.ID, err)
		}
	}
	return false, fmt.Errorf("flag missing codes of offer %s: %w", o.ID, passerelle.Errorf(passerelle.ECONFLICT, "error.offer.stale"))
}

func flagged(o Offer, knownSkill func(skill.Code) bool, knownOccupation func(skill.RomeCode) bool) (Offer, bool) {
	changed := false
	o.Skills = slices.Clone(o.Skills)
	for i := range o.Skills {
		if m := !knownSkill(o.Skills[i].Code); m != o.Skills[i].Missing {
			o.Skills[i].Missing, changed = m, true
		}
	}
	if m := o.Rome != "" && !knownOccupation(o.Rome); m != o.RomeMissing {
		o.RomeMissing, changed = m, true
	}
	return o, changed
}

// Company returns the page of organisation orgID, to anyone: a company page
// is public. ENOTFOUND when it has none yet.
func (s *Service) Company(ctx context.Context, orgID string) (Company, error) {
	if !validID(orgID) {
		return Company{}, &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.company.not_found", Err: fmt.Errorf("get company %q: malformed id", orgID)}
	}
	c, err := s.repo.Company(ctx, orgID)
	if err != nil {
		return Company{}, fmt.Errorf("get company: %w", err)
	}
	return c, nil
}

// UpdateCompany writes the page of organisation orgID. Members of the
// company and admins may; expectedRevision 0 creates the page when there is
// none. Errors: EINVALID with every field error; ECONFLICT
// "error.company.stale" (changed since read: reload); EFORBIDDEN.
func (s *Service) UpdateCompany(ctx context.Context, orgID string, in CompanyInput, expectedRevision int64) (Company, error) {
	actor, ok := auth.FromContext(ctx)
	if !ok || actor.UserID == "" {
		return Company{}, unauthorized()
	}
	if !validID(orgID) || (!member(actor, orgID) && actor.Role != auth.RoleAdmin) {
		return Company{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.company.forbidden")
	}
	var cur Company
	if expectedRevision != 0 {
		var err error
		if cur, err = s.repo.Company(ctx, orgID); err != nil {
			return Company{}, fmt.Errorf("update company: %w", err)
		}
		if cur.Revision != expectedRevision {
			return Company{}, passerelle.Errorf(passerelle.ECONFLICT, "error.company.stale")
		}
	}
	c, err := validateCompany(in, cur)
	if err != nil {
		return Company{}, err
	}
	now := s.clock()
	c.OrgID, c.UpdatedBy, c.UpdatedAt = orgID, actor.UserID, now
	if expectedRevision == 0 {
		c.CreatedAt = now
		out, err := s.repo.CreateCompany(ctx, c)
		if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
			// Someone wrote the page since the client read "none": reload.
			return Company{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.company.stale", Err: err}
		}
		if err != nil {
			return Company{}, fmt.Errorf("create company: %w", err)
		}
		return out, nil
	}
	out, err := s.repo.ReplaceCompany(ctx, c, expectedRevision)
	if err != nil {
		return Company{}, fmt.Errorf("update company: %w", err)
	}
	return out, nil
}

// ChangedCompanies returns at most limit company pages written after
// revision since, by increasing revision. A system operation.
func (s *Service) ChangedCompanies(ctx context.Context, since int64, limit int) ([]Company, error) {
	cs, err := s.repo.ChangedCompanies(ctx, since, min(max(limit, 1), 1000))
	if err != nil {
		return nil, fmt.Errorf("changed companies: %w", err)
	}
	return cs, nil
}

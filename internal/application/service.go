package application

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"passerelle"
	"passerelle/internal/auth"
)

// Repository is the storage the Service needs; applicationdb.Store
// implements it on MongoDB and the embedded store.
//
// Errors: a missing document is a *passerelle.Error with code ENOTFOUND; a
// taken id on create ECONFLICT (key "error.application.exists",
// "error.application.invitation.exists" or "error.application.pool.exists");
// a conditional write whose condition no longer holds ECONFLICT
// "error.application.stale" (the caller re-reads: the document may also be
// gone); an unreachable store EUNAVAILABLE; anything else is internal. Every
// write touches one document. Lists return at most limit items (the store
// clamps it to 1…1000) and, where they page, the total.
type Repository interface {
	// CreateApplication inserts a with a new revision and returns it as stored.
	CreateApplication(ctx context.Context, a Application) (Application, error)
	// Application returns the application with id.
	Application(ctx context.Context, id string) (Application, error)
	// AppendTransition sets the status of application id to t.To (and its
	// rejection), appends t to its history and gives it a new revision, in
	// one write, if it still has revision expectedRevision and status t.From.
	AppendTransition(ctx context.Context, id string, expectedRevision int64, t Transition, r Rejection) (Application, error)
	// CandidateApplications lists a candidate's applications, newest first.
	CandidateApplications(ctx context.Context, candidateID string, offset, limit int) ([]Application, int, error)
	// CandidatesBriefs lists the briefs of the applications of
	// candidateIDs (at most MaxCaseloadRead), by candidate, each
	// candidate's newest first and at most perCandidate of them.
	CandidatesBriefs(ctx context.Context, candidateIDs []string, perCandidate int) ([]Brief, error)
	// OfferApplications lists an offer's applications, newest first; a
	// non-empty status keeps only those in it.
	OfferApplications(ctx context.Context, offerID string, status Status, offset, limit int) ([]Application, int, error)
	// HasLiveApplication reports whether candidateID has an application
	// that is not withdrawn to an offer of companyID.
	HasLiveApplication(ctx context.Context, companyID, candidateID string) (bool, error)

	// CreateInvitation inserts inv with a new revision.
	CreateInvitation(ctx context.Context, inv Invitation) (Invitation, error)
	// Invitation returns the invitation with id.
	Invitation(ctx context.Context, id string) (Invitation, error)
	// AnswerInvitation moves a pending invitation to status to, recording
	// the answer's time and the application it created, with a new revision.
	AnswerInvitation(ctx context.Context, id string, to InvitationStatus, applicationID string, at time.Time) (Invitation, error)
	// CandidateInvitations lists a candidate's invitations, newest first.
	CandidateInvitations(ctx context.Context, candidateID string, offset, limit int) ([]Invitation, int, error)
	// OfferInvitations lists an offer's invitations, newest first.
	OfferInvitations(ctx context.Context, offerID string, offset, limit int) ([]Invitation, int, error)

	// PutEndorsement writes e (insert or replace by id) with a new revision.
	PutEndorsement(ctx context.Context, e Endorsement) (Endorsement, error)
	// CandidateEndorsements lists the reviews of a candidate's matches,
	// newest first.
	CandidateEndorsements(ctx context.Context, candidateID string, limit int) ([]Endorsement, error)
	// OfferEndorsements lists the reviews of an offer's matches with
	// decision d, newest first.
	OfferEndorsements(ctx context.Context, offerID string, d Decision, limit int) ([]Endorsement, error)
	// ChangedEndorsements lists reviews with a revision above since, by
	// increasing revision.
	ChangedEndorsements(ctx context.Context, since int64, limit int) ([]Endorsement, error)

	// CreatePoolEntry inserts e with a new revision.
	CreatePoolEntry(ctx context.Context, e PoolEntry) (PoolEntry, error)
	// PoolEntry returns the pool entry with id.
	PoolEntry(ctx context.Context, id string) (PoolEntry, error)
	// SetPoolStatus moves entry id to status to if its status is one of
	// from, with a new revision.
	SetPoolStatus(ctx context.Context, id string, from []PoolStatus, to PoolStatus, at time.Time) (PoolEntry, error)
	// DeletePoolEntry deletes entry id if its status is one of from.
	DeletePoolEntry(ctx context.Context, id string, from []PoolStatus) error
	// CompanyPool lists a company's pool, newest first.
	CompanyPool(ctx context.Context, companyID string, offset, limit int) ([]PoolEntry, int, error)
	// CandidatePool lists a candidate's entries in every pool, newest first.
	CandidatePool(ctx context.Context, candidateID string, limit int) ([]PoolEntry, error)

	// Settings returns a candidate's settings; a candidate who never set
	// anything gets zero settings with CandidateID set, not ENOTFOUND.
	Settings(ctx context.Context, candidateID string) (Settings, error)
	// PutSettings writes s (insert or replace) with a new revision.
	PutSettings(ctx context.Context, s Settings) (Settings, error)
}

// OfferInfo is what the workflow needs to know of an offer.
type OfferInfo struct {
	ID        string
	CompanyID string
	Title     string
	// Published is true while the offer takes applications.
	Published bool
}

// Offers reads offers; the wiring adapts offer's repository to it. Offer
// returns ENOTFOUND for an unknown id.
type Offers interface {
	Offer(ctx context.Context, id string) (OfferInfo, error)
}

// CandidateInfo is what the workflow needs to know of a candidate.
type CandidateInfo struct {
	ID string
	// AdviserOrgs are the adviser organisations of the candidate's caseload.
	AdviserOrgs []string
	// Discoverable is true when the candidate agreed to be proposed to
	// employers (matching consent, and a visibility that shows them to
	// employers, even anonymously): only then may a company invite them or
	// ask them into its pool.
	Discoverable bool
}

// Candidates reads candidates; the wiring adapts candidate's repository to
// it. Candidate returns ENOTFOUND for a candidate without a profile.
//
// InCaseload returns those of ids (at most MaxCaseloadRead) whose caseload
// holds adviser organisation orgID, in one read: unknown ids are simply
// left out.
type Candidates interface {
	Candidate(ctx context.Context, id string) (CandidateInfo, error)
	InCaseload(ctx context.Context, orgID string, ids []string) ([]string, error)
}

// EventKind says what happened.
type EventKind string

// The events the Service publishes, each after its write succeeded.
const (
	EventApplied            EventKind = "applied"             // Application (employer: new application)
	EventMoved              EventKind = "moved"               // Application and Transition (candidate: status change; employer: withdrawal)
	EventInvited            EventKind = "invited"             // Invitation (candidate: invitation to apply)
	EventInvitationAnswered EventKind = "invitation_answered" // Invitation, and Application when accepted
	EventReviewed           EventKind = "reviewed"            // Endorsement (employer: adviser endorsement, when endorsed)
	EventPoolRequested      EventKind = "pool_requested"      // PoolEntry (candidate: asked into a pool)
	EventPoolAnswered       EventKind = "pool_answered"       // PoolEntry
)

// Event tells the rest of the product what the Service did, so that it can
// notify people. Only the fields of its kind are set.
type Event struct {
	Kind        EventKind
	Actor       Actor
	Application Application
	Transition  Transition
	Invitation  Invitation
	Endorsement Endorsement
	PoolEntry   PoolEntry
}

// Events receives the Service's events; the wiring turns them into
// notifications (notify.Service.Enqueue).
type Events interface {
	// Publish handles e. It runs on the writer's goroutine after the write,
	// so it must be quick; its error is logged, not returned to the user,
	// whose change is stored already.
	Publish(ctx context.Context, e Event) error
}

// Service holds the rules of the workflow. It is safe for concurrent use.
type Service struct {
	repo       Repository
	offers     Offers
	candidates Candidates
	now        func() time.Time
	events     Events
	log        *slog.Logger
}

// Option configures a Service.
type Option func(*Service)

// WithEvents sets who hears about what the Service did.
func WithEvents(e Events) Option { return func(s *Service) { s.events = e } }

// WithLogger sets where failures to publish events are logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) {
		if l != nil {
			s.log = l
		}
	}
}

// NewService returns a Service. now is the clock (time.Now in production).
func NewService(repo Repository, offers Offers, candidates Candidates, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{repo: repo, offers: offers, candidates: candidates, now: now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// clock returns the current time as stored: UTC, millisecond precision.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// publish hands e to Events. The request may end right after the write, so
// the event is not cancelled with it.
func (s *Service) publish(ctx context.Context, e Event) {
	if s.events == nil {
		return
	}
	if err := s.events.Publish(context.WithoutCancel(ctx), e); err != nil {
		s.log.ErrorContext(ctx, "application: publish event", "kind", string(e.Kind), "err", err)
	}
}

func caller(ctx context.Context) (auth.Identity, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" || !id.Role.Valid() {
		return auth.Identity{}, passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
	}
	return id, nil
}

// member reports whether id acts for the employer organisation companyID.
func member(id auth.Identity, companyID string) bool {
	return id.Role == auth.RoleEmployer && id.OrgID != "" && id.OrgID == companyID
}

func self(id auth.Identity, candidateID string) bool {
	return id.Role == auth.RoleCandidate && id.UserID == candidateID
}

// adviserOf reports whether id is an adviser of an organisation in the
// candidate's caseload.
func adviserOf(id auth.Identity, c CandidateInfo) bool {
	return id.Role == auth.RoleAdviser && id.OrgID != "" && slices.Contains(c.AdviserOrgs, id.OrgID)
}

// caseload reads candidateID and reports whether id advises them; an
// unknown candidate is simply not in anyone's caseload.
func (s *Service) caseload(ctx context.Context, id auth.Identity, candidateID string) (bool, error) {
	if id.Role != auth.RoleAdviser {
		return false, nil
	}
	c, err := s.candidates.Candidate(ctx, candidateID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read candidate: %w", err)
	}
	return adviserOf(id, c), nil
}

func notFound(key string, err error) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: key, Err: err}
}

func appNotFound(format string, args ...any) error {
	return notFound("error.application.not_found", fmt.Errorf(format, args...))
}

// openOffer reads a published offer for a new application, invitation or review.
func (s *Service) openOffer(ctx context.Context, offerID string) (OfferInfo, error) {
	if !validID(offerID) {
		return OfferInfo{}, notFound("error.application.offer_not_found", fmt.Errorf("offer %q: malformed id", offerID))
	}
	o, err := s.offers.Offer(ctx, offerID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return OfferInfo{}, notFound("error.application.offer_not_found", err)
	}
	if err != nil {
		return OfferInfo{}, fmt.Errorf("read offer: %w", err)
	}
	if !o.Published {
		return OfferInfo{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.offer_closed")
	}
	return o, nil
}

// ApplyInput is an application as a candidate (or their adviser) submits it.
type ApplyInput struct {
	OfferID string
	// CandidateID is the candidate applied for: empty (or the caller) for
	// a candidate, required for an adviser applying on a candidate's behalf.
	CandidateID string
	Message     string
}

// Apply makes an application to a published offer. A candidate applies for
// themself; an adviser of the candidate's caseload applies for them when the
// candidate allowed it (Settings.AdviserMayApply).
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.application.candidates_only"
// (employers, admins, a candidate for someone else) or
// "error.application.no_consent" (an adviser without the candidate's
// consent); ENOTFOUND "error.application.offer_not_found", or
// "error.application.candidate_not_found" for an adviser outside the
// candidate's caseload; EINVALID (message); ECONFLICT
// "error.application.offer_closed", "error.application.exists" (already
// applied) or "error.application.exists_withdrawn" (applied, then withdrew).
func (s *Service) Apply(ctx context.Context, in ApplyInput) (Application, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Application{}, err
	}
	candidateID := in.CandidateID
	switch actor.Role {
	case auth.RoleCandidate:
		if candidateID == "" {
			candidateID = actor.UserID
		}
		if candidateID != actor.UserID {
			return Application{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.candidates_only")
		}
	case auth.RoleAdviser:
		if err := s.adviserMayApply(ctx, actor, candidateID); err != nil {
			return Application{}, err
		}
	default:
		return Application{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.candidates_only")
	}
	var errs fieldErrors
	msg := text(&errs, "message", in.Message, MaxMessageRunes, true)
	if err := errs.err(); err != nil {
		return Application{}, err
	}
	o, err := s.openOffer(ctx, in.OfferID)
	if err != nil {
		return Application{}, fmt.Errorf("apply: %w", err)
	}
	a, err := s.create(ctx, actor, candidateID, o, msg, "")
	if err != nil {
		return Application{}, err
	}
	s.publish(ctx, Event{Kind: EventApplied, Actor: actorOf(actor), Application: a})
	return a, nil
}

// adviserMayApply checks that an adviser may apply for candidateID.
func (s *Service) adviserMayApply(ctx context.Context, actor auth.Identity, candidateID string) error {
	if !validID(candidateID) {
		return notFound("error.application.candidate_not_found", fmt.Errorf("apply for %q: malformed id", candidateID))
	}
	ok, err := s.caseload(ctx, actor, candidateID)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if !ok {
		return notFound("error.application.candidate_not_found", fmt.Errorf("apply for %s: not in the caseload of %s", candidateID, actor.OrgID))
	}
	st, err := s.repo.Settings(ctx, candidateID)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if !st.AdviserMayApply {
		return passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.no_consent")
	}
	return nil
}

// create stores a new application. On a duplicate it says whether the
// earlier one was withdrawn, which is the one case a candidate would not
// understand "you already applied".
func (s *Service) create(ctx context.Context, actor auth.Identity, candidateID string, o OfferInfo, msg, invitationID string) (Application, error) {
	now := s.clock()
	a := Application{
		ID: ID(candidateID, o.ID), CandidateID: candidateID, OfferID: o.ID, CompanyID: o.CompanyID,
		Message: msg, Status: StatusReceived, AppliedBy: actorOf(actor), InvitationID: invitationID,
		History:   []Transition{{To: StatusReceived, By: actor.UserID, Role: actor.Role, At: now}},
		CreatedAt: now, UpdatedAt: now,
	}
	out, err := s.repo.CreateApplication(ctx, a)
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		if cur, rerr := s.repo.Application(ctx, a.ID); rerr == nil && cur.Status == StatusWithdrawn {
			return Application{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.exists_withdrawn", Err: err}
		}
		return Application{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.exists", Err: err}
	}
	if err != nil {
		return Application{}, fmt.Errorf("apply: %w", err)
	}
	return out, nil
}

// access is what a caller may do with an application.
type access int

const (
	accessNone access = iota
	accessRead
	accessMove // employer members and the candidate: both move it, each in their own way
)

// accessTo is the one place that decides who reads an application: the
// candidate, the members of the offer's company, advisers of the
// candidate's caseload (read only) and admins (read only).
func (s *Service) accessTo(ctx context.Context, id auth.Identity, a Application) (access, error) {
	switch {
	case self(id, a.CandidateID), member(id, a.CompanyID):
		return accessMove, nil
	case id.Role == auth.RoleAdmin:
		return accessRead, nil
	}
	ok, err := s.caseload(ctx, id, a.CandidateID)
	if err != nil || !ok {
		return accessNone, err
	}
	return accessRead, nil
}

// redact removes from a what the caller must not read: recruiters' user ids
// for anyone outside the company.
func redact(id auth.Identity, a Application) Application {
	if member(id, a.CompanyID) || id.Role == auth.RoleAdmin {
		return a
	}
	a.History = slices.Clone(a.History)
	for i := range a.History {
		if a.History[i].Role == auth.RoleEmployer {
			a.History[i].By = ""
		}
	}
	return a
}

// Get returns application id to a caller who may read it; ENOTFOUND for
// everyone else, so that an application's existence is not revealed.
func (s *Service) Get(ctx context.Context, id string) (Application, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Application{}, err
	}
	if _, _, ok := splitID(id); !ok {
		return Application{}, appNotFound("get application %q: malformed id", id)
	}
	a, err := s.repo.Application(ctx, id)
	if err != nil {
		return Application{}, fmt.Errorf("get application: %w", err)
	}
	acc, err := s.accessTo(ctx, actor, a)
	if err != nil {
		return Application{}, fmt.Errorf("get application: %w", err)
	}
	if acc == accessNone {
		return Application{}, appNotFound("get application %s: not visible to %s", id, actor.UserID)
	}
	return redact(actor, a), nil
}

// MoveInput is a change of status.
type MoveInput struct {
	To Status
	// Reason is required for a rejection, and only then.
	Reason RejectReason
	// Note is free text: required with reason "other". A rejection's note
	// is read by the candidate.
	Note string
}

func (in MoveInput) validate() (MoveInput, error) {
	var errs fieldErrors
	if !in.To.Valid() {
		errs.add("to", "application.status.invalid")
	}
	in.Note = text(&errs, "note", in.Note, MaxNoteRunes, true)
	switch {
	case in.To == StatusRejected && in.Reason == "":
		errs.add("reason", "application.reason.required")
	case in.To == StatusRejected && !in.Reason.Valid():
		errs.add("reason", "application.reason.invalid")
	case in.To != StatusRejected && in.Reason != "":
		errs.add("reason", "application.reason.unexpected")
	case in.Reason == ReasonOther && in.Note == "":
		errs.add("note", "application.note.required")
	}
	return in, errs.err()
}

// Move changes the status of application id (see Allowed and the table in
// machine.go): company members advance or reject it, the candidate
// withdraws it. The rule is checked against the stored status at the moment
// of the write: a concurrent move makes it re-read and re-check.
//
// Errors: EUNAUTHORIZED; EINVALID (status, reason, note); ENOTFOUND for a
// caller who cannot read the application; EFORBIDDEN
// "error.application.forbidden" for a move the caller's role never makes
// (a candidate advancing, an employer withdrawing, an adviser or admin
// moving); ECONFLICT "error.application.closed" when the application is
// hired, rejected or withdrawn, "error.application.transition" when the
// state machine forbids the move from the current status (backwards, or to
// the same status).
func (s *Service) Move(ctx context.Context, id string, in MoveInput) (Application, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Application{}, err
	}
	if in, err = in.validate(); err != nil {
		return Application{}, err
	}
	if _, _, ok := splitID(id); !ok {
		return Application{}, appNotFound("move application %q: malformed id", id)
	}
	for range 5 {
		cur, err := s.repo.Application(ctx, id)
		if err != nil {
			return Application{}, fmt.Errorf("move application: %w", err)
		}
		acc, err := s.accessTo(ctx, actor, cur)
		if err != nil {
			return Application{}, fmt.Errorf("move application: %w", err)
		}
		switch {
		case acc == accessNone:
			return Application{}, appNotFound("move application %s: not visible to %s", id, actor.UserID)
		case acc == accessRead || !mover(actor.Role, in.To):
			return Application{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.forbidden")
		case cur.Status.Final():
			return Application{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.closed",
				Err: fmt.Errorf("move application %s from %s to %s", id, cur.Status, in.To)}
		case !Allowed(cur.Status, in.To):
			return Application{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.transition",
				Err: fmt.Errorf("move application %s from %s to %s", id, cur.Status, in.To)}
		}
		t := Transition{From: cur.Status, To: in.To, By: actor.UserID, Role: actor.Role, At: s.clock(), Reason: in.Reason, Note: in.Note}
		var r Rejection
		if in.To == StatusRejected {
			r = Rejection{Reason: in.Reason, Note: in.Note}
		}
		out, err := s.repo.AppendTransition(ctx, id, cur.Revision, t, r)
		if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
			continue
		}
		if err != nil {
			return Application{}, fmt.Errorf("move application: %w", err)
		}
		s.publish(ctx, Event{Kind: EventMoved, Actor: actorOf(actor), Application: out, Transition: t})
		return redact(actor, out), nil
	}
	return Application{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.stale")
}

// Withdraw is Move to withdrawn, for the candidate; note is optional.
func (s *Service) Withdraw(ctx context.Context, id, note string) (Application, error) {
	return s.Move(ctx, id, MoveInput{To: StatusWithdrawn, Note: note})
}

// ForCandidate lists a candidate's applications, newest first, to the
// candidate, the advisers of their caseload and admins. ENOTFOUND for
// anyone else (as if the candidate did not exist).
func (s *Service) ForCandidate(ctx context.Context, candidateID string, page PageRequest) (Page[Application], error) {
	actor, err := s.candidateReader(ctx, "list applications", candidateID)
	if err != nil {
		return Page[Application]{}, err
	}
	page = page.normalize()
	items, total, err := s.repo.CandidateApplications(ctx, candidateID, page.offset(), page.Size)
	if err != nil {
		return Page[Application]{}, fmt.Errorf("list applications: %w", err)
	}
	for i := range items {
		items[i] = redact(actor, items[i])
	}
	return Page[Application]{Items: items, Total: total, Number: page.Number, Size: page.Size}, nil
}

// MaxCaseloadRead is the most candidates ForCaseload reads in one round
// trip (a caseload's dashboard holds at most a thousand); it reads more in
// several.
const MaxCaseloadRead = 1000

// MaxBriefsPerCandidate is the most applications ForCaseload returns per
// candidate, the newest: far more than anyone sends in a retraining.
const MaxBriefsPerCandidate = 1000

// ForCaseload returns, for those of candidateIDs that the calling adviser's
// organisation follows, the briefs of their applications, newest first: an
// adviser's overview of a whole caseload in a few store calls, where
// ForCandidate would take several per candidate. The list is not trusted:
// each id is checked against its candidate's caseload, and an id that is
// malformed, unknown or not followed gets no entry, exactly like a followed
// candidate without applications would get an empty one, so that nothing
// is revealed about other people's candidates.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.application.advisers_only" for
// anyone but an adviser of an organisation.
func (s *Service) ForCaseload(ctx context.Context, candidateIDs []string) (map[string][]Brief, error) {
	actor, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if actor.Role != auth.RoleAdviser || actor.OrgID == "" {
		return nil, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.advisers_only")
	}
	ids := make([]string, 0, len(candidateIDs))
	for _, id := range candidateIDs {
		if validID(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string][]Brief, len(ids))
	for chunk := range slices.Chunk(ids, MaxCaseloadRead) {
		followed, err := s.candidates.InCaseload(ctx, actor.OrgID, chunk)
		if err != nil {
			return nil, fmt.Errorf("list caseload applications: %w", err)
		}
		followed = slices.DeleteFunc(followed, func(id string) bool {
			_, found := slices.BinarySearch(chunk, id)
			return !found // the reader's bug, but never show more than asked
		})
		if len(followed) == 0 {
			continue
		}
		for _, id := range followed {
			out[id] = []Brief{}
		}
		briefs, err := s.repo.CandidatesBriefs(ctx, followed, MaxBriefsPerCandidate)
		if err != nil {
			return nil, fmt.Errorf("list caseload applications: %w", err)
		}
		for _, b := range briefs {
			if cur, ok := out[b.CandidateID]; ok && len(cur) < MaxBriefsPerCandidate {
				out[b.CandidateID] = append(cur, b)
			}
		}
	}
	return out, nil
}

// candidateReader checks that the caller may read what concerns
// candidateID: the candidate, an adviser of the caseload, an admin.
func (s *Service) candidateReader(ctx context.Context, op, candidateID string) (auth.Identity, error) {
	actor, err := caller(ctx)
	if err != nil {
		return actor, err
	}
	if self(actor, candidateID) || actor.Role == auth.RoleAdmin {
		return actor, nil
	}
	ok := false
	if validID(candidateID) {
		if ok, err = s.caseload(ctx, actor, candidateID); err != nil {
			return actor, fmt.Errorf("%s: %w", op, err)
		}
	}
	if !ok {
		return actor, notFound("error.application.candidate_not_found", fmt.Errorf("%s of %q: not visible to %s", op, candidateID, actor.UserID))
	}
	return actor, nil
}

// companyReader reads offerID for a company member (or an admin): ENOTFOUND
// for an unknown offer, EFORBIDDEN for anyone else.
func (s *Service) companyReader(ctx context.Context, op, offerID string) (auth.Identity, OfferInfo, error) {
	actor, err := caller(ctx)
	if err != nil {
		return actor, OfferInfo{}, err
	}
	if !validID(offerID) {
		return actor, OfferInfo{}, notFound("error.application.offer_not_found", fmt.Errorf("%s: offer %q: malformed id", op, offerID))
	}
	o, err := s.offers.Offer(ctx, offerID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return actor, OfferInfo{}, notFound("error.application.offer_not_found", err)
	}
	if err != nil {
		return actor, OfferInfo{}, fmt.Errorf("%s: %w", op, err)
	}
	if !member(actor, o.CompanyID) && actor.Role != auth.RoleAdmin {
		return actor, OfferInfo{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.company_only")
	}
	return actor, o, nil
}

// ForOffer lists an offer's applications, newest first, to the members of
// its company and admins; a non-empty status keeps only those in it.
// Errors: ENOTFOUND (offer), EFORBIDDEN "error.application.company_only",
// EINVALID (status).
func (s *Service) ForOffer(ctx context.Context, offerID string, status Status, page PageRequest) (Page[Application], error) {
	if status != "" && !status.Valid() {
		return Page[Application]{}, passerelle.Invalid(passerelle.FieldError{Field: "status", Key: "application.status.invalid"})
	}
	actor, _, err := s.companyReader(ctx, "list offer applications", offerID)
	if err != nil {
		return Page[Application]{}, err
	}
	page = page.normalize()
	items, total, err := s.repo.OfferApplications(ctx, offerID, status, page.offset(), page.Size)
	if err != nil {
		return Page[Application]{}, fmt.Errorf("list offer applications: %w", err)
	}
	for i := range items {
		items[i] = redact(actor, items[i])
	}
	return Page[Application]{Items: items, Total: total, Number: page.Number, Size: page.Size}, nil
}

// RevealedTo reports whether the members of companyID may know who
// candidateID is: the candidate has an application to one of the company's
// offers that they did not withdraw (applying, or accepting an invitation,
// is showing oneself), or is in the company's talent pool by consent. The
// HTTP layer asks it before it shows a name or a profile to an employer;
// an error means "no".
func (s *Service) RevealedTo(ctx context.Context, companyID, candidateID string) (bool, error) {
	if !validID(companyID) || !validID(candidateID) {
		return false, nil
	}
	ok, err := s.repo.HasLiveApplication(ctx, companyID, candidateID)
	if err != nil || ok {
		return ok, wrap("revealed to", err)
	}
	e, err := s.repo.PoolEntry(ctx, PoolEntryID(companyID, candidateID))
	switch passerelle.ErrorCode(err) {
	case "":
		return e.Status == PoolActive, nil
	case passerelle.ENOTFOUND:
		return false, nil
	}
	return false, wrap("revealed to", err)
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

package caseload

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
)

// Repository is the storage the Service needs; caseloaddb.Store implements
// it on MongoDB and the embedded store.
//
// Errors: a missing document is a *passerelle.Error with code ENOTFOUND; a
// taken id on insert, or a conditional write whose condition no longer
// holds, ECONFLICT "error.caseload.stale" (the caller re-reads); an
// unreachable store EUNAVAILABLE; anything else is internal. Every write
// touches one document; lists return at most limit items, newest first.
type Repository interface {
	// Invitation returns the invitation with id.
	Invitation(ctx context.Context, id string) (Invitation, error)
	// SaveInvitation inserts inv when expectedRevision is 0, or replaces the
	// stored one if it still has expectedRevision; it gives it a new
	// revision and returns it as stored.
	SaveInvitation(ctx context.Context, inv Invitation, expectedRevision int64) (Invitation, error)
	// AnswerInvitation moves invitation id from status from to status to,
	// recording candidateID and at, in one conditional write.
	AnswerInvitation(ctx context.Context, id string, from, to Status, candidateID string, at time.Time) (Invitation, error)
	// OrgInvitations lists an organisation's invitations.
	OrgInvitations(ctx context.Context, orgID string, limit int) ([]Invitation, error)
	// EmailInvitations lists the invitations of an e-mail with status st.
	EmailInvitations(ctx context.Context, email string, st Status, limit int) ([]Invitation, error)

	// Request returns the request with id.
	Request(ctx context.Context, id string) (Request, error)
	// SaveRequest is SaveInvitation for requests.
	SaveRequest(ctx context.Context, r Request, expectedRevision int64) (Request, error)
	// AnswerRequest moves request id from status from to status to,
	// recording who answered and when, in one conditional write.
	AnswerRequest(ctx context.Context, id string, from, to Status, by string, at time.Time) (Request, error)
	// CandidateRequests lists a candidate's requests.
	CandidateRequests(ctx context.Context, candidateID string, limit int) ([]Request, error)
	// OrgRequests lists an organisation's requests with status st.
	OrgRequests(ctx context.Context, orgID string, st Status, limit int) ([]Request, error)

	// PutLink writes l (insert or replace by id) with a new revision.
	PutLink(ctx context.Context, l Link) (Link, error)
	// CandidateLinks lists the records of a candidate's links, ended ones
	// included.
	CandidateLinks(ctx context.Context, candidateID string, limit int) ([]Link, error)
}

// Candidates is the candidate service: the caseload link lives in the
// profile, and the candidate service decides who reads and changes it.
// *candidate.Service implements it.
type Candidates interface {
	Get(ctx context.Context, candidateID string) (candidate.Profile, error)
	Mine(ctx context.Context, displayName string) (candidate.Profile, error)
	LinkAdviser(ctx context.Context, candidateID, orgID string) (candidate.Profile, error)
	LinkOnRequest(ctx context.Context, candidateID string) (candidate.Profile, error)
	UnlinkAdviser(ctx context.Context, candidateID, orgID string) (candidate.Profile, error)
	Caseload(ctx context.Context, afterID string, limit int) ([]candidate.Profile, error)
}

// User is what the Service needs of an account.
type User struct {
	ID       string
	Name     string
	Email    string // lower-cased
	Verified bool
}

// Users reads accounts; the wiring adapts the account store. User returns
// ENOTFOUND for an unknown id.
type Users interface {
	User(ctx context.Context, id string) (User, error)
}

// Directory lists the adviser organisations; the wiring adapts the account
// store.
type Directory interface {
	// AdviserOrganisations returns at most limit organisations, by name.
	AdviserOrganisations(ctx context.Context, limit int) ([]Organisation, error)
}

// Service holds the rules of caseload links. It is safe for concurrent use.
type Service struct {
	repo       Repository
	candidates Candidates
	users      Users
	directory  Directory
	apps       Applications
	matches    Matches
	now        func() time.Time
	log        *slog.Logger
}

// Option configures a Service.
type Option func(*Service)

// WithLogger sets where failures that do not fail a request (a link's
// record not written) are logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) {
		if l != nil {
			s.log = l
		}
	}
}

// NewService returns a Service. now is the clock (time.Now in production).
func NewService(repo Repository, candidates Candidates, users Users, directory Directory, apps Applications, matches Matches, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{repo: repo, candidates: candidates, users: users, directory: directory, apps: apps, matches: matches,
		now: now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// clock returns the current time as stored: UTC, millisecond precision.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func caller(ctx context.Context) (auth.Identity, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" || !id.Role.Valid() {
		return auth.Identity{}, passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
	}
	return id, nil
}

// adviser returns the caller if they are an adviser of an organisation.
func adviser(ctx context.Context) (auth.Identity, error) {
	id, err := caller(ctx)
	if err != nil {
		return id, err
	}
	if id.Role != auth.RoleAdviser || id.OrgID == "" {
		return id, passerelle.Errorf(passerelle.EFORBIDDEN, "error.caseload.advisers_only")
	}
	return id, nil
}

// candidateCaller returns the caller if they are a candidate.
func candidateCaller(ctx context.Context) (auth.Identity, error) {
	id, err := caller(ctx)
	if err != nil {
		return id, err
	}
	if id.Role != auth.RoleCandidate {
		return id, passerelle.Errorf(passerelle.EFORBIDDEN, "error.caseload.candidates_only")
	}
	return id, nil
}

func notFound(key string, format string, args ...any) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: key, Err: fmt.Errorf(format, args...)}
}

// validID accepts the ids this package hands out and the account ids it is
// given: short, plain hex. Anything else is unknown, never a query.
func validID(id string) bool {
	return id != "" && len(id) <= 64 && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	})
}

// normalizeEmail is the one spelling of an address (the account package's).
func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validEmail accepts a plain addr-spec, like the account package: what it
// refuses are typos, not real addresses.
func validEmail(e string) bool {
	if e == "" || len(e) > maxEmailLen || !utf8.ValidString(e) {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	if at < 1 || at > 64 {
		return false
	}
	domain := e[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	if strings.ContainsFunc(e, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`"<>,;`, r)
	}) {
		return false
	}
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && a.Name == ""
}

// Invite invites the holder of email to join the calling adviser's
// organisation's caseload. The answer is the same whether or not an account
// exists for the address: the invitation waits for whoever verifies it.
// Inviting again an address that answered opens a new invitation.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.advisers_only"; EINVALID
// (email); ECONFLICT "error.caseload.already_invited" while an invitation of
// the address is pending.
func (s *Service) Invite(ctx context.Context, email string) (Invitation, error) {
	actor, err := adviser(ctx)
	if err != nil {
		return Invitation{}, err
	}
	email = normalizeEmail(email)
	switch {
	case email == "":
		return Invitation{}, passerelle.Invalid(passerelle.FieldError{Field: "email", Key: "caseload.email.required"})
	case !validEmail(email):
		return Invitation{}, passerelle.Invalid(passerelle.FieldError{Field: "email", Key: "caseload.email.invalid"})
	}
	inv := Invitation{ID: InvitationID(actor.OrgID, email), OrgID: actor.OrgID, Email: email, InvitedBy: actor.UserID,
		Status: Pending, CreatedAt: s.clock()}
	var rev int64
	cur, err := s.repo.Invitation(ctx, inv.ID)
	switch passerelle.ErrorCode(err) {
	case passerelle.ENOTFOUND:
	case "":
		if cur.Status == Pending {
			return Invitation{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.caseload.already_invited", Err: fmt.Errorf("invite %s", inv.ID)}
		}
		rev = cur.Revision
	default:
		return Invitation{}, fmt.Errorf("invite: %w", err)
	}
	out, err := s.repo.SaveInvitation(ctx, inv, rev)
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		// Someone invited the same address at the same moment.
		return Invitation{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.caseload.already_invited", Err: err}
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("invite: %w", err)
	}
	return out, nil
}

// OrgInvitations lists the calling adviser's organisation's invitations,
// newest first, at most MaxList.
func (s *Service) OrgInvitations(ctx context.Context) ([]Invitation, error) {
	actor, err := adviser(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.repo.OrgInvitations(ctx, actor.OrgID, MaxList)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return out, nil
}

// verifiedEmail returns the calling candidate's e-mail if it is verified,
// "" otherwise: invitations reach only a verified address.
func (s *Service) verifiedEmail(ctx context.Context, actor auth.Identity) (User, string, error) {
	u, err := s.users.User(ctx, actor.UserID)
	if err != nil {
		return User{}, "", fmt.Errorf("read account: %w", err)
	}
	if !u.Verified {
		return u, "", nil
	}
	return u, normalizeEmail(u.Email), nil
}

// MyInvitations lists the pending invitations of the calling candidate's
// verified e-mail, newest first; none while the e-mail is not verified.
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.candidates_only".
func (s *Service) MyInvitations(ctx context.Context) ([]Invitation, error) {
	actor, err := candidateCaller(ctx)
	if err != nil {
		return nil, err
	}
	_, email, err := s.verifiedEmail(ctx, actor)
	if err != nil || email == "" {
		return []Invitation{}, err
	}
	out, err := s.repo.EmailInvitations(ctx, email, Pending, MaxList)
	if err != nil {
		return nil, fmt.Errorf("list my invitations: %w", err)
	}
	return out, nil
}

// myInvitation reads invitation id for the calling candidate: ENOTFOUND
// "error.caseload.invitation_not_found" unless it was sent to their
// verified e-mail.
func (s *Service) myInvitation(ctx context.Context, op, id string) (auth.Identity, User, Invitation, error) {
	actor, err := candidateCaller(ctx)
	if err != nil {
		return actor, User{}, Invitation{}, err
	}
	const key = "error.caseload.invitation_not_found"
	if !validID(id) {
		return actor, User{}, Invitation{}, notFound(key, "%s %q: malformed id", op, id)
	}
	u, email, err := s.verifiedEmail(ctx, actor)
	if err != nil {
		return actor, u, Invitation{}, fmt.Errorf("%s: %w", op, err)
	}
	inv, err := s.repo.Invitation(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND || err == nil && (email == "" || inv.Email != email) {
		return actor, u, Invitation{}, notFound(key, "%s %s: not for %s", op, id, actor.UserID)
	}
	if err != nil {
		return actor, u, Invitation{}, fmt.Errorf("%s: %w", op, err)
	}
	return actor, u, inv, nil
}

// AcceptInvitation accepts invitation id for the calling candidate, whose
// verified e-mail it was sent to, and links them to the organisation.
// Accepting again an invitation the candidate accepted finishes the job (a
// retry after a failure).
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.candidates_only";
// ENOTFOUND "error.caseload.invitation_not_found"; ECONFLICT
// "error.caseload.answered" (declined already); EINVALID when the candidate
// has too many organisations.
func (s *Service) AcceptInvitation(ctx context.Context, id string) (Invitation, error) {
	actor, u, inv, err := s.myInvitation(ctx, "accept invitation", id)
	if err != nil {
		return Invitation{}, err
	}
	switch {
	case inv.Status == Accepted && inv.CandidateID == actor.UserID:
	case inv.Status == Pending:
		if inv, err = s.repo.AnswerInvitation(ctx, id, Pending, Accepted, actor.UserID, s.clock()); err != nil {
			return Invitation{}, answerErr("accept invitation", err)
		}
	default:
		return Invitation{}, answered("accept invitation", id)
	}
	// The profile may not exist yet: a new candidate's first step can be
	// accepting their adviser's invitation.
	if _, err := s.candidates.Mine(ctx, u.Name); err != nil {
		return Invitation{}, s.undoInvitation(ctx, inv, fmt.Errorf("accept invitation: %w", err))
	}
	if _, err := s.candidates.LinkAdviser(ctx, actor.UserID, inv.OrgID); err != nil {
		return Invitation{}, s.undoInvitation(ctx, inv, fmt.Errorf("accept invitation: %w", err))
	}
	s.record(ctx, Link{CandidateID: actor.UserID, OrgID: inv.OrgID, Via: ViaInvitation, Since: inv.RespondedAt})
	return inv, nil
}

// undoInvitation puts an accepted invitation back to pending after the link
// failed, so that the candidate can try again, and returns err.
func (s *Service) undoInvitation(ctx context.Context, inv Invitation, err error) error {
	if _, uerr := s.repo.AnswerInvitation(context.WithoutCancel(ctx), inv.ID, Accepted, Pending, "", time.Time{}); uerr != nil {
		s.log.ErrorContext(ctx, "caseload: invitation left accepted after a failed link", "invitation", inv.ID, "err", uerr)
	}
	return err
}

// DeclineInvitation declines invitation id for the calling candidate.
// Errors: as AcceptInvitation.
func (s *Service) DeclineInvitation(ctx context.Context, id string) (Invitation, error) {
	actor, _, inv, err := s.myInvitation(ctx, "decline invitation", id)
	if err != nil {
		return Invitation{}, err
	}
	if inv.Status != Pending {
		return Invitation{}, answered("decline invitation", id)
	}
	out, err := s.repo.AnswerInvitation(ctx, id, Pending, Declined, actor.UserID, s.clock())
	if err != nil {
		return Invitation{}, answerErr("decline invitation", err)
	}
	return out, nil
}

func answered(op, id string) error {
	return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.caseload.answered", Err: fmt.Errorf("%s %s: answered already", op, id)}
}

// answerErr turns a lost conditional answer into "answered already".
func answerErr(op string, err error) error {
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.caseload.answered", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// record writes the record of a link made just now. The link works
// without it, so a failure is logged, not returned.
func (s *Service) record(ctx context.Context, l Link) {
	l.ID = LinkID(l.CandidateID, l.OrgID)
	if l.Since.IsZero() {
		l.Since = s.clock()
	}
	if _, err := s.repo.PutLink(context.WithoutCancel(ctx), l); err != nil {
		s.log.ErrorContext(ctx, "caseload: link record not written", "candidate", l.CandidateID, "org", l.OrgID, "err", err)
	}
}

// Organisations lists the adviser organisations a candidate may ask to
// join, by name, at most MaxDirectory. Any signed-in caller may read it.
func (s *Service) Organisations(ctx context.Context) ([]Organisation, error) {
	if _, err := caller(ctx); err != nil {
		return nil, err
	}
	out, err := s.directory.AdviserOrganisations(ctx, MaxDirectory)
	if err != nil {
		return nil, fmt.Errorf("list adviser organisations: %w", err)
	}
	return out, nil
}

// organisation returns the adviser organisation orgID from the directory.
func (s *Service) organisation(ctx context.Context, orgID string) (Organisation, bool, error) {
	orgs, err := s.directory.AdviserOrganisations(ctx, MaxDirectory)
	if err != nil {
		return Organisation{}, false, fmt.Errorf("read adviser organisations: %w", err)
	}
	i := slices.IndexFunc(orgs, func(o Organisation) bool { return o.ID == orgID })
	if i < 0 {
		return Organisation{}, false, nil
	}
	return orgs[i], true, nil
}

// RequestLink records the calling candidate's request to join the caseload
// of adviser organisation orgID; its advisers then accept or decline it.
// Asking again after a declined request, or after ending the link, opens a
// new request.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.candidates_only";
// EINVALID orgId "caseload.org.unknown" (not an adviser organisation);
// ECONFLICT "error.caseload.already_linked" or
// "error.caseload.request_pending".
func (s *Service) RequestLink(ctx context.Context, orgID string) (Request, error) {
	actor, err := candidateCaller(ctx)
	if err != nil {
		return Request{}, err
	}
	unknown := passerelle.Invalid(passerelle.FieldError{Field: "orgId", Key: "caseload.org.unknown"})
	if !validID(orgID) {
		return Request{}, unknown
	}
	if _, ok, err := s.organisation(ctx, orgID); err != nil || !ok {
		return Request{}, cmpErr(err, unknown)
	}
	u, err := s.users.User(ctx, actor.UserID)
	if err != nil {
		return Request{}, fmt.Errorf("request link: %w", err)
	}
	p, err := s.candidates.Mine(ctx, u.Name)
	if err != nil {
		return Request{}, fmt.Errorf("request link: %w", err)
	}
	if slices.Contains(p.AdviserOrgs, orgID) {
		return Request{}, passerelle.Errorf(passerelle.ECONFLICT, "error.caseload.already_linked")
	}
	name := p.DisplayName
	if name == "" {
		name = u.Name
	}
	r := Request{ID: RequestID(actor.UserID, orgID), CandidateID: actor.UserID, CandidateName: name, OrgID: orgID,
		Status: Pending, CreatedAt: s.clock()}
	var rev int64
	cur, err := s.repo.Request(ctx, r.ID)
	switch passerelle.ErrorCode(err) {
	case passerelle.ENOTFOUND:
	case "":
		if cur.Status == Pending {
			return Request{}, passerelle.Errorf(passerelle.ECONFLICT, "error.caseload.request_pending")
		}
		rev = cur.Revision
	default:
		return Request{}, fmt.Errorf("request link: %w", err)
	}
	out, err := s.repo.SaveRequest(ctx, r, rev)
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		return Request{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.caseload.request_pending", Err: err}
	}
	if err != nil {
		return Request{}, fmt.Errorf("request link: %w", err)
	}
	return out, nil
}

// cmpErr returns err when there is one, else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// MyRequests lists the calling candidate's requests, newest first.
func (s *Service) MyRequests(ctx context.Context) ([]Request, error) {
	actor, err := candidateCaller(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.repo.CandidateRequests(ctx, actor.UserID, MaxList)
	if err != nil {
		return nil, fmt.Errorf("list my requests: %w", err)
	}
	return out, nil
}

// OrgRequests lists the pending requests to the calling adviser's
// organisation, newest first.
func (s *Service) OrgRequests(ctx context.Context) ([]Request, error) {
	actor, err := adviser(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.repo.OrgRequests(ctx, actor.OrgID, Pending, MaxList)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	return out, nil
}

// orgRequest reads request id for an adviser of its organisation:
// ENOTFOUND "error.caseload.request_not_found" for anyone else.
func (s *Service) orgRequest(ctx context.Context, op, id string) (auth.Identity, Request, error) {
	actor, err := adviser(ctx)
	if err != nil {
		return actor, Request{}, err
	}
	const key = "error.caseload.request_not_found"
	if !validID(id) {
		return actor, Request{}, notFound(key, "%s %q: malformed id", op, id)
	}
	r, err := s.repo.Request(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND || err == nil && r.OrgID != actor.OrgID {
		return actor, Request{}, notFound(key, "%s %s: not for organisation %s", op, id, actor.OrgID)
	}
	if err != nil {
		return actor, Request{}, fmt.Errorf("%s: %w", op, err)
	}
	return actor, r, nil
}

// AcceptRequest accepts a candidate's pending request to the calling
// adviser's organisation and links them. This is where the consent rule of
// candidate.Service.LinkOnRequest is held: the request is moved from
// pending to accepted in one conditional write before the link, and put
// back to pending if the link fails. An accepted request is never accepted
// again: after the candidate ends a link, only a new request (or an
// invitation) brings it back.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.advisers_only";
// ENOTFOUND "error.caseload.request_not_found" (also for another
// organisation's request); ECONFLICT "error.caseload.answered"; EINVALID
// when the candidate has too many organisations.
func (s *Service) AcceptRequest(ctx context.Context, id string) (Request, error) {
	actor, r, err := s.orgRequest(ctx, "accept request", id)
	if err != nil {
		return Request{}, err
	}
	if r.Status != Pending {
		return Request{}, answered("accept request", id)
	}
	r, err = s.repo.AnswerRequest(ctx, id, Pending, Accepted, actor.UserID, s.clock())
	if err != nil {
		return Request{}, answerErr("accept request", err)
	}
	if _, err := s.candidates.LinkOnRequest(ctx, r.CandidateID); err != nil {
		if _, uerr := s.repo.AnswerRequest(context.WithoutCancel(ctx), id, Accepted, Pending, "", time.Time{}); uerr != nil {
			s.log.ErrorContext(ctx, "caseload: request left accepted after a failed link", "request", id, "err", uerr)
		}
		return Request{}, fmt.Errorf("accept request: %w", err)
	}
	s.record(ctx, Link{CandidateID: r.CandidateID, OrgID: r.OrgID, Via: ViaRequest, Since: r.RespondedAt})
	return r, nil
}

// DeclineRequest declines a pending request to the calling adviser's
// organisation. Errors: as AcceptRequest.
func (s *Service) DeclineRequest(ctx context.Context, id string) (Request, error) {
	actor, r, err := s.orgRequest(ctx, "decline request", id)
	if err != nil {
		return Request{}, err
	}
	if r.Status != Pending {
		return Request{}, answered("decline request", id)
	}
	out, err := s.repo.AnswerRequest(ctx, id, Pending, Declined, actor.UserID, s.clock())
	if err != nil {
		return Request{}, answerErr("decline request", err)
	}
	return out, nil
}

// MyLinks lists the organisations of the calling candidate's caseload, in
// the order they joined it, with when and how when known.
func (s *Service) MyLinks(ctx context.Context) ([]MyLink, error) {
	actor, err := candidateCaller(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.candidates.Get(ctx, actor.UserID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return []MyLink{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list my links: %w", err)
	}
	out := make([]MyLink, 0, len(p.AdviserOrgs))
	if len(p.AdviserOrgs) == 0 {
		return out, nil
	}
	orgs, err := s.directory.AdviserOrganisations(ctx, MaxDirectory)
	if err != nil {
		return nil, fmt.Errorf("list my links: %w", err)
	}
	records, err := s.repo.CandidateLinks(ctx, actor.UserID, MaxList)
	if err != nil {
		return nil, fmt.Errorf("list my links: %w", err)
	}
	for _, id := range p.AdviserOrgs {
		l := MyLink{Org: Organisation{ID: id}}
		if i := slices.IndexFunc(orgs, func(o Organisation) bool { return o.ID == id }); i >= 0 {
			l.Org = orgs[i]
		}
		if i := slices.IndexFunc(records, func(r Link) bool { return r.OrgID == id && r.EndedAt.IsZero() }); i >= 0 {
			l.Since, l.Via = records[i].Since, records[i].Via
		}
		out = append(out, l)
	}
	return out, nil
}

// EndLink ends the calling candidate's link with orgID: its advisers lose
// access to the profile at once. The end is recorded.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.candidates_only";
// ENOTFOUND "error.caseload.not_linked".
func (s *Service) EndLink(ctx context.Context, orgID string) error {
	actor, err := candidateCaller(ctx)
	if err != nil {
		return err
	}
	const key = "error.caseload.not_linked"
	if !validID(orgID) {
		return notFound(key, "end link %q: malformed id", orgID)
	}
	p, err := s.candidates.Get(ctx, actor.UserID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND || err == nil && !slices.Contains(p.AdviserOrgs, orgID) {
		return notFound(key, "end link %s: not linked", orgID)
	}
	if err != nil {
		return fmt.Errorf("end link: %w", err)
	}
	if _, err := s.candidates.UnlinkAdviser(ctx, actor.UserID, orgID); err != nil {
		return fmt.Errorf("end link: %w", err)
	}
	now := s.clock()
	l := Link{ID: LinkID(actor.UserID, orgID), CandidateID: actor.UserID, OrgID: orgID, EndedAt: now, EndedBy: actor.UserID}
	records, err := s.repo.CandidateLinks(ctx, actor.UserID, MaxList)
	if err == nil {
		if i := slices.IndexFunc(records, func(r Link) bool { return r.ID == l.ID }); i >= 0 {
			l.Since, l.Via = records[i].Since, records[i].Via
		}
		_, err = s.repo.PutLink(context.WithoutCancel(ctx), l)
	}
	if err != nil {
		// The link is ended (the profile says so); only its record lags.
		s.log.ErrorContext(ctx, "caseload: end of link not recorded", "candidate", actor.UserID, "org", orgID, "err", err)
	}
	return nil
}

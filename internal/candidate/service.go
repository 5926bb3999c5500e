package candidate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Repository is the storage the Service needs; candidatedb.Store implements
// it on MongoDB and the embedded store.
//
// Errors: a missing profile is a *passerelle.Error with code ENOTFOUND; an
// existing one on create, or a stale revision on replace, ECONFLICT; an
// unreachable store EUNAVAILABLE; anything else is internal. Each method
// reads or writes one document, except the listing ones.
type Repository interface {
	// Profile returns the profile with id. ENOTFOUND.
	Profile(ctx context.Context, id string) (Profile, error)
	// CreateProfile inserts p with a new revision and returns it as stored.
	// ECONFLICT when the candidate already has a profile.
	CreateProfile(ctx context.Context, p Profile) (Profile, error)
	// ReplaceProfile replaces the whole stored profile p.ID, in one write,
	// if its revision is still expectedRevision, gives it a new revision and
	// returns it as stored. ECONFLICT ("error.profile.stale") when the
	// revision moved on or the profile is gone: the caller re-reads.
	ReplaceProfile(ctx context.Context, p Profile, expectedRevision int64) (Profile, error)
	// ChangedProfiles returns at most limit profiles with a revision above
	// since, by increasing revision.
	ChangedProfiles(ctx context.Context, since int64, limit int) ([]Profile, error)
	// StreamChangedProfiles calls fn with every profile with a revision
	// above since, by increasing revision, read in one pass (one cursor)
	// under one deadline that grows with what it may return. It stops at fn's
	// first error and returns it, wrapped; EUNAVAILABLE when the store is
	// unreachable or the deadline passes.
	StreamChangedProfiles(ctx context.Context, since int64, fn func(Profile) error) error
	// ScanProfiles returns at most limit profiles with an ID above afterID,
	// by increasing ID: a resumable walk over every profile.
	ScanProfiles(ctx context.Context, afterID string, limit int) ([]Profile, error)
	// CaseloadProfiles returns at most limit profiles whose AdviserOrgs hold
	// orgID, with an ID above afterID, by increasing ID: a resumable walk
	// over an adviser organisation's caseload.
	CaseloadProfiles(ctx context.Context, orgID, afterID string, limit int) ([]Profile, error)
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

// Service holds the rules of candidate profiles: who reads and edits them,
// what a valid profile is.
type Service struct {
	repo      Repository
	tax       Taxonomy
	places    Places
	now       func() time.Time
	observers []func(Profile)
}

// Option configures a Service.
type Option func(*Service)

// WithObserver registers f to be told of every profile the Service writes,
// as stored (with its new revision), right after the write succeeded: this
// is how the matching index of the same process sees its own writes at once
// instead of at its next poll. f runs on the writer's goroutine, so it must
// be quick and must not call the Service back. Several observers may be
// registered; they run in order.
func WithObserver(f func(Profile)) Option {
	return func(s *Service) {
		if f != nil {
			s.observers = append(s.observers, f)
		}
	}
}

// NewService returns a Service. now is the clock (time.Now in production).
func NewService(repo Repository, tax Taxonomy, places Places, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{repo: repo, tax: tax, places: places, now: now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// written tells the observers about a profile just stored.
func (s *Service) written(p Profile) {
	for _, f := range s.observers {
		f(p)
	}
}

// clock returns the current time as stored: UTC, with the millisecond
// precision of BSON dates, so that what a write returns equals what a later
// read returns.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Access levels of a caller to a profile.
type access int

const (
	accessNone access = iota
	accessRead
	accessEdit
)

// accessOf is the one place that decides who may read or edit a profile:
// the candidate, an adviser of an organisation in the candidate's caseload,
// and (read only) an admin. Employers see candidates through the matching
// lists, anonymised by the HTTP layer, never through this door.
func accessOf(id auth.Identity, p Profile) access {
	switch {
	case id.Role == auth.RoleCandidate && id.UserID != "" && id.UserID == p.ID:
		return accessEdit
	case id.Role == auth.RoleAdviser && id.OrgID != "" && slices.Contains(p.AdviserOrgs, id.OrgID):
		return accessEdit
	case id.Role == auth.RoleAdmin:
		return accessRead
	}
	return accessNone
}

func notFound(err error) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.profile.not_found", Err: err}
}

func stale() error {
	return passerelle.Errorf(passerelle.ECONFLICT, "error.profile.stale")
}

func caller(ctx context.Context) (auth.Identity, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" {
		return auth.Identity{}, passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
	}
	return id, nil
}

// Get returns the profile of candidateID to a caller who may read it.
// ENOTFOUND for everyone else, so that a profile's existence is not
// revealed; EUNAUTHORIZED when nobody is signed in.
func (s *Service) Get(ctx context.Context, candidateID string) (Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	p, err := s.repo.Profile(ctx, candidateID)
	if err != nil {
		return Profile{}, fmt.Errorf("get profile: %w", err)
	}
	if accessOf(actor, p) == accessNone {
		return Profile{}, notFound(fmt.Errorf("get profile %s: not visible to %s", candidateID, actor.UserID))
	}
	return p, nil
}

// Mine returns the calling candidate's profile, creating it on first call:
// empty, hidden, without consent, named displayName (the account's name).
// EFORBIDDEN for a caller who is not a candidate.
func (s *Service) Mine(ctx context.Context, displayName string) (Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	if actor.Role != auth.RoleCandidate {
		return Profile{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.profile.candidates_only")
	}
	p, err := s.repo.Profile(ctx, actor.UserID)
	if passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		if err != nil {
			return Profile{}, fmt.Errorf("my profile: %w", err)
		}
		return p, nil
	}
	name := strings.TrimSpace(displayName)
	if r := []rune(name); len(r) > MaxDisplayNameRunes {
		name = string(r[:MaxDisplayNameRunes])
	}
	now := s.clock()
	p = Profile{
		ID:           actor.UserID,
		DisplayName:  name,
		Remote:       RemoteOK,
		Visibility:   VisibilityHidden,
		LastEditedBy: Editor{UserID: actor.UserID, Role: actor.Role},
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	created, err := s.repo.CreateProfile(ctx, p)
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		// A concurrent first call created it: take that one.
		created, err = s.repo.Profile(ctx, actor.UserID)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("create my profile: %w", err)
	}
	s.written(created)
	return created, nil
}

// Update replaces the content of candidateID's profile with in, if the
// stored revision is still expectedRevision. The candidate and advisers of
// their caseload may edit; the edit is recorded with the editor's role.
// Errors: EINVALID with every field error; ECONFLICT "error.profile.stale"
// when the profile changed since it was read (nothing is written: reload);
// EFORBIDDEN for an admin (read only); ENOTFOUND for anyone else.
func (s *Service) Update(ctx context.Context, candidateID string, in ProfileInput, expectedRevision int64) (Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	cur, err := s.repo.Profile(ctx, candidateID)
	if err != nil {
		return Profile{}, fmt.Errorf("update profile: %w", err)
	}
	switch accessOf(actor, cur) {
	case accessNone:
		return Profile{}, notFound(fmt.Errorf("update profile %s: not visible to %s", candidateID, actor.UserID))
	case accessRead:
		return Profile{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.profile.read_only")
	}
	if cur.Revision != expectedRevision {
		return Profile{}, stale()
	}
	now := s.clock()
	p, err := s.validate(in, cur, actor, now)
	if err != nil {
		return Profile{}, err
	}
	p.LastEditedBy = Editor{UserID: actor.UserID, Role: actor.Role}
	p.UpdatedAt = now
	out, err := s.repo.ReplaceProfile(ctx, p, expectedRevision)
	if err != nil {
		return Profile{}, fmt.Errorf("update profile: %w", err)
	}
	s.written(out)
	return out, nil
}

// LinkAdviser adds an adviser organisation to the candidate's caseload, so
// that its advisers may read and edit the profile. Only the candidate (who
// thereby consents, e.g. accepting an adviser's invitation) or an admin may
// do it; it is idempotent. An adviser links a candidate who asked with
// LinkOnRequest.
func (s *Service) LinkAdviser(ctx context.Context, candidateID, orgID string) (Profile, error) {
	if !validOrgID(orgID) {
		return Profile{}, passerelle.Invalid(passerelle.FieldError{Field: "orgId", Key: "profile.adviser_org.invalid"})
	}
	return s.changeCaseload(ctx, candidateID, func(p *Profile) error { return addOrg(p, orgID) })
}

// LinkOnRequest adds the calling adviser's organisation to the caseload of
// candidateID because the candidate asked to join it: the candidate's
// consent is their request. This service does not see requests; its one
// caller, caseload.Service.AcceptRequest, holds that rule: it links only
// after moving the candidate's pending request to this organisation to
// accepted, in one conditional write, and puts it back if this fails. So
// the consent rule stays in one place, the caseload service, and this
// method only records its outcome. It is idempotent.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.profile.caseload_candidate_only"
// for a caller who is not an adviser of an organisation; ENOTFOUND when the
// candidate has no profile; EINVALID when the candidate already has
// MaxAdviserOrgs organisations.
func (s *Service) LinkOnRequest(ctx context.Context, candidateID string) (Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	if actor.Role != auth.RoleAdviser || !validOrgID(actor.OrgID) {
		return Profile{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.profile.caseload_candidate_only")
	}
	return s.writeCaseload(ctx, candidateID, func(p *Profile) error { return addOrg(p, actor.OrgID) })
}

// addOrg adds orgID to p's caseload, within MaxAdviserOrgs.
func addOrg(p *Profile, orgID string) error {
	if slices.Contains(p.AdviserOrgs, orgID) {
		return nil
	}
	if len(p.AdviserOrgs) >= MaxAdviserOrgs {
		return passerelle.Invalid(passerelle.FieldError{Field: "orgId", Key: "profile.adviser_orgs.too_many", Param: fmt.Sprint(MaxAdviserOrgs)})
	}
	p.AdviserOrgs = append(p.AdviserOrgs, orgID)
	return nil
}

// Caseload returns at most limit profiles (clamped to 1…1000) of the
// calling adviser's organisation's caseload with an ID above afterID, by
// increasing ID. Errors: EUNAUTHORIZED; EFORBIDDEN for anyone but an
// adviser of an organisation.
func (s *Service) Caseload(ctx context.Context, afterID string, limit int) ([]Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if actor.Role != auth.RoleAdviser || !validOrgID(actor.OrgID) {
		return nil, passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	ps, err := s.repo.CaseloadProfiles(ctx, actor.OrgID, afterID, min(max(limit, 1), 1000))
	if err != nil {
		return nil, fmt.Errorf("caseload: %w", err)
	}
	return ps, nil
}

// UnlinkAdviser removes an adviser organisation from the caseload: the
// candidate withdraws their consent (an admin may do it for them). Removing
// an organisation that is not there is not an error.
func (s *Service) UnlinkAdviser(ctx context.Context, candidateID, orgID string) (Profile, error) {
	return s.changeCaseload(ctx, candidateID, func(p *Profile) error {
		p.AdviserOrgs = slices.DeleteFunc(p.AdviserOrgs, func(o string) bool { return o == orgID })
		return nil
	})
}

// changeCaseload applies change to the stored caseload for the candidate
// themself or an admin.
func (s *Service) changeCaseload(ctx context.Context, candidateID string, change func(*Profile) error) (Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	return s.writeCaseload(ctx, candidateID, func(p *Profile) error {
		self := actor.Role == auth.RoleCandidate && actor.UserID == p.ID
		if !self && actor.Role != auth.RoleAdmin {
			if accessOf(actor, *p) == accessNone {
				return notFound(fmt.Errorf("change caseload of %s: not visible to %s", candidateID, actor.UserID))
			}
			return passerelle.Errorf(passerelle.EFORBIDDEN, "error.profile.caseload_candidate_only")
		}
		return change(p)
	})
}

// writeCaseload applies change to the stored caseload. A caseload change
// does not depend on the rest of the profile, so a concurrent edit is not a
// reason to bother the candidate: it re-reads and retries.
func (s *Service) writeCaseload(ctx context.Context, candidateID string, change func(*Profile) error) (Profile, error) {
	for range 5 {
		cur, err := s.repo.Profile(ctx, candidateID)
		if err != nil {
			return Profile{}, fmt.Errorf("change caseload: %w", err)
		}
		p := cur
		p.AdviserOrgs = slices.Clone(cur.AdviserOrgs)
		if err := change(&p); err != nil {
			return Profile{}, err
		}
		if sameSet(p.AdviserOrgs, cur.AdviserOrgs) {
			return cur, nil
		}
		p.UpdatedAt = s.clock()
		out, err := s.repo.ReplaceProfile(ctx, p, cur.Revision)
		if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
			continue
		}
		if err != nil {
			return Profile{}, fmt.Errorf("change caseload: %w", err)
		}
		s.written(out)
		return out, nil
	}
	return Profile{}, stale()
}

// Changed returns at most limit profiles written after revision since, by
// increasing revision: how another instance (the matching index) catches up.
// limit is clamped to 1…1000. It is a system operation, not for users.
func (s *Service) Changed(ctx context.Context, since int64, limit int) ([]Profile, error) {
	limit = min(max(limit, 1), 1000)
	ps, err := s.repo.ChangedProfiles(ctx, since, limit)
	if err != nil {
		return nil, fmt.Errorf("changed profiles: %w", err)
	}
	return ps, nil
}

// StreamChanged calls fn with every profile written after revision since,
// by increasing revision, read in one pass: how the matching index is built
// at start-up, where reading page by page with Changed would cost a scan of
// the collection per page on the embedded store. It stops at fn's first
// error and returns it, wrapped. It is a system operation, not for users.
func (s *Service) StreamChanged(ctx context.Context, since int64, fn func(Profile) error) error {
	if err := s.repo.StreamChangedProfiles(ctx, since, fn); err != nil {
		return fmt.Errorf("stream changed profiles: %w", err)
	}
	return nil
}

// FlagMissing walks every profile after a taxonomy import and sets Missing
// on each skill, training skill and former occupation whose code the new
// taxonomy lacks (knownSkill, knownOccupation), and clears it where the code
// came back. Labels are kept, so the profile still reads the same. It
// returns how many profiles it rewrote. It is a system operation: a signed-in
// caller other than an admin gets EFORBIDDEN. Rerunning it is harmless.
func (s *Service) FlagMissing(ctx context.Context, knownSkill func(skill.Code) bool, knownOccupation func(skill.RomeCode) bool) (int, error) {
	if id, ok := auth.FromContext(ctx); ok && id.Role != auth.RoleAdmin {
		return 0, passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	const batch = 200
	n, after := 0, ""
	for {
		page, err := s.repo.ScanProfiles(ctx, after, batch)
		if err != nil {
			return n, fmt.Errorf("flag missing codes: %w", err)
		}
		for _, p := range page {
			changed, err := s.flagOne(ctx, p, knownSkill, knownOccupation)
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

// flagOne rewrites one profile if its flags change, re-reading it when a
// concurrent edit got there first.
func (s *Service) flagOne(ctx context.Context, p Profile, knownSkill func(skill.Code) bool, knownOccupation func(skill.RomeCode) bool) (bool, error) {
	for range 5 {
		q, changed := flagged(p, knownSkill, knownOccupation)
		if !changed {
			return false, nil
		}
		q.UpdatedAt = s.clock()
		out, err := s.repo.ReplaceProfile(ctx, q, p.Revision)
		if err == nil {
			s.written(out)
			return true, nil
		}
		if passerelle.ErrorCode(err) != passerelle.ECONFLICT {
			return false, fmt.Errorf("flag missing codes of %s: %w", p.ID, err)
		}
		if p, err = s.repo.Profile(ctx, p.ID); err != nil {
			if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
				return false, nil
			}
			return false, fmt.Errorf("flag missing codes of %s: %w", p.ID, err)
		}
	}
	return false, fmt.Errorf("flag missing codes of %s: %w", p.ID, stale())
}

// flagged returns p with its Missing flags recomputed, and whether any moved.
func flagged(p Profile, knownSkill func(skill.Code) bool, knownOccupation func(skill.RomeCode) bool) (Profile, bool) {
	changed := false
	set := func(flag *bool, missing bool) {
		if *flag != missing {
			*flag, changed = missing, true
		}
	}
	p.Skills = slices.Clone(p.Skills)
	for i := range p.Skills {
		set(&p.Skills[i].Missing, !knownSkill(p.Skills[i].Code))
	}
	p.Trainings = slices.Clone(p.Trainings)
	for i := range p.Trainings {
		t := &p.Trainings[i]
		t.Skills = slices.Clone(t.Skills)
		for j := range t.Skills {
			set(&t.Skills[j].Missing, !knownSkill(t.Skills[j].Code))
		}
	}
	p.FormerOccupations = slices.Clone(p.FormerOccupations)
	for i := range p.FormerOccupations {
		set(&p.FormerOccupations[i].Missing, !knownOccupation(p.FormerOccupations[i].Rome))
	}
	return p, changed
}

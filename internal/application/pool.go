package application

import (
	"context"
	"fmt"

	"passerelle"
	"passerelle/internal/auth"
)

// PoolInput asks a candidate into the caller's company talent pool.
type PoolInput struct {
	// CandidateID is resolved by the caller from what the employer saw (an
	// anonymous list, or an application).
	CandidateID string
	Pseudonym   string
	// Note is the company's own note ("profil junior, recontacter en
	// septembre"); the candidate does not read it.
	Note string
}

// forCompany hides the candidate of an entry from the company until the
// candidate agreed.
func (e PoolEntry) forCompany() PoolEntry {
	if e.Status != PoolActive {
		e.CandidateID = ""
	}
	return e
}

// forCandidate hides the company's internal note.
func (e PoolEntry) forCandidate() PoolEntry {
	e.Note = ""
	return e
}

// AskToPool asks a candidate into the talent pool of the caller's company.
// The entry is pending until the candidate accepts; the company sees who
// the candidate is only then. The candidate must be discoverable, or known
// to the company already (RevealedTo).
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.application.company_only";
// ENOTFOUND "error.application.candidate_not_found"; EINVALID (pseudonym,
// note); ECONFLICT "error.application.pool.exists" or
// "error.application.pool.declined" (the candidate said no: the company
// cannot ask again).
func (s *Service) AskToPool(ctx context.Context, in PoolInput) (PoolEntry, error) {
	actor, err := caller(ctx)
	if err != nil {
		return PoolEntry{}, err
	}
	if actor.Role != auth.RoleEmployer || actor.OrgID == "" {
		return PoolEntry{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.company_only")
	}
	var errs fieldErrors
	pseudonym := text(&errs, "pseudonym", in.Pseudonym, MaxPseudonymRunes, false)
	note := text(&errs, "note", in.Note, MaxPoolNoteRunes, true)
	if err := errs.err(); err != nil {
		return PoolEntry{}, err
	}
	if err := s.discoverable(ctx, "ask to pool", in.CandidateID); passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		known, rerr := s.RevealedTo(ctx, actor.OrgID, in.CandidateID)
		if rerr != nil {
			return PoolEntry{}, fmt.Errorf("ask to pool: %w", rerr)
		}
		if !known {
			return PoolEntry{}, err
		}
	} else if err != nil {
		return PoolEntry{}, err
	}
	e := PoolEntry{
		ID: PoolEntryID(actor.OrgID, in.CandidateID), CompanyID: actor.OrgID, CandidateID: in.CandidateID,
		Pseudonym: pseudonym, Note: note, AddedBy: actor.UserID, Status: PoolPending, CreatedAt: s.clock(),
	}
	out, err := s.repo.CreatePoolEntry(ctx, e)
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		if cur, rerr := s.repo.PoolEntry(ctx, e.ID); rerr == nil && cur.Status == PoolDeclined {
			return PoolEntry{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.pool.declined", Err: err}
		}
		return PoolEntry{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.pool.exists", Err: err}
	}
	if err != nil {
		return PoolEntry{}, fmt.Errorf("ask to pool: %w", err)
	}
	s.publish(ctx, Event{Kind: EventPoolRequested, Actor: actorOf(actor), PoolEntry: out})
	return out.forCompany(), nil
}

// ownEntry reads pool entry id for its candidate: ENOTFOUND for anyone else.
func (s *Service) ownEntry(ctx context.Context, op, id string) (auth.Identity, PoolEntry, error) {
	actor, err := caller(ctx)
	if err != nil {
		return actor, PoolEntry{}, err
	}
	e, err := s.entry(ctx, op, id)
	if err != nil {
		return actor, PoolEntry{}, err
	}
	if !self(actor, e.CandidateID) {
		return actor, PoolEntry{}, notFound("error.application.pool.not_found", fmt.Errorf("%s %s: not the candidate's", op, id))
	}
	return actor, e, nil
}

func (s *Service) entry(ctx context.Context, op, id string) (PoolEntry, error) {
	if !validID(id) {
		return PoolEntry{}, notFound("error.application.pool.not_found", fmt.Errorf("%s %q: malformed id", op, id))
	}
	e, err := s.repo.PoolEntry(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return PoolEntry{}, notFound("error.application.pool.not_found", err)
	}
	if err != nil {
		return PoolEntry{}, fmt.Errorf("%s: %w", op, err)
	}
	return e, nil
}

// AnswerPool is the candidate's answer to a pool request: accept makes the
// entry active (the company then sees who they are), refuse declines it.
// Giving the same answer twice is not an error.
// Errors: EUNAUTHORIZED; ENOTFOUND (also for anyone but the candidate);
// ECONFLICT "error.application.pool.answered" (answered otherwise before).
func (s *Service) AnswerPool(ctx context.Context, id string, accept bool) (PoolEntry, error) {
	actor, e, err := s.ownEntry(ctx, "answer pool request", id)
	if err != nil {
		return PoolEntry{}, err
	}
	to := PoolDeclined
	if accept {
		to = PoolActive
	}
	if e.Status == to {
		return e.forCandidate(), nil
	}
	out, err := s.repo.SetPoolStatus(ctx, id, []PoolStatus{PoolPending}, to, s.clock())
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		return PoolEntry{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.pool.answered")
	}
	if err != nil {
		return PoolEntry{}, fmt.Errorf("answer pool request: %w", err)
	}
	s.publish(ctx, Event{Kind: EventPoolAnswered, Actor: actorOf(actor), PoolEntry: out})
	return out.forCandidate(), nil
}

// LeavePool withdraws the candidate's consent: a pending or active entry
// becomes declined, the company stops seeing who they are and cannot ask
// again. Leaving twice is not an error.
func (s *Service) LeavePool(ctx context.Context, id string) (PoolEntry, error) {
	actor, e, err := s.ownEntry(ctx, "leave pool", id)
	if err != nil {
		return PoolEntry{}, err
	}
	if e.Status == PoolDeclined {
		return e.forCandidate(), nil
	}
	out, err := s.repo.SetPoolStatus(ctx, id, []PoolStatus{PoolPending, PoolActive}, PoolDeclined, s.clock())
	if err != nil {
		return PoolEntry{}, fmt.Errorf("leave pool: %w", err)
	}
	s.publish(ctx, Event{Kind: EventPoolAnswered, Actor: actorOf(actor), PoolEntry: out})
	return out.forCandidate(), nil
}

// RemoveFromPool deletes a pending or active entry of the caller's
// company's pool. A declined entry stays, as the record that the candidate
// must not be asked again.
// Errors: EUNAUTHORIZED; ENOTFOUND (also for non-members); ECONFLICT
// "error.application.pool.declined".
func (s *Service) RemoveFromPool(ctx context.Context, id string) error {
	actor, err := caller(ctx)
	if err != nil {
		return err
	}
	e, err := s.entry(ctx, "remove from pool", id)
	if err != nil {
		return err
	}
	if !member(actor, e.CompanyID) {
		return notFound("error.application.pool.not_found", fmt.Errorf("remove from pool %s: not a member of %s", id, e.CompanyID))
	}
	if e.Status == PoolDeclined {
		return passerelle.Errorf(passerelle.ECONFLICT, "error.application.pool.declined")
	}
	err = s.repo.DeletePoolEntry(ctx, id, []PoolStatus{PoolPending, PoolActive})
	switch passerelle.ErrorCode(err) {
	case "", passerelle.ENOTFOUND:
		return nil
	case passerelle.ECONFLICT:
		return passerelle.Errorf(passerelle.ECONFLICT, "error.application.pool.declined")
	}
	return fmt.Errorf("remove from pool: %w", err)
}

// Pool lists a company's talent pool, newest first, to its members (who see
// candidates only in active entries) and admins. EFORBIDDEN
// "error.application.company_only" for anyone else: the pool is the
// company's alone.
func (s *Service) Pool(ctx context.Context, companyID string, page PageRequest) (Page[PoolEntry], error) {
	actor, err := caller(ctx)
	if err != nil {
		return Page[PoolEntry]{}, err
	}
	if !member(actor, companyID) && actor.Role != auth.RoleAdmin {
		return Page[PoolEntry]{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.company_only")
	}
	page = page.normalize()
	items, total, err := s.repo.CompanyPool(ctx, companyID, page.offset(), page.Size)
	if err != nil {
		return Page[PoolEntry]{}, fmt.Errorf("list pool: %w", err)
	}
	if actor.Role != auth.RoleAdmin {
		for i := range items {
			items[i] = items[i].forCompany()
		}
	}
	return Page[PoolEntry]{Items: items, Total: total, Number: page.Number, Size: page.Size}, nil
}

// PoolsOf lists the pools a candidate was asked into (at most 100, newest
// first), without the companies' notes, to the candidate, the advisers of
// their caseload and admins.
func (s *Service) PoolsOf(ctx context.Context, candidateID string) ([]PoolEntry, error) {
	if _, err := s.candidateReader(ctx, "list pools", candidateID); err != nil {
		return nil, err
	}
	items, err := s.repo.CandidatePool(ctx, candidateID, maxListPage)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	for i := range items {
		items[i] = items[i].forCandidate()
	}
	return items, nil
}

// Settings returns a candidate's workflow settings to the candidate, the
// advisers of their caseload and admins.
func (s *Service) Settings(ctx context.Context, candidateID string) (Settings, error) {
	if _, err := s.candidateReader(ctx, "read settings", candidateID); err != nil {
		return Settings{}, err
	}
	st, err := s.repo.Settings(ctx, candidateID)
	if err != nil {
		return Settings{}, fmt.Errorf("read settings: %w", err)
	}
	return st, nil
}

// SetAdviserMayApply records the calling candidate's consent (or its
// withdrawal) for the advisers of their caseload to apply on their behalf.
// Only the candidate decides: EFORBIDDEN "error.application.candidates_only"
// for anyone else.
func (s *Service) SetAdviserMayApply(ctx context.Context, allowed bool) (Settings, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Settings{}, err
	}
	if actor.Role != auth.RoleCandidate {
		return Settings{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.candidates_only")
	}
	st, err := s.repo.Settings(ctx, actor.UserID)
	if err != nil {
		return Settings{}, fmt.Errorf("set settings: %w", err)
	}
	st.CandidateID, st.AdviserMayApply, st.UpdatedAt = actor.UserID, allowed, s.clock()
	out, err := s.repo.PutSettings(ctx, st)
	if err != nil {
		return Settings{}, fmt.Errorf("set settings: %w", err)
	}
	return out, nil
}

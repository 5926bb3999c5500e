package application

import (
	"context"
	"fmt"

	"passerelle"
	"passerelle/internal/auth"
)

// InviteInput is an employer's invitation to apply.
type InviteInput struct {
	OfferID string
	// CandidateID is the invited candidate, resolved by the caller from the
	// anonymous list the employer saw; it is never shown back to them
	// before acceptance.
	CandidateID string
	// Pseudonym is the label the employer saw ("Profil 7F3A9C").
	Pseudonym string
	Message   string
}

// forCompany hides the candidate of an invitation from the company until
// the candidate accepted.
func (inv Invitation) forCompany() Invitation {
	if inv.Status != InvitationAccepted {
		inv.CandidateID = ""
	}
	return inv
}

// Invite invites a discoverable candidate to apply to a published offer of
// the caller's company. The returned invitation, like every one a company
// member reads, has no CandidateID until it is accepted.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.application.company_only";
// ENOTFOUND "error.application.offer_not_found" or
// "error.application.candidate_not_found" (also for a candidate who is not
// discoverable); EINVALID (message, pseudonym); ECONFLICT
// "error.application.offer_closed", "error.application.invitation.exists"
// (invited already) or "error.application.invitation.already_applied".
func (s *Service) Invite(ctx context.Context, in InviteInput) (Invitation, error) {
	actor, o, err := s.companyReader(ctx, "invite", in.OfferID)
	if err != nil {
		return Invitation{}, err
	}
	if !member(actor, o.CompanyID) {
		return Invitation{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.company_only")
	}
	var errs fieldErrors
	msg := text(&errs, "message", in.Message, MaxMessageRunes, true)
	pseudonym := text(&errs, "pseudonym", in.Pseudonym, MaxPseudonymRunes, false)
	if err := errs.err(); err != nil {
		return Invitation{}, err
	}
	if !o.Published {
		return Invitation{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.offer_closed")
	}
	if err := s.discoverable(ctx, "invite", in.CandidateID); err != nil {
		return Invitation{}, err
	}
	switch _, err := s.repo.Application(ctx, ID(in.CandidateID, o.ID)); passerelle.ErrorCode(err) {
	case "":
		return Invitation{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.invitation.already_applied")
	case passerelle.ENOTFOUND:
	default:
		return Invitation{}, fmt.Errorf("invite: %w", err)
	}
	now := s.clock()
	inv := Invitation{
		ID: InvitationID(o.ID, in.CandidateID), OfferID: o.ID, CompanyID: o.CompanyID, CandidateID: in.CandidateID,
		Pseudonym: pseudonym, Message: msg, InvitedBy: actor.UserID, Status: InvitationPending, CreatedAt: now,
	}
	out, err := s.repo.CreateInvitation(ctx, inv)
	if err != nil {
		return Invitation{}, fmt.Errorf("invite: %w", err)
	}
	s.publish(ctx, Event{Kind: EventInvited, Actor: actorOf(actor), Invitation: out})
	return out.forCompany(), nil
}

// discoverable checks that a company may approach candidateID. A candidate
// who is not discoverable is reported as not found, exactly like one who
// does not exist.
func (s *Service) discoverable(ctx context.Context, op, candidateID string) error {
	if !validID(candidateID) {
		return notFound("error.application.candidate_not_found", fmt.Errorf("%s: candidate %q: malformed id", op, candidateID))
	}
	c, err := s.candidates.Candidate(ctx, candidateID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return notFound("error.application.candidate_not_found", err)
	}
	if err != nil {
		return fmt.Errorf("%s: read candidate: %w", op, err)
	}
	if !c.Discoverable {
		return notFound("error.application.candidate_not_found", fmt.Errorf("%s: candidate %s is not discoverable", op, candidateID))
	}
	return nil
}

// ownInvitation reads invitation id for its candidate: ENOTFOUND for anyone
// else.
func (s *Service) ownInvitation(ctx context.Context, op, id string) (auth.Identity, Invitation, error) {
	actor, err := caller(ctx)
	if err != nil {
		return actor, Invitation{}, err
	}
	if !validID(id) {
		return actor, Invitation{}, notFound("error.application.invitation.not_found", fmt.Errorf("%s %q: malformed id", op, id))
	}
	inv, err := s.repo.Invitation(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return actor, Invitation{}, notFound("error.application.invitation.not_found", err)
	}
	if err != nil {
		return actor, Invitation{}, fmt.Errorf("%s: %w", op, err)
	}
	if !self(actor, inv.CandidateID) {
		return actor, Invitation{}, notFound("error.application.invitation.not_found", fmt.Errorf("%s %s: not the candidate's", op, id))
	}
	return actor, inv, nil
}

// GetInvitation returns invitation id to its candidate, to the members of
// the offer's company (without the candidate until accepted) and to admins.
// ENOTFOUND for anyone else.
func (s *Service) GetInvitation(ctx context.Context, id string) (Invitation, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Invitation{}, err
	}
	if !validID(id) {
		return Invitation{}, notFound("error.application.invitation.not_found", fmt.Errorf("get invitation %q: malformed id", id))
	}
	inv, err := s.repo.Invitation(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return Invitation{}, notFound("error.application.invitation.not_found", err)
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("get invitation: %w", err)
	}
	switch {
	case self(actor, inv.CandidateID), actor.Role == auth.RoleAdmin:
		return inv, nil
	case member(actor, inv.CompanyID):
		return inv.forCompany(), nil
	}
	return Invitation{}, notFound("error.application.invitation.not_found", fmt.Errorf("get invitation %s: not visible to %s", id, actor.UserID))
}

// AcceptInvitation answers yes to invitation id: it applies to the offer
// with message (the candidate's own application, from then on revealed to
// the company) and marks the invitation accepted. Accepting again returns
// the same application; a retry after a failure between the two writes
// completes the second.
//
// Errors: EUNAUTHORIZED; ENOTFOUND "error.application.invitation.not_found"
// (also for anyone but the candidate); EINVALID (message); ECONFLICT
// "error.application.invitation.answered" (declined before),
// "error.application.offer_closed", "error.application.exists_withdrawn".
func (s *Service) AcceptInvitation(ctx context.Context, id, message string) (Application, error) {
	actor, inv, err := s.ownInvitation(ctx, "accept invitation", id)
	if err != nil {
		return Application{}, err
	}
	appID := ID(inv.CandidateID, inv.OfferID)
	switch inv.Status {
	case InvitationDeclined:
		return Application{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.invitation.answered")
	case InvitationAccepted:
		return s.Get(ctx, inv.ApplicationID)
	}
	var errs fieldErrors
	msg := text(&errs, "message", message, MaxMessageRunes, true)
	if err := errs.err(); err != nil {
		return Application{}, err
	}
	a, err := s.repo.Application(ctx, appID)
	switch passerelle.ErrorCode(err) {
	case "": // applied already, or an earlier accept stopped half-way
		if a.Status == StatusWithdrawn {
			return Application{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.exists_withdrawn")
		}
	case passerelle.ENOTFOUND:
		o, err := s.openOffer(ctx, inv.OfferID)
		if err != nil {
			return Application{}, fmt.Errorf("accept invitation: %w", err)
		}
		if a, err = s.create(ctx, actor, inv.CandidateID, o, msg, inv.ID); passerelle.ErrorCode(err) == passerelle.ECONFLICT {
			// A concurrent accept or apply won the race: take its application.
			a, err = s.repo.Application(ctx, appID)
		}
		if err != nil {
			return Application{}, fmt.Errorf("accept invitation: %w", err)
		}
	default:
		return Application{}, fmt.Errorf("accept invitation: %w", err)
	}
	out, err := s.repo.AnswerInvitation(ctx, inv.ID, InvitationAccepted, a.ID, s.clock())
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		cur, rerr := s.repo.Invitation(ctx, inv.ID)
		if rerr != nil {
			return Application{}, fmt.Errorf("accept invitation: %w", rerr)
		}
		if cur.Status != InvitationAccepted {
			return Application{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.invitation.answered")
		}
		return redact(actor, a), nil // a concurrent accept finished first
	}
	if err != nil {
		return Application{}, fmt.Errorf("accept invitation: %w", err)
	}
	s.publish(ctx, Event{Kind: EventInvitationAnswered, Actor: actorOf(actor), Invitation: out, Application: a})
	return redact(actor, a), nil
}

// DeclineInvitation answers no to invitation id; the company never learns
// who declined. Declining twice is not an error.
// Errors: EUNAUTHORIZED; ENOTFOUND (also for anyone but the candidate);
// ECONFLICT "error.application.invitation.answered" (accepted before).
func (s *Service) DeclineInvitation(ctx context.Context, id string) (Invitation, error) {
	actor, inv, err := s.ownInvitation(ctx, "decline invitation", id)
	if err != nil {
		return Invitation{}, err
	}
	switch inv.Status {
	case InvitationDeclined:
		return inv, nil
	case InvitationAccepted:
		return Invitation{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.invitation.answered")
	}
	out, err := s.repo.AnswerInvitation(ctx, inv.ID, InvitationDeclined, "", s.clock())
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		if cur, rerr := s.repo.Invitation(ctx, inv.ID); rerr == nil && cur.Status == InvitationDeclined {
			return cur, nil
		}
		return Invitation{}, passerelle.Errorf(passerelle.ECONFLICT, "error.application.invitation.answered")
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("decline invitation: %w", err)
	}
	s.publish(ctx, Event{Kind: EventInvitationAnswered, Actor: actorOf(actor), Invitation: out})
	return out, nil
}

// InvitationsForCandidate lists a candidate's invitations, newest first, to
// the candidate, the advisers of their caseload and admins.
func (s *Service) InvitationsForCandidate(ctx context.Context, candidateID string, page PageRequest) (Page[Invitation], error) {
	if _, err := s.candidateReader(ctx, "list invitations", candidateID); err != nil {
		return Page[Invitation]{}, err
	}
	page = page.normalize()
	items, total, err := s.repo.CandidateInvitations(ctx, candidateID, page.offset(), page.Size)
	if err != nil {
		return Page[Invitation]{}, fmt.Errorf("list invitations: %w", err)
	}
	return Page[Invitation]{Items: items, Total: total, Number: page.Number, Size: page.Size}, nil
}

// InvitationsForOffer lists an offer's invitations, newest first, to the
// members of its company (without candidates until they accept) and admins.
func (s *Service) InvitationsForOffer(ctx context.Context, offerID string, page PageRequest) (Page[Invitation], error) {
	actor, _, err := s.companyReader(ctx, "list offer invitations", offerID)
	if err != nil {
		return Page[Invitation]{}, err
	}
	page = page.normalize()
	items, total, err := s.repo.OfferInvitations(ctx, offerID, page.offset(), page.Size)
	if err != nil {
		return Page[Invitation]{}, fmt.Errorf("list offer invitations: %w", err)
	}
	if actor.Role != auth.RoleAdmin {
		for i := range items {
			items[i] = items[i].forCompany()
		}
	}
	return Page[Invitation]{Items: items, Total: total, Number: page.Number, Size: page.Size}, nil
}

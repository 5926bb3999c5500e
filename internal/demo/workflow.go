package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/application"
	"passerelle/internal/matching"
)

// Workflow is what Seed needs of the application workflow;
// *application.Service implements it. Seed wires nothing itself: the
// service it is given publishes its events (notifications) as the server's
// does.
type Workflow interface {
	Apply(ctx context.Context, in application.ApplyInput) (application.Application, error)
	Move(ctx context.Context, id string, in application.MoveInput) (application.Application, error)
	Review(ctx context.Context, in application.ReviewInput) (application.Endorsement, error)
	Reviews(ctx context.Context, candidateID string) ([]application.Endorsement, error)
	Settings(ctx context.Context, candidateID string) (application.Settings, error)
	SetAdviserMayApply(ctx context.Context, allowed bool) (application.Settings, error)
	Invite(ctx context.Context, in application.InviteInput) (application.Invitation, error)
}

// Matches tells how an offer's company sees a candidate in the offer's
// anonymous list; *matching.Service implements it once started. Seed needs
// it for invitations only: a recruiter invites the candidate by the
// pseudonym the list shows.
type Matches interface {
	MatchFor(ctx context.Context, offerID, candidateID, lang string) (matching.Candidate, bool, error)
}

// workflow writes what happened once matches existed: consents to apply on
// one's behalf, advisers' endorsements, applications moved along the
// pipeline, invitations to apply. Each step is done by the person who
// would have done it, and each is skipped when an earlier run did it.
func (s *seeder) workflow(ctx context.Context, w workflowSpec) error {
	for _, email := range w.consents {
		if err := s.consent(ctx, email); err != nil {
			return fmt.Errorf("consent of %s: %w", email, err)
		}
	}
	for _, e := range w.endorsements {
		if err := s.endorse(ctx, e); err != nil {
			return fmt.Errorf("endorsement of %s for %q: %w", e.candidate, e.offer, err)
		}
	}
	for _, a := range w.applications {
		if err := s.apply(ctx, a); err != nil {
			return fmt.Errorf("application of %s to %q: %w", a.candidate, a.offer, err)
		}
	}
	for _, inv := range w.invitations {
		if err := s.invite(ctx, inv); err != nil {
			return fmt.Errorf("invitation of %s to %q: %w", inv.candidate, inv.offer, err)
		}
	}
	return nil
}

// account returns the demo account with address email, written earlier in
// the run.
func (s *seeder) account(email string) (account.User, error) {
	u, ok := s.users[email]
	if !ok {
		return account.User{}, fmt.Errorf("no demo account %s", email)
	}
	return u, nil
}

// offerID returns the id of the demo offer titled title; ok is false when
// the taxonomy left it out (Seed warned then), and the step is skipped.
func (s *seeder) offerID(title string) (string, bool) {
	id, ok := s.offers[title]
	if !ok {
		s.d.Log.Warn("demo: offer not written; workflow step left out", "offer", title)
	}
	return id, ok
}

func (s *seeder) consent(ctx context.Context, email string) error {
	u, err := s.account(email)
	if err != nil {
		return err
	}
	cctx := as(ctx, u)
	st, err := s.d.Workflow.Settings(cctx, u.ID)
	if err != nil {
		return err
	}
	if !st.AdviserMayApply {
		_, err = s.d.Workflow.SetAdviserMayApply(cctx, true)
	}
	return err
}

func (s *seeder) endorse(ctx context.Context, e endorsementSpec) error {
	offerID, ok := s.offerID(e.offer)
	if !ok {
		return nil
	}
	adviser, err := s.account(e.adviser)
	if err != nil {
		return err
	}
	c, err := s.account(e.candidate)
	if err != nil {
		return err
	}
	actx := as(ctx, adviser)
	// A review written again would be a new version and a new event: look
	// for the earlier run's first.
	reviews, err := s.d.Workflow.Reviews(actx, c.ID)
	if err != nil {
		return err
	}
	for _, r := range reviews {
		if r.OfferID == offerID && r.OrgID == adviser.OrgID && r.Decision == application.DecisionEndorsed {
			s.report.Endorsements++
			return nil
		}
	}
	if _, err := s.d.Workflow.Review(actx, application.ReviewInput{CandidateID: c.ID, OfferID: offerID,
		Decision: application.DecisionEndorsed, Note: e.note}); err != nil {
		return err
	}
	s.report.Endorsements++
	return nil
}

// apply makes the application, then its moves. An application that exists
// is the earlier run's, and a move it made already (or one it went past)
// is refused as a conflict by the state machine: both are skipped, so a
// resumed run finishes the pipeline where the other one stopped.
func (s *seeder) apply(ctx context.Context, a applicationSpec) error {
	offerID, ok := s.offerID(a.offer)
	if !ok {
		return nil
	}
	c, err := s.account(a.candidate)
	if err != nil {
		return err
	}
	applicant, in := c, application.ApplyInput{OfferID: offerID, Message: a.message}
	if a.adviser != "" {
		if applicant, err = s.account(a.adviser); err != nil {
			return err
		}
		in.CandidateID = c.ID
	}
	if _, err := s.d.Workflow.Apply(as(ctx, applicant), in); err != nil && !is(err, "error.application.exists", "error.application.exists_withdrawn") {
		return err
	}
	s.report.Applications++
	id := application.ID(c.ID, offerID)
	for _, m := range a.moves {
		by, err := s.account(m.by)
		if err != nil {
			return err
		}
		_, err = s.d.Workflow.Move(as(ctx, by), id, application.MoveInput{To: m.to, Reason: m.reason, Note: m.note})
		if err != nil && !is(err, "error.application.transition", "error.application.closed") {
			return fmt.Errorf("move to %s: %w", m.to, err)
		}
	}
	return nil
}

// invite has the recruiter invite the candidate by the pseudonym the
// offer's list shows them, which only a running matching index knows:
// without one (Deps.Matches nil or not built yet), or when the candidate
// is not in the list, the invitation is left out with a warning.
func (s *seeder) invite(ctx context.Context, inv invitationSpec) error {
	offerID, ok := s.offerID(inv.offer)
	if !ok {
		return nil
	}
	if s.d.Matches == nil {
		s.d.Log.Warn("demo: no matching index during the seed; invitation to apply left out", "offer", inv.offer)
		return nil
	}
	recruiter, err := s.account(inv.recruiter)
	if err != nil {
		return err
	}
	c, err := s.account(inv.candidate)
	if err != nil {
		return err
	}
	rctx := as(ctx, recruiter)
	seen, found, err := s.d.Matches.MatchFor(rctx, offerID, c.ID, "fr")
	switch {
	case passerelle.ErrorCode(err) == passerelle.EUNAVAILABLE:
		s.d.Log.Warn("demo: matching index not built during the seed; invitation to apply left out", "offer", inv.offer)
		return nil
	case err != nil:
		return fmt.Errorf("find the candidate in the offer's list: %w", err)
	case !found:
		s.d.Log.Warn("demo: candidate not in the offer's list; invitation to apply left out", "offer", inv.offer, "candidate", inv.candidate)
		return nil
	}
	_, err = s.d.Workflow.Invite(rctx, application.InviteInput{OfferID: offerID, CandidateID: c.ID, Pseudonym: seen.Pseudonym, Message: inv.message})
	if err != nil && !is(err, "error.application.invitation.exists") { // invited by an earlier run
		return err
	}
	s.report.Invitations++
	return nil
}

// is reports whether err is a conflict with one of keys: what the services
// answer when an earlier run did the step already.
func is(err error, keys ...string) bool {
	var perr *passerelle.Error
	return errors.As(err, &perr) && perr.Code == passerelle.ECONFLICT && slices.Contains(keys, perr.Key)
}

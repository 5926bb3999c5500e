package application

import (
	"context"
	"fmt"

	"passerelle"
	"passerelle/internal/auth"
)

// ReviewInput is an adviser's decision on a proposed match.
type ReviewInput struct {
	CandidateID string
	OfferID     string
	Decision    Decision
	// Note is shown to the employer with an endorsement ("recommended by an
	// adviser"); it stays with the adviser and the candidate for a rejection.
	Note string
}

// Review records an adviser's endorsement or rejection of the match between
// a candidate of their caseload and a published offer. One review per
// adviser organisation and match: a later decision replaces the earlier.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.application.endorsement.advisers_only";
// ENOTFOUND "error.application.candidate_not_found" (not in the caller's
// caseload) or "error.application.offer_not_found"; EINVALID (decision,
// note); ECONFLICT "error.application.offer_closed".
func (s *Service) Review(ctx context.Context, in ReviewInput) (Endorsement, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Endorsement{}, err
	}
	if actor.Role != auth.RoleAdviser || actor.OrgID == "" {
		return Endorsement{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.endorsement.advisers_only")
	}
	var errs fieldErrors
	if !in.Decision.Valid() {
		errs.add("decision", "application.decision.invalid")
	}
	note := text(&errs, "note", in.Note, MaxNoteRunes, true)
	if err := errs.err(); err != nil {
		return Endorsement{}, err
	}
	ok := false
	if validID(in.CandidateID) {
		if ok, err = s.caseload(ctx, actor, in.CandidateID); err != nil {
			return Endorsement{}, fmt.Errorf("review match: %w", err)
		}
	}
	if !ok {
		return Endorsement{}, notFound("error.application.candidate_not_found",
			fmt.Errorf("review match of %q: not in the caseload of %s", in.CandidateID, actor.OrgID))
	}
	o, err := s.openOffer(ctx, in.OfferID)
	if err != nil {
		return Endorsement{}, fmt.Errorf("review match: %w", err)
	}
	e := Endorsement{
		ID: EndorsementID(in.CandidateID, o.ID, actor.OrgID), CandidateID: in.CandidateID, OfferID: o.ID, CompanyID: o.CompanyID,
		OrgID: actor.OrgID, Decision: in.Decision, Note: note, By: actor.UserID, At: s.clock(),
	}
	out, err := s.repo.PutEndorsement(ctx, e)
	if err != nil {
		return Endorsement{}, fmt.Errorf("review match: %w", err)
	}
	s.publish(ctx, Event{Kind: EventReviewed, Actor: actorOf(actor), Endorsement: out})
	return out, nil
}

// Reviews lists the reviews of a candidate's matches, newest first (at most
// 100), to the candidate, the advisers of their caseload and admins.
func (s *Service) Reviews(ctx context.Context, candidateID string) ([]Endorsement, error) {
	if _, err := s.candidateReader(ctx, "list reviews", candidateID); err != nil {
		return nil, err
	}
	out, err := s.repo.CandidateEndorsements(ctx, candidateID, maxListPage)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	return out, nil
}

// Recommendations lists the endorsed matches of an offer, newest first (at
// most 1000), to the members of its company and admins: what the ranked
// list of candidates marks "recommended by an adviser", and ranks above an
// equal score. The candidate ids are there so that the list, which holds
// them internally, can be annotated; the HTTP layer shows them only through
// the anonymous pseudonyms, unless RevealedTo says otherwise.
func (s *Service) Recommendations(ctx context.Context, offerID string) ([]Endorsement, error) {
	if _, _, err := s.companyReader(ctx, "list recommendations", offerID); err != nil {
		return nil, err
	}
	out, err := s.repo.OfferEndorsements(ctx, offerID, DecisionEndorsed, 1000)
	if err != nil {
		return nil, fmt.Errorf("list recommendations: %w", err)
	}
	return out, nil
}

// ChangedReviews returns at most limit reviews written after revision
// since, by increasing revision: how the matching index of another instance
// learns of endorsements. limit is clamped to 1…1000. A system operation:
// a signed-in caller other than an admin gets EFORBIDDEN.
func (s *Service) ChangedReviews(ctx context.Context, since int64, limit int) ([]Endorsement, error) {
	if id, ok := auth.FromContext(ctx); ok && id.Role != auth.RoleAdmin {
		return nil, passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	out, err := s.repo.ChangedEndorsements(ctx, since, min(max(limit, 1), 1000))
	if err != nil {
		return nil, fmt.Errorf("changed reviews: %w", err)
	}
	return out, nil
}

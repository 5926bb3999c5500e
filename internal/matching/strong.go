package matching

import (
	"context"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/match"
	"passerelle/internal/offer"
)

// Scored is a candidate and their score for an offer, for the system's own
// use: it names the candidate and shows nobody anything.
type Scored struct {
	CandidateID string
	Score       float64
}

// StrongCandidates returns the candidates of published offer offerID who
// score at least minScore (0–100), best first, down to MaxDepth: the
// people the offer's company would find at the top of its list, under the
// same rules (matching consent, a visibility that shows them to employers,
// the hard filters). The daily digest asks it for each new offer, to know
// whom to tell.
//
// A system operation: it runs without a user (a signed-in caller other
// than an admin gets EFORBIDDEN). An offer that is not published has no
// candidates to tell; ENOTFOUND for an offer the index does not know (yet),
// EUNAVAILABLE before the index is built, EINVALID for a score outside
// 0–100.
func (s *Service) StrongCandidates(ctx context.Context, offerID string, minScore float64) ([]Scored, error) {
	if id, ok := auth.FromContext(ctx); ok && id.Role != auth.RoleAdmin {
		return nil, passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	if err := s.notReady(); err != nil {
		return nil, err
	}
	om, ok := s.offerMeta(offerID)
	if !ok {
		return nil, offerNotFound("strong candidates of %q: not in the index", offerID)
	}
	if om.status != offer.StatusPublished {
		return nil, nil
	}
	op := "strong candidates of " + offerID
	var out []Scored
	for off := 0; off < MaxDepth; off += MaxK {
		res, err := s.ix.CandidatesForOffer(ctx, offerID, match.Query{Viewer: match.RoleEmployer, K: min(MaxK, MaxDepth-off), Offset: off, MinScore: minScore})
		if err != nil {
			return nil, engineErr(op, err)
		}
		for _, r := range res.Results {
			out = append(out, Scored{CandidateID: r.ID, Score: r.Score})
		}
		if !res.More {
			break
		}
	}
	return out, nil
}

package matching

import (
	"context"
	"fmt"
	"strings"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/match"
)

// An employer knows a matched candidate only by the pseudonym of its
// anonymous list. To invite them or ask them into the company's pool, the
// HTTP layer turns that pseudonym back into the candidate, here, where the
// pseudonym key lives: the offer's ranked list (as its company reads it) is
// searched for the one candidate who carries it. A pseudonym is therefore
// good only for someone the company was actually shown.

// member checks that the caller reads offerID's list as a member of its
// company, with the answers CandidatesForOffer gives everyone else.
func (s *Service) member(ctx context.Context, op, offerID string) (offerMeta, error) {
	actor, err := caller(ctx)
	if err != nil {
		return offerMeta{}, err
	}
	if err := s.notReady(); err != nil {
		return offerMeta{}, err
	}
	om, ok := s.offerMeta(offerID)
	if !ok {
		return offerMeta{}, offerNotFound("%s %q: not in the index", op, offerID)
	}
	if actor.Role != auth.RoleEmployer || actor.OrgID == "" || actor.OrgID != om.companyID {
		return offerMeta{}, offerNotFound("%s %s: not a member of the offer's company", op, offerID)
	}
	return om, nil
}

// scan walks offerID's ranked list, as its company reads it, down to
// MaxDepth, and stops at the first result for which visit returns true.
func (s *Service) scan(ctx context.Context, op, offerID string, visit func(r match.Result, rank int) bool) error {
	for off := 0; off < MaxDepth; off += MaxK {
		res, err := s.ix.CandidatesForOffer(ctx, offerID, match.Query{Viewer: match.RoleEmployer, K: min(MaxK, MaxDepth-off), Offset: off})
		if err != nil {
			return engineErr(op, err)
		}
		for i, r := range res.Results {
			if visit(r, off+i+1) {
				return nil
			}
		}
		if !res.More {
			return nil
		}
	}
	return nil
}

// pseudonymRef returns the reference of a pseudonym as a person may type
// it ("Profil 7f3a9c", "Profile 7F3A9C", "7F3A9C"), or "" for anything else.
func pseudonymRef(p string) string {
	p = strings.TrimSpace(p)
	for _, prefix := range []string{"Profile ", "Profil "} {
		if len(p) > len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
			p = strings.TrimSpace(p[len(prefix):])
			break
		}
	}
	if len(p) != 6 || strings.ContainsFunc(p, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F')
	}) {
		return ""
	}
	return strings.ToUpper(p)
}

// CandidateByPseudonym returns the candidate that the members of offerID's
// company see under pseudonym in the offer's list of candidates. Only
// members of the company may ask (ENOTFOUND for everyone else, as for an
// unknown offer). ENOTFOUND "error.match.pseudonym_unknown" when nobody of
// the list carries it; ECONFLICT "error.match.pseudonym_ambiguous" in the
// rare case where two candidates of the list share it (24 bits); ECONFLICT
// "error.match.offer_closed" for a closed offer; EUNAVAILABLE before the
// index is built.
func (s *Service) CandidateByPseudonym(ctx context.Context, offerID, pseudo string) (string, error) {
	const op = "candidate by pseudonym"
	om, err := s.member(ctx, op, offerID)
	if err != nil {
		return "", err
	}
	ref := pseudonymRef(pseudo)
	if ref == "" {
		return "", &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.match.pseudonym_unknown", Err: fmt.Errorf("%s: malformed pseudonym", op)}
	}
	want := "Profil " + ref
	var found []string
	err = s.scan(ctx, op+" "+offerID, offerID, func(r match.Result, _ int) bool {
		if pseudonym(s.key, om.companyID, r.ID, "fr") == want {
			found = append(found, r.ID)
		}
		return len(found) > 1
	})
	switch {
	case err != nil:
		return "", err
	case len(found) == 0:
		return "", &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.match.pseudonym_unknown", Err: fmt.Errorf("%s: %s not in the list of %s", op, ref, offerID)}
	case len(found) > 1:
		return "", &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.match.pseudonym_ambiguous", Err: fmt.Errorf("%s: %s names two candidates of %s", op, ref, offerID)}
	}
	return found[0], nil
}

// MatchFor returns candidateID as offerID's company sees them in the
// offer's list (anonymous: pseudonym, commune, explanation), and false when
// they are not in its first MaxDepth results. The HTTP layer asks it for a
// candidate the company already knows (an applicant), to show how they
// match; the result names nobody by itself. Errors as CandidateByPseudonym.
func (s *Service) MatchFor(ctx context.Context, offerID, candidateID, lang string) (Candidate, bool, error) {
	const op = "match for"
	om, err := s.member(ctx, op, offerID)
	if err != nil {
		return Candidate{}, false, err
	}
	if lang != "en" {
		lang = "fr"
	}
	var out Candidate
	found := false
	err = s.scan(ctx, op+" "+offerID, offerID, func(r match.Result, rank int) bool {
		if r.ID == candidateID {
			out, found = s.anonymous(r, rank, om.companyID, lang), true
		}
		return found
	})
	if err != nil {
		return Candidate{}, false, err
	}
	return out, found, nil
}

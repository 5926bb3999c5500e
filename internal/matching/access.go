package matching

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/match"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// Who reads which list is decided here, and only here:
//
//   - candidates for an offer: members of the offer's company, for any of
//     its offers (drafts are a preview), always anonymised; advisers, for
//     published offers, restricted to their organisation's caseload and not
//     anonymised (they follow these people). A closed offer has no
//     candidates (ECONFLICT). Anyone else who can see the offer (it is
//     published) gets EFORBIDDEN; who cannot see it, ENOTFOUND.
//   - offers for a candidate: the candidate themself, and advisers of an
//     organisation in their caseload. Anyone else gets ENOTFOUND (a
//     profile's existence is not revealed), admins EFORBIDDEN (they may know
//     it exists, but matching is not theirs to read).
//
// Anonymous callers get EUNAUTHORIZED everywhere.

func caller(ctx context.Context) (auth.Identity, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" {
		return auth.Identity{}, passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
	}
	return id, nil
}

func offerNotFound(format string, args ...any) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.offer.not_found", Err: fmt.Errorf(format, args...)}
}

func profileNotFound(format string, args ...any) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.profile.not_found", Err: fmt.Errorf(format, args...)}
}

func forbidden() error { return passerelle.Errorf(passerelle.EFORBIDDEN, "error.match.forbidden") }

// check validates the paging of q and fills its default.
func check(q *Query) error {
	if q.K == 0 {
		q.K = DefaultK
	}
	var fields []passerelle.FieldError
	switch {
	case q.K < 1:
		fields = append(fields, passerelle.FieldError{Field: "k", Key: "validation.gte", Param: "1"})
	case q.K > MaxK:
		fields = append(fields, passerelle.FieldError{Field: "k", Key: "validation.lte", Param: strconv.Itoa(MaxK)})
	}
	switch {
	case q.Offset < 0:
		fields = append(fields, passerelle.FieldError{Field: "offset", Key: "validation.gte", Param: "0"})
	case q.K >= 1 && q.K <= MaxK && q.Offset+q.K > MaxDepth:
		fields = append(fields, passerelle.FieldError{Field: "offset", Key: "match.offset.too_deep", Param: strconv.Itoa(MaxDepth - q.K)})
	}
	if q.Lang != "" && q.Lang != skill.LangFR && q.Lang != skill.LangEN {
		fields = append(fields, passerelle.FieldError{Field: "lang", Key: "validation.oneof", Param: "fr en"})
	}
	if len(fields) > 0 {
		return passerelle.Invalid(fields...)
	}
	return nil
}

// engineErr translates the index's errors into domain errors.
func engineErr(op string, err error) error {
	switch {
	case errors.Is(err, match.ErrOfferClosed):
		return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.match.offer_closed", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, match.ErrNotFound):
		// Known to the service but left out of the index (see the log).
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.not_found", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, match.ErrInvalidQuery):
		return &passerelle.Error{Code: passerelle.EINVALID, Key: "error.invalid", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func (s *Service) notReady() error {
	if s.ready.Load() {
		return nil
	}
	return passerelle.Errorf(passerelle.EUNAVAILABLE, "error.match.not_ready")
}

// CandidatesForOffer ranks the candidates of offer offerID for the caller
// (see the rules at the top of this file). Errors: EUNAUTHORIZED,
// ENOTFOUND, EFORBIDDEN, ECONFLICT (closed offer), EINVALID (paging),
// EUNAVAILABLE (index not built yet).
func (s *Service) CandidatesForOffer(ctx context.Context, offerID string, q Query) (CandidatePage, error) {
	actor, err := caller(ctx)
	if err != nil {
		return CandidatePage{}, err
	}
	if err := check(&q); err != nil {
		return CandidatePage{}, err
	}
	if err := s.notReady(); err != nil {
		return CandidatePage{}, err
	}
	om, ok := s.offerMeta(offerID)
	if !ok {
		return CandidatePage{}, offerNotFound("candidates for offer %q: not in the index", offerID)
	}
	member := actor.Role == auth.RoleEmployer && actor.OrgID != "" && actor.OrgID == om.companyID
	adviser := actor.Role == auth.RoleAdviser && actor.OrgID != "" && om.status != offer.StatusDraft
	if !member && !adviser {
		// The offer service's rule for reading an offer decides between
		// "you may not" and "there is nothing here".
		if om.status == offer.StatusPublished || (om.status == offer.StatusClosed && (actor.Role == auth.RoleAdviser || actor.Role == auth.RoleAdmin)) {
			return CandidatePage{}, forbidden()
		}
		return CandidatePage{}, offerNotFound("candidates for offer %s: not visible to %s", offerID, actor.UserID)
	}
	l := lang(q)
	page := CandidatePage{Offer: s.offerInfo(offerID, om, l), K: q.K, Offset: q.Offset}
	op := "candidates for offer " + offerID
	q.Recommended = s.standing(q.Recommended)
	preferred := slices.Collect(maps.Keys(q.Recommended))
	if member {
		res, err := s.ix.CandidatesForOffer(ctx, offerID, match.Query{Viewer: match.RoleEmployer, K: q.K, Offset: q.Offset, Preferred: preferred})
		if err != nil {
			return CandidatePage{}, engineErr(op, err)
		}
		page.More = res.More
		for i, r := range res.Results {
			c := s.anonymous(r, q.Offset+i+1, om.companyID, l)
			c.Recommendations = q.Recommended[r.ID]
			page.Results = append(page.Results, c)
		}
		return page, nil
	}
	// An adviser sees the candidates of their caseload: the engine ranks
	// everyone an adviser may see, and the list keeps those of the
	// caseload, page after page of the engine's, down to MaxDepth.
	page.Caseload = true
	want := q.Offset + q.K + 1
	var kept []match.Result
	for off := 0; off < MaxDepth && len(kept) < want; off += MaxK {
		res, err := s.ix.CandidatesForOffer(ctx, offerID, match.Query{Viewer: match.RoleAdviser, K: min(MaxK, MaxDepth-off), Offset: off, Preferred: preferred})
		if err != nil {
			return CandidatePage{}, engineErr(op, err)
		}
		for _, r := range res.Results {
			if s.inCaseload(r.ID, actor.OrgID) {
				kept = append(kept, r)
			}
		}
		if !res.More {
			break
		}
	}
	page.More = len(kept) > q.Offset+q.K
	for i, r := range kept[min(q.Offset, len(kept)):min(q.Offset+q.K, len(kept))] {
		c := s.named(r, q.Offset+i+1, l)
		c.Recommendations = q.Recommended[r.ID]
		page.Results = append(page.Results, c)
	}
	return page, nil
}

// OffersForCandidate ranks the offers for the calling candidate. A candidate
// whose profile is not in the index yet gets an empty page with Indexed
// false. Errors: EUNAUTHORIZED, EFORBIDDEN (not a candidate), EINVALID,
// EUNAVAILABLE.
func (s *Service) OffersForCandidate(ctx context.Context, q Query) (OfferPage, error) {
	actor, err := caller(ctx)
	if err != nil {
		return OfferPage{}, err
	}
	if actor.Role != auth.RoleCandidate {
		return OfferPage{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.match.candidates_only")
	}
	if err := check(&q); err != nil {
		return OfferPage{}, err
	}
	if err := s.notReady(); err != nil {
		return OfferPage{}, err
	}
	if _, ok := s.profileMeta(actor.UserID); !ok {
		return OfferPage{CandidateID: actor.UserID, K: q.K, Offset: q.Offset, Results: []OfferMatch{}, LearnNext: []Learn{}}, nil
	}
	return s.offersFor(ctx, actor.UserID, q)
}

// ForCandidate ranks the offers for candidateID, for an adviser whose
// organisation is in the candidate's caseload (or the candidate themself).
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN (admins), EINVALID,
// EUNAVAILABLE.
func (s *Service) ForCandidate(ctx context.Context, candidateID string, q Query) (OfferPage, error) {
	actor, err := caller(ctx)
	if err != nil {
		return OfferPage{}, err
	}
	if err := check(&q); err != nil {
		return OfferPage{}, err
	}
	if err := s.notReady(); err != nil {
		return OfferPage{}, err
	}
	pm, ok := s.profileMeta(candidateID)
	switch {
	case !ok:
		return OfferPage{}, profileNotFound("offers for candidate %q: not in the index", candidateID)
	case actor.Role == auth.RoleCandidate && actor.UserID == candidateID:
	case actor.Role == auth.RoleAdviser && actor.OrgID != "" && slices.Contains(pm.orgs, actor.OrgID):
	case actor.Role == auth.RoleAdmin:
		return OfferPage{}, forbidden()
	default:
		return OfferPage{}, profileNotFound("offers for candidate %s: not visible to %s", candidateID, actor.UserID)
	}
	return s.offersFor(ctx, candidateID, q)
}

func (s *Service) offersFor(ctx context.Context, candidateID string, q Query) (OfferPage, error) {
	page := OfferPage{CandidateID: candidateID, K: q.K, Offset: q.Offset, Indexed: true, Results: []OfferMatch{}}
	res, err := s.ix.OffersForCandidate(ctx, candidateID, match.Query{K: q.K, Offset: q.Offset})
	switch {
	case errors.Is(err, match.ErrNotFound):
		// Known to the service but not indexable (see the log): no list.
		page.Indexed = false
		page.LearnNext = []Learn{}
		return page, nil
	case err != nil:
		return OfferPage{}, engineErr("offers for candidate "+candidateID, err)
	}
	l := lang(q)
	page.More = res.More
	for i, r := range res.Results {
		om, _ := s.offerMeta(r.ID)
		page.Results = append(page.Results, OfferMatch{
			Rank: q.Offset + i + 1, Score: r.Score,
			Offer:       s.offerInfo(r.ID, om, l),
			Explanation: s.explain(r.Explanation, l, false),
		})
	}
	page.LearnNext = learnNext(page.Results)
	return page, nil
}

// standing keeps the recommendations made by an organisation that still
// follows the candidate: one whose caseload the candidate left no longer
// vouches for them.
func (s *Service) standing(recs map[string][]Recommendation) map[string][]Recommendation {
	if len(recs) == 0 {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string][]Recommendation, len(recs))
	for id, rs := range recs {
		m, ok := s.pmeta[id]
		if !ok {
			continue
		}
		for _, r := range rs {
			if slices.Contains(m.orgs, r.OrgID) {
				out[id] = append(out[id], r)
			}
		}
	}
	return out
}

func (s *Service) offerMeta(id string) (offerMeta, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.ometa[id]
	if !ok {
		return offerMeta{}, false
	}
	return *m, true
}

func (s *Service) profileMeta(id string) (profileMeta, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.pmeta[id]
	if !ok {
		return profileMeta{}, false
	}
	return *m, true
}

func (s *Service) inCaseload(profileID, orgID string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.pmeta[profileID]
	return ok && slices.Contains(m.orgs, orgID)
}

func (s *Service) offerInfo(id string, m offerMeta, lang string) OfferInfo {
	return OfferInfo{ID: id, Title: m.title, CompanyID: m.companyID, Commune: m.commune,
		Occupation: s.labelled(string(m.rome), lang), Contract: m.contract, Remote: m.remote, Status: m.status, StartDate: m.start}
}

// anonymous is a candidate as an employer sees it.
func (s *Service) anonymous(r match.Result, rank int, companyID, lang string) Candidate {
	pm, _ := s.profileMeta(r.ID)
	return Candidate{Rank: rank, Score: r.Score, Anonymous: true,
		Pseudonym:   pseudonym(s.key, companyID, r.ID, lang),
		Commune:     pm.commune,
		Explanation: s.explain(r.Explanation, lang, true)}
}

// named is a candidate as an adviser of their caseload sees them.
func (s *Service) named(r match.Result, rank int, lang string) Candidate {
	pm, _ := s.profileMeta(r.ID)
	return Candidate{Rank: rank, Score: r.Score, CandidateID: r.ID, Name: pm.name, Commune: pm.commune,
		Explanation: s.explain(r.Explanation, lang, false)}
}

// pseudonym names a candidate without revealing them: "Profil 7F3A9C", the
// first 24 bits of HMAC-SHA256(key, company, candidate). Without the key it
// cannot be traced back to the candidate; it is stable for one company (the
// same person keeps their name across its offers and visits) and differs
// between companies, so that two employers cannot compare notes on one
// person.
func pseudonym(key []byte, companyID, candidateID, lang string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("passerelle candidate pseudonym\x00"))
	mac.Write([]byte(companyID))
	mac.Write([]byte{0})
	mac.Write([]byte(candidateID))
	ref := strings.ToUpper(hex.EncodeToString(mac.Sum(nil)[:3]))
	if lang == skill.LangEN {
		return "Profile " + ref
	}
	return "Profil " + ref
}

package server

import (
	"cmp"
	"context"
	"math"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/matching"
)

// Matches is what the HTTP layer asks of the matching service. The
// service decides who reads which list (the offer's company, anonymised;
// advisers, for their caseload; the candidate and their advisers) and
// answers ENOTFOUND or EFORBIDDEN to everyone else, so the handlers never
// decide access themselves.
type Matches interface {
	CandidatesForOffer(ctx context.Context, offerID string, q matching.Query) (matching.CandidatePage, error)
	OffersForCandidate(ctx context.Context, q matching.Query) (matching.OfferPage, error)
	ForCandidate(ctx context.Context, candidateID string, q matching.Query) (matching.OfferPage, error)
	// CandidateByPseudonym and MatchFor: see api_invitation.go.
	CandidateByPseudonym(ctx context.Context, offerID, pseudonym string) (string, error)
	MatchFor(ctx context.Context, offerID, candidateID, lang string) (matching.Candidate, bool, error)
}

// matchQueryRequest is the query of the ranked lists: a page (k results
// after offset) and the language of labels and summaries. Offset+k is at
// most 1000; the service says so about offset.
type matchQueryRequest struct {
	K      int    `form:"k" validate:"gte=1,lte=200"`
	Offset int    `form:"offset" validate:"gte=0,lte=999"`
	Lang   string `form:"lang" validate:"omitempty,oneof=fr en"`
}

// Response shapes of the matching API. An anonymous candidate carries no
// id and no name: the fields are left out, not emptied.

type candidateMatchesResponse struct {
	Offer        matchOfferResponse       `json:"offer"`
	K            int                      `json:"k"`
	Offset       int                      `json:"offset"`
	More         bool                     `json:"more"`
	CaseloadOnly bool                     `json:"caseloadOnly"`
	Results      []candidateMatchResponse `json:"results"`
}

type candidateMatchResponse struct {
	Rank        int                 `json:"rank"`
	Score       float64             `json:"score"`
	Anonymous   bool                `json:"anonymous"`
	Pseudonym   string              `json:"pseudonym,omitempty"`
	CandidateID string              `json:"candidateId,omitempty"`
	Name        string              `json:"name,omitempty"`
	Commune     string              `json:"commune,omitempty"`
	Explanation explanationResponse `json:"explanation"`
	// Recommended: advisers endorsed the candidate for the offer (see
	// api_review.go); Recommendations say who, with their notes.
	Recommended     bool                     `json:"recommended"`
	Recommendations []recommendationResponse `json:"recommendations,omitempty"`
}

type offerMatchesResponse struct {
	CandidateID    string               `json:"candidateId"`
	K              int                  `json:"k"`
	Offset         int                  `json:"offset"`
	More           bool                 `json:"more"`
	ProfileIndexed bool                 `json:"profileIndexed"`
	Results        []offerMatchResponse `json:"results"`
	LearnNext      []learnResponse      `json:"learnNext"`
}

type offerMatchResponse struct {
	Rank        int                 `json:"rank"`
	Score       float64             `json:"score"`
	Offer       matchOfferResponse  `json:"offer"`
	Explanation explanationResponse `json:"explanation"`
}

type matchOfferResponse struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	CompanyID  string        `json:"companyId"`
	Commune    string        `json:"commune,omitempty"`
	Occupation labelResponse `json:"occupation"`
	Contract   string        `json:"contract"`
	Remote     string        `json:"remote"`
	Status     string        `json:"status"`
	StartDate  string        `json:"startDate,omitempty"`
}

type labelResponse struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

type learnResponse struct {
	Skill     labelResponse `json:"skill"`
	Offers    int           `json:"offers"`
	MustHave  int           `json:"mustHave"`
	Learnable int           `json:"learnable"`
}

type explanationResponse struct {
	Summary    string               `json:"summary"`
	Matched    int                  `json:"matched"`
	Partial    int                  `json:"partial"`
	Missing    int                  `json:"missing"`
	Occupation labelResponse        `json:"occupation"`
	Bridge     *labelResponse       `json:"bridge,omitempty"`
	DistanceKm float64              `json:"distanceKm"`
	Remote     bool                 `json:"remote"`
	Skills     []skillMatchResponse `json:"skills"`
}

type skillMatchResponse struct {
	Code          string            `json:"code"`
	Label         string            `json:"label"`
	MinLevel      int               `json:"minLevel"`
	MinLevelLabel string            `json:"minLevelLabel"`
	MustHave      bool              `json:"mustHave"`
	Learnable     bool              `json:"learnable"`
	Status        string            `json:"status"`
	Credit        float64           `json:"credit"`
	Evidence      *evidenceResponse `json:"evidence,omitempty"`
	Gap           *gapResponse      `json:"gap,omitempty"`
}

// evidenceResponse is what earned a skill its credit; the fields present
// depend on source ("held", "training", "former-occupation", "related").
type evidenceResponse struct {
	Source            string         `json:"source"`
	Level             int            `json:"level,omitempty"`
	LevelLabel        string         `json:"levelLabel,omitempty"`
	Kind              string         `json:"kind,omitempty"`
	KindLabel         string         `json:"kindLabel,omitempty"`
	Training          string         `json:"training,omitempty"`
	TrainingEnd       string         `json:"trainingEnd,omitempty"`
	TrainingCompleted bool           `json:"trainingCompleted,omitempty"`
	Related           *labelResponse `json:"related,omitempty"`
	Strength          float64        `json:"strength,omitempty"`
	Occupation        *labelResponse `json:"occupation,omitempty"`
	Years             float64        `json:"years,omitempty"`
}

type gapResponse struct {
	Level             int             `json:"level"`
	LevelLabel        string          `json:"levelLabel"`
	LateTraining      bool            `json:"lateTraining"`
	LateTrainingTitle string          `json:"lateTrainingTitle,omitempty"`
	LateTrainingEnd   string          `json:"lateTrainingEnd,omitempty"`
	Related           []labelResponse `json:"related"`
}

func toLabel(l matching.Label) labelResponse { return labelResponse{Code: l.Code, Label: l.Label} }

func optLabel(l matching.Label) *labelResponse {
	if l.Code == "" {
		return nil
	}
	r := toLabel(l)
	return &r
}

func toExplanation(e matching.Explanation) explanationResponse {
	out := explanationResponse{
		Summary: e.Summary, Matched: e.Matched, Partial: e.Partial, Missing: e.Missing,
		Occupation: toLabel(e.Occupation), Bridge: optLabel(e.Bridge),
		DistanceKm: math.Round(e.DistanceKm*10) / 10, Remote: e.Remote,
		Skills: []skillMatchResponse{},
	}
	for _, sm := range e.Skills {
		r := skillMatchResponse{Code: sm.Skill.Code, Label: sm.Skill.Label, MinLevel: sm.MinLevel.Value, MinLevelLabel: sm.MinLevel.Label,
			MustHave: sm.MustHave, Learnable: sm.Learnable, Status: string(sm.Status), Credit: sm.Credit}
		if b := sm.Basis; b != nil {
			r.Evidence = &evidenceResponse{Source: string(b.Source), Level: b.Level.Value, LevelLabel: b.Level.Label,
				Kind: b.Evidence.Code, KindLabel: b.Evidence.Label, Training: b.Training, TrainingEnd: formatDay(b.TrainingEnd),
				TrainingCompleted: b.TrainingCompleted, Related: optLabel(b.Related), Strength: b.Strength,
				Occupation: optLabel(b.Occupation), Years: b.Years}
		}
		if g := sm.Gap; g != nil {
			r.Gap = &gapResponse{Level: g.Level.Value, LevelLabel: g.Level.Label, LateTraining: g.LateTraining,
				LateTrainingTitle: g.LateTrainingTitle, LateTrainingEnd: formatDay(g.LateTrainingEnd), Related: []labelResponse{}}
			for _, l := range g.Related {
				r.Gap.Related = append(r.Gap.Related, toLabel(l))
			}
		}
		out.Skills = append(out.Skills, r)
	}
	return out
}

func toMatchOffer(o matching.OfferInfo) matchOfferResponse {
	return matchOfferResponse{ID: o.ID, Title: o.Title, CompanyID: o.CompanyID, Commune: o.Commune, Occupation: toLabel(o.Occupation),
		Contract: string(o.Contract), Remote: string(o.Remote), Status: string(o.Status), StartDate: formatDay(o.StartDate)}
}

func toCandidateMatches(p matching.CandidatePage) candidateMatchesResponse {
	out := candidateMatchesResponse{Offer: toMatchOffer(p.Offer), K: p.K, Offset: p.Offset, More: p.More, CaseloadOnly: p.Caseload,
		Results: []candidateMatchResponse{}}
	for _, c := range p.Results {
		r := candidateMatchResponse{Rank: c.Rank, Score: c.Score, Anonymous: c.Anonymous, Commune: c.Commune, Explanation: toExplanation(c.Explanation)}
		if c.Anonymous {
			r.Pseudonym = c.Pseudonym
		} else {
			r.CandidateID, r.Name = c.CandidateID, c.Name
		}
		out.Results = append(out.Results, r)
	}
	return out
}

func toOfferMatches(p matching.OfferPage) offerMatchesResponse {
	out := offerMatchesResponse{CandidateID: p.CandidateID, K: p.K, Offset: p.Offset, More: p.More, ProfileIndexed: p.Indexed,
		Results: []offerMatchResponse{}, LearnNext: []learnResponse{}}
	for _, m := range p.Results {
		out.Results = append(out.Results, offerMatchResponse{Rank: m.Rank, Score: m.Score, Offer: toMatchOffer(m.Offer), Explanation: toExplanation(m.Explanation)})
	}
	for _, l := range p.LearnNext {
		out.LearnNext = append(out.LearnNext, learnResponse{Skill: toLabel(l.Skill), Offers: l.Offers, MustHave: l.MustHave, Learnable: l.Learnable})
	}
	return out
}

func (s *Server) mountMatchAPI(api fiber.Router) {
	// Any signed-in caller may ask: the matching service answers 403 or 404
	// to those who may not read the list.
	api.Get("/offers/:id/matches", requireAPI(), s.apiOfferMatches)
	api.Get("/me/matches", requireAPI(auth.RoleCandidate), s.apiMyMatches)
	api.Get("/candidates/:id/matches", requireAPI(), s.apiCandidateMatches)
}

// parseMatchQuery reads the paging and language of a ranked list;
// defaultK is the page size when none is asked.
func parseMatchQuery(c *fiber.Ctx, defaultK int) (matching.Query, error) {
	var errs []passerelle.FieldError
	req := matchQueryRequest{Lang: c.Query("lang")}
	req.K = queryIntParam(c, "k", defaultK, &errs)
	req.Offset = queryIntParam(c, "offset", 0, &errs)
	if err := validateQuery(req, errs); err != nil {
		return matching.Query{}, err
	}
	return matching.Query{K: req.K, Offset: req.Offset, Lang: cmp.Or(req.Lang, langOf(c))}, nil
}

// matchesService is the matching service, or EUNAVAILABLE in a server
// built without one.
func (s *Server) matchesService() (Matches, error) {
	if s.matches == nil {
		return nil, passerelle.Errorf(passerelle.EUNAVAILABLE, "error.unavailable")
	}
	return s.matches, nil
}

func (s *Server) apiOfferMatches(c *fiber.Ctx) error {
	m, err := s.matchesService()
	if err != nil {
		return err
	}
	q, err := parseMatchQuery(c, matching.DefaultK)
	if err != nil {
		return err
	}
	if q.Recommended, err = s.recommended(c, c.Params("id")); err != nil {
		return err
	}
	page, err := m.CandidatesForOffer(c.UserContext(), c.Params("id"), q)
	if err != nil {
		return err
	}
	if err := s.recordNamedMatches(c, page); err != nil {
		return err
	}
	out, names := toCandidateMatches(page), s.orgNames(c)
	for i, r := range page.Results {
		out.Results[i].Recommended = len(r.Recommendations) > 0
		out.Results[i].Recommendations = s.toRecommendations(r.Recommendations, names)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (s *Server) apiMyMatches(c *fiber.Ctx) error {
	m, err := s.matchesService()
	if err != nil {
		return err
	}
	q, err := parseMatchQuery(c, matching.DefaultK)
	if err != nil {
		return err
	}
	page, err := m.OffersForCandidate(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toOfferMatches(page))
}

func (s *Server) apiCandidateMatches(c *fiber.Ctx) error {
	m, err := s.matchesService()
	if err != nil {
		return err
	}
	q, err := parseMatchQuery(c, matching.DefaultK)
	if err != nil {
		return err
	}
	page, err := m.ForCandidate(c.UserContext(), c.Params("id"), q)
	if err != nil {
		return err
	}
	if err := s.recordAccess(c, c.Params("id"), profileReason(userOf(c).Role)); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toOfferMatches(page))
}

package server

import (
	"context"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/matching"
	"passerelle/internal/skill"
)

// The advisers' part of the workflow: reviewing a caseload candidate's
// matches (endorse or set aside, with a note), applying for the candidate
// when they allowed it, and validating their skills. An endorsement shows
// on the employer's list of candidates ("recommended by an adviser"),
// anonymously, and ranks the candidate above an equal score.
//
// The routes use the services already wired: the application workflow
// (Deps.Applications, which embeds Reviews), the profile service
// (Deps.Profiles, which embeds SkillValidator) and the account service
// (Deps.Accounts, which embeds AdviserDirectory).

// Reviews is what the review routes ask of the application workflow
// (application.Service), which decides who may review and read reviews;
// applying on a candidate's behalf goes through Applications.Apply.
type Reviews interface {
	Review(ctx context.Context, in application.ReviewInput) (application.Endorsement, error)
	Reviews(ctx context.Context, candidateID string) ([]application.Endorsement, error)
	Recommendations(ctx context.Context, offerID string) ([]application.Endorsement, error)
	Settings(ctx context.Context, candidateID string) (application.Settings, error)
}

// SkillValidator is what the validation routes ask of the profile service
// (candidate.Service), which lets only advisers of the caseload validate.
type SkillValidator interface {
	ValidateSkill(ctx context.Context, candidateID string, code skill.Code, kind candidate.ValidationKind) (candidate.Profile, error)
	WithdrawSkillValidation(ctx context.Context, candidateID string, code skill.Code) (candidate.Profile, error)
}

// AdviserDirectory names adviser organisations (account.Service): an
// endorsement or a validation is signed with the organisation's name.
type AdviserDirectory interface {
	AdviserOrgName(ctx context.Context, id string) (string, error)
}

// orgNames resolves adviser organisation names, each once per request. A
// name that cannot be read shows as a generic "an adviser organisation":
// the recommendation or validation still counts.
type orgNames struct {
	s     *Server
	ctx   context.Context
	lang  string
	names map[string]string
}

func (s *Server) orgNames(c *fiber.Ctx) *orgNames {
	return &orgNames{s: s, ctx: c.UserContext(), lang: langOf(c), names: map[string]string{}}
}

func (n *orgNames) name(id string) string {
	if v, ok := n.names[id]; ok {
		return v
	}
	v := ""
	if id != "" {
		var err error
		if v, err = n.s.accounts.AdviserOrgName(n.ctx, id); err != nil && passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			n.s.log.Warn("adviser organisation name unavailable", "org", id, "err", err)
		}
	}
	if v == "" {
		v = n.s.catalog.T(n.lang, "review.org_unknown")
	}
	n.names[id] = v
	return v
}

// recommended reads the advisers' recommendations of candidates for
// offerID, for the list the offer's company reads. Other readers get none
// (an adviser's caseload list does not show other organisations'
// recommendations); an offer the caller may not read is left to the
// matching service to refuse.
func (s *Server) recommended(c *fiber.Ctx, offerID string) (map[string][]matching.Recommendation, error) {
	u := userOf(c)
	if u == nil || u.Role != auth.RoleEmployer {
		return nil, nil
	}
	list, err := s.applications.Recommendations(c.UserContext(), offerID)
	switch passerelle.ErrorCode(err) {
	case "":
	case passerelle.ENOTFOUND, passerelle.EFORBIDDEN:
		return nil, nil
	default:
		return nil, err
	}
	out := make(map[string][]matching.Recommendation, len(list))
	for _, e := range list {
		out[e.CandidateID] = append(out[e.CandidateID], matching.Recommendation{OrgID: e.OrgID, Note: e.Note, At: e.At})
	}
	return out, nil
}

// Request and response shapes.

type reviewRequest struct {
	OfferID  string `json:"offerId" validate:"required,max=100"`
	Decision string `json:"decision" validate:"required,max=20"`
	Note     string `json:"note" validate:"max=4000"`
}

type reviewResponse struct {
	CandidateID      string    `json:"candidateId"`
	OfferID          string    `json:"offerId"`
	OrganisationID   string    `json:"organisationId"`
	OrganisationName string    `json:"organisationName"`
	Decision         string    `json:"decision"`
	DecisionLabel    string    `json:"decisionLabel"`
	Note             string    `json:"note,omitempty"`
	At               time.Time `json:"at"`
	Revision         int64     `json:"revision"`
}

type reviewListResponse struct {
	Items []reviewResponse `json:"items"`
}

// recommendationResponse is an endorsement as the offer's company reads
// it: the organisation's name and the note, nothing of the adviser.
type recommendationResponse struct {
	Organisation string    `json:"organisation"`
	Note         string    `json:"note,omitempty"`
	At           time.Time `json:"at"`
}

type applyForRequest struct {
	OfferID string `json:"offerId" validate:"required,max=100"`
	Message string `json:"message" validate:"max=8000"`
}

type skillValidationRequest struct {
	Kind string `json:"kind" validate:"required,max=40"`
}

type validatedSkillResponse struct {
	Code                string     `json:"code"`
	Label               string     `json:"label"`
	Level               int        `json:"level"`
	LevelLabel          string     `json:"levelLabel"`
	Evidence            string     `json:"evidence"`
	EvidenceLabel       string     `json:"evidenceLabel"`
	ValidatedBy         string     `json:"validatedBy,omitempty"`
	ValidatedByName     string     `json:"validatedByName,omitempty"`
	ValidationKind      string     `json:"validationKind,omitempty"`
	ValidationKindLabel string     `json:"validationKindLabel,omitempty"`
	ValidatedAt         *time.Time `json:"validatedAt,omitempty"`
}

type skillValidationResponse struct {
	CandidateID string                 `json:"candidateId"`
	Revision    int64                  `json:"revision"`
	Skill       validatedSkillResponse `json:"skill"`
}

func (s *Server) toReview(e application.Endorsement, names *orgNames) reviewResponse {
	return reviewResponse{CandidateID: e.CandidateID, OfferID: e.OfferID, OrganisationID: e.OrgID, OrganisationName: names.name(e.OrgID),
		Decision: string(e.Decision), DecisionLabel: s.catalog.T(names.lang, "application.decision."+string(e.Decision)),
		Note: e.Note, At: e.At, Revision: e.Revision}
}

func (s *Server) toRecommendations(rs []matching.Recommendation, names *orgNames) []recommendationResponse {
	var out []recommendationResponse
	for _, r := range rs {
		out = append(out, recommendationResponse{Organisation: names.name(r.OrgID), Note: r.Note, At: r.At})
	}
	return out
}

func (s *Server) toValidatedSkill(sk candidate.Skill, names *orgNames) validatedSkillResponse {
	lang := names.lang
	out := validatedSkillResponse{Code: string(sk.Code), Label: s.skillLabel(sk.Code, sk.Label, lang),
		Level: int(sk.Level), LevelLabel: sk.Level.Label(lang), Evidence: string(sk.Evidence), EvidenceLabel: sk.Evidence.Label(lang)}
	if sk.Evidence == skill.EvidenceAdviserValidated {
		out.ValidatedBy = sk.ValidatedBy
		if sk.ValidatedBy != "" {
			out.ValidatedByName = names.name(sk.ValidatedBy)
		}
		if sk.ValidationKind != "" {
			out.ValidationKind = string(sk.ValidationKind)
			out.ValidationKindLabel = s.catalog.T(lang, "review.validation_kind."+string(sk.ValidationKind))
		}
		if !sk.ValidatedAt.IsZero() {
			at := sk.ValidatedAt
			out.ValidatedAt = &at
		}
	}
	return out
}

func (s *Server) mountReviewAPI(api fiber.Router) {
	adviser := requireAPI(auth.RoleAdviser)
	api.Get("/candidates/:id/reviews", requireAPI(), s.apiReviews)
	api.Post("/candidates/:id/reviews", adviser, s.apiReview)
	api.Post("/candidates/:id/applications", adviser, s.apiApplyFor)
	api.Post("/candidates/:id/skills/:code/validation", adviser, s.apiValidateSkill)
	api.Delete("/candidates/:id/skills/:code/validation", adviser, s.apiWithdrawValidation)
}

func (s *Server) apiReviews(c *fiber.Ctx) error {
	w := s.applications
	list, err := w.Reviews(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	names := s.orgNames(c)
	out := reviewListResponse{Items: make([]reviewResponse, 0, len(list))}
	for _, e := range list {
		out.Items = append(out.Items, s.toReview(e, names))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (s *Server) apiReview(c *fiber.Ctx) error {
	w := s.applications
	var req reviewRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := w.Review(c.UserContext(), application.ReviewInput{CandidateID: c.Params("id"), OfferID: req.OfferID,
		Decision: application.Decision(req.Decision), Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(s.toReview(e, s.orgNames(c)))
}

func (s *Server) apiApplyFor(c *fiber.Ctx) error {
	w := s.applications
	var req applyForRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := w.Apply(c.UserContext(), application.ApplyInput{OfferID: req.OfferID, CandidateID: c.Params("id"), Message: req.Message})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.toApplication(a, langOf(c)))
}

func (s *Server) apiValidateSkill(c *fiber.Ctx) error {
	v := s.profiles
	var req skillValidationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	code := pathSkill(c)
	p, err := v.ValidateSkill(c.UserContext(), c.Params("id"), code, candidate.ValidationKind(req.Kind))
	if err != nil {
		return err
	}
	return s.sendValidation(c, p, code)
}

func (s *Server) apiWithdrawValidation(c *fiber.Ctx) error {
	v := s.profiles
	code := pathSkill(c)
	p, err := v.WithdrawSkillValidation(c.UserContext(), c.Params("id"), code)
	if err != nil {
		return err
	}
	return s.sendValidation(c, p, code)
}

// pathSkill is the skill code of the path, written as is ("tag:go") or
// escaped ("tag%3Ago").
func pathSkill(c *fiber.Ctx) skill.Code {
	raw := c.Params("code")
	if v, err := url.PathUnescape(raw); err == nil {
		raw = v
	}
	return skill.Code(raw)
}

func (s *Server) sendValidation(c *fiber.Ctx, p candidate.Profile, code skill.Code) error {
	out := skillValidationResponse{CandidateID: p.ID, Revision: p.Revision}
	for _, sk := range p.Skills {
		if sk.Code == code {
			out.Skill = s.toValidatedSkill(sk, s.orgNames(c))
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
)

// TalentPools is what the HTTP layer asks of the companies' talent pools
// (application.Service: the candidate's consent, and a pool that only its
// company reads).
type TalentPools interface {
	AskToPool(ctx context.Context, in application.PoolInput) (application.PoolEntry, error)
	AnswerPool(ctx context.Context, id string, accept bool) (application.PoolEntry, error)
	LeavePool(ctx context.Context, id string) (application.PoolEntry, error)
	RemoveFromPool(ctx context.Context, id string) error
	Pool(ctx context.Context, companyID string, page application.PageRequest) (application.Page[application.PoolEntry], error)
	PoolsOf(ctx context.Context, candidateID string) ([]application.PoolEntry, error)
}

// poolRequest asks a candidate into the caller's company's pool: one the
// company saw in an offer's list (offerId and the pseudonym read there), or
// one who applied (applicationId).
type poolRequest struct {
	OfferID       string `json:"offerId" validate:"required_without=ApplicationID,excluded_with=ApplicationID,max=100"`
	Pseudonym     string `json:"pseudonym" validate:"required_with=OfferID,max=60"`
	ApplicationID string `json:"applicationId" validate:"max=100"`
	Note          string `json:"note" validate:"max=2000"`
}

// poolEntryResponse is a pool entry as the company reads it (its note;
// the candidate once they agreed) and as the candidate reads it (no note).
type poolEntryResponse struct {
	ID          string             `json:"id"`
	CompanyID   string             `json:"companyId"`
	Pseudonym   string             `json:"pseudonym,omitempty"`
	Note        string             `json:"note,omitempty"`
	Status      string             `json:"status"`
	StatusLabel string             `json:"statusLabel"`
	Candidate   *applicantResponse `json:"candidate,omitempty"`
	CreatedAt   time.Time          `json:"createdAt"`
	RespondedAt *time.Time         `json:"respondedAt,omitempty"`
	Revision    int64              `json:"revision"`
}

type poolPageResponse struct {
	Items    []poolEntryResponse `json:"items"`
	Total    int                 `json:"total"`
	Page     int                 `json:"page"`
	PageSize int                 `json:"pageSize"`
}

type poolListResponse struct {
	Items []poolEntryResponse `json:"items"`
}

func (s *Server) toPoolEntry(e application.PoolEntry, lang string) poolEntryResponse {
	r := poolEntryResponse{ID: e.ID, CompanyID: e.CompanyID, Pseudonym: e.Pseudonym, Note: e.Note, Status: string(e.Status),
		StatusLabel: s.catalog.T(lang, "application.pool.status."+string(e.Status)), CreatedAt: e.CreatedAt, Revision: e.Revision}
	if !e.RespondedAt.IsZero() {
		at := e.RespondedAt
		r.RespondedAt = &at
	}
	return r
}

// toCompanyPoolEntry adds who the candidate is, when the company may know.
func (s *Server) toCompanyPoolEntry(ctx context.Context, e application.PoolEntry, lang string) (poolEntryResponse, error) {
	r := s.toPoolEntry(e, lang)
	who, err := s.applicant(ctx, e.CompanyID, e.CandidateID)
	if err != nil {
		return r, err
	}
	r.Candidate = &who
	return r, nil
}

func (s *Server) mountPoolAPI(api fiber.Router) {
	employer, candidateOnly := requireAPI(auth.RoleEmployer), requireAPI(auth.RoleCandidate)
	api.Post("/pool", employer, s.apiAskToPool)
	api.Get("/pool", employer, s.apiPool)
	api.Delete("/pool/:id", employer, s.apiRemoveFromPool)
	api.Get("/me/pools", candidateOnly, s.apiMyPools)
	api.Post("/me/pools/:id/accept", candidateOnly, s.apiAnswerPool(true))
	api.Post("/me/pools/:id/decline", candidateOnly, s.apiAnswerPool(false))
	api.Post("/me/pools/:id/leave", candidateOnly, s.apiLeavePool)
}

// askToPool asks into the caller's company's pool the candidate designated
// by the pseudonym of offerID's list, or the applicant of applicationID.
func (s *Server) askToPool(ctx context.Context, offerID, pseudonym, applicationID, note string) (application.PoolEntry, error) {
	in := application.PoolInput{Pseudonym: pseudonym, Note: note}
	if applicationID == "" && (offerID == "" || pseudonym == "") {
		return application.PoolEntry{}, passerelle.Invalid(passerelle.FieldError{Field: "pseudonym", Key: "validation.required"})
	}
	if applicationID != "" {
		a, err := s.applications.Get(ctx, applicationID)
		if err != nil {
			return application.PoolEntry{}, err
		}
		id, _ := auth.FromContext(ctx)
		if id.Role != auth.RoleEmployer || id.OrgID != a.CompanyID {
			return application.PoolEntry{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.application.company_only")
		}
		in.CandidateID = a.CandidateID
		if m, err := s.matchesService(); err == nil {
			if c, ok, err := m.MatchFor(ctx, a.OfferID, a.CandidateID, "fr"); err == nil && ok {
				in.Pseudonym = c.Pseudonym
			}
		}
	} else {
		var err error
		if in.CandidateID, err = s.resolvePseudonym(ctx, offerID, pseudonym, "pseudonym"); err != nil {
			return application.PoolEntry{}, err
		}
	}
	return s.applications.AskToPool(ctx, in)
}

func (s *Server) apiAskToPool(c *fiber.Ctx) error {
	var req poolRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.askToPool(c.UserContext(), req.OfferID, req.Pseudonym, req.ApplicationID, req.Note)
	if err != nil {
		return err
	}
	out, err := s.toCompanyPoolEntry(c.UserContext(), e, langOf(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) apiPool(c *fiber.Ctx) error {
	pr, err := parsePageQuery(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	page, err := s.applications.Pool(ctx, userOf(c).OrgID, pr)
	if err != nil {
		return err
	}
	out := poolPageResponse{Items: make([]poolEntryResponse, 0, len(page.Items)), Total: page.Total, Page: page.Number, PageSize: page.Size}
	for _, e := range page.Items {
		r, err := s.toCompanyPoolEntry(ctx, e, langOf(c))
		if err != nil {
			return err
		}
		out.Items = append(out.Items, r)
	}
	return c.JSON(out)
}

func (s *Server) apiRemoveFromPool(c *fiber.Ctx) error {
	if err := s.applications.RemoveFromPool(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiMyPools(c *fiber.Ctx) error {
	items, err := s.applications.PoolsOf(c.UserContext(), userOf(c).ID)
	if err != nil {
		return err
	}
	out := poolListResponse{Items: make([]poolEntryResponse, 0, len(items))}
	for _, e := range items {
		out.Items = append(out.Items, s.toPoolEntry(e, langOf(c)))
	}
	return c.JSON(out)
}

func (s *Server) apiAnswerPool(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := s.applications.AnswerPool(c.UserContext(), c.Params("id"), accept)
		if err != nil {
			return err
		}
		return c.JSON(s.toPoolEntry(e, langOf(c)))
	}
}

func (s *Server) apiLeavePool(c *fiber.Ctx) error {
	e, err := s.applications.LeavePool(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(s.toPoolEntry(e, langOf(c)))
}

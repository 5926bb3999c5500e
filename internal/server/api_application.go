package server

import (
	"context"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/offer"
)

// Applications is what the HTTP layer asks of the application workflow
// (application.Service decides who may do what), plus the name of a
// candidate, which the layer shows to a company only after RevealedTo says
// the candidate showed themself to it.
type Applications interface {
	Invitations
	TalentPools
	Reviews
	Get(ctx context.Context, id string) (application.Application, error)
	Apply(ctx context.Context, in application.ApplyInput) (application.Application, error)
	ForCandidate(ctx context.Context, candidateID string, page application.PageRequest) (application.Page[application.Application], error)
	ForOffer(ctx context.Context, offerID string, status application.Status, page application.PageRequest) (application.Page[application.Application], error)
	Move(ctx context.Context, id string, in application.MoveInput) (application.Application, error)
	Withdraw(ctx context.Context, id, note string) (application.Application, error)
	RevealedTo(ctx context.Context, companyID, candidateID string) (bool, error)
	// CandidateName returns the display name of candidateID, whoever asks:
	// callers check RevealedTo first. ENOTFOUND for a candidate without a
	// profile.
	CandidateName(ctx context.Context, candidateID string) (string, error)
}

// ProfileStore reads profiles without access rules; candidatedb.Store
// implements it.
type ProfileStore interface {
	Profile(ctx context.Context, id string) (candidate.Profile, error)
	// CaseloadMembers returns those of ids whose caseload holds orgID.
	CaseloadMembers(ctx context.Context, orgID string, ids []string) ([]string, error)
}

// ApplicationWorkflow is the application service with the candidate names
// the HTTP layer shows to the companies a candidate applied to.
type ApplicationWorkflow struct {
	*application.Service
	Profiles ProfileStore
}

// CandidateName implements Applications.
func (w ApplicationWorkflow) CandidateName(ctx context.Context, candidateID string) (string, error) {
	p, err := w.Profiles.Profile(ctx, candidateID)
	if err != nil {
		return "", err
	}
	return p.DisplayName, nil
}

// OfferGetter reads an offer with the caller's rights (offer.Service.Get).
type OfferGetter interface {
	Get(ctx context.Context, id string) (offer.Offer, error)
}

// ApplicationOffers adapts the offer service to application.Offers. It reads
// with the caller's rights, so that an offer the caller cannot see is
// ENOTFOUND to the workflow too.
type ApplicationOffers struct{ Offers OfferGetter }

// Offer implements application.Offers.
func (a ApplicationOffers) Offer(ctx context.Context, id string) (application.OfferInfo, error) {
	o, err := a.Offers.Get(ctx, id)
	if err != nil {
		return application.OfferInfo{}, err
	}
	return application.OfferInfo{ID: o.ID, CompanyID: o.CompanyID, Title: o.Title, Published: o.Status == offer.StatusPublished}, nil
}

// ProfileGetter reads a profile with the caller's rights (candidate.Service.Get).
type ProfileGetter interface {
	Get(ctx context.Context, candidateID string) (candidate.Profile, error)
}

// ApplicationCandidates adapts the candidate service to
// application.Candidates. It reads with the caller's rights: the workflow
// asks only to know whether an adviser follows the candidate, which the
// candidate service answers by showing the profile or not.
//
// With Store set, it reads without access rules instead: a company that
// invites a candidate of its anonymous list, or asks them into its pool,
// may not read their profile, yet the workflow must know whether they
// agreed to be proposed (Discoverable). The workflow decides access
// itself and never hands CandidateInfo out.
type ApplicationCandidates struct {
	Profiles ProfileGetter
	Store    ProfileStore
}

// Candidate implements application.Candidates.
func (a ApplicationCandidates) Candidate(ctx context.Context, id string) (application.CandidateInfo, error) {
	read := a.Profiles.Get
	if a.Store != nil {
		read = a.Store.Profile
	}
	p, err := read(ctx, id)
	if err != nil {
		return application.CandidateInfo{}, err
	}
	return application.CandidateInfo{
		ID: p.ID, AdviserOrgs: p.AdviserOrgs,
		Discoverable: p.MatchingConsent && (p.Visibility == candidate.VisibilityAnonymous || p.Visibility == candidate.VisibilityVisible),
	}, nil
}

// InCaseload implements application.Candidates: one read of the store
// when there is one; else one profile read per id, with the caller's
// rights.
func (a ApplicationCandidates) InCaseload(ctx context.Context, orgID string, ids []string) ([]string, error) {
	if a.Store != nil {
		return a.Store.CaseloadMembers(ctx, orgID, ids)
	}
	out := []string{}
	for _, id := range ids {
		p, err := a.Profiles.Get(ctx, id)
		if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if slices.Contains(p.AdviserOrgs, orgID) {
			out = append(out, id)
		}
	}
	return out, nil
}

// Request and response shapes of the application API.

type applyRequest struct {
	Message string `json:"message" validate:"max=8000"`
}

type moveRequest struct {
	To     string `json:"to" validate:"required,max=20"`
	Reason string `json:"reason" validate:"max=40"`
	Note   string `json:"note" validate:"max=4000"`
}

type withdrawRequest struct {
	Note string `json:"note" validate:"max=4000"`
}

// applicationPageRequest is the paging (and, for an offer, the status
// filter) of the lists.
type applicationPageRequest struct {
	Status   string `form:"status" validate:"omitempty,max=20"`
	Page     int    `form:"page" validate:"gte=1,lte=10000"`
	PageSize int    `form:"pageSize" validate:"gte=1,lte=100"`
}

type rejectionResponse struct {
	Reason string `json:"reason"`
	Note   string `json:"note,omitempty"`
}

// transitionResponse is one step of the history. By is empty (left out)
// where the service redacted a recruiter's identity.
type transitionResponse struct {
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
	By     string    `json:"by,omitempty"`
	Role   string    `json:"role"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// applicationResponse is an application as its candidate reads it, and as
// its company reads it once the candidate is known to it.
type applicationResponse struct {
	ID          string               `json:"id"`
	OfferID     string               `json:"offerId"`
	CompanyID   string               `json:"companyId"`
	Message     string               `json:"message,omitempty"`
	Status      string               `json:"status"`
	StatusLabel string               `json:"statusLabel"`
	Rejection   *rejectionResponse   `json:"rejection,omitempty"`
	History     []transitionResponse `json:"history"`
	CreatedAt   time.Time            `json:"createdAt"`
	UpdatedAt   time.Time            `json:"updatedAt"`
	Revision    int64                `json:"revision"`
}

// applicantResponse says who applied, as far as the company may know.
type applicantResponse struct {
	Anonymous   bool   `json:"anonymous"`
	CandidateID string `json:"candidateId,omitempty"`
	Name        string `json:"name,omitempty"`
}

// offerApplicationResponse is an application in the company's list. An
// anonymous one carries no id (the id names the candidate), no message and
// no history: only where it stands.
type offerApplicationResponse struct {
	applicationResponse
	Candidate applicantResponse `json:"candidate"`
}

type applicationPageResponse struct {
	Items    []applicationResponse `json:"items"`
	Total    int                   `json:"total"`
	Page     int                   `json:"page"`
	PageSize int                   `json:"pageSize"`
}

type offerApplicationPageResponse struct {
	Items    []offerApplicationResponse `json:"items"`
	Total    int                        `json:"total"`
	Page     int                        `json:"page"`
	PageSize int                        `json:"pageSize"`
}

func (s *Server) toApplication(a application.Application, lang string) applicationResponse {
	r := applicationResponse{
		ID: a.ID, OfferID: a.OfferID, CompanyID: a.CompanyID, Message: a.Message, Status: string(a.Status),
		StatusLabel: s.catalog.T(lang, "application.status."+string(a.Status)),
		History:     make([]transitionResponse, 0, len(a.History)),
		CreatedAt:   a.CreatedAt, UpdatedAt: a.UpdatedAt, Revision: a.Revision,
	}
	if a.Rejection.Reason != "" {
		r.Rejection = &rejectionResponse{Reason: string(a.Rejection.Reason), Note: a.Rejection.Note}
	}
	for _, t := range a.History {
		r.History = append(r.History, transitionResponse{From: string(t.From), To: string(t.To), By: t.By, Role: string(t.Role),
			At: t.At, Reason: string(t.Reason), Note: t.Note})
	}
	return r
}

func (s *Server) mountApplicationAPI(api fiber.Router) {
	candidateOnly := requireAPI(auth.RoleCandidate)
	api.Post("/offers/:id/applications", candidateOnly, s.apiApply)
	api.Get("/offers/:id/applications", requireAPI(), s.apiOfferApplications)
	api.Get("/me/applications", candidateOnly, s.apiMyApplications)
	api.Post("/applications/:id/moves", requireAPI(), s.apiMoveApplication)
	api.Post("/applications/:id/withdraw", candidateOnly, s.apiWithdrawApplication)
}

func parseApplicationPage(c *fiber.Ctx) (applicationPageRequest, error) {
	var errs []passerelle.FieldError
	req := applicationPageRequest{Status: c.Query("status"), Page: queryIntParam(c, "page", 1, &errs), PageSize: queryIntParam(c, "pageSize", 20, &errs)}
	return req, validateQuery(req, errs)
}

func (s *Server) apiApply(c *fiber.Ctx) error {
	var req applyRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	a, err := s.applications.Apply(c.UserContext(), application.ApplyInput{OfferID: c.Params("id"), Message: req.Message})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.toApplication(a, langOf(c)))
}

func (s *Server) apiMyApplications(c *fiber.Ctx) error {
	req, err := parseApplicationPage(c)
	if err != nil {
		return err
	}
	u := userOf(c)
	page, err := s.applications.ForCandidate(c.UserContext(), u.ID, application.PageRequest{Number: req.Page, Size: req.PageSize})
	if err != nil {
		return err
	}
	out := applicationPageResponse{Items: make([]applicationResponse, 0, len(page.Items)), Total: page.Total, Page: page.Number, PageSize: page.Size}
	for _, a := range page.Items {
		out.Items = append(out.Items, s.toApplication(a, langOf(c)))
	}
	return c.JSON(out)
}

func (s *Server) apiOfferApplications(c *fiber.Ctx) error {
	req, err := parseApplicationPage(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	page, err := s.applications.ForOffer(ctx, c.Params("id"), application.Status(req.Status), application.PageRequest{Number: req.Page, Size: req.PageSize})
	if err != nil {
		return err
	}
	out := offerApplicationPageResponse{Items: make([]offerApplicationResponse, 0, len(page.Items)), Total: page.Total, Page: page.Number, PageSize: page.Size}
	for _, a := range page.Items {
		if err := s.recordAccess(c, a.CandidateID, audit.ReasonApplication); err != nil {
			return err
		}
		item, err := s.toOfferApplication(ctx, a, langOf(c))
		if err != nil {
			return err
		}
		out.Items = append(out.Items, item)
	}
	return c.JSON(out)
}

// toOfferApplication shows the company who applied when the candidate
// revealed themself to it (an application they did not withdraw, or the
// talent pool), and only where the application stands otherwise.
func (s *Server) toOfferApplication(ctx context.Context, a application.Application, lang string) (offerApplicationResponse, error) {
	revealed, err := s.applications.RevealedTo(ctx, a.CompanyID, a.CandidateID)
	if err != nil {
		return offerApplicationResponse{}, err
	}
	if !revealed {
		r := s.toApplication(application.Application{OfferID: a.OfferID, CompanyID: a.CompanyID, Status: a.Status,
			Rejection: a.Rejection, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Revision: a.Revision}, lang)
		return offerApplicationResponse{applicationResponse: r, Candidate: applicantResponse{Anonymous: true}}, nil
	}
	name, err := s.applications.CandidateName(ctx, a.CandidateID)
	if err != nil && passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		return offerApplicationResponse{}, err
	}
	return offerApplicationResponse{applicationResponse: s.toApplication(a, lang),
		Candidate: applicantResponse{CandidateID: a.CandidateID, Name: name}}, nil
}

func (s *Server) apiMoveApplication(c *fiber.Ctx) error {
	var req moveRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.applications.Move(c.UserContext(), c.Params("id"), application.MoveInput{
		To: application.Status(req.To), Reason: application.RejectReason(req.Reason), Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(s.toApplication(a, langOf(c)))
}

func (s *Server) apiWithdrawApplication(c *fiber.Ctx) error {
	var req withdrawRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	a, err := s.applications.Withdraw(c.UserContext(), c.Params("id"), req.Note)
	if err != nil {
		return err
	}
	return c.JSON(s.toApplication(a, langOf(c)))
}

package server

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
)

// Invitations is what the HTTP layer asks of the invitations to apply
// (application.Service decides who may do what, and hides the candidate
// from the company until they accept).
type Invitations interface {
	Invite(ctx context.Context, in application.InviteInput) (application.Invitation, error)
	AcceptInvitation(ctx context.Context, id, message string) (application.Application, error)
	DeclineInvitation(ctx context.Context, id string) (application.Invitation, error)
	InvitationsForCandidate(ctx context.Context, candidateID string, page application.PageRequest) (application.Page[application.Invitation], error)
	InvitationsForOffer(ctx context.Context, offerID string, page application.PageRequest) (application.Page[application.Invitation], error)
}

// An employer designates a candidate of its anonymous list by the
// pseudonym it read there: the matching service, which holds the key,
// turns it back into the candidate (Matches.CandidateByPseudonym), so the
// candidate's id never reaches the employer.

type applyInviteRequest struct {
	Pseudonym string `json:"pseudonym" validate:"required,max=60"`
	Message   string `json:"message" validate:"max=8000"`
}

type acceptApplyInvitationRequest struct {
	Message string `json:"message" validate:"max=8000"`
}

type pageQueryRequest struct {
	Page     int `form:"page" validate:"gte=1,lte=10000"`
	PageSize int `form:"pageSize" validate:"gte=1,lte=100"`
}

// applyInvitationResponse is an invitation as its candidate reads it, and as the
// company reads it: Candidate says who the candidate is once they accepted
// (and still show themself to the company), the pseudonym until then.
type applyInvitationResponse struct {
	ID            string             `json:"id"`
	OfferID       string             `json:"offerId"`
	CompanyID     string             `json:"companyId"`
	Pseudonym     string             `json:"pseudonym,omitempty"`
	Message       string             `json:"message,omitempty"`
	Status        string             `json:"status"`
	StatusLabel   string             `json:"statusLabel"`
	ApplicationID string             `json:"applicationId,omitempty"`
	Candidate     *applicantResponse `json:"candidate,omitempty"`
	CreatedAt     time.Time          `json:"createdAt"`
	RespondedAt   *time.Time         `json:"respondedAt,omitempty"`
	Revision      int64              `json:"revision"`
}

type applyInvitationPageResponse struct {
	Items    []applyInvitationResponse `json:"items"`
	Total    int                       `json:"total"`
	Page     int                       `json:"page"`
	PageSize int                       `json:"pageSize"`
}

func (s *Server) toApplyInvitation(inv application.Invitation, lang string) applyInvitationResponse {
	r := applyInvitationResponse{ID: inv.ID, OfferID: inv.OfferID, CompanyID: inv.CompanyID, Pseudonym: inv.Pseudonym,
		Message: inv.Message, Status: string(inv.Status), StatusLabel: s.catalog.T(lang, "application.invitation.status."+string(inv.Status)),
		ApplicationID: inv.ApplicationID, CreatedAt: inv.CreatedAt, Revision: inv.Revision}
	if !inv.RespondedAt.IsZero() {
		at := inv.RespondedAt
		r.RespondedAt = &at
	}
	return r
}

// toCompanyInvitation is an invitation as the company reads it: the
// application and the candidate only when the candidate accepted and still
// shows themself to the company.
func (s *Server) toCompanyApplyInvitation(ctx context.Context, inv application.Invitation, lang string) (applyInvitationResponse, error) {
	r := s.toApplyInvitation(inv, lang)
	who, err := s.applicant(ctx, inv.CompanyID, inv.CandidateID)
	if err != nil {
		return r, err
	}
	if who.Anonymous {
		r.ApplicationID = ""
	}
	r.Candidate = &who
	return r, nil
}

// applicant says who candidateID is to the members of companyID: their id
// and name once they showed themself to the company (RevealedTo),
// anonymous otherwise. An empty candidateID (what the service leaves for a
// company before a candidate agrees) is anonymous.
func (s *Server) applicant(ctx context.Context, companyID, candidateID string) (applicantResponse, error) {
	if candidateID == "" {
		return applicantResponse{Anonymous: true}, nil
	}
	revealed, err := s.applications.RevealedTo(ctx, companyID, candidateID)
	if err != nil {
		return applicantResponse{}, err
	}
	if !revealed {
		return applicantResponse{Anonymous: true}, nil
	}
	name, err := s.applications.CandidateName(ctx, candidateID)
	if err != nil && passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		return applicantResponse{}, err
	}
	return applicantResponse{CandidateID: candidateID, Name: name}, nil
}

func (s *Server) mountInvitationAPI(api fiber.Router) {
	candidateOnly := requireAPI(auth.RoleCandidate)
	api.Post("/offers/:id/invitations", requireAPI(auth.RoleEmployer), s.apiInviteToApply)
	api.Get("/offers/:id/invitations", requireAPI(auth.RoleEmployer, auth.RoleAdmin), s.apiOfferApplyInvitations)
	api.Get("/me/invitations", candidateOnly, s.apiMyApplyInvitations)
	api.Post("/me/invitations/:id/accept", candidateOnly, s.apiAcceptApplyInvitation)
	api.Post("/me/invitations/:id/decline", candidateOnly, s.apiDeclineApplyInvitation)
}

func parsePageQuery(c *fiber.Ctx) (application.PageRequest, error) {
	var errs []passerelle.FieldError
	req := pageQueryRequest{Page: queryIntParam(c, "page", 1, &errs), PageSize: queryIntParam(c, "pageSize", 20, &errs)}
	if err := validateQuery(req, errs); err != nil {
		return application.PageRequest{}, err
	}
	return application.PageRequest{Number: req.Page, Size: req.PageSize}, nil
}

// resolvePseudonym turns the pseudonym an employer read in offerID's list
// into the candidate; a pseudonym that names nobody of the list is an
// error of the field that carries it.
func (s *Server) resolvePseudonym(ctx context.Context, offerID, pseudonym, field string) (string, error) {
	m, err := s.matchesService()
	if err != nil {
		return "", err
	}
	id, err := m.CandidateByPseudonym(ctx, offerID, pseudonym)
	var perr *passerelle.Error
	if errors.As(err, &perr) && (perr.Key == "error.match.pseudonym_unknown" || perr.Key == "error.match.pseudonym_ambiguous") {
		return "", passerelle.Invalid(passerelle.FieldError{Field: field, Key: perr.Key})
	}
	return id, err
}

// invite invites the candidate the company knows by pseudonym to apply to
// offerID.
func (s *Server) invite(ctx context.Context, offerID, pseudonym, message string) (application.Invitation, error) {
	candidateID, err := s.resolvePseudonym(ctx, offerID, pseudonym, "pseudonym")
	if err != nil {
		return application.Invitation{}, err
	}
	return s.applications.Invite(ctx, application.InviteInput{OfferID: offerID, CandidateID: candidateID, Pseudonym: pseudonym, Message: message})
}

func (s *Server) apiInviteToApply(c *fiber.Ctx) error {
	var req applyInviteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	inv, err := s.invite(c.UserContext(), c.Params("id"), req.Pseudonym, req.Message)
	if err != nil {
		return err
	}
	out, err := s.toCompanyApplyInvitation(c.UserContext(), inv, langOf(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) apiOfferApplyInvitations(c *fiber.Ctx) error {
	pr, err := parsePageQuery(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	page, err := s.applications.InvitationsForOffer(ctx, c.Params("id"), pr)
	if err != nil {
		return err
	}
	out := applyInvitationPageResponse{Items: make([]applyInvitationResponse, 0, len(page.Items)), Total: page.Total, Page: page.Number, PageSize: page.Size}
	for _, inv := range page.Items {
		r, err := s.toCompanyApplyInvitation(ctx, inv, langOf(c))
		if err != nil {
			return err
		}
		out.Items = append(out.Items, r)
	}
	return c.JSON(out)
}

func (s *Server) apiMyApplyInvitations(c *fiber.Ctx) error {
	pr, err := parsePageQuery(c)
	if err != nil {
		return err
	}
	page, err := s.applications.InvitationsForCandidate(c.UserContext(), userOf(c).ID, pr)
	if err != nil {
		return err
	}
	out := applyInvitationPageResponse{Items: make([]applyInvitationResponse, 0, len(page.Items)), Total: page.Total, Page: page.Number, PageSize: page.Size}
	for _, inv := range page.Items {
		out.Items = append(out.Items, s.toApplyInvitation(inv, langOf(c)))
	}
	return c.JSON(out)
}

func (s *Server) apiAcceptApplyInvitation(c *fiber.Ctx) error {
	var req acceptApplyInvitationRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	a, err := s.applications.AcceptInvitation(c.UserContext(), c.Params("id"), req.Message)
	if err != nil {
		return err
	}
	return c.JSON(s.toApplication(a, langOf(c)))
}

func (s *Server) apiDeclineApplyInvitation(c *fiber.Ctx) error {
	inv, err := s.applications.DeclineInvitation(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(s.toApplyInvitation(inv, langOf(c)))
}

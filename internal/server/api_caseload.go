package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/caseload"
)

// Caseload is what the HTTP layer asks of the caseload service
// (caseload.Service decides who may do what).
type Caseload interface {
	Invite(ctx context.Context, email string) (caseload.Invitation, error)
	OrgInvitations(ctx context.Context) ([]caseload.Invitation, error)
	MyInvitations(ctx context.Context) ([]caseload.Invitation, error)
	AcceptInvitation(ctx context.Context, id string) (caseload.Invitation, error)
	DeclineInvitation(ctx context.Context, id string) (caseload.Invitation, error)
	Organisations(ctx context.Context) ([]caseload.Organisation, error)
	RequestLink(ctx context.Context, orgID string) (caseload.Request, error)
	MyRequests(ctx context.Context) ([]caseload.Request, error)
	OrgRequests(ctx context.Context) ([]caseload.Request, error)
	AcceptRequest(ctx context.Context, id string) (caseload.Request, error)
	DeclineRequest(ctx context.Context, id string) (caseload.Request, error)
	MyLinks(ctx context.Context) ([]caseload.MyLink, error)
	EndLink(ctx context.Context, orgID string) error
	Dashboard(ctx context.Context, f caseload.Filter, page caseload.PageRequest) (caseload.Dashboard, error)
}

// AdviserConsent is the candidate's consent to applications made on their
// behalf by their advisers; application.Service implements it.
type AdviserConsent interface {
	Settings(ctx context.Context, candidateID string) (application.Settings, error)
	SetAdviserMayApply(ctx context.Context, allowed bool) (application.Settings, error)
}

// Request and response shapes of the caseload API.

type caseloadInviteRequest struct {
	Email string `json:"email" validate:"required,max=254"`
}

type caseloadLinkRequest struct {
	OrgID string `json:"orgId" validate:"required,max=64"`
}

type caseloadSettingsRequest struct {
	AdviserMayApply *bool `json:"adviserMayApply" validate:"required"`
}

// caseloadQuery is the dashboard's query: filters and paging.
type caseloadQuery struct {
	Q             string `form:"q" validate:"max=100"`
	Status        string `form:"status" validate:"omitempty,max=20"`
	NoApplication bool   `form:"noApplication"`
	Inactive      bool   `form:"inactive"`
	Page          int    `form:"page" validate:"gte=1,lte=1000"`
	PageSize      int    `form:"pageSize" validate:"gte=1,lte=100"`
}

type caseloadOrgResponse struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	City        string `json:"city,omitempty"`
	AdviserType string `json:"adviserType,omitempty"`
}

type caseloadInvitationResponse struct {
	ID          string     `json:"id"`
	OrgID       string     `json:"orgId"`
	OrgName     string     `json:"orgName,omitempty"`
	Email       string     `json:"email"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"statusLabel"`
	CreatedAt   time.Time  `json:"createdAt"`
	RespondedAt *time.Time `json:"respondedAt,omitempty"`
}

type caseloadRequestResponse struct {
	ID            string     `json:"id"`
	CandidateID   string     `json:"candidateId"`
	CandidateName string     `json:"candidateName"`
	OrgID         string     `json:"orgId"`
	OrgName       string     `json:"orgName,omitempty"`
	Status        string     `json:"status"`
	StatusLabel   string     `json:"statusLabel"`
	CreatedAt     time.Time  `json:"createdAt"`
	RespondedAt   *time.Time `json:"respondedAt,omitempty"`
}

type caseloadLinkResponse struct {
	Org   caseloadOrgResponse `json:"organisation"`
	Since *time.Time          `json:"since,omitempty"`
	Via   string              `json:"via,omitempty"`
}

type caseloadSettingsResponse struct {
	AdviserMayApply bool       `json:"adviserMayApply"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
}

type caseloadRowResponse struct {
	CandidateID       string         `json:"candidateId"`
	Name              string         `json:"name"`
	BestScore         *float64       `json:"bestScore,omitempty"`
	Applications      map[string]int `json:"applications"`
	TotalApplications int            `json:"totalApplications"`
	LastActivity      time.Time      `json:"lastActivity"`
	Inactive          bool           `json:"inactive"`
	ProfileURL        string         `json:"profileUrl"`
	MatchesURL        string         `json:"matchesUrl"`
}

type caseloadOutcomeResponse struct {
	Status string `json:"status"`
	Label  string `json:"label"`
	Count  int    `json:"count"`
}

type caseloadDashboardResponse struct {
	Items        []caseloadRowResponse     `json:"items"`
	Total        int                       `json:"total"`
	CaseloadSize int                       `json:"caseloadSize"`
	Truncated    bool                      `json:"truncated"`
	Page         int                       `json:"page"`
	PageSize     int                       `json:"pageSize"`
	Outcomes     []caseloadOutcomeResponse `json:"outcomes"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) toCaseloadInvitation(i caseload.Invitation, orgs map[string]caseload.Organisation, lang string) caseloadInvitationResponse {
	return caseloadInvitationResponse{ID: i.ID, OrgID: i.OrgID, OrgName: orgs[i.OrgID].Name, Email: i.Email, Status: string(i.Status),
		StatusLabel: s.catalog.T(lang, "caseload.status."+string(i.Status)), CreatedAt: i.CreatedAt, RespondedAt: optTime(i.RespondedAt)}
}

func (s *Server) toCaseloadRequest(r caseload.Request, orgs map[string]caseload.Organisation, lang string) caseloadRequestResponse {
	return caseloadRequestResponse{ID: r.ID, CandidateID: r.CandidateID, CandidateName: r.CandidateName, OrgID: r.OrgID,
		OrgName: orgs[r.OrgID].Name, Status: string(r.Status), StatusLabel: s.catalog.T(lang, "caseload.status."+string(r.Status)),
		CreatedAt: r.CreatedAt, RespondedAt: optTime(r.RespondedAt)}
}

func toCaseloadOrg(o caseload.Organisation) caseloadOrgResponse {
	return caseloadOrgResponse{ID: o.ID, Name: o.Name, City: o.City, AdviserType: o.AdviserType}
}

// caseloadService answers 503 when the server was built without the
// caseload service (a partial wiring), rather than failing on nil.
func (s *Server) caseloadService(c *fiber.Ctx) error {
	if s.caseload == nil || s.consent == nil {
		return passerelle.Errorf(passerelle.EUNAVAILABLE, "error.unavailable")
	}
	return c.Next()
}

func (s *Server) mountCaseloadAPI(api fiber.Router) {
	adviserOnly, candidateOnly := requireAPI(auth.RoleAdviser), requireAPI(auth.RoleCandidate)
	r := api.Group("/caseload", s.caseloadService)
	r.Get("", adviserOnly, s.apiCaseloadDashboard)
	r.Get("/organisations", requireAPI(), s.apiCaseloadOrganisations)
	r.Get("/invitations", adviserOnly, s.apiCaseloadInvitations)
	r.Post("/invitations", adviserOnly, s.apiCaseloadInvite)
	r.Get("/requests", adviserOnly, s.apiCaseloadRequests)
	r.Post("/requests/:id/accept", adviserOnly, s.apiCaseloadAnswerRequest(true))
	r.Post("/requests/:id/decline", adviserOnly, s.apiCaseloadAnswerRequest(false))

	me := api.Group("/me/caseload", s.caseloadService)
	me.Get("/links", candidateOnly, s.apiMyCaseloadLinks)
	me.Delete("/links/:orgId", candidateOnly, s.apiEndCaseloadLink)
	me.Get("/invitations", candidateOnly, s.apiMyCaseloadInvitations)
	me.Post("/invitations/:id/accept", candidateOnly, s.apiAnswerCaseloadInvitation(true))
	me.Post("/invitations/:id/decline", candidateOnly, s.apiAnswerCaseloadInvitation(false))
	me.Get("/requests", candidateOnly, s.apiMyCaseloadRequests)
	me.Post("/requests", candidateOnly, s.apiRequestCaseloadLink)
	me.Get("/settings", candidateOnly, s.apiCaseloadSettings)
	me.Put("/settings", candidateOnly, s.apiPutCaseloadSettings)
}

// orgIndex maps the directory by id, for organisation names.
func (s *Server) orgIndex(ctx context.Context) (map[string]caseload.Organisation, error) {
	orgs, err := s.caseload.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]caseload.Organisation, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o
	}
	return m, nil
}

func parseCaseloadQuery(c *fiber.Ctx) (caseloadQuery, error) {
	var errs []passerelle.FieldError
	flag := func(name string) bool {
		switch strings.ToLower(strings.TrimSpace(c.Query(name))) {
		case "", "0", "false", "off":
			return false
		case "1", "true", "on":
			return true
		}
		errs = append(errs, passerelle.FieldError{Field: name, Key: "validation.type", Param: "boolean"})
		return false
	}
	q := caseloadQuery{Q: c.Query("q"), Status: c.Query("status"), NoApplication: flag("noApplication"), Inactive: flag("inactive"),
		Page: queryIntParam(c, "page", 1, &errs), PageSize: queryIntParam(c, "pageSize", 20, &errs)}
	return q, validateQuery(q, errs)
}

func (q caseloadQuery) filter() (caseload.Filter, caseload.PageRequest) {
	return caseload.Filter{Text: q.Q, Status: application.Status(q.Status), NoApplication: q.NoApplication, Inactive: q.Inactive},
		caseload.PageRequest{Number: q.Page, Size: q.PageSize}
}

func (s *Server) apiCaseloadDashboard(c *fiber.Ctx) error {
	q, err := parseCaseloadQuery(c)
	if err != nil {
		return err
	}
	f, page := q.filter()
	d, err := s.caseload.Dashboard(c.UserContext(), f, page)
	if err != nil {
		return err
	}
	lang := langOf(c)
	out := caseloadDashboardResponse{Items: make([]caseloadRowResponse, 0, len(d.Rows)), Total: d.Total, CaseloadSize: d.CaseloadSize,
		Truncated: d.Truncated, Page: d.Number, PageSize: d.Size}
	for _, r := range d.Rows {
		row := caseloadRowResponse{CandidateID: r.CandidateID, Name: r.Name, Applications: map[string]int{}, TotalApplications: r.TotalApplications,
			LastActivity: r.LastActivity, Inactive: r.Inactive,
			ProfileURL: "/candidates/" + r.CandidateID + "/profile", MatchesURL: "/candidates/" + r.CandidateID + "/matches"}
		if r.HasScore {
			score := r.BestScore
			row.BestScore = &score
		}
		for st, n := range r.Applications {
			row.Applications[string(st)] = n
		}
		out.Items = append(out.Items, row)
	}
	for _, o := range d.Outcomes {
		out.Outcomes = append(out.Outcomes, caseloadOutcomeResponse{Status: string(o.Status), Label: s.catalog.T(lang, "application.status."+string(o.Status)), Count: o.Count})
	}
	return c.JSON(out)
}

func (s *Server) apiCaseloadOrganisations(c *fiber.Ctx) error {
	orgs, err := s.caseload.Organisations(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]caseloadOrgResponse, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, toCaseloadOrg(o))
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) apiCaseloadInvitations(c *fiber.Ctx) error {
	invs, err := s.caseload.OrgInvitations(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]caseloadInvitationResponse, 0, len(invs))
	for _, i := range invs {
		out = append(out, s.toCaseloadInvitation(i, nil, langOf(c)))
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) apiCaseloadInvite(c *fiber.Ctx) error {
	var req caseloadInviteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	inv, err := s.caseload.Invite(c.UserContext(), req.Email)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.toCaseloadInvitation(inv, nil, langOf(c)))
}

func (s *Server) apiCaseloadRequests(c *fiber.Ctx) error {
	rs, err := s.caseload.OrgRequests(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]caseloadRequestResponse, 0, len(rs))
	for _, r := range rs {
		out = append(out, s.toCaseloadRequest(r, nil, langOf(c)))
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) apiCaseloadAnswerRequest(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		answer := s.caseload.DeclineRequest
		if accept {
			answer = s.caseload.AcceptRequest
		}
		r, err := answer(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(s.toCaseloadRequest(r, nil, langOf(c)))
	}
}

func (s *Server) apiMyCaseloadLinks(c *fiber.Ctx) error {
	links, err := s.caseload.MyLinks(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]caseloadLinkResponse, 0, len(links))
	for _, l := range links {
		out = append(out, caseloadLinkResponse{Org: toCaseloadOrg(l.Org), Since: optTime(l.Since), Via: string(l.Via)})
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) apiEndCaseloadLink(c *fiber.Ctx) error {
	if err := s.caseload.EndLink(c.UserContext(), c.Params("orgId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiMyCaseloadInvitations(c *fiber.Ctx) error {
	ctx := c.UserContext()
	invs, err := s.caseload.MyInvitations(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	out := make([]caseloadInvitationResponse, 0, len(invs))
	for _, i := range invs {
		out = append(out, s.toCaseloadInvitation(i, orgs, langOf(c)))
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) apiAnswerCaseloadInvitation(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		answer := s.caseload.DeclineInvitation
		if accept {
			answer = s.caseload.AcceptInvitation
		}
		ctx := c.UserContext()
		inv, err := answer(ctx, c.Params("id"))
		if err != nil {
			return err
		}
		orgs, err := s.orgIndex(ctx)
		if err != nil {
			return err
		}
		return c.JSON(s.toCaseloadInvitation(inv, orgs, langOf(c)))
	}
}

func (s *Server) apiMyCaseloadRequests(c *fiber.Ctx) error {
	ctx := c.UserContext()
	rs, err := s.caseload.MyRequests(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	out := make([]caseloadRequestResponse, 0, len(rs))
	for _, r := range rs {
		out = append(out, s.toCaseloadRequest(r, orgs, langOf(c)))
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) apiRequestCaseloadLink(c *fiber.Ctx) error {
	var req caseloadLinkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := s.caseload.RequestLink(ctx, req.OrgID)
	if err != nil {
		return err
	}
	orgs, err := s.orgIndex(ctx)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.toCaseloadRequest(r, orgs, langOf(c)))
}

func (s *Server) apiCaseloadSettings(c *fiber.Ctx) error {
	st, err := s.consent.Settings(c.UserContext(), userOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(caseloadSettingsResponse{AdviserMayApply: st.AdviserMayApply, UpdatedAt: optTime(st.UpdatedAt)})
}

func (s *Server) apiPutCaseloadSettings(c *fiber.Ctx) error {
	var req caseloadSettingsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	st, err := s.consent.SetAdviserMayApply(c.UserContext(), *req.AdviserMayApply)
	if err != nil {
		return err
	}
	return c.JSON(caseloadSettingsResponse{AdviserMayApply: st.AdviserMayApply, UpdatedAt: optTime(st.UpdatedAt)})
}

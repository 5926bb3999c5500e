package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/account"
	"passerelle/internal/auth"
)

// Request and response shapes of the account API. They carry json and
// validate tags; the domain types do not, and converters join the two, so a
// client can never set a field the request type does not declare.

type registerCandidateRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,min=8,max=128"`
	Name     string `json:"name" validate:"required,notblank,max=100"`
	Lang     string `json:"lang" validate:"omitempty,oneof=fr en"`
}

type registerEmployerRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,min=8,max=128"`
	Name     string `json:"name" validate:"required,notblank,max=100"`
	Lang     string `json:"lang" validate:"omitempty,oneof=fr en"`
	Company  struct {
		Name  string `json:"name" validate:"required,notblank,min=2,max=120"`
		SIREN string `json:"siren" validate:"required,siren"`
		City  string `json:"city" validate:"required,notblank,max=100"`
	} `json:"company"`
}

type tokenRequest struct {
	Token string `json:"token" validate:"required,max=200"`
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=128"`
}

type refreshRequest struct {
	RefreshToken string `json:"refreshToken" validate:"required,max=200"`
}

type forgotRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

type resetRequest struct {
	Token    string `json:"token" validate:"required,max=200"`
	Password string `json:"password" validate:"required,min=8,max=128"`
}

type updateMeRequest struct {
	Name *string `json:"name" validate:"omitempty,notblank,max=100"`
	Lang *string `json:"lang" validate:"omitempty,oneof=fr en"`
}

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword" validate:"required,max=128"`
	NewPassword     string `json:"newPassword" validate:"required,min=8,max=128"`
}

type inviteRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

type acceptInvitationRequest struct {
	Token    string `json:"token" validate:"required,max=200"`
	Name     string `json:"name" validate:"required,notblank,max=100"`
	Password string `json:"password" validate:"required,min=8,max=128"`
}

type createAdviserOrgRequest struct {
	Name        string `json:"name" validate:"required,notblank,min=2,max=120"`
	AdviserType string `json:"adviserType" validate:"required,oneof=public_employment training_body association"`
	City        string `json:"city" validate:"required,notblank,max=100"`
	OwnerEmail  string `json:"ownerEmail" validate:"required,email,max=254"`
}

type tokensResponse struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	TokenType    string `json:"tokenType"`
	ExpiresIn    int    `json:"expiresIn"`
}

func toTokens(t account.Tokens) tokensResponse {
	return tokensResponse{AccessToken: t.Access, RefreshToken: t.Refresh, TokenType: "Bearer", ExpiresIn: t.ExpiresIn}
}

type userResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	OrgID     string    `json:"orgId,omitempty"`
	OrgOwner  bool      `json:"orgOwner"`
	Verified  bool      `json:"verified"`
	Lang      string    `json:"lang"`
	CreatedAt time.Time `json:"createdAt"`
}

func toUser(u account.User) userResponse {
	return userResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), OrgID: u.OrgID, OrgOwner: u.OrgOwner, Verified: u.Verified, Lang: u.Lang, CreatedAt: u.CreatedAt}
}

type orgResponse struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	SIREN       string    `json:"siren,omitempty"`
	City        string    `json:"city"`
	AdviserType string    `json:"adviserType,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
}

func toOrg(o account.Organisation) orgResponse {
	return orgResponse{ID: o.ID, Kind: string(o.Kind), Name: o.Name, SIREN: o.SIREN, City: o.City, AdviserType: o.AdviserType, CreatedAt: o.CreatedAt}
}

type memberResponse struct {
	UserID string    `json:"userId"`
	Name   string    `json:"name"`
	Email  string    `json:"email"`
	Owner  bool      `json:"owner"`
	Since  time.Time `json:"since"`
}

type invitationResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expiresAt"`
	CreatedAt time.Time `json:"createdAt"`
}

func toInvitation(i account.Invitation) invitationResponse {
	return invitationResponse{ID: i.ID, Email: i.Email, ExpiresAt: i.ExpiresAt, CreatedAt: i.CreatedAt}
}

type acceptedResponse struct {
	Message string `json:"message"`
}

func (s *Server) mountAccountAPI(api fiber.Router) {
	api.Post("/auth/register/candidate", s.apiRegisterCandidate)
	api.Post("/auth/register/employer", s.apiRegisterEmployer)
	api.Post("/auth/verify", s.apiVerify)
	api.Post("/auth/login", s.apiLogin)
	api.Post("/auth/refresh", s.apiRefresh)
	api.Post("/auth/logout", requireAPI(), s.apiLogout)
	api.Post("/auth/password/forgot", s.apiForgot)
	api.Post("/auth/password/reset", s.apiReset)
	api.Get("/me", requireAPI(), s.apiMe)
	api.Patch("/me", requireAPI(), s.apiUpdateMe)
	api.Post("/me/password", requireAPI(), s.apiChangePassword)
	api.Get("/organisations/:id", requireAPI(), s.apiOrganisation)
	api.Get("/organisations/:id/members", requireAPI(), s.apiMembers)
	api.Post("/organisations/:id/invitations", requireAPI(auth.RoleEmployer, auth.RoleAdviser, auth.RoleAdmin), s.apiInvite)
	api.Post("/invitations/accept", s.apiAcceptInvitation)
	api.Post("/admin/organisations", requireAPI(auth.RoleAdmin), s.apiCreateAdviserOrg)
	api.Post("/admin/users/:id/disable", requireAPI(auth.RoleAdmin), s.apiSetDisabled(true))
	api.Post("/admin/users/:id/enable", requireAPI(auth.RoleAdmin), s.apiSetDisabled(false))
}

func (s *Server) accepted(c *fiber.Ctx, key string) error {
	return c.Status(fiber.StatusAccepted).JSON(acceptedResponse{Message: s.catalog.T(langOf(c), key)})
}

func (s *Server) apiRegisterCandidate(c *fiber.Ctx) error {
	var req registerCandidateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = langOf(c)
	}
	if err := s.accounts.RegisterCandidate(c.UserContext(), account.RegisterCandidate{Email: req.Email, Password: req.Password, Name: req.Name, Lang: req.Lang}); err != nil {
		return err
	}
	return s.accepted(c, "account.registered")
}

func (s *Server) apiRegisterEmployer(c *fiber.Ctx) error {
	var req registerEmployerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = langOf(c)
	}
	in := account.RegisterEmployer{Email: req.Email, Password: req.Password, Name: req.Name, Lang: req.Lang,
		CompanyName: req.Company.Name, SIREN: req.Company.SIREN, City: req.Company.City}
	if err := s.accounts.RegisterEmployer(c.UserContext(), in); err != nil {
		return err
	}
	return s.accepted(c, "account.registered")
}

func (s *Server) apiVerify(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.accounts.VerifyEmail(c.UserContext(), req.Token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiLogin(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.accounts.Authenticate(c.UserContext(), req.Email, req.Password, s.clientAddr(c))
	if err != nil {
		return err
	}
	t, err := s.accounts.StartAPISession(c.UserContext(), u)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokens(t))
}

func (s *Server) apiRefresh(c *fiber.Ctx) error {
	var req refreshRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := s.accounts.RefreshAPISession(c.UserContext(), req.RefreshToken)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokens(t))
}

func (s *Server) apiLogout(c *fiber.Ctx) error {
	id, _ := auth.FromContext(c.UserContext())
	if err := s.accounts.Logout(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiForgot(c *fiber.Ctx) error {
	var req forgotRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.accounts.RequestPasswordReset(c.UserContext(), req.Email); err != nil {
		return err
	}
	return s.accepted(c, "account.reset_requested")
}

func (s *Server) apiReset(c *fiber.Ctx) error {
	var req resetRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.accounts.ResetPassword(c.UserContext(), req.Token, req.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiMe(c *fiber.Ctx) error {
	return c.JSON(toUser(*userOf(c)))
}

func (s *Server) apiUpdateMe(c *fiber.Ctx) error {
	var req updateMeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.accounts.UpdateMe(c.UserContext(), account.UpdateMe{Name: req.Name, Lang: req.Lang})
	if err != nil {
		return err
	}
	return c.JSON(toUser(u))
}

func (s *Server) apiChangePassword(c *fiber.Ctx) error {
	var req changePasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(c.UserContext(), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiOrganisation(c *fiber.Ctx) error {
	o, err := s.accounts.Organisation(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toOrg(o))
}

func (s *Server) apiMembers(c *fiber.Ctx) error {
	members, invitations, err := s.accounts.Members(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	out := struct {
		Members     []memberResponse     `json:"members"`
		Invitations []invitationResponse `json:"invitations"`
	}{Members: []memberResponse{}, Invitations: []invitationResponse{}}
	for _, m := range members {
		out.Members = append(out.Members, memberResponse{UserID: m.UserID, Name: m.Name, Email: m.Email, Owner: m.Owner, Since: m.Since})
	}
	for _, i := range invitations {
		out.Invitations = append(out.Invitations, toInvitation(i))
	}
	return c.JSON(out)
}

func (s *Server) apiInvite(c *fiber.Ctx) error {
	var req inviteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	inv, token, err := s.accounts.Invite(c.UserContext(), c.Params("id"), req.Email)
	if err != nil {
		return err
	}
	// The owner may also pass the link on by hand; it is theirs to share.
	return c.Status(fiber.StatusCreated).JSON(struct {
		invitationResponse
		AcceptURL string `json:"acceptUrl"`
	}{toInvitation(inv), s.cfg.BaseURL + "/invitations/accept?token=" + token})
}

func (s *Server) apiAcceptInvitation(c *fiber.Ctx) error {
	var req acceptInvitationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.accounts.AcceptInvitation(c.UserContext(), req.Token, account.AcceptInvitation{Name: req.Name, Password: req.Password})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toUser(u))
}

func (s *Server) apiCreateAdviserOrg(c *fiber.Ctx) error {
	var req createAdviserOrgRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	o, token, err := s.accounts.CreateAdviserOrganisation(c.UserContext(), req.Name, req.AdviserType, req.City, req.OwnerEmail)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		orgResponse
		OwnerInvitationURL string `json:"ownerInvitationUrl"`
	}{toOrg(o), s.cfg.BaseURL + "/invitations/accept?token=" + token})
}

func (s *Server) apiSetDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := s.accounts.SetDisabled(c.UserContext(), c.Params("id"), disabled); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

package server

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

func (s *Server) mountAccountPages(r fiber.Router) {
	r.Get("/login", s.pageLogin)
	r.Post("/login", s.pageLoginPost)
	r.Post("/logout", requirePage(), s.pageLogout)
	r.Get("/register/candidate", s.pageRegister("register_candidate"))
	r.Post("/register/candidate", s.pageRegisterCandidatePost)
	r.Get("/register/employer", s.pageRegister("register_employer"))
	r.Post("/register/employer", s.pageRegisterEmployerPost)
	r.Get("/verify", s.pageVerify)
	r.Get("/password/forgot", s.pageForgot)
	r.Post("/password/forgot", s.pageForgotPost)
	r.Get("/password/reset", s.pageReset)
	r.Post("/password/reset", s.pageResetPost)
	r.Get("/invitations/accept", s.pageInvitation)
	r.Post("/invitations/accept", s.pageInvitationPost)
	r.Get("/organisation", requirePage(auth.RoleEmployer, auth.RoleAdviser), s.pageMembers)
	r.Post("/organisation/invitations", requirePage(auth.RoleEmployer, auth.RoleAdviser), s.pageInvitePost)
	r.Get("/account", requirePage(), s.pageAccount)
	r.Post("/account/password", requirePage(), s.pagePasswordPost)
}

// formFrom copies the named form fields the user typed (never passwords)
// so that a form shown again with errors keeps what they wrote.
func formFrom(c *fiber.Ctx, names ...string) *Form {
	f := &Form{Values: map[string]string{}}
	for _, n := range names {
		f.Values[n] = c.FormValue(n)
	}
	return f
}

// showFormError renders page again with err on the form: field errors beside
// their fields, expected refusals (credentials, conflict, throttling) at the
// top with their status. Unexpected errors go to the error handler.
func (s *Server) showFormError(c *fiber.Ctx, page, title string, f *Form, data any, err error) error {
	var perr *passerelle.Error
	if !errors.As(err, &perr) {
		return err
	}
	status, ok := statusOf[perr.Code]
	if !ok || status >= 500 {
		return err
	}
	lang := langOf(c)
	for _, fe := range perr.Fields {
		s.addFieldError(lang, f, fe)
	}
	if len(perr.Fields) == 0 {
		key := perr.Key
		if key == "" {
			key = "error." + perr.Code
		}
		f.General = s.catalog.T(lang, key, perr.Args...)
	}
	if status == fiber.StatusTooManyRequests && len(perr.Args) > 0 {
		if secs, ok := perr.Args[0].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		}
	}
	if data == nil {
		data = f
	}
	return s.renderStatus(c, status, page, title, data)
}

func (s *Server) addFieldError(lang string, f *Form, fe passerelle.FieldError) {
	field := fe.Field
	if field == "" {
		field = "form"
	}
	f.addError(field, s.fieldMessage(lang, fe))
}

func (s *Server) t(c *fiber.Ctx, key string, args ...any) string {
	return s.catalog.T(langOf(c), key, args...)
}

type messagePage struct {
	Title, Body, LinkHref, LinkLabel string
}

func (s *Server) message(c *fiber.Ctx, status int, titleKey, bodyKey, href, linkKey string) error {
	m := messagePage{Title: s.t(c, titleKey), Body: s.t(c, bodyKey), LinkHref: href}
	if linkKey != "" {
		m.LinkLabel = s.t(c, linkKey)
	}
	return s.renderStatus(c, status, "message", m.Title, m)
}

func (s *Server) pageLogin(c *fiber.Ctx) error {
	if userOf(c) != nil {
		return c.Redirect("/account", fiber.StatusSeeOther)
	}
	f := &Form{Values: map[string]string{"next": safeNext(c.Query("next"))}}
	return s.render(c, "login", s.t(c, "login.title"), f)
}

func (s *Server) pageLoginPost(c *fiber.Ctx) error {
	f := formFrom(c, "email", "next")
	f.Values["next"] = safeNext(f.Values["next"])
	title := s.t(c, "login.title")
	var req loginRequest
	req.Email, req.Password = c.FormValue("email"), c.FormValue("password")
	if err := validateStruct(req); err != nil {
		return s.showFormError(c, "login", title, f, nil, err)
	}
	u, err := s.accounts.Authenticate(c.UserContext(), req.Email, req.Password, s.clientAddr(c))
	if err != nil {
		return s.showFormError(c, "login", title, f, nil, err)
	}
	token, sess, err := s.accounts.StartBrowserSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	s.flash(c, "login.welcome")
	return c.Redirect(f.Values["next"], fiber.StatusSeeOther)
}

func (s *Server) pageLogout(c *fiber.Ctx) error {
	id, _ := auth.FromContext(c.UserContext())
	if err := s.accounts.Logout(c.UserContext(), id); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	s.flash(c, "logout.done")
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *Server) pageRegister(page string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return s.render(c, page, s.t(c, "register.title"), &Form{})
	}
}

func (s *Server) pageRegisterCandidatePost(c *fiber.Ctx) error {
	f := formFrom(c, "name", "email")
	req := registerCandidateRequest{Email: c.FormValue("email"), Password: c.FormValue("password"), Name: c.FormValue("name"), Lang: langOf(c)}
	err := validateStruct(req)
	if err == nil {
		err = s.accounts.RegisterCandidate(c.UserContext(), account.RegisterCandidate{Email: req.Email, Password: req.Password, Name: req.Name, Lang: req.Lang})
	}
	if err != nil {
		return s.showFormError(c, "register_candidate", s.t(c, "register.title"), f, nil, err)
	}
	return s.message(c, fiber.StatusOK, "register.done_title", "account.registered", "/login", "nav.login")
}

func (s *Server) pageRegisterEmployerPost(c *fiber.Ctx) error {
	f := formFrom(c, "name", "email", "company.name", "company.siren", "company.city")
	var req registerEmployerRequest
	req.Email, req.Password, req.Name, req.Lang = c.FormValue("email"), c.FormValue("password"), c.FormValue("name"), langOf(c)
	req.Company.Name, req.Company.SIREN, req.Company.City = c.FormValue("company.name"), c.FormValue("company.siren"), c.FormValue("company.city")
	err := validateStruct(req)
	if err == nil {
		err = s.accounts.RegisterEmployer(c.UserContext(), account.RegisterEmployer{Email: req.Email, Password: req.Password, Name: req.Name, Lang: req.Lang,
			CompanyName: req.Company.Name, SIREN: req.Company.SIREN, City: req.Company.City})
	}
	if err != nil {
		return s.showFormError(c, "register_employer", s.t(c, "register.title"), f, nil, err)
	}
	return s.message(c, fiber.StatusOK, "register.done_title", "account.registered", "/login", "nav.login")
}

func (s *Server) pageVerify(c *fiber.Ctx) error {
	if err := s.accounts.VerifyEmail(c.UserContext(), c.Query("token")); err != nil {
		if code := passerelle.ErrorCode(err); code == passerelle.EINTERNAL || code == passerelle.EUNAVAILABLE {
			return err
		}
		return s.message(c, fiber.StatusBadRequest, "verify.failed_title", "verify.failed", "/login", "nav.login")
	}
	return s.message(c, fiber.StatusOK, "verify.done_title", "verify.done", "/login", "nav.login")
}

func (s *Server) pageForgot(c *fiber.Ctx) error {
	return s.render(c, "password_forgot", s.t(c, "password.forgot.title"), &Form{})
}

func (s *Server) pageForgotPost(c *fiber.Ctx) error {
	f := formFrom(c, "email")
	req := forgotRequest{Email: c.FormValue("email")}
	err := validateStruct(req)
	if err == nil {
		err = s.accounts.RequestPasswordReset(c.UserContext(), req.Email)
	}
	if err != nil {
		return s.showFormError(c, "password_forgot", s.t(c, "password.forgot.title"), f, nil, err)
	}
	return s.message(c, fiber.StatusOK, "password.forgot.title", "account.reset_requested", "/login", "nav.login")
}

func (s *Server) pageReset(c *fiber.Ctx) error {
	return s.render(c, "password_reset", s.t(c, "password.reset.title"), &Form{Values: map[string]string{"token": c.Query("token")}})
}

func (s *Server) pageResetPost(c *fiber.Ctx) error {
	f := formFrom(c, "token")
	req := resetRequest{Token: c.FormValue("token"), Password: c.FormValue("password")}
	err := validateStruct(req)
	if err == nil {
		err = s.accounts.ResetPassword(c.UserContext(), req.Token, req.Password)
	}
	if err != nil {
		return s.showFormError(c, "password_reset", s.t(c, "password.reset.title"), f, nil, err)
	}
	s.flash(c, "password.reset.done")
	return c.Redirect("/login", fiber.StatusSeeOther)
}

type invitationPage struct {
	OrgName, Email string
	f              *Form
}

func (p invitationPage) form() *Form { return p.f }

func (s *Server) pageInvitation(c *fiber.Ctx) error {
	token := c.Query("token")
	inv, org, err := s.accounts.InvitationInfo(c.UserContext(), token)
	if err != nil {
		if code := passerelle.ErrorCode(err); code == passerelle.EINTERNAL || code == passerelle.EUNAVAILABLE {
			return err
		}
		return s.message(c, fiber.StatusNotFound, "invitation.invalid_title", "invitation.invalid", "/", "error.back_home")
	}
	return s.render(c, "invitation", s.t(c, "invitation.title"), invitationPage{OrgName: org.Name, Email: inv.Email, f: &Form{Values: map[string]string{"token": token}}})
}

func (s *Server) pageInvitationPost(c *fiber.Ctx) error {
	f := formFrom(c, "token", "name")
	inv, org, err := s.accounts.InvitationInfo(c.UserContext(), f.Values["token"])
	if err != nil {
		if code := passerelle.ErrorCode(err); code == passerelle.EINTERNAL || code == passerelle.EUNAVAILABLE {
			return err
		}
		return s.message(c, fiber.StatusNotFound, "invitation.invalid_title", "invitation.invalid", "/", "error.back_home")
	}
	page := invitationPage{OrgName: org.Name, Email: inv.Email, f: f}
	req := acceptInvitationRequest{Token: f.Values["token"], Name: c.FormValue("name"), Password: c.FormValue("password")}
	var u account.User
	err = validateStruct(req)
	if err == nil {
		u, err = s.accounts.AcceptInvitation(c.UserContext(), req.Token, account.AcceptInvitation{Name: req.Name, Password: req.Password})
	}
	if err != nil {
		return s.showFormError(c, "invitation", s.t(c, "invitation.title"), f, page, err)
	}
	token, sess, err := s.accounts.StartBrowserSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	s.flash(c, "invitation.accepted")
	return c.Redirect("/organisation", fiber.StatusSeeOther)
}

type membersPage struct {
	Org         account.Organisation
	Members     []account.Member
	Invitations []account.Invitation
	CanInvite   bool
	InviteLink  string
	f           *Form
}

func (p membersPage) form() *Form { return p.f }

func (s *Server) membersData(c *fiber.Ctx) (membersPage, error) {
	u := userOf(c)
	org, err := s.accounts.Organisation(c.UserContext(), u.OrgID)
	if err != nil {
		return membersPage{}, err
	}
	members, invitations, err := s.accounts.Members(c.UserContext(), u.OrgID)
	if err != nil {
		return membersPage{}, err
	}
	return membersPage{Org: org, Members: members, Invitations: invitations, CanInvite: u.OrgOwner, f: &Form{}}, nil
}

func (s *Server) pageMembers(c *fiber.Ctx) error {
	p, err := s.membersData(c)
	if err != nil {
		return err
	}
	return s.render(c, "members", p.Org.Name, p)
}

func (s *Server) pageInvitePost(c *fiber.Ctx) error {
	f := formFrom(c, "email")
	req := inviteRequest{Email: c.FormValue("email")}
	var token string
	err := validateStruct(req)
	if err == nil {
		_, token, err = s.accounts.Invite(c.UserContext(), userOf(c).OrgID, req.Email)
	}
	p, perr := s.membersData(c)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.f = f
		return s.showFormError(c, "members", p.Org.Name, f, p, err)
	}
	p.InviteLink = s.cfg.BaseURL + "/invitations/accept?token=" + token
	return s.render(c, "members", p.Org.Name, p)
}

type accountPage struct {
	Email    string
	Verified bool
	f        *Form
}

func (p accountPage) form() *Form { return p.f }

func (s *Server) pageAccount(c *fiber.Ctx) error {
	u := userOf(c)
	return s.render(c, "account", s.t(c, "account.title"), accountPage{Email: u.Email, Verified: u.Verified, f: &Form{}})
}

func (s *Server) pagePasswordPost(c *fiber.Ctx) error {
	u := userOf(c)
	f := &Form{Values: map[string]string{}}
	page := accountPage{Email: u.Email, Verified: u.Verified, f: f}
	req := changePasswordRequest{CurrentPassword: c.FormValue("currentPassword"), NewPassword: c.FormValue("newPassword")}
	err := validateStruct(req)
	if err == nil {
		err = s.accounts.ChangePassword(c.UserContext(), req.CurrentPassword, req.NewPassword)
	}
	if err != nil {
		return s.showFormError(c, "account", s.t(c, "account.title"), f, page, err)
	}
	// Every session ended with the old password, this one included: log in again.
	s.clearSessionCookie(c)
	s.flash(c, "account.password_changed")
	return c.Redirect("/login", fiber.StatusSeeOther)
}

package server

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

// Accounts is what the HTTP layer asks of the account service.
type Accounts interface {
	AdviserDirectory
	RegisterCandidate(ctx context.Context, in account.RegisterCandidate) error
	RegisterEmployer(ctx context.Context, in account.RegisterEmployer) error
	VerifyEmail(ctx context.Context, token string) error
	Authenticate(ctx context.Context, email, password, clientAddr string) (account.User, error)
	StartAPISession(ctx context.Context, u account.User) (account.Tokens, error)
	RefreshAPISession(ctx context.Context, refresh string) (account.Tokens, error)
	StartBrowserSession(ctx context.Context, u account.User) (string, account.Session, error)
	BrowserSession(ctx context.Context, cookieToken string) (account.User, account.Session, error)
	Identify(ctx context.Context, c auth.Claims) (account.User, error)
	Logout(ctx context.Context, actor auth.Identity) error
	ChangePassword(ctx context.Context, current, next string) error
	UpdateMe(ctx context.Context, in account.UpdateMe) (account.User, error)
	RequestPasswordReset(ctx context.Context, email string) error
	ResetPassword(ctx context.Context, token, password string) error
	Invite(ctx context.Context, orgID, email string) (account.Invitation, string, error)
	InvitationInfo(ctx context.Context, token string) (account.Invitation, account.Organisation, error)
	AcceptInvitation(ctx context.Context, token string, in account.AcceptInvitation) (account.User, error)
	Members(ctx context.Context, orgID string) ([]account.Member, []account.Invitation, error)
	Organisation(ctx context.Context, id string) (account.Organisation, error)
	CreateAdviserOrganisation(ctx context.Context, name, adviserType, city, ownerEmail string) (account.Organisation, string, error)
	SetDisabled(ctx context.Context, userID string, disabled bool) error
}

// TokenParser verifies API access tokens.
type TokenParser interface {
	Parse(token string) (auth.Claims, error)
}

const (
	localUser      = "user"
	csrfCookie     = "passerelle_csrf"
	csrfFormField  = "csrf"
	sessionCookieD = "passerelle_session"        // development, over plain http
	sessionCookieP = "__Host-passerelle_session" // production: Secure, host-only, Path=/
)

// sessionCookieName: the __Host- prefix requires Secure, which plain-http
// local development cannot offer.
func (s *Server) sessionCookieName() string {
	if s.secureCookies() {
		return sessionCookieP
	}
	return sessionCookieD
}

func (s *Server) secureCookies() bool {
	return s.cfg.Production() || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// clientAddr is the caller's address: the TCP peer, or what a trusted proxy
// says it forwarded for. Untrusted X-Forwarded-For headers are ignored, so a
// client cannot dodge the per-address login limit by inventing one.
func (s *Server) clientAddr(c *fiber.Ctx) string {
	a := auth.ClientIP(c.Context().RemoteAddr().String(), c.Get(fiber.HeaderXForwardedFor), s.cfg.TrustedProxies)
	if !a.IsValid() {
		return netip.IPv4Unspecified().String()
	}
	return a.String()
}

// authenticateAPI reads a Bearer access token. No token means anonymous;
// a bad, expired or revoked token is a 401, never a silent downgrade.
func (s *Server) authenticateAPI(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return unauthorized()
	}
	claims, err := s.tokens.Parse(strings.TrimSpace(token))
	if err != nil {
		return unauthorized()
	}
	u, err := s.accounts.Identify(c.UserContext(), claims)
	if err != nil {
		return err
	}
	s.setIdentity(c, u, claims.Identity)
	return c.Next()
}

// authenticatePage reads the browser session cookie. An unknown or expired
// session is dropped and the visitor continues anonymously.
func (s *Server) authenticatePage(c *fiber.Ctx) error {
	token := c.Cookies(s.sessionCookieName())
	if token == "" || isAPI(c) {
		return c.Next()
	}
	u, sess, err := s.accounts.BrowserSession(c.UserContext(), token)
	if err != nil {
		if passerelle.ErrorCode(err) != passerelle.EUNAUTHORIZED {
			return err
		}
		s.clearSessionCookie(c)
		return c.Next()
	}
	s.setIdentity(c, u, auth.Identity{UserID: u.ID, Role: u.Role, OrgID: u.OrgID, SessionID: sess.ID, Version: u.TokenVersion})
	return c.Next()
}

func (s *Server) setIdentity(c *fiber.Ctx, u account.User, id auth.Identity) {
	c.Locals(localUser, &u)
	c.SetUserContext(auth.NewContext(c.UserContext(), id))
}

func userOf(c *fiber.Ctx) *account.User {
	u, _ := c.Locals(localUser).(*account.User)
	return u
}

func unauthorized() error {
	return passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
}

// requireAPI answers 401 to anonymous callers and 403 to other roles.
func requireAPI(roles ...auth.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := userOf(c)
		if u == nil {
			return unauthorized()
		}
		if len(roles) > 0 && !hasRole(u.Role, roles) {
			return passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
		}
		return c.Next()
	}
}

// requirePage sends anonymous visitors to the login page (and back after)
// and shows other roles a 403 page.
func requirePage(roles ...auth.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := userOf(c)
		if u == nil {
			return c.Redirect("/login?next="+safeNext(c.OriginalURL()), fiber.StatusSeeOther)
		}
		if len(roles) > 0 && !hasRole(u.Role, roles) {
			return passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
		}
		return c.Next()
	}
}

func hasRole(r auth.Role, roles []auth.Role) bool {
	for _, x := range roles {
		if r == x {
			return true
		}
	}
	return false
}

// safeNext keeps only local paths, so ?next= cannot send a user elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// csrf protects every state-changing page request with a signed
// double-submit token: each visitor holds a random cookie, and forms carry
// HMAC(key, cookie). A forged cross-site form cannot read the cookie, so it
// cannot compute the token. The API is not concerned: it never reads cookies.
func (s *Server) csrf(c *fiber.Ctx) error {
	if isAPI(c) {
		return c.Next()
	}
	id := c.Cookies(csrfCookie)
	if id == "" || len(id) > 128 {
		id = auth.NewToken()
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: id, Path: "/", HTTPOnly: true, Secure: s.secureCookies(), SameSite: "Lax", MaxAge: 0})
		c.Request().Header.SetCookie(csrfCookie, id)
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if err := auth.CheckCSRF(s.csrfKey, id, c.FormValue(csrfFormField)); err != nil {
		return passerelle.Errorf(passerelle.EFORBIDDEN, "error.csrf")
	}
	return c.Next()
}

// csrfToken is the token forms of this visitor must carry.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	tok, err := auth.CSRFToken(s.csrfKey, c.Cookies(csrfCookie))
	if err != nil {
		return ""
	}
	return tok
}

func (s *Server) setSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", Expires: expires, HTTPOnly: true, Secure: s.secureCookies(), SameSite: "Lax"})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1, HTTPOnly: true, Secure: s.secureCookies(), SameSite: "Lax"})
}

// Package server is Passerelle's HTTP layer: the Fiber app, its middleware,
// the JSON API under /api/v1 and the server-rendered pages. It turns requests
// into calls of the domain services and their errors into HTTP answers, in
// one place (errors.go).
package server

import (
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"passerelle/internal/config"
	"passerelle/internal/i18n"
)

// Pinger tells whether the store answers; /readyz uses it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is what the server needs from the rest of the program; main wires it.
type Deps struct {
	Config config.Config
	Log    *slog.Logger
	Store  Pinger
	// Assets holds templates/, static/ and i18n/ (web.FS in production).
	Assets   fs.FS
	Catalog  *i18n.Catalog // loaded from Assets when nil
	Accounts Accounts
	Tokens   TokenParser
	Profiles Profiles
	Offers   Offers
	Taxonomy Taxonomy
	Places   Places
	Matches  Matches
	// Applications runs the application workflow.
	Applications Applications
	// Audit records who opens a candidate's data; Orgs names the
	// organisations in the trail a candidate reads.
	Audit AuditTrail
	Orgs  OrgDirectory
	// Notifications serves in-app notifications, e-mail preferences and
	// unsubscribe links (notify.Service).
	Notifications Notifications
	// Caseload links candidates to adviser organisations and draws the
	// advisers' dashboard; AdviserConsent holds the candidate's consent to
	// applications on their behalf (application.Service).
	Caseload       Caseload
	AdviserConsent AdviserConsent
	// CSRFKey signs the forms' anti-forgery tokens (at least 32 bytes).
	CSRFKey []byte
}

// Server is the HTTP application.
type Server struct {
	app          *fiber.App
	cfg          config.Config
	log          *slog.Logger
	store        Pinger
	catalog      *i18n.Catalog
	pages        map[string]*template.Template
	accounts     Accounts
	tokens       TokenParser
	profiles     Profiles
	offers       Offers
	taxonomy     Taxonomy
	places       Places
	matches      Matches
	applications Applications
	audit        AuditTrail
	orgs         OrgDirectory
	caseload     Caseload
	consent      AdviserConsent
	csrfKey      []byte
	assets       fs.FS
	openapiDoc   []byte

	notifications Notifications
}

// New builds the Fiber app with every route and middleware.
func New(d Deps) (*Server, error) {
	cat := d.Catalog
	if cat == nil {
		var err error
		if cat, err = i18n.Load(d.Assets, "i18n"); err != nil {
			return nil, fmt.Errorf("new server: %w", err)
		}
	}
	pages, err := parsePages(d.Assets)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	s := &Server{cfg: d.Config, log: d.Log, store: d.Store, catalog: cat, pages: pages,
		accounts: d.Accounts, tokens: d.Tokens, csrfKey: d.CSRFKey, assets: d.Assets,
		profiles: d.Profiles, offers: d.Offers, taxonomy: d.Taxonomy, places: d.Places, matches: d.Matches,
		applications: d.Applications, audit: d.Audit, orgs: d.Orgs}
	s.notifications = d.Notifications
	s.caseload, s.consent = d.Caseload, d.AdviserConsent
	if s.openapiDoc, err = OpenAPI(d.Assets); err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "passerelle",
		DisableStartupMessage: true,
		// Handlers keep strings from the request (ids, form values) beyond
		// the handler's life in documents and logs; Immutable makes Fiber
		// copy them instead of handing out reused buffers.
		Immutable:    true,
		BodyLimit:    d.Config.BodyLimit,
		ReadTimeout:  d.Config.ReadTimeout,
		WriteTimeout: d.Config.WriteTimeout,
		IdleTimeout:  d.Config.IdleTimeout,
		ErrorHandler: s.handleError,
		// Reverse proxies are trusted only through configuration (auth).
		EnableTrustedProxyCheck: true,
	})
	s.routes(d.Assets)
	return s, nil
}

// App returns the Fiber app, for app.Test in tests.
func (s *Server) App() *fiber.App { return s.app }

func (s *Server) routes(assets fs.FS) {
	s.app.Use(s.requestID, s.logRequests, s.recoverPanics, s.securityHeaders, s.language)

	static, _ := fs.Sub(assets, "static")
	s.app.Use("/static", filesystem.New(filesystem.Config{
		Root:   http.FS(static),
		MaxAge: 3600,
	}))

	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)

	api := s.app.Group("/api/v1", s.authenticateAPI)
	api.Get("/openapi.json", s.openapi)
	s.mountAccountAPI(api)
	s.mountTaxonomyAPI(api)
	s.mountProfileAPI(api)
	s.mountOfferAPI(api)
	s.mountMatchAPI(api)
	s.mountApplicationAPI(api)
	s.mountAuditAPI(api)
	s.mountInvitationAPI(api)
	s.mountPoolAPI(api)
	s.mountReviewAPI(api)
	s.mountNotifyAPI(api)
	s.mountCaseloadAPI(api)

	// Pages: anti-forgery tokens and the session cookie (both skip /api/).
	s.app.Use(s.csrf, s.authenticatePage)
	s.app.Get("/", s.home)
	s.mountAccountPages(s.app)
	s.mountProfilePages(s.app)
	s.mountOfferPages(s.app)
	s.mountMatchPages(s.app)
	s.mountAuditPages(s.app)
	s.mountApplicationPages(s.app)
	s.mountReviewPages(s.app)
	s.mountNotifyPages(s.app)
	s.mountCaseloadPages(s.app)

	if s.cfg.DebugRoutes {
		s.app.Get("/debug/panic", func(*fiber.Ctx) error { panic("debug panic requested") })
		s.app.Get("/debug/slow", s.debugSlow)
	}
}

// Serve answers on ln until ctx is done, then stops accepting connections and
// lets in-flight requests finish within the configured shutdown timeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout.String())
	if err := s.app.ShutdownWithTimeout(s.cfg.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc
	return nil
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readyz: store does not answer", "request_id", requestIDOf(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "store": "down"})
	}
	return c.JSON(fiber.Map{"status": "ok", "store": "up"})
}

func (s *Server) debugSlow(c *fiber.Ctx) error {
	d := time.Duration(c.QueryInt("ms", 1000)) * time.Millisecond
	if d < 0 || d > 30*time.Second {
		d = 30 * time.Second
	}
	time.Sleep(d)
	return c.JSON(fiber.Map{"slept_ms": d.Milliseconds()})
}

// openapi serves the API description, assembled once at start.
func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(s.openapiDoc)
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	"passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/audit"
	"passerelle/internal/audit/auditdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/caseload"
	"passerelle/internal/caseload/caseloaddb"
	"passerelle/internal/config"
	"passerelle/internal/i18n"
	"passerelle/internal/matching"
	"passerelle/internal/notices"
	"passerelle/internal/notify"
	"passerelle/internal/notify/notifydb"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/server"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
	"passerelle/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// testKey signs the test server's access tokens; tests forge tokens with it
// (and with other keys) to prove what the server refuses.
var testKey = []byte("0123456789abcdef0123456789abcdef-test-key")

const testIssuer = "http://passerelle.test"

// testEnv is a server on a fresh database, with a mailbox that keeps what
// the account service sends.
type testEnv struct {
	app      *fiber.App
	accounts *account.Service
	profiles *candidate.Service
	offers   *offer.Service
	apps     *application.Service
	audit    *audit.Log
	matches  *matching.Service
	caseload *caseload.Service
	mail     *mailbox
	spec     *apiSpec
	cfg      config.Config

	// notes is the notifications service; notesRepo its store, for tests
	// that run the outbox worker themselves.
	notes     *notify.Service
	notesRepo *notifydb.Store
	// st lets notification tests build the digest (with matches).
	st *store.Store
}

type mailbox struct {
	mu   sync.Mutex
	msgs []account.Message
}

func (m *mailbox) Send(_ context.Context, msg account.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// last returns the last message sent to addr.
func (m *mailbox) last(t *testing.T, addr string) account.Message {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.msgs) - 1; i >= 0; i-- {
		if strings.EqualFold(m.msgs[i].To, addr) {
			return m.msgs[i]
		}
	}
	t.Fatalf("no e-mail sent to %s", addr)
	return account.Message{}
}

func (m *mailbox) count(addr string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, msg := range m.msgs {
		if strings.EqualFold(msg.To, addr) {
			n++
		}
	}
	return n
}

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// linkToken extracts the token of the first link in an e-mail.
func linkToken(t *testing.T, msg account.Message) string {
	t.Helper()
	m := tokenInLink.FindStringSubmatch(msg.Text)
	if m == nil {
		t.Fatalf("no link with a token in %q", msg.Text)
	}
	return m[1]
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	st := storetest.MustOpen(t)
	ctx := context.Background()
	for _, ensure := range []func(context.Context, *store.Store) error{accountdb.EnsureIndexes, candidatedb.EnsureIndexes, offerdb.EnsureIndexes, applicationdb.EnsureIndexes, auditdb.EnsureIndexes, caseloaddb.EnsureIndexes} {
		if err := ensure(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"PASSERELLE_ENV": "test", "PASSERELLE_BASE_URL": testIssuer, "PASSERELLE_BODY_LIMIT": "64KiB"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewTokens(auth.TokenConfig{Key: testKey, Issuer: testIssuer, Audience: "passerelle-api", TTL: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := auth.NewHasher(4, auth.WithParams(auth.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}))
	if err != nil {
		t.Fatal(err)
	}
	mb := &mailbox{}
	accounts := account.NewService(accountdb.New(st), hasher, tokens, mb, account.Options{BaseURL: testIssuer, Messages: catalog})
	tax, places := skill.Builtin(), place.Builtin()
	// The matching service hears of the candidate and offer services'
	// writes through observers given when the services are built, as in
	// cmd/passerelle's wiring.
	hook := &matching.Hook{}
	profiles := candidate.NewService(candidatedb.New(st), tax, places, time.Now, candidate.WithObserver(hook.Profile))
	offers := offer.NewService(offerdb.New(st), tax, places, time.Now, offer.WithRefresh(0), offer.WithObserver(hook.Offer))
	matches, err := matching.New(matching.Config{Profiles: profiles, Offers: offers, Taxonomy: tax,
		Key: []byte("pseudonym-key-for-tests-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	hook.Attach(matches)
	matchCtx, stopMatches := context.WithCancel(ctx)
	t.Cleanup(func() { stopMatches(); matches.Close() })
	if err := matches.Start(matchCtx); err != nil {
		t.Fatal(err)
	}
	if err := notifydb.EnsureIndexes(ctx, st); err != nil {
		t.Fatal(err)
	}
	notesRepo := notifydb.New(st)
	notes, err := notify.NewService(notesRepo, notify.Options{Messages: catalog, BaseURL: testIssuer, UnsubscribeKey: testUnsubscribeKey})
	if err != nil {
		t.Fatal(err)
	}
	events := notices.Workflow{Notify: notes, Accounts: accountdb.New(st), Offers: offerdb.New(st), Profiles: candidatedb.New(st)}
	applications := application.NewService(applicationdb.New(st), server.ApplicationOffers{Offers: offers},
		server.ApplicationCandidates{Profiles: profiles, Store: candidatedb.New(st)}, time.Now, application.WithEvents(events))
	auditLog := audit.New(auditdb.New(st), time.Now)
	caseloadAccounts := caseload.Accounts{Store: accountdb.New(st)}
	caseloads := caseload.NewService(caseloaddb.New(st), profiles, caseloadAccounts, caseloadAccounts, applications,
		caseload.BestMatch{Ranker: matches}, time.Now)
	srv, err := server.New(server.Deps{
		Config: cfg, Log: slog.New(slog.DiscardHandler), Store: st, Assets: web.FS, Catalog: catalog,
		Accounts: accounts, Tokens: tokens, CSRFKey: []byte("csrf-key-for-tests-0123456789abcdef"),
		Profiles: profiles, Offers: offers, Taxonomy: tax, Places: places, Matches: matches,
		Applications: server.ApplicationWorkflow{Service: applications, Profiles: candidatedb.New(st)},
		Audit:        auditLog, Orgs: accountdb.New(st),

		Notifications: notes,
		Caseload:      caseloads, AdviserConsent: applications,
	})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}

	return &testEnv{app: srv.App(), accounts: accounts, profiles: profiles, offers: offers, apps: applications, audit: auditLog, caseload: caseloads,
		mail: mb, spec: spec, cfg: cfg, notes: notes, notesRepo: notesRepo, matches: matches, st: st}
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not the expected JSON: %v\n%s", err, r.body)
	}
}

// problem decodes a problem+json body.
func (r response) problem(t *testing.T) problemBody {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, r.body)
	}
	var p problemBody
	r.json(t, &p)
	return p
}

type problemBody struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field, Code, Message string
	} `json:"errors"`
}

func (p problemBody) field(name string) (string, bool) {
	for _, e := range p.Errors {
		if e.Field == name {
			return e.Code, true
		}
	}
	return "", false
}

func (e *testEnv) send(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := e.app.Test(req, 30_000)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, body: b}
	if strings.HasPrefix(req.URL.Path, "/api/v1/") {
		e.spec.check(t, req.Method, req.URL.Path, r.status, res.Header.Get("Content-Type"), b)
	}
	return r
}

// api sends a JSON request (body is marshalled unless it is a string or
// []byte, sent as is) with an optional bearer token.
func (e *testEnv) api(t *testing.T, method, path string, body any, token string, header ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.send(t, req)
}

// browser is a cookie jar for page tests.
type browser struct {
	env     *testEnv
	cookies map[string]string
}

func (e *testEnv) browser() *browser { return &browser{env: e, cookies: map[string]string{}} }

func (b *browser) do(t *testing.T, method, path string, form url.Values) response {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, rd)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	r := b.env.send(t, req)
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return r
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf loads page and returns the anti-forgery token of its forms.
func (b *browser) csrf(t *testing.T, page string) string {
	t.Helper()
	r := b.do(t, "GET", page, nil)
	m := csrfField.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("GET %s (%d): no csrf field in the page", page, r.status)
	}
	return string(m[1])
}

// post submits a form of page with its anti-forgery token.
func (b *browser) post(t *testing.T, page, action string, form url.Values) response {
	t.Helper()
	form.Set("csrf", b.csrf(t, page))
	return b.do(t, "POST", action, form)
}

// Accounts used across tests.

const goodPassword = "une-passerelle-vers-le-numerique"

type user struct {
	email, password, id string
	access, refresh     string
	orgID               string
}

// tokens logs u in through the API.
func (e *testEnv) login(t *testing.T, email, password string) (string, string) {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, "")
	if r.status != 200 {
		t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	var tok struct{ AccessToken, RefreshToken string }
	r.json(t, &tok)
	return tok.AccessToken, tok.RefreshToken
}

func (e *testEnv) me(t *testing.T, access string) map[string]any {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/me", nil, access)
	if r.status != 200 {
		t.Fatalf("GET /me: %d %s", r.status, r.body)
	}
	var m map[string]any
	r.json(t, &m)
	return m
}

func (e *testEnv) candidate(t *testing.T, email string) user {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/auth/register/candidate", map[string]string{"email": email, "password": goodPassword, "name": "Camille Martin"}, "")
	if r.status != 202 {
		t.Fatalf("register candidate: %d %s", r.status, r.body)
	}
	e.verify(t, email)
	u := user{email: email, password: goodPassword}
	u.access, u.refresh = e.login(t, email, goodPassword)
	u.id = e.me(t, u.access)["id"].(string)
	return u
}

// verify follows the link of the last e-mail sent to email.
func (e *testEnv) verify(t *testing.T, email string) {
	t.Helper()
	tok := linkToken(t, e.mail.last(t, email))
	if r := e.api(t, "POST", "/api/v1/auth/verify", map[string]string{"token": tok}, ""); r.status != 204 {
		t.Fatalf("verify %s: %d %s", email, r.status, r.body)
	}
}

// employer registers an employer with a company identified by siren.
func (e *testEnv) employer(t *testing.T, email, siren string) user {
	t.Helper()
	body := map[string]any{"email": email, "password": goodPassword, "name": "Sam Durand",
		"company": map[string]string{"name": "Atelier " + siren, "siren": siren, "city": "Nantes"}}
	r := e.api(t, "POST", "/api/v1/auth/register/employer", body, "")
	if r.status != 202 {
		t.Fatalf("register employer: %d %s", r.status, r.body)
	}
	e.verify(t, email)
	u := user{email: email, password: goodPassword}
	u.access, u.refresh = e.login(t, email, goodPassword)
	m := e.me(t, u.access)
	u.id, u.orgID = m["id"].(string), m["orgId"].(string)
	return u
}

func (e *testEnv) admin(t *testing.T, email string) user {
	t.Helper()
	if _, err := e.accounts.CreateAdmin(context.Background(), email, goodPassword, "Admin"); err != nil {
		t.Fatal(err)
	}
	u := user{email: email, password: goodPassword}
	u.access, u.refresh = e.login(t, email, goodPassword)
	u.id = e.me(t, u.access)["id"].(string)
	return u
}

// adviser creates an adviser organisation (as admin) and its owner.
func (e *testEnv) adviser(t *testing.T, admin user, email string) user {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/admin/organisations", map[string]string{"name": "Mission locale " + email, "adviserType": "public_employment", "city": "Nantes", "ownerEmail": email}, admin.access)
	if r.status != 201 {
		t.Fatalf("create adviser org: %d %s", r.status, r.body)
	}
	var org struct {
		ID                 string
		OwnerInvitationURL string
	}
	r.json(t, &org)
	tok := tokenInLink.FindStringSubmatch(org.OwnerInvitationURL)[1]
	r = e.api(t, "POST", "/api/v1/invitations/accept", map[string]string{"token": tok, "name": "Alex Conseil", "password": goodPassword}, "")
	if r.status != 201 {
		t.Fatalf("accept adviser invitation: %d %s", r.status, r.body)
	}
	u := user{email: email, password: goodPassword, orgID: org.ID}
	u.access, u.refresh = e.login(t, email, goodPassword)
	u.id = e.me(t, u.access)["id"].(string)
	return u
}

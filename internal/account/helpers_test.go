package account_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	"passerelle/internal/auth"
	"passerelle/internal/i18n"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// testParams make argon2id cheap so that tests exercise the rules, not the CPU.
var testParams = auth.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// password is accepted by the policy (long enough, not a common password).
const password = "lune-verte-42-pont"

// clock is a settable clock safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mailbox is a Mailer that keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	msgs []account.Message
	fail error
}

func (m *mailbox) Send(_ context.Context, msg account.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.msgs = append(m.msgs, msg)
	return nil
}

// to returns the messages sent to addr, oldest first.
func (m *mailbox) to(addr string) []account.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []account.Message
	for _, x := range m.msgs {
		if x.To == addr {
			out = append(out, x)
		}
	}
	return out
}

// withLink returns the messages to addr carrying a link to path.
func (m *mailbox) withLink(addr, path string) []account.Message {
	var out []account.Message
	for _, x := range m.to(addr) {
		if strings.Contains(x.Text, path+"?token=") {
			out = append(out, x)
		}
	}
	return out
}

var tokenRE = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// token returns the token of the last link to path mailed to addr.
func (m *mailbox) token(t *testing.T, addr, path string) string {
	t.Helper()
	msgs := m.withLink(addr, path)
	if len(msgs) == 0 {
		t.Fatalf("no e-mail to %s with a link to %s; mailbox: %v", addr, path, m.to(addr))
	}
	match := tokenRE.FindStringSubmatch(msgs[len(msgs)-1].Text)
	if match == nil {
		t.Fatalf("no token in %q", msgs[len(msgs)-1].Text)
	}
	return match[1]
}

// catalog loads the account catalogues only, so that another area's
// catalogue being edited cannot break these tests.
var catalog = sync.OnceValues(func() (*i18n.Catalog, error) {
	fsys := fstest.MapFS{}
	for _, lang := range i18n.Languages {
		name := "account." + lang + ".json"
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "i18n", name))
		if err != nil {
			return nil, err
		}
		fsys["i18n/"+name] = &fstest.MapFile{Data: b}
	}
	return i18n.Load(fsys, "i18n")
})

func mustCatalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := catalog()
	if err != nil {
		t.Fatalf("load catalogue: %v", err)
	}
	return c
}

// env is a service on a fresh database with a fake clock and mailbox.
type env struct {
	st     *store.Store
	repo   *accountdb.Store
	svc    *account.Service
	mail   *mailbox
	clock  *clock
	tokens *auth.Tokens
	hasher *auth.Hasher
	opts   account.Options
}

// newEnv returns an env; edit adjusts the Options before the service is made.
func newEnv(t *testing.T, edit ...func(*account.Options)) *env {
	t.Helper()
	st := storetest.MustOpen(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := accountdb.EnsureIndexes(ctx, st); err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, repo: accountdb.New(st), mail: &mailbox{}, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	var err error
	if e.hasher, err = auth.NewHasher(4, auth.WithParams(testParams)); err != nil {
		t.Fatal(err)
	}
	if e.tokens, err = auth.NewTokens(auth.TokenConfig{Key: []byte("0123456789abcdef0123456789abcdef"), Issuer: "passerelle-test",
		Audience: "passerelle-api", TTL: 15 * time.Minute, Now: e.clock.Now}); err != nil {
		t.Fatal(err)
	}
	e.opts = account.Options{Now: e.clock.Now, BaseURL: "https://passerelle.test/", Messages: mustCatalog(t)}
	for _, f := range edit {
		f(&e.opts)
	}
	e.svc = account.NewService(e.repo, e.hasher, e.tokens, e.mail, e.opts)
	return e
}

func bg() context.Context { return context.Background() }

// as returns a context whose caller is u, with a session id of its own.
func as(u account.User) context.Context {
	return auth.NewContext(context.Background(), u.Identity("test-"+u.ID))
}

// candidate registers and verifies a candidate and returns them.
func (e *env) candidate(t *testing.T, email string) account.User {
	t.Helper()
	if err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: email, Password: password, Name: "Camille Martin", Lang: "fr"}); err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return e.verify(t, email)
}

// employer registers and verifies an employer with a company.
func (e *env) employer(t *testing.T, email, siren string) (account.User, account.Organisation) {
	t.Helper()
	err := e.svc.RegisterEmployer(bg(), account.RegisterEmployer{Email: email, Password: password, Name: "Dominique Leroy", Lang: "fr",
		CompanyName: "Atelier " + siren, SIREN: siren, City: "Nantes"})
	if err != nil {
		t.Fatalf("register employer %s: %v", email, err)
	}
	u := e.verify(t, email)
	o, err := e.repo.Organisation(bg(), u.OrgID)
	if err != nil {
		t.Fatalf("employer's organisation: %v", err)
	}
	return u, o
}

// verify follows the verification link mailed to email.
func (e *env) verify(t *testing.T, email string) account.User {
	t.Helper()
	if err := e.svc.VerifyEmail(bg(), e.mail.token(t, email, "/verify")); err != nil {
		t.Fatalf("verify %s: %v", email, err)
	}
	u, err := e.repo.UserByEmail(bg(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// admin creates an admin.
func (e *env) admin(t *testing.T) account.User {
	t.Helper()
	u, err := e.svc.CreateAdmin(bg(), "admin@passerelle.test", password, "Admin")
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	return u
}

// apiSession starts an API session for u and returns its tokens and the
// verified claims of the access token.
func (e *env) apiSession(t *testing.T, u account.User) (account.Tokens, auth.Claims) {
	t.Helper()
	tok, err := e.svc.StartAPISession(bg(), u)
	if err != nil {
		t.Fatalf("start api session: %v", err)
	}
	return tok, e.claims(t, tok)
}

func (e *env) claims(t *testing.T, tok account.Tokens) auth.Claims {
	t.Helper()
	c, err := e.tokens.Parse(tok.Access)
	if err != nil {
		t.Fatalf("parse access token: %v", err)
	}
	return c
}

// wantErr checks that err is a *passerelle.Error with code and, if not
// empty, key.
func wantErr(t *testing.T, err error, code, key string) *passerelle.Error {
	t.Helper()
	var pe *passerelle.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a %s %s error", err, code, key)
	}
	if pe.Code != code || (key != "" && pe.Key != key) {
		t.Fatalf("err = %v, want %s %s", err, code, key)
	}
	return pe
}

// wantFields checks that err is EINVALID listing exactly these fields with
// these keys ("field=key").
func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	pe := wantErr(t, err, passerelle.EINVALID, "")
	var got []string
	for _, f := range pe.Fields {
		got = append(got, f.Field+"="+f.Key)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("field errors mismatch\n got %v\nwant %v", got, want)
	}
}

// siren returns a Luhn-valid SIREN starting with the 8 digits of n.
func siren(n int) string {
	d := fmt.Sprintf("%08d", n)
	for c := '0'; c <= '9'; c++ {
		if s := d + string(c); auth.ValidSIREN(s) {
			return s
		}
	}
	panic("unreachable")
}

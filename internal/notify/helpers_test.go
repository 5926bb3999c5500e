package notify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/i18n"
	"passerelle/internal/notify"
	"passerelle/internal/notify/notifydb"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

func code(err error) string { return passerelle.ErrorCode(err) }

func key(err error) string {
	var pe *passerelle.Error
	if errors.As(err, &pe) {
		return pe.Key
	}
	return ""
}

var bg = context.Background()

func as(role auth.Role, user string) context.Context {
	return auth.NewContext(bg, auth.Identity{UserID: user, Role: role, SessionID: "s"})
}

var (
	employer = hexID(0xe01)
	cand     = hexID(0xca1)
	empCtx   = as(auth.RoleEmployer, employer)
	candCtx  = as(auth.RoleCandidate, cand)
	adminCtx = as(auth.RoleAdmin, hexID(0xa0))
)

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// catalog loads the workflow catalogues only, so that another area's
// catalogue being edited cannot break these tests.
var catalog = sync.OnceValues(func() (*i18n.Catalog, error) {
	fsys := fstest.MapFS{}
	for _, lang := range i18n.Languages {
		name := "workflow." + lang + ".json"
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "i18n", name))
		if err != nil {
			return nil, err
		}
		fsys["i18n/"+name] = &fstest.MapFile{Data: b}
	}
	return i18n.Load(fsys, "i18n")
})

var unsubKey = []byte("0123456789abcdef0123456789abcdef-unsubscribe")

// env is a notify service and its repository on a fresh database, with a
// test clock.
type env struct {
	svc   *notify.Service
	repo  *notifydb.Store
	clock *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := storetest.MustOpen(t)
	for range 2 {
		if err := notifydb.EnsureIndexes(bg, st); err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	cat, err := catalog()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{repo: notifydb.New(st), clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	e.svc, err = notify.NewService(e.repo, notify.Options{
		Now: e.clock.now, Messages: cat, BaseURL: "https://passerelle.test/", UnsubscribeKey: unsubKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// worker returns a worker on e's outbox and clock, sending through s.
func (e *env) worker(s notify.Sender) *notify.Worker {
	return notify.NewWorker(e.repo, s, notify.WorkerOptions{Now: e.clock.now, SendTimeout: 5 * time.Second, Lease: 10 * time.Minute})
}

// received is one message as the SMTP server got it.
type received struct {
	From     string
	To       []string
	Header   netmail.Header
	Subject  string
	Body     string
	User     string
	Password string
	TLS      bool
}

// smtpServer is a real SMTP server (go-smtp) on 127.0.0.1:0 that records
// what it receives. fail, when set, answers every DATA with that error.
type smtpServer struct {
	srv  *smtp.Server
	addr *net.TCPAddr

	mu   sync.Mutex
	msgs []received
	fail error
	// failRcpt answers RCPT TO with that error.
	failRcpt error
}

// startSMTP starts a server; configure may set TLS (STARTTLS), and
// implicit makes it speak TLS from the first byte.
func startSMTP(t *testing.T, configure func(*smtp.Server), implicit bool) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, tlsOn := c.TLSConnectionState()
		return &session{srv: s, tls: tlsOn, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.ErrorLog = discard{}
	if configure != nil {
		configure(s.srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		l = tls.NewListener(l, s.srv.TLSConfig)
	}
	s.addr = l.Addr().(*net.TCPAddr)
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

func (s *smtpServer) setFail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// config is an SMTPConfig for this server, without TLS.
func (s *smtpServer) config() notify.SMTPConfig {
	return notify.SMTPConfig{Host: "127.0.0.1", Port: s.addr.Port, From: "Passerelle <no-reply@passerelle.test>", TLS: notify.TLSNone, Timeout: 5 * time.Second}
}

type session struct {
	srv        *smtpServer
	conn       *smtp.Conn
	tls        bool
	from       string
	to         []string
	user, pass string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.user, s.pass = user, pass
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	fail := s.srv.failRcpt
	s.srv.mu.Unlock()
	if fail != nil {
		return fail
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.fail != nil {
		return s.srv.fail
	}
	m, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	_, tlsOn := s.conn.TLSConnectionState()
	s.srv.msgs = append(s.srv.msgs, received{From: s.from, To: s.to, Header: m.Header, Subject: subject,
		Body: strings.ReplaceAll(string(body), "\r\n", "\n"), User: s.user, Password: s.pass, TLS: tlsOn || s.tls})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// tempFail is what a greylisting or overloaded server answers.
var tempFail = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}

// outcome is a result and its error, for must(f()).get(t).
type outcome[T any] struct {
	v   T
	err error
}

// must holds a call's results until get checks them.
func must[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

// get returns the result, failing the test on an error.
func (o outcome[T]) get(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// request is a new-application notification for the employer.
func request(email, lang string) notify.Request {
	return notify.Request{
		To:   notify.Recipient{UserID: employer, Email: email, Lang: lang},
		Kind: notify.KindNewApplication,
		Args: []notify.Arg{notify.Text("Camille Martin"), notify.Text("Développeuse Go")},
		Link: "/applications/" + hexID(0xca1) + ":" + hexID(0xf01),
	}
}

// drain processes due e-mails until none is left.
func drain(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n := 0
	for {
		did, err := w.ProcessOne(bg)
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			return n
		}
		n++
	}
}

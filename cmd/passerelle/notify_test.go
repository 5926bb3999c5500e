package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/cookiejar"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpPassword is the SMTP password given to the server: it must never
// show in its logs.
const smtpPassword = "p4ss-w0rd-never-logged"

// mailServer is a real SMTP server (go-smtp) in the test process that keeps
// every message it accepts.
type mailServer struct {
	port int
	mu   sync.Mutex
	msgs []*netmail.Message
	user string
	cond *sync.Cond
	// refused are recipients the server refuses for good (550).
	refused map[string]bool
}

func startMailServer(t *testing.T, refused ...string) *mailServer {
	t.Helper()
	m := &mailServer{refused: map[string]bool{}}
	for _, a := range refused {
		m.refused[a] = true
	}
	m.cond = sync.NewCond(&m.mu)
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // the server is on 127.0.0.1 (net/smtp sends a password there only)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return m
}

// wait returns the first message to addr whose subject contains subject,
// waiting for it up to a minute.
func (m *mailServer) wait(t *testing.T, addr, subject string) (*netmail.Message, string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	stop := time.AfterFunc(time.Minute, func() { m.mu.Lock(); m.cond.Broadcast(); m.mu.Unlock() })
	defer stop.Stop()
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		for _, msg := range m.msgs {
			subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if strings.Contains(msg.Header.Get("To"), addr) && strings.Contains(subj, subject) {
				body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
				msg.Body = bytes.NewReader(body)
				return msg, string(body)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s about %q arrived at the SMTP server", addr, subject)
		}
		m.cond.Wait()
	}
}

type mailSession struct{ m *mailServer }

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if pass != smtpPassword {
			return &smtp.SMTPError{Code: 535, Message: "bad credentials"}
		}
		s.m.mu.Lock()
		s.m.user = user
		s.m.mu.Unlock()
		return nil
	}), nil
}

func (*mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.m.refused[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	msg, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(msg.Body)
	msg.Body = bytes.NewReader(body)
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, msg)
	s.m.cond.Broadcast()
	s.m.mu.Unlock()
	return nil
}

func (*mailSession) Reset()        {}
func (*mailSession) Logout() error { return nil }

// apiCall sends a JSON request to the running server and decodes the answer.
func apiCall(t *testing.T, p *proc, method, path, token string, body, out any, want int) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, p.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, text := do(t, req)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, text)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

var verifyToken = regexp.MustCompile(`/verify\?token=([A-Za-z0-9_-]+)`)

// smtpAccount registers an account, verifies it with the link of the
// e-mail the SMTP server received, and logs in.
func smtpAccount(t *testing.T, p *proc, mails *mailServer, kind string, body map[string]any) string {
	t.Helper()
	apiCall(t, p, "POST", "/api/v1/auth/register/"+kind, "", body, nil, http.StatusAccepted)
	_, text := mails.wait(t, body["email"].(string), "")
	m := verifyToken.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no verification link in %q", text)
	}
	apiCall(t, p, "POST", "/api/v1/auth/verify", "", map[string]string{"token": m[1]}, nil, http.StatusNoContent)
	var tok struct{ AccessToken string }
	apiCall(t, p, "POST", "/api/v1/auth/login", "", map[string]any{"email": body["email"], "password": body["password"]}, &tok, http.StatusOK)
	return tok.AccessToken
}

var unsubscribeURL = regexp.MustCompile(`https?://\S+/unsubscribe\?token=\S+`)
var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestNotificationsThroughSMTP runs the real binary with PASSERELLE_SMTP_*
// pointing at an SMTP server of the test: a candidate applies through the
// API, the employer's e-mail arrives with the right subject, and its
// unsubscribe link works without logging in.
func TestNotificationsThroughSMTP(t *testing.T) {
	mails := startMailServer(t)
	p := startServer(t, t.TempDir(),
		"PASSERELLE_SMTP_HOST=127.0.0.1", "PASSERELLE_SMTP_PORT="+strconv.Itoa(mails.port), "PASSERELLE_SMTP_TLS=none",
		"PASSERELLE_SMTP_USERNAME=passerelle", "PASSERELLE_SMTP_PASSWORD="+smtpPassword,
		"PASSERELLE_SMTP_FROM=Passerelle <no-reply@passerelle.test>")
	if out := p.output(); !strings.Contains(out, "e-mails are sent through SMTP") || strings.Contains(out, smtpPassword) {
		t.Fatalf("the start log must say SMTP is used and never show the password:\n%s", out)
	}

	employer := smtpAccount(t, p, mails, "employer", map[string]any{"email": "sam@atelier.fr", "password": "une-passerelle-vers-le-numerique",
		"name": "Sam Durand", "company": map[string]string{"name": "Atelier Numérique", "siren": "732829320", "city": "Nantes"}})
	var o struct{ ID string }
	apiCall(t, p, "POST", "/api/v1/offers", employer, map[string]any{
		"title": "Développeur·se Go", "rome": "M1805", "description": "Une équipe de six personnes.",
		"skills":   []map[string]any{{"code": "tag:go", "minLevel": 3, "mustHave": true}},
		"contract": "cdi", "communeId": "44109", "remote": "hybrid",
		"startDate": time.Now().AddDate(0, 3, 0).Format("2006-01-02"),
	}, &o, http.StatusCreated)
	apiCall(t, p, "POST", "/api/v1/offers/"+o.ID+"/publish", employer, nil, nil, http.StatusOK)

	cand := smtpAccount(t, p, mails, "candidate", map[string]any{"email": "awa@example.fr", "password": "une-passerelle-vers-le-numerique", "name": "Awa Diallo"})
	apiCall(t, p, "POST", "/api/v1/offers/"+o.ID+"/applications", cand, map[string]string{"message": "Bonjour"}, nil, http.StatusCreated)

	msg, text := mails.wait(t, "sam@atelier.fr", "Nouvelle candidature")
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if !strings.Contains(subject, "Développeur·se Go") || !strings.Contains(msg.Header.Get("From"), "no-reply@passerelle.test") {
		t.Errorf("e-mail headers: subject %q, from %q", subject, msg.Header.Get("From"))
	}
	if !strings.Contains(text, "Awa Diallo a postulé") || !strings.Contains(text, "/company/offers/"+o.ID+"/applications") {
		t.Errorf("e-mail body lacks the candidate or the link:\n%s", text)
	}
	mails.mu.Lock()
	user := mails.user
	mails.mu.Unlock()
	if user != "passerelle" {
		t.Errorf("SMTP login as %q, want passerelle", user)
	}

	// The unsubscribe link, followed by someone who is not logged in.
	link := unsubscribeURL.FindString(text)
	if link == "" {
		t.Fatalf("no unsubscribe link in:\n%s", text)
	}
	u, _ := url.Parse(link)
	jar, _ := cookiejar.New(nil)
	anon := &http.Client{Jar: jar}
	res, err := anon.Get(p.base + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := csrfInput.FindSubmatch(page)
	if res.StatusCode != 200 || csrf == nil || !strings.Contains(string(page), "Nouvelles candidatures") {
		t.Fatalf("GET unsubscribe link: %d\n%s", res.StatusCode, page)
	}
	res, err = anon.PostForm(p.base+"/unsubscribe", url.Values{"csrf": {string(csrf[1])}, "token": {u.Query().Get("token")}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "vous ne recevrez plus") {
		t.Fatalf("confirm unsubscribe: %d\n%s", res.StatusCode, page)
	}
	var prefs struct {
		Email []struct {
			Kind string
			On   bool
		}
	}
	apiCall(t, p, "GET", "/api/v1/me/notification-preferences", employer, nil, &prefs, http.StatusOK)
	for _, e := range prefs.Email {
		if e.Kind == "new_application" && e.On {
			t.Error("new application e-mails are still on after unsubscribing")
		}
	}
	var notes struct {
		Items  []struct{ Kind string }
		Unread int
	}
	apiCall(t, p, "GET", "/api/v1/me/notifications", employer, nil, &notes, http.StatusOK)
	if notes.Unread != 1 || notes.Items[0].Kind != "new_application" {
		t.Errorf("employer's in-app notifications = %+v", notes)
	}
}

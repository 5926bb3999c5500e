package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"

	passmail "passerelle/internal/mail"
)

// TLSMode is how the SMTP connection is protected.
type TLSMode string

// The modes. StartTLS is the default: submission on port 587.
const (
	// TLSNone sends in clear text: only for a relay on the same machine or
	// network (net/smtp then refuses to send a password anywhere but to
	// localhost).
	TLSNone TLSMode = "none"
	// TLSStartTLS upgrades the connection and refuses a server that cannot.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit TLSMode = "tls"
)

// SMTPConfig is the SMTP server to send through, from the PASSERELLE_SMTP_*
// settings (HOST, PORT, USERNAME, PASSWORD, FROM, TLS). Its String and
// LogValue mask the password, so that logging the effective configuration
// never shows it.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// From is the sender, "Passerelle <no-reply@passerelle.example.fr>".
	From string
	TLS  TLSMode
	// Timeout bounds a connection when the caller's context does not (30 s).
	Timeout time.Duration
	// LocalName is the name given in HELO/EHLO ("localhost").
	LocalName string
	// TLSConfig overrides the TLS settings (tests trust their own CA with
	// it); nil verifies the server's certificate for Host.
	TLSConfig *tls.Config
}

func (c SMTPConfig) masked() string {
	if c.Password == "" {
		return ""
	}
	return "****"
}

// String describes c without its password.
func (c SMTPConfig) String() string {
	return fmt.Sprintf("smtp://%s@%s (tls=%s, from=%s, password=%s)", c.Username, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS, c.From, c.masked())
}

// GoString is String, so that %#v does not print the password either.
func (c SMTPConfig) GoString() string { return c.String() }

// LogValue implements slog.LogValuer, masking the password.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host), slog.Int("port", c.Port), slog.String("username", c.Username),
		slog.String("password", c.masked()), slog.String("from", c.From), slog.String("tls", string(c.TLS)))
}

// SMTP delivers e-mails through an SMTP server with net/smtp.
type SMTP struct {
	c    SMTPConfig
	from *mail.Address
	now  func() time.Time
}

// NewSMTP checks c and returns a sender. It fails on a missing host, a bad
// port, sender or TLS mode, or a username without a password.
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.LocalName == "" {
		c.LocalName = "localhost"
	}
	from, err := mail.ParseAddress(c.From)
	switch {
	case c.Host == "":
		return nil, fmt.Errorf("smtp: no host")
	case c.Port < 1 || c.Port > 65535:
		return nil, fmt.Errorf("smtp: port %d out of range", c.Port)
	case err != nil:
		return nil, fmt.Errorf("smtp: sender %q: %w", c.From, err)
	case c.TLS != TLSNone && c.TLS != TLSStartTLS && c.TLS != TLSImplicit:
		return nil, fmt.Errorf("smtp: TLS mode %q is not none, starttls or tls", c.TLS)
	case (c.Username == "") != (c.Password == ""):
		return nil, fmt.Errorf("smtp: give both a username and a password, or neither")
	}
	return &SMTP{c: c, from: from, now: time.Now}, nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.c.TLSConfig != nil {
		return s.c.TLSConfig.Clone()
	}
	return &tls.Config{ServerName: s.c.Host, MinVersion: tls.VersionTLS12}
}

// Send delivers m in one SMTP session. A 5xx reply is Permanent; network
// errors and 4xx replies are temporary.
func (s *SMTP) Send(ctx context.Context, m passmail.Message) error {
	raw, err := passmail.Render(s.c.From, m, s.now())
	if err != nil {
		return Permanent(err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: recipient: %w", err))
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.c.Timeout)
		defer cancel()
	}
	addr := net.JoinHostPort(s.c.Host, strconv.Itoa(s.c.Port))
	var conn net.Conn
	if s.c.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", addr, err)
	}
	// net/smtp knows no contexts: the deadline and a cancellation close
	// the connection under it.
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, s.c.Host)
	if err != nil {
		_ = conn.Close()
		return classify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.c.LocalName); err != nil {
		return classify("hello", err)
	}
	if s.c.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("smtp: %s does not offer STARTTLS", addr)
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return classify("starttls", err)
		}
	}
	if s.c.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.c.Username, s.c.Password, s.c.Host)); err != nil {
			return classify("auth", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return classify("mail from", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return classify("rcpt to", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("data", err)
	}
	if _, err := w.Write(raw); err != nil {
		return classify("data", err)
	}
	if err := w.Close(); err != nil {
		return classify("data", err)
	}
	// The message is accepted once DATA ends; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// classify wraps an SMTP error with its step, Permanent for a 5xx reply.
func classify(step string, err error) error {
	err = fmt.Errorf("smtp: %s: %w", step, err)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(err)
	}
	return err
}

// NewSender returns the Sender the configuration asks for: SMTP when a host
// is set, else the outbox folder (and the log says where). It logs the
// effective choice, never the password.
func NewSender(c SMTPConfig, outbox *passmail.Outbox, log *slog.Logger) (Sender, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if c.Host == "" {
		if outbox == nil || outbox.Dir == "" {
			return nil, fmt.Errorf("notify: neither an SMTP host nor an outbox folder")
		}
		log.Info("notify: no SMTP server configured, e-mails are written to the outbox folder", "outbox", outbox.Dir)
		return outbox, nil
	}
	s, err := NewSMTP(c)
	if err != nil {
		return nil, err
	}
	log.Info("notify: e-mails are sent through SMTP", "smtp", c)
	return s, nil
}

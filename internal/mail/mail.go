// Package mail delivers Passerelle's e-mails: through an SMTP server when one
// is configured, otherwise into an outbox folder of .eml files that a
// developer can open, so that every flow (verification, invitations, password
// reset) works on a fresh machine.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Message is one plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Render builds the RFC 5322 form of m, UTF-8 and quoted-printable, so that
// French accents survive every relay.
func Render(from string, m Message, now time.Time) ([]byte, error) {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("render mail: bad recipient: %w", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("render mail: subject holds a line break")
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "passerelle.local"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = strings.Trim(from[at+1:], "> ")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Outbox writes each message as a .eml file in a folder: the delivery used
// when no SMTP server is configured.
type Outbox struct {
	Dir  string
	From string
	Now  func() time.Time
}

// Send writes m to the outbox folder.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	raw, err := Render(o.From, m, now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := fmt.Sprintf("%s-%s.eml", now.UTC().Format("20060102T150405.000000"), hex.EncodeToString(suffix))
	tmp := filepath.Join(o.Dir, "."+name)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	// Rename makes the file appear whole: a reader never sees half a message.
	if err := os.Rename(tmp, filepath.Join(o.Dir, name)); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

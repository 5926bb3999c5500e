package mail_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"passerelle/internal/mail"
)

func TestOutboxWritesReadableMessage(t *testing.T) {
	dir := t.TempDir()
	o := &mail.Outbox{Dir: dir, From: "Passerelle <no-reply@passerelle.example.fr>", Now: func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }}
	msg := mail.Message{To: "léa@example.fr", Subject: "Vérifiez votre adresse", Text: "Bonjour Léa,\nCliquez ici : https://x/verify?token=abc\n"}
	if err := o.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("outbox holds %d files, want 1", len(files))
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	m, err := netmail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != msg.Subject {
		t.Errorf("subject = %q", subject)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	if !strings.Contains(string(body), "Bonjour Léa,") || !strings.Contains(string(body), "token=abc") {
		t.Errorf("body = %q", body)
	}
}

func TestRenderRejectsHeaderInjection(t *testing.T) {
	_, err := mail.Render("a@b.fr", mail.Message{To: "x@y.fr", Subject: "hi\r\nBcc: evil@z.fr"}, time.Now())
	if err == nil {
		t.Fatal("a subject with a line break was accepted")
	}
	_, err = mail.Render("a@b.fr", mail.Message{To: "x@y.fr\r\nBcc: evil@z.fr", Subject: "hi"}, time.Now())
	if err == nil {
		t.Fatal("a recipient with a line break was accepted")
	}
}

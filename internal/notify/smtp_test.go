package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"passerelle/internal/mail"
	"passerelle/internal/notify"
)

const secret = "s3cr3t-P@ssw0rd"

// TestSMTPConfigHidesPassword: however the configuration is logged or
// printed, the password does not show.
func TestSMTPConfigHidesPassword(t *testing.T) {
	c := notify.SMTPConfig{Host: "smtp.example.fr", Port: 587, Username: "passerelle", Password: secret, From: "no-reply@example.fr", TLS: notify.TLSStartTLS}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("config", "smtp", c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "smtp", c)
	must(notify.NewSender(c, nil, log)).get(t)
	fmt.Fprintf(&buf, "%v %+v %#v %s", c, c, c, c)
	if strings.Contains(buf.String(), secret) {
		t.Fatalf("the password shows in:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "smtp.example.fr") || !strings.Contains(buf.String(), "****") {
		t.Fatalf("the configuration does not show masked:\n%s", buf.String())
	}
}

func TestNewSMTPValidates(t *testing.T) {
	good := notify.SMTPConfig{Host: "smtp.example.fr", Port: 587, Username: "u", Password: secret, From: "Passerelle <no-reply@example.fr>"}
	for name, edit := range map[string]func(*notify.SMTPConfig){
		"no host":           func(c *notify.SMTPConfig) { c.Host = "" },
		"port 0":            func(c *notify.SMTPConfig) { c.Port = 0 },
		"port 70000":        func(c *notify.SMTPConfig) { c.Port = 70000 },
		"bad sender":        func(c *notify.SMTPConfig) { c.From = "nobody" },
		"bad TLS mode":      func(c *notify.SMTPConfig) { c.TLS = "ssl3" },
		"user without pass": func(c *notify.SMTPConfig) { c.Password = "" },
	} {
		c := good
		edit(&c)
		_, err := notify.NewSMTP(c)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows the password: %v", name, err)
		}
	}
	must(notify.NewSMTP(good)).get(t)
}

// selfSigned returns a server certificate for 127.0.0.1 and a client TLS
// configuration that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := must(x509.ParseCertificate(der)).get(t)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func send(t *testing.T, c notify.SMTPConfig) error {
	t.Helper()
	s := must(notify.NewSMTP(c)).get(t)
	return s.Send(bg, mail.Message{To: "camille@example.fr", Subject: "Essai", Text: "Bonjour"})
}

func TestSMTPModes(t *testing.T) {
	srvTLS, cliTLS := selfSigned(t)

	t.Run("plain with password to localhost", func(t *testing.T) {
		srv := startSMTP(t, func(s *smtp.Server) { s.AllowInsecureAuth = true }, false)
		c := srv.config()
		c.Username, c.Password = "passerelle", secret
		if err := send(t, c); err != nil {
			t.Fatal(err)
		}
		m := srv.received()[0]
		if m.User != "passerelle" || m.Password != secret || m.TLS {
			t.Fatalf("received %+v", m)
		}
	})
	t.Run("starttls", func(t *testing.T) {
		srv := startSMTP(t, func(s *smtp.Server) { s.TLSConfig = srvTLS }, false)
		c := srv.config()
		c.TLS, c.TLSConfig, c.Username, c.Password = notify.TLSStartTLS, cliTLS, "passerelle", secret
		if err := send(t, c); err != nil {
			t.Fatal(err)
		}
		if m := srv.received()[0]; !m.TLS || m.Password != secret {
			t.Fatalf("received %+v", m)
		}
	})
	t.Run("starttls refused by the server", func(t *testing.T) {
		srv := startSMTP(t, nil, false) // no TLS configured: no STARTTLS offered
		c := srv.config()
		c.TLS, c.TLSConfig = notify.TLSStartTLS, cliTLS
		err := send(t, c)
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") || notify.IsPermanent(err) {
			t.Fatalf("error = %v, want a temporary STARTTLS failure", err)
		}
		if len(srv.received()) != 0 {
			t.Fatal("sent in clear text")
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := startSMTP(t, func(s *smtp.Server) { s.TLSConfig = srvTLS }, false)
		c := srv.config()
		c.TLS = notify.TLSStartTLS // the default verification does not trust a self-signed certificate
		if err := send(t, c); err == nil {
			t.Fatal("an untrusted certificate was accepted")
		}
	})
	t.Run("implicit tls", func(t *testing.T) {
		srv := startSMTP(t, func(s *smtp.Server) { s.TLSConfig = srvTLS }, true)
		c := srv.config()
		c.TLS, c.TLSConfig = notify.TLSImplicit, cliTLS
		if err := send(t, c); err != nil {
			t.Fatal(err)
		}
		if m := srv.received()[0]; !m.TLS {
			t.Fatalf("received %+v", m)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		l := must(net.Listen("tcp", "127.0.0.1:0")).get(t)
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		err := send(t, notify.SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@b.fr", TLS: notify.TLSNone, Timeout: time.Second})
		if err == nil || notify.IsPermanent(err) {
			t.Fatalf("error = %v, want a temporary one", err)
		}
	})
	t.Run("temporary and permanent replies", func(t *testing.T) {
		srv := startSMTP(t, nil, false)
		srv.setFail(tempFail)
		if err := send(t, srv.config()); err == nil || notify.IsPermanent(err) {
			t.Fatalf("451: %v", err)
		}
		srv.setFail(&smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Rejected"})
		if err := send(t, srv.config()); !notify.IsPermanent(err) {
			t.Fatalf("554: %v", err)
		}
	})
}

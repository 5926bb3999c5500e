package config_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"passerelle/internal/config"
	"passerelle/internal/notify"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSMTPSettings(t *testing.T) {
	c, err := config.Load(env(map[string]string{"PASSERELLE_DATA_DIR": "/tmp/p"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "" || c.Outbox() != "/tmp/p/outbox" {
		t.Errorf("no SMTP host: %+v, outbox %s", c.SMTP, c.Outbox())
	}
	c, err = config.Load(env(map[string]string{"PASSERELLE_SMTP_HOST": "smtp.example.fr", "PASSERELLE_SMTP_USERNAME": "u",
		"PASSERELLE_SMTP_PASSWORD": "hunter2-secret", "PASSERELLE_SMTP_FROM": "Passerelle <no-reply@example.fr>", "PASSERELLE_SMTP_TLS": "TLS"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Port != 465 || c.SMTP.TLS != notify.TLSImplicit || c.SMTP.Password != "hunter2-secret" {
		t.Errorf("SMTP = %+v, want port 465 (implicit TLS default)", c.SMTP)
	}
	if out := fmt.Sprint(c.Fields()...); strings.Contains(out, "hunter2-secret") || !strings.Contains(out, "smtp.example.fr") {
		t.Errorf("the start log fields show the password or hide the host: %s", out)
	}

	for name, vars := range map[string]map[string]string{
		"bad port":          {"PASSERELLE_SMTP_HOST": "h", "PASSERELLE_SMTP_PORT": "99999"},
		"bad TLS mode":      {"PASSERELLE_SMTP_HOST": "h", "PASSERELLE_SMTP_TLS": "ssl"},
		"bad sender":        {"PASSERELLE_SMTP_HOST": "h", "PASSERELLE_SMTP_FROM": "nobody"},
		"user without pass": {"PASSERELLE_SMTP_HOST": "h", "PASSERELLE_SMTP_USERNAME": "u"},
		"password, no host": {"PASSERELLE_SMTP_PASSWORD": "hunter2-secret"},
	} {
		_, err := config.Load(env(vars))
		var cerr *config.Error
		if !errors.As(err, &cerr) || !strings.Contains(err.Error(), "PASSERELLE_SMTP_") {
			t.Errorf("%s: %v, want a configuration error naming the variable", name, err)
		} else if strings.Contains(err.Error(), "hunter2-secret") {
			t.Errorf("%s: the error shows the password: %v", name, err)
		}
	}
}

package auth

import (
	"bytes"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

var b64urlPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		tok := NewToken()
		if !b64urlPattern.MatchString(tok) {
			t.Fatalf("NewToken = %q, want 43 base64url characters", tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken repeated %q", tok)
		}
		seen[tok] = true
		if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) != TokenBytes {
			t.Fatalf("NewToken decodes to %d bytes, %v; want %d", len(raw), err, TokenBytes)
		}
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct{ in, want string }{
		// FIPS 180-2 test vectors.
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := HashToken(tt.in); got != tt.want {
				t.Errorf("HashToken(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestDeriveKey(t *testing.T) {
	master := testKey(9)
	a, err := DeriveKey(master, "jwt")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := DeriveKey(master, "jwt")
	b, _ := DeriveKey(master, "csrf")
	c, _ := DeriveKey(testKey(10), "jwt")
	switch {
	case len(a) != 32:
		t.Errorf("len = %d, want 32", len(a))
	case !bytes.Equal(a, a2):
		t.Error("DeriveKey is not deterministic")
	case bytes.Equal(a, b):
		t.Error("different labels give the same key")
	case bytes.Equal(a, c):
		t.Error("different masters give the same key")
	case bytes.Equal(a, master):
		t.Error("derived key equals the master")
	}
	if _, err := DeriveKey(master[:31], "jwt"); !errors.Is(err, ErrKeyTooShort) {
		t.Errorf("DeriveKey(short) error = %v, want ErrKeyTooShort", err)
	}
}

func TestCSRF(t *testing.T) {
	secret := testKey(3)
	sid := NewToken()
	tok, err := CSRFToken(secret, sid)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := CSRFToken(secret, sid); again != tok {
		t.Fatal("CSRFToken is not deterministic for one session")
	}
	other, _ := CSRFToken(secret, NewToken())
	otherSecret, _ := CSRFToken(testKey(4), sid)

	tests := []struct {
		name      string
		secret    []byte
		sessionID string
		token     string
		ok        bool
	}{
		{"right token", secret, sid, tok, true},
		{"token of another session", secret, sid, other, false},
		{"token under another secret", secret, sid, otherSecret, false},
		{"empty token", secret, sid, "", false},
		{"truncated token", secret, sid, tok[:len(tok)-1], false},
		{"token with a suffix", secret, sid, tok + "A", false},
		{"changed character", secret, sid, "X" + tok[1:], false},
		{"empty session", secret, "", mustCSRF(t, secret, ""), false},
		{"short secret", secret[:16], sid, tok, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCSRF(tt.secret, tt.sessionID, tt.token)
			if tt.ok != (err == nil) {
				t.Fatalf("CheckCSRF error = %v, want ok = %v", err, tt.ok)
			}
			if err != nil && (!errors.Is(err, ErrCSRFInvalid) || CodeOf(err) != CodeCSRFInvalid) {
				t.Errorf("CheckCSRF error = %v, want ErrCSRFInvalid", err)
			}
		})
	}
	if _, err := CSRFToken(secret[:31], sid); !errors.Is(err, ErrKeyTooShort) {
		t.Errorf("CSRFToken(short secret) error = %v, want ErrKeyTooShort", err)
	}
}

func mustCSRF(tb testing.TB, secret []byte, sid string) string {
	tb.Helper()
	tok, err := CSRFToken(secret, sid)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func TestSignVerify(t *testing.T) {
	key := testKey(5)
	now := newFakeClock().Now()
	exp := now.Add(30 * 24 * time.Hour)
	payloads := []string{"u-42", "", "a.b.c", "é ü 中文 \x00 binary", strings.Repeat("x", 500)}
	for _, p := range payloads {
		tok, err := Sign("unsubscribe", p, key, exp)
		if err != nil {
			t.Fatalf("Sign(%q): %v", p, err)
		}
		got, err := Verify("unsubscribe", tok, key, now)
		if err != nil || got != p {
			t.Errorf("Verify(Sign(%q)) = %q, %v", p, got, err)
		}
	}

	tok, err := Sign("unsubscribe", "u-42", key, exp)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	later, _ := Sign("unsubscribe", "u-42", key, exp.Add(365*24*time.Hour))
	otherUser, _ := Sign("unsubscribe", "u-43", key, exp)
	tests := []struct {
		name    string
		purpose string
		token   string
		key     []byte
		now     time.Time
		want    error
	}{
		{"valid", "unsubscribe", tok, key, now, nil},
		{"just before expiry", "unsubscribe", tok, key, exp.Add(-time.Second), nil},
		{"at expiry", "unsubscribe", tok, key, exp, ErrSignedExpired},
		{"after expiry", "unsubscribe", tok, key, exp.Add(time.Hour), ErrSignedExpired},
		{"other purpose", "confirm-email", tok, key, now, ErrSignedInvalid},
		{"purpose prefix", "unsub", tok, key, now, ErrSignedInvalid},
		{"other key", "unsubscribe", tok, testKey(6), now, ErrSignedInvalid},
		{"short key", "unsubscribe", tok, key[:16], now, ErrSignedInvalid},
		{"expiry extended", "unsubscribe", parts[0] + "." + strings.Split(later, ".")[1] + "." + parts[2], key, now, ErrSignedInvalid},
		{"payload swapped", "unsubscribe", strings.Split(otherUser, ".")[0] + "." + parts[1] + "." + parts[2], key, now, ErrSignedInvalid},
		{"signature removed", "unsubscribe", parts[0] + "." + parts[1] + ".", key, now, ErrSignedInvalid},
		{"two parts", "unsubscribe", parts[0] + "." + parts[1], key, now, ErrSignedInvalid},
		{"four parts", "unsubscribe", tok + ".x", key, now, ErrSignedInvalid},
		{"empty", "unsubscribe", "", key, now, ErrSignedInvalid},
		{"newline", "unsubscribe", parts[0] + "." + parts[1] + "." + parts[2][:4] + "\n" + parts[2][4:], key, now, ErrSignedInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.purpose, tt.token, tt.key, tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %q, %v; want error %v", got, err, tt.want)
			}
			if err == nil && got != "u-42" {
				t.Errorf("Verify payload = %q, want u-42", got)
			}
			if err != nil && got != "" {
				t.Errorf("Verify returned payload %q with an error", got)
			}
		})
	}
}

func TestSignInvalid(t *testing.T) {
	exp := newFakeClock().Now()
	tests := []struct {
		name    string
		purpose string
		key     []byte
		want    error
	}{
		{"short key", "unsubscribe", testKey(1)[:31], ErrKeyTooShort},
		{"empty purpose", "", testKey(1), ErrInvalidConfig},
		{"NUL in purpose", "a\x00b", testKey(1), ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Sign(tt.purpose, "p", tt.key, exp); !errors.Is(err, tt.want) {
				t.Fatalf("Sign error = %v, want %v", err, tt.want)
			}
		})
	}
}

package auth

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TokenBytes is the entropy of opaque tokens: 256 bits, beyond any online
// or offline guessing, which is what lets the store keep a plain SHA-256
// of them (no salt, no slow hash) and look them up by that hash.
const TokenBytes = 32

var b64url = base64.RawURLEncoding.Strict()

// NewToken returns a fresh opaque secret: TokenBytes from crypto/rand,
// base64url without padding (43 characters, safe in URLs and cookies). Use
// it for refresh tokens, invitation and password-reset tokens, session ids.
// Give it to its owner once and store only HashToken of it.
func NewToken() string {
	b := make([]byte, TokenBytes)
	rand.Read(b) // never fails since Go 1.24: it crashes the program instead
	return b64url.EncodeToString(b)
}

// newID returns a 128-bit random identifier (jti, refresh family): unique,
// not secret.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return b64url.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of token, the only form in which opaque
// tokens are stored: a database leak then yields nothing usable, and the
// store still finds a token by an equality lookup on the hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// DeriveKey derives a purpose-specific 32-byte key from a master secret with
// HKDF-SHA256, so that one configured secret can feed the JWT key, the CSRF
// key and the signed-link key without any two of them being equal. label
// names the purpose ("jwt", "csrf", "links", ...); changing it changes the key.
func DeriveKey(master []byte, label string) ([]byte, error) {
	if len(master) < MinKeyBytes {
		return nil, fmt.Errorf("derive key: %w", ErrKeyTooShort)
	}
	k, err := hkdf.Key(sha256.New, master, nil, "passerelle/"+label, 32)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	return k, nil
}

// mac returns HMAC-SHA256(key, domain 0 part1 0 part2 ...). The NUL
// separators and the domain make messages of different purposes or field
// splits never collide.
func mac(key []byte, domain string, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(domain))
	for _, p := range parts {
		m.Write([]byte{0})
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// CSRFToken returns the CSRF token of a session: HMAC-SHA256 of the session
// id under sessionSecret, base64url. It is a synchronizer token that needs
// no storage: the HTML layer puts it in forms (and a meta tag for fetch),
// and CheckCSRF recomputes it from the session cookie. A cross-site
// attacker can neither read the HttpOnly session id nor compute the HMAC
// without the secret.
func CSRFToken(sessionSecret []byte, sessionID string) (string, error) {
	if len(sessionSecret) < MinKeyBytes {
		return "", fmt.Errorf("csrf token: %w", ErrKeyTooShort)
	}
	return b64url.EncodeToString(mac(sessionSecret, "passerelle-csrf-v1", sessionID)), nil
}

// CheckCSRF compares token with the CSRF token of sessionID in constant
// time. It wraps ErrCSRFInvalid on mismatch, on an empty session id, and
// on a short secret (fail closed).
func CheckCSRF(sessionSecret []byte, sessionID, token string) error {
	want, err := CSRFToken(sessionSecret, sessionID)
	if err != nil {
		return fmt.Errorf("check csrf: %w: %w", ErrCSRFInvalid, err)
	}
	if sessionID == "" || !hmac.Equal([]byte(token), []byte(want)) {
		return fmt.Errorf("check csrf: %w", ErrCSRFInvalid)
	}
	return nil
}

// Sign returns a token binding payload to purpose until expiresAt, for links
// that must work without login (unsubscribe, e-mail confirmation, ...):
// base64url(payload) "." expiry (Unix seconds) "." base64url(HMAC-SHA256).
// The payload is authenticated, not encrypted: put an id in it, not a
// secret. The purpose (e.g. "unsubscribe") is inside the MAC, so a token
// signed for one purpose is refused for every other. key must have
// MinKeyBytes bytes; use a key of its own (see DeriveKey).
func Sign(purpose, payload string, key []byte, expiresAt time.Time) (string, error) {
	switch {
	case len(key) < MinKeyBytes:
		return "", fmt.Errorf("sign %s: %w", purpose, ErrKeyTooShort)
	case purpose == "" || strings.ContainsRune(purpose, 0):
		return "", fmt.Errorf("sign: empty or invalid purpose: %w", ErrInvalidConfig)
	}
	p := b64url.EncodeToString([]byte(payload))
	exp := strconv.FormatInt(expiresAt.Unix(), 10)
	sig := b64url.EncodeToString(mac(key, "passerelle-signed-v1", purpose, exp, p))
	return p + "." + exp + "." + sig, nil
}

// Verify checks a token made by Sign for purpose and returns its payload.
// The MAC is checked (in constant time) before anything else is believed,
// including the expiry. The error wraps ErrSignedInvalid (malformed,
// forged, other purpose or key) or ErrSignedExpired (authentic, but now is
// at or after its expiry).
func Verify(purpose, token string, key []byte, now time.Time) (string, error) {
	if len(key) < MinKeyBytes {
		return "", fmt.Errorf("verify %s: %w: %w", purpose, ErrSignedInvalid, ErrKeyTooShort)
	}
	p, rest, ok1 := strings.Cut(token, ".")
	exp, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || len(token) > maxTokenLen || !isTokenText(token) {
		return "", fmt.Errorf("verify %s: %w", purpose, ErrSignedInvalid)
	}
	got, err := b64url.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(key, "passerelle-signed-v1", purpose, exp, p)) {
		return "", fmt.Errorf("verify %s: %w", purpose, ErrSignedInvalid)
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return "", fmt.Errorf("verify %s: %w", purpose, ErrSignedInvalid)
	}
	if !now.Before(time.Unix(unix, 0)) {
		return "", fmt.Errorf("verify %s: %w", purpose, ErrSignedExpired)
	}
	payload, err := b64url.DecodeString(p)
	if err != nil {
		return "", fmt.Errorf("verify %s: %w", purpose, ErrSignedInvalid)
	}
	return string(payload), nil
}

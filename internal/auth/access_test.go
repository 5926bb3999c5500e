package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://passerelle.test"
	testAudience = "passerelle-api"
	testTTL      = 10 * time.Minute
)

var testIdentity = Identity{UserID: "u-42", Role: RoleEmployer, OrgID: "org-7", SessionID: "fam-1", Version: 3}

// MustTokens returns a Tokens with testKey(1) on clock.
func MustTokens(tb testing.TB, clock *fakeClock) *Tokens {
	tb.Helper()
	tok, err := NewTokens(TokenConfig{Key: testKey(1), Issuer: testIssuer, Audience: testAudience, TTL: testTTL, Now: clock.Now})
	if err != nil {
		tb.Fatalf("NewTokens: %v", err)
	}
	return tok
}

// goodClaims returns the claims Issue would write at now, as a map that
// tests can alter before signing by hand.
func goodClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": testIssuer, "aud": []string{testAudience}, "sub": "u-42",
		"role": "employer", "org": "org-7", "sid": "fam-1", "ver": 3,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(testTTL).Unix(), "jti": "jti-1",
	}
}

// signToken signs claims with golang-jwt, with the header entries of extra
// set (a nil value deletes the entry).
func signToken(tb testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims, extra map[string]any) string {
	tb.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range extra {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		tb.Fatalf("SignedString: %v", err)
	}
	return s
}

// rawToken assembles a compact JWS by hand, without golang-jwt, so that
// tests can produce what the library would refuse to produce.
func rawToken(tb testing.TB, header, payload any, signature string) string {
	tb.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatalf("marshal: %v", err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(payload) + "." + signature
}

func without(c jwt.MapClaims, keys ...string) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := without(c)
	out[k] = v
	return out
}

func TestTokensIssueParse(t *testing.T) {
	clock := newFakeClock()
	tok := MustTokens(t, clock)
	s, issued, err := tok.Issue(testIdentity)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	now := clock.Now()
	if issued.Identity != testIdentity || issued.ID == "" ||
		!issued.IssuedAt.Equal(now) || !issued.NotBefore.Equal(now) || !issued.ExpiresAt.Equal(now.Add(testTTL)) {
		t.Fatalf("Issue claims = %+v", issued)
	}

	// The header is exactly what we promise: HS256 and typ JWT.
	head, err := base64.RawURLEncoding.DecodeString(strings.Split(s, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	if err := json.Unmarshal(head, &h); err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h["alg"] != "HS256" || h["typ"] != "JWT" {
		t.Errorf("header = %v, want {alg: HS256, typ: JWT}", h)
	}

	for _, d := range []time.Duration{0, testTTL / 2, testTTL + AccessLeeway - time.Second} {
		clock := newFakeClock()
		clock.Advance(d)
		got, err := MustTokens(t, clock).Parse(s)
		if err != nil {
			t.Fatalf("Parse %s after issue: %v", d, err)
		}
		if got.Identity != issued.Identity || got.ID != issued.ID ||
			!got.IssuedAt.Equal(issued.IssuedAt) || !got.NotBefore.Equal(issued.NotBefore) || !got.ExpiresAt.Equal(issued.ExpiresAt) {
			t.Errorf("Parse = %+v, want %+v", got, issued)
		}
	}

	// A token with no org (a candidate) round-trips with an empty OrgID.
	cand := Identity{UserID: "u-1", Role: RoleCandidate, SessionID: "fam-2"}
	s2, _, err := tok.Issue(cand)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tok.Parse(s2); err != nil || got.Identity != cand {
		t.Errorf("Parse(candidate) = %+v, %v; want %+v", got.Identity, err, cand)
	}

	// jti is unique per token.
	s3, again, err := tok.Issue(testIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID == issued.ID || s3 == s {
		t.Error("two tokens share a jti")
	}
}

// TestTokensParseRejects holds Parse against every way a token can be
// wrong. Each case must fail; wantExpired marks the one failure reported
// as ErrTokenExpired rather than ErrTokenInvalid.
//
// The classic "RS256 public key used as HS256 secret" confusion has no
// case here because it cannot apply: Tokens knows no public key, only one
// HMAC secret, and accepts HS256 alone. The RS256 and ES256 cases check
// that asymmetric tokens are refused outright.
func TestTokensParseRejects(t *testing.T) {
	clock := newFakeClock()
	tok := MustTokens(t, clock)
	now := clock.Now()
	key := testKey(1)
	good := goodClaims(now)
	valid := signToken(t, jwt.SigningMethodHS256, key, good, nil)
	if _, err := tok.Parse(valid); err != nil {
		t.Fatalf("hand-made valid token rejected: %v", err)
	}
	parts := strings.Split(valid, ".")

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	// Tampered payload: admin role, original signature.
	adminPayload, _ := json.Marshal(with(good, "role", "admin"))
	tamperedPayload := parts[0] + "." + base64.RawURLEncoding.EncodeToString(adminPayload) + "." + parts[2]
	// Tampered signature: one character in the middle changed.
	sig := []byte(parts[2])
	sig[10] ^= 'A' ^ 'B'
	if sig[10] == parts[2][10] {
		sig[10] = 'C'
	}
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)

	tests := []struct {
		name        string
		token       string
		wantExpired bool
	}{
		{"alg none by hand", rawToken(t, map[string]any{"alg": "none", "typ": "JWT"}, good, ""), false},
		{"alg none by hand with signature", rawToken(t, map[string]any{"alg": "none", "typ": "JWT"}, good, parts[2]), false},
		{"alg None capitalised", rawToken(t, map[string]any{"alg": "None", "typ": "JWT"}, good, ""), false},
		{"alg none via golang-jwt", signToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good, nil), false},
		{"HS512 same key", signToken(t, jwt.SigningMethodHS512, key, good, nil), false},
		{"HS384 same key", signToken(t, jwt.SigningMethodHS384, key, good, nil), false},
		{"RS256", signToken(t, jwt.SigningMethodRS256, rsaKey, good, nil), false},
		{"ES256", signToken(t, jwt.SigningMethodES256, ecKey, good, nil), false},
		{"HS256 header, HS512 signature", parts[0] + "." + parts[1] + "." + strings.Split(signToken(t, jwt.SigningMethodHS512, key, good, nil), ".")[2], false},
		{"no alg", rawToken(t, map[string]any{"typ": "JWT"}, good, parts[2]), false},
		{"no exp", signToken(t, jwt.SigningMethodHS256, key, without(good, "exp"), nil), false},
		{"expired", signToken(t, jwt.SigningMethodHS256, key, with(good, "exp", now.Add(-AccessLeeway-time.Second).Unix()), nil), true},
		{"expired and wrong issuer", signToken(t, jwt.SigningMethodHS256, key, with(with(good, "exp", now.Add(-time.Hour).Unix()), "iss", "evil"), nil), false},
		{"nbf in the future", signToken(t, jwt.SigningMethodHS256, key, with(good, "nbf", now.Add(AccessLeeway+time.Minute).Unix()), nil), false},
		{"no nbf", signToken(t, jwt.SigningMethodHS256, key, without(good, "nbf"), nil), false},
		{"iat in the future", signToken(t, jwt.SigningMethodHS256, key, with(good, "iat", now.Add(AccessLeeway+time.Minute).Unix()), nil), false},
		{"no iat", signToken(t, jwt.SigningMethodHS256, key, without(good, "iat"), nil), false},
		{"wrong iss", signToken(t, jwt.SigningMethodHS256, key, with(good, "iss", "https://evil.test"), nil), false},
		{"no iss", signToken(t, jwt.SigningMethodHS256, key, without(good, "iss"), nil), false},
		{"wrong aud", signToken(t, jwt.SigningMethodHS256, key, with(good, "aud", "other-api"), nil), false},
		{"no aud", signToken(t, jwt.SigningMethodHS256, key, without(good, "aud"), nil), false},
		{"tampered signature", tamperedSig, false},
		{"tampered payload", tamperedPayload, false},
		{"signature removed", parts[0] + "." + parts[1] + ".", false},
		{"typ at+jwt", signToken(t, jwt.SigningMethodHS256, key, good, map[string]any{"typ": "at+jwt"}), false},
		{"typ lowercase jwt", signToken(t, jwt.SigningMethodHS256, key, good, map[string]any{"typ": "jwt"}), false},
		{"typ missing", signToken(t, jwt.SigningMethodHS256, key, good, map[string]any{"typ": nil}), false},
		{"typ not a string", signToken(t, jwt.SigningMethodHS256, key, good, map[string]any{"typ": 1}), false},
		{"crit header", signToken(t, jwt.SigningMethodHS256, key, good, map[string]any{"crit": []string{"exp"}}), false},
		{"other key", signToken(t, jwt.SigningMethodHS256, testKey(2), good, nil), false},
		{"no sub", signToken(t, jwt.SigningMethodHS256, key, without(good, "sub"), nil), false},
		{"no sid", signToken(t, jwt.SigningMethodHS256, key, without(good, "sid"), nil), false},
		{"no ver", signToken(t, jwt.SigningMethodHS256, key, without(good, "ver"), nil), false},
		{"ver not an integer", signToken(t, jwt.SigningMethodHS256, key, with(good, "ver", 1.5), nil), false},
		{"ver negative", signToken(t, jwt.SigningMethodHS256, key, with(good, "ver", -1), nil), false},
		{"no jti", signToken(t, jwt.SigningMethodHS256, key, without(good, "jti"), nil), false},
		{"unknown role", signToken(t, jwt.SigningMethodHS256, key, with(good, "role", "superuser"), nil), false},
		{"no role", signToken(t, jwt.SigningMethodHS256, key, without(good, "role"), nil), false},
		{"lifetime over maximum", signToken(t, jwt.SigningMethodHS256, key, with(good, "exp", now.Add(MaxAccessTTL+time.Minute).Unix()), nil), false},
		{"empty", "", false},
		{"two segments", parts[0] + "." + parts[1], false},
		{"four segments", valid + ".x", false},
		{"newline in signature", parts[0] + "." + parts[1] + "." + parts[2][:5] + "\n" + parts[2][5:], false},
		{"padded signature", valid + "=", false},
		{"garbage", "not a token at all", false},
		{"too long", valid + strings.Repeat("A", maxTokenLen), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tok.Parse(tt.token)
			if err == nil {
				t.Fatalf("Parse succeeded with %+v, want an error", got)
			}
			t.Logf("error: %v", err)
			if got != (Claims{}) {
				t.Errorf("Parse returned claims %+v with an error", got)
			}
			want, wantCode := ErrTokenInvalid, CodeTokenInvalid
			if tt.wantExpired {
				want, wantCode = ErrTokenExpired, CodeTokenExpired
			}
			if !errors.Is(err, want) || CodeOf(err) != wantCode {
				t.Errorf("Parse error = %v (code %q), want %v", err, CodeOf(err), want)
			}
			if len(tt.token) > 20 && strings.Contains(err.Error(), tt.token[len(tt.token)-20:]) {
				t.Errorf("error %q quotes the token", err)
			}
		})
	}
}

func TestNewTokensInvalid(t *testing.T) {
	ok := TokenConfig{Key: testKey(1), Issuer: testIssuer, Audience: testAudience, TTL: testTTL}
	tests := []struct {
		name   string
		change func(*TokenConfig)
		want   error
	}{
		{"nil key", func(c *TokenConfig) { c.Key = nil }, ErrKeyTooShort},
		{"31-byte key", func(c *TokenConfig) { c.Key = c.Key[:31] }, ErrKeyTooShort},
		{"no issuer", func(c *TokenConfig) { c.Issuer = "" }, ErrInvalidConfig},
		{"no audience", func(c *TokenConfig) { c.Audience = "" }, ErrInvalidConfig},
		{"zero ttl", func(c *TokenConfig) { c.TTL = 0 }, ErrInvalidConfig},
		{"ttl over 15 min", func(c *TokenConfig) { c.TTL = MaxAccessTTL + time.Second }, ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			cfg.Key = append([]byte(nil), ok.Key...)
			tt.change(&cfg)
			if _, err := NewTokens(cfg); !errors.Is(err, tt.want) {
				t.Fatalf("NewTokens error = %v, want %v", err, tt.want)
			}
		})
	}
	cfg := ok
	cfg.TTL = MaxAccessTTL
	if _, err := NewTokens(cfg); err != nil {
		t.Errorf("NewTokens(ttl = MaxAccessTTL): %v", err)
	}
}

// TestNewTokensCopiesKey checks that wiping the caller's key slice does not
// change the key in use.
func TestNewTokensCopiesKey(t *testing.T) {
	clock := newFakeClock()
	key := testKey(1)
	tok, err := NewTokens(TokenConfig{Key: key, Issuer: testIssuer, Audience: testAudience, TTL: testTTL, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := tok.Issue(testIdentity)
	if err != nil {
		t.Fatal(err)
	}
	clear(key)
	if _, err := MustTokens(t, clock).Parse(s); err != nil {
		t.Fatalf("token signed after the caller wiped its key slice does not verify: %v", err)
	}
}

func TestTokensIssueInvalid(t *testing.T) {
	tok := MustTokens(t, newFakeClock())
	tests := []struct {
		name string
		id   Identity
	}{
		{"no user", Identity{Role: RoleAdmin, SessionID: "s"}},
		{"no session", Identity{UserID: "u", Role: RoleAdmin}},
		{"no role", Identity{UserID: "u", SessionID: "s"}},
		{"unknown role", Identity{UserID: "u", Role: "root", SessionID: "s"}},
		{"negative version", Identity{UserID: "u", Role: RoleAdmin, SessionID: "s", Version: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, _, err := tok.Issue(tt.id); err == nil {
				t.Fatalf("Issue = %q, want an error", s)
			}
		})
	}
}

// TestTokensConcurrent issues and parses from many goroutines (run with
// -race): one Tokens, with its parser, is shared by all requests.
func TestTokensConcurrent(t *testing.T) {
	tok := MustTokens(t, newFakeClock())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			id := testIdentity
			id.Version = int64(i)
			for range 50 {
				s, _, err := tok.Issue(id)
				if err != nil {
					t.Error(err)
					return
				}
				if c, err := tok.Parse(s); err != nil || c.Identity != id {
					t.Errorf("Parse = %+v, %v; want %+v", c.Identity, err, id)
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzParseAccess feeds arbitrary strings to Parse. It must never panic,
// must fail with one of our two codes, and may only succeed on the one
// genuine token of the corpus: with canonical base64 enforced, no other
// text can carry a valid signature.
func FuzzParseAccess(f *testing.F) {
	clock := newFakeClock()
	tok := MustTokens(f, clock)
	// Issue would pick a random jti, and each fuzzing worker runs this
	// setup again: sign the genuine token deterministically instead, so
	// that every process agrees on it.
	valid := signToken(f, jwt.SigningMethodHS256, testKey(1), goodClaims(clock.Now()), nil)
	if _, err := tok.Parse(valid); err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	f.Add(valid)
	f.Add(parts[0] + "." + parts[1] + ".")
	f.Add(rawToken(f, map[string]any{"alg": "none", "typ": "JWT"}, goodClaims(clock.Now()), ""))
	f.Add(signToken(f, jwt.SigningMethodHS512, testKey(1), goodClaims(clock.Now()), nil))
	f.Add(signToken(f, jwt.SigningMethodHS256, testKey(1), goodClaims(clock.Now()), map[string]any{"typ": "at+jwt"}))
	f.Add("")
	f.Add("..")
	f.Add("eyJhbGciOiJIUzI1NiJ9.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := tok.Parse(s)
		if err != nil {
			if code := CodeOf(err); code != CodeTokenInvalid && code != CodeTokenExpired {
				t.Fatalf("Parse error %v has code %q", err, code)
			}
			return
		}
		if s != valid {
			t.Fatalf("Parse accepted a token that was not issued: %q -> %+v", s, c)
		}
	})
}

func BenchmarkParseAccess(b *testing.B) {
	tok := MustTokens(b, newFakeClock())
	s, _, err := tok.Issue(testIdentity)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tok.Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueAccess(b *testing.B) {
	tok := MustTokens(b, newFakeClock())
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := tok.Issue(testIdentity); err != nil {
			b.Fatal(err)
		}
	}
}

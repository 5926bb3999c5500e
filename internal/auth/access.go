package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Access token settings that are not configurable on purpose.
const (
	// MinKeyBytes is the shortest secret accepted for HMAC keys (JWT, CSRF,
	// signed links): 256 bits, the output size of SHA-256 (RFC 7518 §3.2
	// requires at least that for HS256).
	MinKeyBytes = 32
	// MaxAccessTTL caps the lifetime of an access token. Access tokens are
	// not revocable one by one (the "ver" check revokes all of a user's),
	// so their lifetime is the window during which a stolen token works.
	MaxAccessTTL = 15 * time.Minute
	// AccessLeeway is the clock skew tolerated between API replicas when
	// checking exp, nbf and iat. Replicas run NTP, so seconds suffice; more
	// would only lengthen the life of every token.
	AccessLeeway = 10 * time.Second
	// maxTokenLen bounds the input of Parse: our tokens are ~400 bytes, and
	// a bound keeps hostile megabyte headers from reaching the JSON decoder.
	maxTokenLen = 4096
)

// signingAlg is the only algorithm issued and accepted. HMAC means one
// shared secret between replicas and no public key; this also rules out
// the classic RS256→HS256 confusion attack (verifying an HMAC made with a
// public key), since no public key exists to be misused as an HMAC secret.
var signingAlg = jwt.SigningMethodHS256

// Identity is who an authenticated request speaks for: what an access token
// (or a session) asserts about its bearer.
type Identity struct {
	// UserID is the account id (claim "sub").
	UserID string
	// Role is the account's role (claim "role").
	Role Role
	// OrgID is the organisation the user acts for, empty for candidates and
	// admins (claim "org").
	OrgID string
	// SessionID is the refresh-token family the access token was issued
	// from (claim "sid"), so that logging out one device can be enforced.
	SessionID string
	// Version is the user's token version (claim "ver"). The store bumps it
	// on logout-everywhere, password change and disabling; the middleware
	// rejects tokens whose Version differs from the stored one, which is
	// how still-unexpired access tokens get revoked.
	Version int64
}

// Claims are the verified contents of an access token.
type Claims struct {
	Identity
	// ID is the unique token id (claim "jti").
	ID string
	// IssuedAt, NotBefore and ExpiresAt are the iat, nbf and exp claims,
	// with second precision.
	IssuedAt, NotBefore, ExpiresAt time.Time
}

// accessClaims is the wire form. Ver is a pointer so that a missing "ver"
// is told apart from version 0.
type accessClaims struct {
	Role string `json:"role"`
	Org  string `json:"org,omitempty"`
	SID  string `json:"sid"`
	Ver  *int64 `json:"ver"`
	jwt.RegisteredClaims
}

// TokenConfig configures NewTokens.
type TokenConfig struct {
	// Key is the HMAC secret, at least MinKeyBytes random bytes, shared by
	// all API replicas and used for nothing else (see DeriveKey).
	Key []byte
	// Issuer and Audience are written to and required in every token, so a
	// token minted for another service or environment sharing the key by
	// mistake is refused.
	Issuer, Audience string
	// TTL is the access token lifetime, in (0, MaxAccessTTL].
	TTL time.Duration
	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time
}

// Tokens issues and verifies access tokens: HS256 JWTs with pinned
// algorithm, "typ" header, issuer, audience and a bounded lifetime.
// A Tokens is safe for concurrent use.
type Tokens struct {
	key      []byte
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	parser   *jwt.Parser
}

// NewTokens checks cfg and returns a Tokens. The key is copied, so the
// caller may wipe its slice.
func NewTokens(cfg TokenConfig) (*Tokens, error) {
	switch {
	case len(cfg.Key) < MinKeyBytes:
		return nil, fmt.Errorf("new tokens: %d-byte key, need %d: %w", len(cfg.Key), MinKeyBytes, ErrKeyTooShort)
	case cfg.Issuer == "" || cfg.Audience == "":
		return nil, fmt.Errorf("new tokens: issuer and audience are required: %w", ErrInvalidConfig)
	case cfg.TTL <= 0 || cfg.TTL > MaxAccessTTL:
		return nil, fmt.Errorf("new tokens: ttl %s out of (0, %s]: %w", cfg.TTL, MaxAccessTTL, ErrInvalidConfig)
	}
	t := &Tokens{
		key:      append([]byte(nil), cfg.Key...),
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		ttl:      cfg.TTL,
		now:      cfg.Now,
	}
	if t.now == nil {
		t.now = time.Now
	}
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{signingAlg.Alg()}),
		jwt.WithIssuer(t.issuer),
		jwt.WithAudience(t.audience),
		jwt.WithExpirationRequired(),
		jwt.WithNotBeforeRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(AccessLeeway),
		jwt.WithTimeFunc(t.now),
		// Canonical base64 only: otherwise several spellings of one
		// signature verify, and a token would not be identified by its text.
		jwt.WithStrictDecoding(),
	)
	return t, nil
}

// TTL returns the access token lifetime, for the expires_in of responses.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue signs an access token for id and returns it with its claims.
// id must have a UserID, a valid Role, a SessionID and a non-negative
// Version: a token without them could not be checked by the middleware.
func (t *Tokens) Issue(id Identity) (string, Claims, error) {
	switch {
	case id.UserID == "" || id.SessionID == "":
		return "", Claims{}, fmt.Errorf("issue access token: user id and session id are required: %w", ErrInvalidConfig)
	case !id.Role.Valid():
		return "", Claims{}, fmt.Errorf("issue access token: %w", ErrRoleInvalid)
	case id.Version < 0:
		return "", Claims{}, fmt.Errorf("issue access token: negative version: %w", ErrInvalidConfig)
	}
	now := t.now()
	ver := id.Version
	wire := accessClaims{
		Role: string(id.Role),
		Org:  id.OrgID,
		SID:  id.SessionID,
		Ver:  &ver,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   id.UserID,
			Audience:  jwt.ClaimStrings{t.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        newID(),
		},
	}
	tok := jwt.NewWithClaims(signingAlg, wire)
	tok.Header["typ"] = "JWT"
	s, err := tok.SignedString(t.key)
	if err != nil {
		return "", Claims{}, fmt.Errorf("issue access token: %w", err)
	}
	return s, claimsOf(&wire), nil
}

// Parse verifies token and returns its claims. Beyond the parser options
// (HS256 only, issuer, audience, exp and nbf required, iat not in the
// future, AccessLeeway), it requires the "typ": "JWT" header, refuses a
// "crit" header, and requires the sub, role, sid, ver and jti claims. It
// does not compare Version with the stored one: that is the middleware's
// job, since it needs the store.
//
// The error wraps ErrTokenExpired for an authentic but expired token (the
// client should refresh) and ErrTokenInvalid otherwise, together with the
// golang-jwt sentinel describing the failure; it never contains token text.
func (t *Tokens) Parse(token string) (Claims, error) {
	if len(token) > maxTokenLen || !isTokenText(token) {
		return Claims{}, fmt.Errorf("parse access token: %w: %w", ErrTokenInvalid, jwt.ErrTokenMalformed)
	}
	var wire accessClaims
	if _, err := t.parser.ParseWithClaims(token, &wire, t.keyFunc); err != nil {
		return Claims{}, fmt.Errorf("parse access token: %w", classifyJWTError(err))
	}
	c := claimsOf(&wire)
	switch {
	case c.UserID == "" || c.SessionID == "" || c.ID == "" || wire.Ver == nil || wire.IssuedAt == nil:
		return Claims{}, fmt.Errorf("parse access token: %w: %w", ErrTokenInvalid, jwt.ErrTokenRequiredClaimMissing)
	case !c.Role.Valid() || c.Version < 0:
		return Claims{}, fmt.Errorf("parse access token: %w: %w", ErrTokenInvalid, jwt.ErrTokenInvalidClaims)
	case c.ExpiresAt.Sub(c.IssuedAt) > MaxAccessTTL:
		// Only a bug on our side can sign such a token; refuse it anyway.
		return Claims{}, fmt.Errorf("parse access token: %w: lifetime over maximum: %w", ErrTokenInvalid, jwt.ErrTokenInvalidClaims)
	}
	return c, nil
}

// keyFunc repeats the algorithm check of WithValidMethods (so that removing
// that option by mistake cannot open the door to "none" or to another
// algorithm) and checks the headers the parser ignores.
func (t *Tokens) keyFunc(tok *jwt.Token) (any, error) {
	if tok.Method == nil || tok.Method.Alg() != signingAlg.Alg() {
		return nil, errors.New("unexpected signing algorithm")
	}
	if alg, _ := tok.Header["alg"].(string); alg != signingAlg.Alg() {
		return nil, errors.New("unexpected signing algorithm")
	}
	if typ, _ := tok.Header["typ"].(string); typ != "JWT" {
		return nil, errors.New("unexpected token type")
	}
	// RFC 7515 §4.1.11: extensions listed in "crit" must be understood;
	// we understand none.
	if _, ok := tok.Header["crit"]; ok {
		return nil, errors.New("unsupported critical header")
	}
	return t.key, nil
}

// jwtReasons orders the golang-jwt sentinels from most to least specific.
// Expiry comes after the others so that a token that is both expired and
// wrong in another way is reported invalid, not "please refresh".
var jwtReasons = []error{
	jwt.ErrTokenMalformed,
	jwt.ErrTokenUnverifiable,
	jwt.ErrTokenSignatureInvalid,
	jwt.ErrTokenRequiredClaimMissing,
	jwt.ErrTokenInvalidIssuer,
	jwt.ErrTokenInvalidAudience,
	jwt.ErrTokenNotValidYet,
	jwt.ErrTokenUsedBeforeIssued,
	jwt.ErrTokenExpired,
	jwt.ErrTokenInvalidClaims,
}

// classifyJWTError maps a golang-jwt error to our sentinels. It keeps the
// golang-jwt sentinel (fixed text) rather than err itself, whose message
// can quote attacker-chosen header values.
func classifyJWTError(err error) error {
	for _, reason := range jwtReasons {
		if errors.Is(err, reason) {
			if reason == jwt.ErrTokenExpired {
				return fmt.Errorf("%w: %w", ErrTokenExpired, reason)
			}
			return fmt.Errorf("%w: %w", ErrTokenInvalid, reason)
		}
	}
	return ErrTokenInvalid
}

func claimsOf(w *accessClaims) Claims {
	c := Claims{
		Identity: Identity{
			UserID:    w.Subject,
			Role:      Role(w.Role),
			OrgID:     w.Org,
			SessionID: w.SID,
		},
		ID: w.ID,
	}
	if w.Ver != nil {
		c.Version = *w.Ver
	}
	if w.IssuedAt != nil {
		c.IssuedAt = w.IssuedAt.Time
	}
	if w.NotBefore != nil {
		c.NotBefore = w.NotBefore.Time
	}
	if w.ExpiresAt != nil {
		c.ExpiresAt = w.ExpiresAt.Time
	}
	return c
}

// isTokenText reports whether s uses only the base64url alphabet and dots,
// the only characters of a compact JWS. Go's base64 decoder skips CR and
// LF even in strict mode, so without this check "sig" and "s\nig" would
// both verify.
func isTokenText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

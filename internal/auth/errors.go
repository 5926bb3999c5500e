package auth

import "errors"

// Code is a stable, machine-readable identifier of an auth failure. The HTTP
// layer maps codes to problem+json types and to FR/EN messages; codes never
// change once published, messages may.
type Code string

// Codes of the failures this package reports. They are part of the API
// contract with clients, so they are lowercase snake_case and never reused.
const (
	// CodePasswordTooShort: fewer than MinPasswordRunes characters.
	CodePasswordTooShort Code = "password_too_short"
	// CodePasswordTooLong: more than MaxPasswordRunes characters.
	CodePasswordTooLong Code = "password_too_long"
	// CodePasswordCommon: in the list of common passwords.
	CodePasswordCommon Code = "password_common"
	// CodePasswordEncoding: not valid UTF-8.
	CodePasswordEncoding Code = "password_encoding"
	// CodeHashMalformed: a stored hash is unreadable (a server fault).
	CodeHashMalformed Code = "password_hash_malformed"
	// CodeTokenInvalid: an access token failed verification.
	CodeTokenInvalid Code = "token_invalid"
	// CodeTokenExpired: an access token expired; refresh it.
	CodeTokenExpired Code = "token_expired"
	// CodeCSRFInvalid: a missing or wrong CSRF token.
	CodeCSRFInvalid Code = "csrf_invalid"
	// CodeSignedInvalid: a signed link is malformed, forged or misused.
	CodeSignedInvalid Code = "signed_token_invalid"
	// CodeSignedExpired: a signed link is past its expiry.
	CodeSignedExpired Code = "signed_token_expired"
	// CodeRoleInvalid: an unknown role.
	CodeRoleInvalid Code = "role_invalid"
	// CodeTooManyAttempts: throttled by a Limiter.
	CodeTooManyAttempts Code = "too_many_attempts"
	// CodeInvalidCredentials: wrong e-mail or password, never saying which.
	CodeInvalidCredentials Code = "invalid_credentials"
)

// Error is an auth failure with a machine code. Values are compared by
// identity: use errors.Is with the sentinels below, or CodeOf to get the code
// through any number of wrapping layers.
type Error struct {
	// Code identifies the failure for machines.
	Code Code
	msg  string
}

// Error returns the developer-facing message. It never contains user input.
func (e *Error) Error() string { return e.msg }

func newErr(code Code, msg string) *Error { return &Error{Code: code, msg: msg} }

// Sentinel errors. They are wrapped with the operation that failed, so test
// them with errors.Is, never with ==.
var (
	// ErrPasswordTooShort means the password has fewer than MinPasswordRunes characters.
	ErrPasswordTooShort = newErr(CodePasswordTooShort, "password too short")
	// ErrPasswordTooLong means the password has more than MaxPasswordRunes
	// characters (or MaxPasswordBytes bytes): a bound on the hashing input.
	ErrPasswordTooLong = newErr(CodePasswordTooLong, "password too long")
	// ErrPasswordCommon means the password is in the embedded list of common passwords.
	ErrPasswordCommon = newErr(CodePasswordCommon, "password too common")
	// ErrPasswordEncoding means the password is not valid UTF-8, so its length
	// in characters is not defined.
	ErrPasswordEncoding = newErr(CodePasswordEncoding, "password is not valid UTF-8")
	// ErrHashMalformed means a stored password hash cannot be decoded or uses
	// unsupported or out-of-bounds parameters. It is a server-side problem.
	ErrHashMalformed = newErr(CodeHashMalformed, "malformed password hash")
	// ErrInvalidCredentials is what the HTTP layer should answer for a wrong
	// e-mail or password alike; the package itself reports mismatches as a
	// false result rather than an error.
	ErrInvalidCredentials = newErr(CodeInvalidCredentials, "invalid credentials")

	// ErrTokenInvalid means an access token failed verification for any
	// reason other than expiry (signature, algorithm, issuer, audience, ...).
	ErrTokenInvalid = newErr(CodeTokenInvalid, "invalid access token")
	// ErrTokenExpired means an otherwise valid access token has expired; the
	// client should use its refresh token.
	ErrTokenExpired = newErr(CodeTokenExpired, "access token expired")

	// ErrCSRFInvalid means a CSRF token is missing or does not match the session.
	ErrCSRFInvalid = newErr(CodeCSRFInvalid, "invalid CSRF token")

	// ErrSignedInvalid means a signed link token is malformed, forged, or was
	// signed for another purpose.
	ErrSignedInvalid = newErr(CodeSignedInvalid, "invalid signed token")
	// ErrSignedExpired means a signed link token is authentic but past its expiry.
	ErrSignedExpired = newErr(CodeSignedExpired, "signed token expired")

	// ErrRoleInvalid means a string is not one of the known roles.
	ErrRoleInvalid = newErr(CodeRoleInvalid, "invalid role")

	// ErrTooManyAttempts is what the HTTP layer should answer (429) when a
	// Limiter refuses; the Limiter itself returns a bool and a delay.
	ErrTooManyAttempts = newErr(CodeTooManyAttempts, "too many attempts")
)

// Configuration errors: programming or deployment mistakes, reported at
// start-up. They carry no Code because no user can cause them.
var (
	// ErrKeyTooShort means a secret key has fewer than MinKeyBytes bytes.
	ErrKeyTooShort = errors.New("key too short")
	// ErrInvalidConfig means a constructor received an unusable setting.
	ErrInvalidConfig = errors.New("invalid configuration")
)

// CodeOf returns the Code of the first *Error in err's chain, or "" when err
// carries none (an internal failure, to be answered with a generic 500).
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

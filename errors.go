// Package passerelle holds what every layer of Passerelle shares: the kinds of
// error a domain operation can return, so that storage can say "not found" or
// "conflict" and the HTTP layer can answer the right status without knowing
// who raised it.
package passerelle

import (
	"errors"
	"fmt"
)

// Error codes. Domain services and storage adapters return *Error values with
// one of these codes; the HTTP layer maps them to statuses in one place.
const (
	ECONFLICT       = "conflict"        // the write collides with existing data (duplicate, stale revision)
	EINTERNAL       = "internal"        // anything unexpected; never shown in detail to users
	EINVALID        = "invalid"         // the input breaks a rule; FieldErrors say which
	ENOTFOUND       = "not_found"       // no such object, or not visible to the caller
	EUNAUTHORIZED   = "unauthorized"    // the caller is not authenticated
	EFORBIDDEN      = "forbidden"       // authenticated, but not allowed
	ETOOMANY        = "too_many"        // throttled
	EUNAVAILABLE    = "unavailable"     // a dependency (the store) does not answer
	ENOTIMPLEMENTED = "not_implemented" // the build lacks the feature (e.g. no embedded store)
)

// Error is a domain error: a code the HTTP layer maps to a status, a message
// key that the presentation layer translates, and optional field errors.
type Error struct {
	Code string
	// Key names the human message in the i18n catalogues (e.g. "error.offer.not_found").
	// Empty means the generic message of Code.
	Key string
	// Args fill the placeholders of the translated message.
	Args []any
	// Fields lists the invalid input fields, for EINVALID.
	Fields []FieldError
	// Err is the underlying cause, logged but never shown.
	Err error
}

// FieldError says what is wrong with one input field. Key names the message in
// the i18n catalogues; Param is the rule's parameter (a length, a minimum…).
type FieldError struct {
	Field string
	Key   string
	Param string
}

// Error implements error. The text is for logs, not for users.
func (e *Error) Error() string {
	msg := e.Code
	if e.Key != "" {
		msg += " " + e.Key
	}
	for _, f := range e.Fields {
		msg += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and message key; args fill the message.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Invalid returns an EINVALID error listing the given field errors.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Key: "error.invalid", Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

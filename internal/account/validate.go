package account

import (
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"passerelle"
	"passerelle/internal/auth"
)

// Limits of user input. The HTTP layer checks the same bounds; these are the
// ones that hold whoever calls.
const (
	maxEmailLen    = 254 // RFC 5321 path limit
	maxNameRunes   = 100
	minOrgRunes    = 2
	maxOrgRunes    = 120
	maxCityRunes   = 100
	defaultLang    = "fr"
	maxLocalLength = 64
)

// langs are the languages e-mails are written in; the same list as
// i18n.Languages, repeated because the domain does not import presentation.
var langs = []string{"fr", "en"}

// fieldErrors collects every invalid field of a form, so that a person sees
// all of them at once rather than one per submission.
type fieldErrors []passerelle.FieldError

func (f *fieldErrors) add(field, key, param string) {
	*f = append(*f, passerelle.FieldError{Field: field, Key: key, Param: param})
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return passerelle.Invalid(f...)
}

// normalizeEmail is the one spelling of an address the store knows: e-mail
// providers treat addresses case-insensitively in practice, and two accounts
// differing only by case would be a trap.
func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validEmail accepts a plain addr-spec: local@domain, no display name, no
// spaces or control characters, a dotted domain. Stricter than RFC 5322 on
// purpose: what it refuses are typos, not real addresses.
func validEmail(e string) bool {
	if e == "" || len(e) > maxEmailLen || !utf8.ValidString(e) {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	if at < 1 || at > maxLocalLength {
		return false
	}
	domain := e[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.HasPrefix(domain, "-") {
		return false
	}
	for _, r := range e {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == '<' || r == '>' || r == ',' || r == ';' {
			return false
		}
	}
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && a.Name == ""
}

func (f *fieldErrors) email(field, email string) {
	switch {
	case email == "":
		f.add(field, "account.email.required", "")
	case !validEmail(email):
		f.add(field, "account.email.invalid", "")
	}
}

// password applies the password policy (auth.CheckPassword) to a new password.
func (f *fieldErrors) password(field, pw string) {
	err := auth.CheckPassword(pw)
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrPasswordTooShort):
		f.add(field, "account.password.too_short", strconv.Itoa(auth.MinPasswordRunes))
	case errors.Is(err, auth.ErrPasswordTooLong):
		f.add(field, "account.password.too_long", strconv.Itoa(auth.MaxPasswordRunes))
	case errors.Is(err, auth.ErrPasswordCommon):
		f.add(field, "account.password.common", "")
	default:
		f.add(field, "account.password.encoding", "")
	}
}

// text checks a one-line free text (a name, a city) and returns it trimmed.
// keyPrefix selects the messages: <prefix>.required, .too_short, .too_long, .invalid.
func (f *fieldErrors) text(field, keyPrefix, s string, min, max int) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		f.add(field, keyPrefix+".invalid", "")
	case n == 0:
		f.add(field, keyPrefix+".required", "")
	case n < min:
		f.add(field, keyPrefix+".too_short", strconv.Itoa(min))
	case n > max:
		f.add(field, keyPrefix+".too_long", strconv.Itoa(max))
	}
	return s
}

func (f *fieldErrors) name(field, s string) string {
	return f.text(field, "account.name", s, 1, maxNameRunes)
}

// lang returns the language, "fr" when none is given.
func (f *fieldErrors) lang(field, l string) string {
	if l == "" {
		return defaultLang
	}
	for _, x := range langs {
		if l == x {
			return l
		}
	}
	f.add(field, "account.lang.invalid", "")
	return defaultLang
}

// siren returns the 9 digits of a SIREN, checking shape and Luhn sum.
func (f *fieldErrors) siren(field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		f.add(field, "account.siren.required", "")
		return ""
	}
	d, ok := auth.NormalizeSIREN(s)
	switch {
	case !ok:
		f.add(field, "account.siren.format", "")
	case !auth.ValidSIREN(d):
		f.add(field, "account.siren.checksum", "")
	}
	return d
}

package application

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"passerelle"
)

// fieldErrors collects every problem of an input, so that a form shows them
// all at once.
type fieldErrors []passerelle.FieldError

func (f *fieldErrors) add(field, key string, param ...string) {
	fe := passerelle.FieldError{Field: field, Key: key}
	if len(param) > 0 {
		fe.Param = param[0]
	}
	*f = append(*f, fe)
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return passerelle.Invalid(f...)
}

// text checks free text: valid UTF-8, no control characters (multi-line
// text keeps line breaks and tabs), at most maxRunes once trimmed. It
// returns the text as it will be stored.
func text(errs *fieldErrors, field, s string, maxRunes int, multiline bool) string {
	s = strings.TrimSpace(s)
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t'))
	}) {
		errs.add(field, "application.text.invalid")
		return s
	}
	if utf8.RuneCountInString(s) > maxRunes {
		errs.add(field, "application.text.too_long", strconv.Itoa(maxRunes))
	}
	return s
}

// validID reports whether id has the shape of every id of the product (an
// ObjectID in 24 lower-case hex digits). Checking it first keeps ":" out of
// composite keys and junk out of queries.
func validID(id string) bool {
	return len(id) == 24 && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	})
}

// splitID cuts an application id into candidate and offer ids; ok is false
// for anything that is not two valid ids.
func splitID(id string) (candidateID, offerID string, ok bool) {
	c, o, found := strings.Cut(id, ":")
	return c, o, found && validID(c) && validID(o)
}

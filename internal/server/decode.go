package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/auth"
)

// validate is the one validator of request types; its field names are the
// JSON (or form) names the client sent, so errors point at what they wrote.
var validate = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "form"} {
			name := strings.SplitN(f.Tag.Get(tag), ",", 2)[0]
			if name != "" && name != "-" {
				return name
			}
		}
		return f.Name
	})
	_ = v.RegisterValidation("siren", func(fl validator.FieldLevel) bool {
		return auth.ValidSIREN(fl.Field().String())
	})
	_ = v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	})
	return v
})

// decodeJSON reads the request body into dst strictly: JSON only, one object,
// no unknown field, every value of the declared type (so that
// {"email": {"$ne": null}} is a type error, never a filter), then validates
// it. Every problem becomes an EINVALID error naming the field.
func decodeJSON(c *fiber.Ctx, dst any) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	if ct != fiber.MIMEApplicationJSON {
		return fiber.NewError(fiber.StatusUnsupportedMediaType)
	}
	if err := decodeStrict(c.Body(), dst); err != nil {
		return err
	}
	return validateStruct(dst)
}

func decodeStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return passerelle.Invalid(passerelle.FieldError{Field: "", Key: "validation.json_trailing"})
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return passerelle.Invalid(passerelle.FieldError{Field: "", Key: "validation.json_syntax"})
	case errors.As(err, &typ):
		field := jsonPath(typ.Field)
		if field == "" {
			field = "(body)"
		}
		return passerelle.Invalid(passerelle.FieldError{Field: field, Key: "validation.type", Param: typ.Type.String()})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return passerelle.Invalid(passerelle.FieldError{Field: name, Key: "validation.unknown_field"})
	default:
		return passerelle.Invalid(passerelle.FieldError{Field: "", Key: "validation.json_syntax"})
	}
}

// jsonPath writes encoding/json's field path ("skills.0.level") the way the
// rest of the API names fields ("skills[0].level").
func jsonPath(p string) string {
	parts := strings.Split(p, ".")
	var b strings.Builder
	for i, part := range parts {
		if part != "" && strings.Trim(part, "0123456789") == "" {
			b.WriteString("[" + part + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

// validateStruct runs the validate tags of v and lists every failing field.
func validateStruct(v any) error {
	err := validate().Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return passerelle.Invalid(passerelle.FieldError{Field: "", Key: "validation.invalid"})
	}
	fields := make([]passerelle.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, passerelle.FieldError{Field: fieldPath(fe), Key: "validation." + fe.Tag(), Param: fe.Param()})
	}
	return passerelle.Invalid(fields...)
}

// fieldPath drops the request type's name from the namespace
// ("registerRequest.company.siren" → "company.siren").
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		return ns[i+1:]
	}
	return fe.Field()
}

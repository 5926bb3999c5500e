package server

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"passerelle"
)

var errPanic = errors.New("handler panicked")

// Problem is an RFC 9457 problem details document, the body of every API error.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	Code      string         `json:"code"`
	RequestID string         `json:"requestId,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one invalid input field of a problem, with its message in
// the request's language.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf maps domain error codes to HTTP statuses: the one place where the
// two vocabularies meet.
var statusOf = map[string]int{
	passerelle.EINVALID:        fiber.StatusUnprocessableEntity,
	passerelle.ENOTFOUND:       fiber.StatusNotFound,
	passerelle.ECONFLICT:       fiber.StatusConflict,
	passerelle.EUNAUTHORIZED:   fiber.StatusUnauthorized,
	passerelle.EFORBIDDEN:      fiber.StatusForbidden,
	passerelle.ETOOMANY:        fiber.StatusTooManyRequests,
	passerelle.EUNAVAILABLE:    fiber.StatusServiceUnavailable,
	passerelle.ENOTIMPLEMENTED: fiber.StatusNotImplemented,
	passerelle.EINTERNAL:       fiber.StatusInternalServerError,
}

// fiberCodes gives Fiber's own errors (no route, body too large…) a code
// and a message key.
var fiberCodes = map[int][2]string{
	fiber.StatusBadRequest:            {"bad_request", "error.bad_request"},
	fiber.StatusNotFound:              {passerelle.ENOTFOUND, "error.not_found"},
	fiber.StatusMethodNotAllowed:      {"method_not_allowed", "error.method_not_allowed"},
	fiber.StatusRequestEntityTooLarge: {"too_large", "error.too_large"},
	fiber.StatusUnsupportedMediaType:  {"unsupported_media_type", "error.unsupported_media_type"},
	fiber.StatusRequestTimeout:        {"timeout", "error.timeout"},
	fiber.StatusUnprocessableEntity:   {passerelle.EINVALID, "error.invalid"},
	fiber.StatusTooManyRequests:       {passerelle.ETOOMANY, "error.too_many"},
}

// handleError is the app's only error handler: every error a handler or
// middleware returns ends here and becomes problem+json under /api/ or an
// HTML page elsewhere. A 5xx is logged once, with the request id, and
// answered with a generic message.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	lang := langOf(c)
	status, code, key := fiber.StatusInternalServerError, passerelle.EINTERNAL, "error.internal"
	var args []any
	var fields []passerelle.FieldError

	var perr *passerelle.Error
	var ferr *fiber.Error
	switch {
	case errors.As(err, &perr):
		code, key = perr.Code, perr.Key
		if st, ok := statusOf[code]; ok {
			status = st
		}
		switch {
		case status == fiber.StatusServiceUnavailable:
			key = "error.unavailable" // never a cause's detail on a 5xx
		case status >= 500:
			key = "error.internal"
		case key == "":
			key = "error." + code
		}
		args, fields = perr.Args, perr.Fields
	case errors.As(err, &ferr):
		status = ferr.Code
		if fc, ok := fiberCodes[ferr.Code]; ok {
			code, key = fc[0], fc[1]
		} else if status < 500 {
			code, key = "error", "error.bad_request"
		}
		if status == fiber.StatusRequestEntityTooLarge {
			args = []any{s.cfg.BodyLimit}
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestIDOf(c), "method", c.Method(), "path", c.Path(), "status", status, "err", err.Error())
	}
	if status == fiber.StatusTooManyRequests && len(args) > 0 {
		if secs, ok := args[0].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		}
	}

	if isAPI(c) {
		p := Problem{
			Type:      "https://passerelle.example.fr/problems/" + code,
			Title:     s.catalog.T(lang, "error.title"),
			Status:    status,
			Detail:    s.catalog.T(lang, key, args...),
			Instance:  c.OriginalURL(),
			Code:      code,
			RequestID: requestIDOf(c),
		}
		if i := strings.IndexByte(p.Instance, '?'); i >= 0 {
			p.Instance = p.Instance[:i]
		}
		for _, f := range fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Key, Message: s.fieldMessage(lang, f)})
		}
		c.Status(status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.JSON(p, "application/problem+json")
	}

	title := s.catalog.T(lang, key+".title")
	if title == key+".title" {
		title = s.catalog.T(lang, "error.title")
	}
	return s.renderStatus(c, status, "error", title, errorPage{
		Title:     title,
		Detail:    s.catalog.T(lang, key, args...),
		RequestID: requestIDOf(c),
	})
}

// fieldMessage translates a field error; a rule without its own message
// falls back to the generic "invalid value" rather than showing a key.
func (s *Server) fieldMessage(lang string, f passerelle.FieldError) string {
	key := f.Key
	if !s.catalog.Has(key) {
		key = "validation.invalid"
	}
	if f.Param == "" || !strings.Contains(s.catalog.T(lang, key), "%") {
		return s.catalog.T(lang, key)
	}
	return s.catalog.T(lang, key, f.Param)
}

type errorPage struct {
	Title, Detail, RequestID string
}

func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/api" || strings.HasPrefix(p, "/api/")
}

func slogLevelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}

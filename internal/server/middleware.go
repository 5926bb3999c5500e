package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/i18n"
)

const (
	localRequestID = "requestid"
	localLang      = "lang"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID takes a well-formed X-Request-ID from the client (a proxy's) or
// makes one, and echoes it, so that a user can quote it and we can find the log.
func (s *Server) requestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID.MatchString(id) {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// logRequests writes one structured line per request. It handles the chain's
// error itself (as Fiber's own logger does) so that the line carries the
// final status. The query string is left out: it may carry tokens.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.log.Error("error handler failed", "request_id", requestIDOf(c), "err", herr)
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slogLevelFor(status)
	s.log.Log(c.UserContext(), level, "request",
		"request_id", requestIDOf(c),
		"method", c.Method(),
		"path", c.Path(),
		"status", status,
		"duration_ms", float64(time.Since(start).Microseconds())/1000,
		"bytes", len(c.Response().Body()),
	)
	return nil
}

// recoverPanics turns a panic into a 500 answer; the process stays up and
// the stack is logged once with the request id.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", "request_id", requestIDOf(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = errPanic
		}
	}()
	return c.Next()
}

// securityHeaders forbids what the pages never need: external resources,
// inline scripts, framing, MIME sniffing.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if s.cfg.Production() {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// language picks the language of the answer: ?lang= (remembered in a
// cookie), then the cookie, then Accept-Language, then French.
func (s *Server) language(c *fiber.Ctx) error {
	choice := c.Query("lang")
	if choice != "" && i18n.Match(choice, "") == choice {
		c.Cookie(&fiber.Cookie{Name: "lang", Value: choice, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", Secure: s.cfg.Production(), HTTPOnly: true})
	} else {
		choice = c.Cookies("lang")
	}
	c.Locals(localLang, i18n.Match(choice, c.Get(fiber.HeaderAcceptLanguage)))
	return c.Next()
}

func langOf(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok {
		return l
	}
	return i18n.Default
}

// Package config reads Passerelle's configuration from PASSERELLE_* environment
// variables into one struct, once, at start. A bad value stops the program with
// a message that names the variable and what it expects.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/auth"
	"passerelle/internal/notify"
)

// Environments the server knows. Production refuses development conveniences
// (generated keys, debug routes, the embedded store's default data folder is
// still allowed but logged loudly).
const (
	EnvDevelopment = "development"
	EnvTest        = "test"
	EnvProduction  = "production"
)

// Config is the whole configuration of a Passerelle process.
type Config struct {
	Env     string // development, test or production
	Addr    string // HTTP listen address, host:port
	BaseURL string // public URL, for links in e-mails and redirects

	MongoURI      string // empty: start the embedded store
	MongoDatabase string
	DataDir       string        // embedded store data and development secrets
	DBTimeout     time.Duration // deadline of every database call

	LogLevel  string // debug, info, warn, error
	LogFormat string // json or text

	BodyLimit       int // bytes
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration

	// JWTKey signs access tokens. In production it must be set and hold at
	// least 32 bytes; elsewhere a key is generated and kept under DataDir.
	JWTKey         string
	TrustedProxies []netip.Prefix

	// DebugRoutes mounts /debug/panic and /debug/slow, used by the end-to-end
	// test of recovery and graceful shutdown. Refused in production.
	DebugRoutes bool

	// Seed adds the demo world (idempotently) before serving; make run sets
	// it. Refused in production.
	Seed bool

	// SMTP is the server e-mails go through (PASSERELLE_SMTP_*); with no
	// Host they are written to the outbox folder DataDir/outbox instead.
	// Its String and LogValue mask the password.
	SMTP notify.SMTPConfig
}

// Production reports whether the process runs in production mode.
func (c Config) Production() bool { return c.Env == EnvProduction }

// Embedded reports whether the embedded store is used.
func (c Config) Embedded() bool { return c.MongoURI == "" }

// Error lists every invalid variable, so that one start shows them all.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

// Load reads the configuration from getenv (os.Getenv in main, a map in tests).
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		Env:             p.oneOf("PASSERELLE_ENV", EnvDevelopment, EnvDevelopment, EnvTest, EnvProduction),
		Addr:            p.addr("PASSERELLE_ADDR", "127.0.0.1:8080"),
		BaseURL:         p.url("PASSERELLE_BASE_URL", "http://localhost:8080"),
		MongoURI:        p.mongoURI("PASSERELLE_MONGO_URI"),
		MongoDatabase:   p.dbName("PASSERELLE_MONGO_DATABASE", "passerelle"),
		DataDir:         p.dir("PASSERELLE_DATA_DIR", filepath.Join("var", "data")),
		DBTimeout:       p.duration("PASSERELLE_DB_TIMEOUT", 5*time.Second, 100*time.Millisecond, 2*time.Minute),
		LogLevel:        p.oneOf("PASSERELLE_LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		LogFormat:       p.oneOf("PASSERELLE_LOG_FORMAT", "json", "json", "text"),
		BodyLimit:       p.size("PASSERELLE_BODY_LIMIT", 1<<20, 1<<10, 64<<20),
		ReadTimeout:     p.duration("PASSERELLE_READ_TIMEOUT", 15*time.Second, time.Second, 10*time.Minute),
		WriteTimeout:    p.duration("PASSERELLE_WRITE_TIMEOUT", 30*time.Second, time.Second, 10*time.Minute),
		IdleTimeout:     p.duration("PASSERELLE_IDLE_TIMEOUT", 120*time.Second, time.Second, time.Hour),
		ShutdownTimeout: p.duration("PASSERELLE_SHUTDOWN_TIMEOUT", 10*time.Second, 0, 5*time.Minute),
		JWTKey:          getenv("PASSERELLE_JWT_KEY"),
		TrustedProxies:  p.prefixes("PASSERELLE_TRUSTED_PROXIES"),
		DebugRoutes:     p.boolean("PASSERELLE_DEBUG_ROUTES", false),
		Seed:            p.boolean("PASSERELLE_SEED", false),
		SMTP:            p.smtp(),
	}
	if c.Production() {
		if c.DebugRoutes {
			p.fail("PASSERELLE_DEBUG_ROUTES", "must not be true in production")
		}
		if c.Seed {
			p.fail("PASSERELLE_SEED", "must not be true in production: the demo world is for trying the product")
		}
		if len(c.JWTKey) < 32 {
			p.fail("PASSERELLE_JWT_KEY", "is required in production: at least 32 random bytes (e.g. `openssl rand -base64 48`)")
		}
	} else if c.JWTKey != "" && len(c.JWTKey) < 32 {
		p.fail("PASSERELLE_JWT_KEY", "must hold at least 32 bytes when set (leave it empty outside production to generate one)")
	}
	if len(p.problems) > 0 {
		return Config{}, &Error{Problems: p.problems}
	}
	return c, nil
}

// Fields returns the effective configuration as key/value pairs for the start
// log, with secrets masked.
func (c Config) Fields() []any {
	proxies := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		proxies[i] = p.String()
	}
	return []any{
		"env", c.Env, "addr", c.Addr, "base_url", c.BaseURL,
		"mongo_uri", MaskURI(c.MongoURI), "mongo_database", c.MongoDatabase,
		"data_dir", c.DataDir, "db_timeout", c.DBTimeout.String(),
		"log_level", c.LogLevel, "log_format", c.LogFormat,
		"body_limit", c.BodyLimit, "read_timeout", c.ReadTimeout.String(),
		"write_timeout", c.WriteTimeout.String(), "idle_timeout", c.IdleTimeout.String(),
		"shutdown_timeout", c.ShutdownTimeout.String(),
		"jwt_key", mask(c.JWTKey), "trusted_proxies", strings.Join(proxies, ","),
		"debug_routes", c.DebugRoutes, "seed", c.Seed,
		"smtp", c.smtpField(),
	}
}

func mask(secret string) string {
	if secret == "" {
		return "(generated)"
	}
	return "****"
}

// MaskURI hides the password of a connection URI; an unparsable URI is hidden whole.
func MaskURI(uri string) string {
	if uri == "" {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		return "****"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "****")
	}
	return u.Redacted()
}

type parser struct {
	getenv   func(string) string
	problems []string
}

func (p *parser) fail(name, format string, args ...any) {
	p.problems = append(p.problems, name+" "+fmt.Sprintf(format, args...))
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	p.fail(name, "is %q; expected one of %s", v, strings.Join(allowed, ", "))
	return def
}

func (p *parser) addr(name, def string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	_, port, err := splitHostPort(v)
	if err != nil {
		p.fail(name, "is %q; expected host:port, e.g. 127.0.0.1:8080 or :8080", v)
		return def
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p.fail(name, "is %q; the port must be a number from 0 to 65535", v)
	}
	return v
}

func splitHostPort(v string) (string, string, error) {
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		return "", "", errors.New("missing port")
	}
	return v[:i], v[i+1:], nil
}

func (p *parser) url(name, def string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(name, "is %q; expected an absolute http(s) URL such as https://passerelle.example.fr", v)
		return def
	}
	return strings.TrimRight(v, "/")
}

func (p *parser) mongoURI(name string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return ""
	}
	if !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
		p.fail(name, "must start with mongodb:// or mongodb+srv:// (got %s)", MaskURI(v))
	}
	return v
}

func (p *parser) dbName(name, def string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	if len(v) > 63 || strings.ContainsAny(v, `/\. "$*<>:|?`) {
		p.fail(name, "is %q; expected a database name of at most 63 characters without / \\ . space \" $ * < > : | ?", v)
		return def
	}
	return v
}

func (p *parser) dir(name, def string) string {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		v = def
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		p.fail(name, "is %q; expected a folder path", v)
		return v
	}
	return abs
}

func (p *parser) duration(name string, def, lo, hi time.Duration) time.Duration {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		p.fail(name, "is %q; expected a duration between %s and %s, e.g. 5s or 1m30s", v, lo, hi)
		return def
	}
	return d
}

func (p *parser) size(name string, def, lo, hi int) int {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	mult := 1
	num := v
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n*mult < lo || n*mult > hi {
		p.fail(name, "is %q; expected a size between %d and %d bytes, e.g. 1MiB or 512KiB", v, lo, hi)
		return def
	}
	return n * mult
}

func (p *parser) boolean(name string, def bool) bool {
	v := strings.TrimSpace(p.getenv(name))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, "is %q; expected true or false", v)
		return def
	}
	return b
}

func (p *parser) prefixes(name string) []netip.Prefix {
	out, err := auth.ParseTrustedProxies(p.getenv(name))
	if err != nil {
		p.fail(name, "is invalid (%v); expected IP addresses or CIDR prefixes separated by commas, e.g. 10.0.0.0/8,127.0.0.1", err)
		return nil
	}
	return out
}

// Outbox is the folder e-mails are written to when no SMTP server is set.
func (c Config) Outbox() string { return filepath.Join(c.DataDir, "outbox") }

// smtpField is the SMTP settings for the start log, password masked.
func (c Config) smtpField() any {
	if c.SMTP.Host == "" {
		return "(none: e-mails go to " + c.Outbox() + ")"
	}
	return c.SMTP
}

// smtp reads PASSERELLE_SMTP_*: all optional, but once a host is set the
// rest must make a working sender (notify.NewSMTP's checks), so that a typo
// stops the start instead of losing e-mails later.
func (p *parser) smtp() notify.SMTPConfig {
	c := notify.SMTPConfig{
		Host:     strings.TrimSpace(p.getenv("PASSERELLE_SMTP_HOST")),
		Username: p.getenv("PASSERELLE_SMTP_USERNAME"),
		Password: p.getenv("PASSERELLE_SMTP_PASSWORD"),
		From:     strings.TrimSpace(p.getenv("PASSERELLE_SMTP_FROM")),
		TLS:      notify.TLSMode(strings.ToLower(p.oneOf("PASSERELLE_SMTP_TLS", string(notify.TLSStartTLS), string(notify.TLSNone), string(notify.TLSStartTLS), string(notify.TLSImplicit)))),
	}
	if c.From == "" {
		c.From = "Passerelle <no-reply@passerelle.local>"
	}
	defPort := 587
	if c.TLS == notify.TLSImplicit {
		defPort = 465
	}
	c.Port = defPort
	if v := strings.TrimSpace(p.getenv("PASSERELLE_SMTP_PORT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			p.fail("PASSERELLE_SMTP_PORT", "is %q; expected a port from 1 to 65535 (587 for STARTTLS, 465 for TLS)", v)
		} else {
			c.Port = n
		}
	}
	if c.Host == "" {
		for _, name := range []string{"PASSERELLE_SMTP_USERNAME", "PASSERELLE_SMTP_PASSWORD"} {
			if p.getenv(name) != "" {
				p.fail(name, "is set but PASSERELLE_SMTP_HOST is not: set the host, or unset it to use the outbox folder")
			}
		}
		return c
	}
	if a, err := mail.ParseAddress(c.From); err != nil || a.Address == "" {
		p.fail("PASSERELLE_SMTP_FROM", "is %q; expected an address such as \"Passerelle <no-reply@example.fr>\"", c.From)
	}
	if (c.Username == "") != (c.Password == "") {
		p.fail("PASSERELLE_SMTP_USERNAME", "and PASSERELLE_SMTP_PASSWORD go together: give both, or neither")
	}
	if _, err := notify.NewSMTP(c); err != nil && len(p.problems) == 0 {
		p.fail("PASSERELLE_SMTP_HOST", "settings are invalid: %v", err)
	}
	return c
}

package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strings"
	"time"

	"passerelle"
	"passerelle/internal/auth"
)

// Translator gives the text of a message key in a language, with fmt-style
// arguments. *i18n.Catalog implements it; e-mails are written with it so
// that their wording lives in the catalogues beside the rest.
type Translator interface {
	T(lang, key string, args ...any) string
}

// Options configures a Service. Zero values take the defaults given.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BaseURL is the site's address, for links in e-mails ("https://passerelle.example.fr").
	BaseURL string
	// AccountLimiter throttles failed logins per account ("acct:<email>");
	// nil means 5 failures per 15 minutes.
	AccountLimiter *auth.Limiter
	// AddressLimiter throttles failed logins per client address
	// ("ip:<addr>"); nil means 50 failures per 15 minutes.
	AddressLimiter *auth.Limiter
	// RefreshTTL is the sliding lifetime of a refresh token (30 days).
	RefreshTTL time.Duration
	// RefreshMaxAge caps a refresh family, however active (90 days), so that
	// a stolen family cannot live forever.
	RefreshMaxAge time.Duration
	// SessionTTL is the absolute lifetime of a browser session (7 days).
	SessionTTL time.Duration
	// InvitationTTL is how long an invitation can be accepted (7 days).
	InvitationTTL time.Duration
	// ResetTTL is how long a password reset link works (1 hour).
	ResetTTL time.Duration
	// VerifyTTL is how long an address verification link works (7 days).
	VerifyTTL time.Duration
	// AllowUnverifiedLogin lets accounts log in before their address is
	// confirmed. Off by default: an unconfirmed account may belong to
	// someone who typed another person's address, and refusing it until
	// the link is followed stops such squatting.
	AllowUnverifiedLogin bool
	// Messages writes e-mails; pass the *i18n.Catalog. Nil sends the bare
	// message keys, which only tests should do.
	Messages Translator
	// Logger receives failures that must not reach the caller (an e-mail
	// that could not be sent during registration would otherwise tell who
	// has an account); nil discards them.
	Logger *slog.Logger
}

// Defaults of Options.
const (
	DefaultRefreshTTL    = 30 * 24 * time.Hour
	DefaultRefreshMaxAge = 90 * 24 * time.Hour
	DefaultSessionTTL    = 7 * 24 * time.Hour
	DefaultInvitationTTL = 7 * 24 * time.Hour
	DefaultResetTTL      = time.Hour
	DefaultVerifyTTL     = 7 * 24 * time.Hour

	// Login throttling: 5 wrong passwords per account and 50 per address
	// per 15 minutes stop online guessing while a person who mistypes a few
	// times, or an office behind one NAT address, is not bothered.
	DefaultAccountFailures = 5
	DefaultAddressFailures = 50
	DefaultThrottleWindow  = 15 * time.Minute
	limiterMaxKeys         = 100_000
)

// Bounds of what the service keeps and lists.
const (
	// maxRevokedSessions bounds the revoked-session list of a user
	// document; past it, every session of the user is ended instead (by
	// bumping the token version), which is always safe.
	maxRevokedSessions = 50
	// maxMembers and maxInvitations bound Members: no query is unbounded.
	maxMembers     = 1000
	maxInvitations = 500
	// touchEvery limits writes on browser sessions: last activity is worth
	// recording, not on every page.
	touchEvery = 5 * time.Minute
	// maxTokenLen bounds presented opaque tokens (ours are 43 characters).
	maxTokenLen = 200
	// updateAttempts bounds optimistic-concurrency retries on a user.
	updateAttempts = 8
)

// Service applies the account rules. It is safe for concurrent use.
type Service struct {
	repo    Repository
	hasher  *auth.Hasher
	tokens  *auth.Tokens
	mailer  Mailer
	o       Options
	acct    *auth.Limiter
	addr    *auth.Limiter
	msgs    Translator
	log     *slog.Logger
	baseURL string
}

// NewService returns a Service storing through repo, hashing passwords with
// hasher, issuing access tokens with tokens and sending e-mails with mailer.
func NewService(repo Repository, hasher *auth.Hasher, tokens *auth.Tokens, mailer Mailer, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.RefreshTTL, DefaultRefreshTTL)
	def(&o.RefreshMaxAge, DefaultRefreshMaxAge)
	def(&o.SessionTTL, DefaultSessionTTL)
	def(&o.InvitationTTL, DefaultInvitationTTL)
	def(&o.ResetTTL, DefaultResetTTL)
	def(&o.VerifyTTL, DefaultVerifyTTL)
	if o.AccountLimiter == nil {
		o.AccountLimiter = mustLimiter(DefaultAccountFailures, o.Now)
	}
	if o.AddressLimiter == nil {
		o.AddressLimiter = mustLimiter(DefaultAddressFailures, o.Now)
	}
	s := &Service{
		repo: repo, hasher: hasher, tokens: tokens, mailer: mailer, o: o,
		acct: o.AccountLimiter, addr: o.AddressLimiter,
		msgs: o.Messages, log: o.Logger,
		baseURL: strings.TrimRight(o.BaseURL, "/"),
	}
	if s.msgs == nil {
		s.msgs = keyTranslator{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

func mustLimiter(max int, now func() time.Time) *auth.Limiter {
	l, err := auth.NewLimiter(auth.LimiterConfig{Max: max, Window: DefaultThrottleWindow, MaxKeys: limiterMaxKeys, Now: now})
	if err != nil {
		panic(err) // constant configuration: only a programming error gets here
	}
	return l
}

// keyTranslator writes the key and its arguments: readable enough in a test
// that forgot to pass a catalogue, and never silently empty.
type keyTranslator struct{}

// T implements Translator.
func (keyTranslator) T(_, key string, args ...any) string {
	if len(args) == 0 {
		return key
	}
	return key + " " + fmt.Sprint(args...)
}

// now is the service clock in UTC at the store's precision (milliseconds),
// so that what is written and what is read back compare equal.
func (s *Service) now() time.Time { return s.o.Now().UTC().Truncate(time.Millisecond) }

// link returns an absolute link to path carrying token.
func (s *Service) link(path, token string) string {
	return s.baseURL + path + "?token=" + url.QueryEscape(token)
}

// send writes and sends one e-mail. The subject and the body take their
// own arguments: a message without verbs given arguments would print them
// as "%!(EXTRA …)".
func (s *Service) send(ctx context.Context, lang, to, subjectKey string, subjectArgs []any, bodyKey string, bodyArgs ...any) error {
	m := Message{To: to, Subject: s.msgs.T(lang, subjectKey, subjectArgs...), Text: s.msgs.T(lang, bodyKey, bodyArgs...)}
	if err := s.mailer.Send(ctx, m); err != nil {
		return fmt.Errorf("send %s: %w", bodyKey, err)
	}
	return nil
}

// days and minutes say how long a link lasts, in e-mails.
func days(d time.Duration) int    { return int(d.Round(time.Hour).Hours()) / 24 }
func minutes(d time.Duration) int { return int(d.Round(time.Minute).Minutes()) }

// Errors returned by the service. Each call builds a new value, so that
// callers may keep or wrap them without sharing.
func errInvalidCredentials() error {
	return passerelle.Errorf(passerelle.EUNAUTHORIZED, "account.invalid_credentials")
}

func errSession() error {
	return passerelle.Errorf(passerelle.EUNAUTHORIZED, "account.session_invalid")
}

func errLoginRequired() error {
	return passerelle.Errorf(passerelle.EUNAUTHORIZED, "account.login_required")
}

func errAdminOnly() error {
	return passerelle.Errorf(passerelle.EFORBIDDEN, "account.admin_only")
}

func errOrgNotFound() error {
	return passerelle.Errorf(passerelle.ENOTFOUND, "account.org_not_found")
}

func errLinkInvalid() error {
	return passerelle.Errorf(passerelle.ENOTFOUND, "account.link_invalid")
}

func errLinkExpired() error {
	return passerelle.Errorf(passerelle.ENOTFOUND, "account.link_expired")
}

func errEmailTaken() error {
	return passerelle.Errorf(passerelle.ECONFLICT, "account.email_taken")
}

func errCompanyExists() error {
	return passerelle.Errorf(passerelle.ECONFLICT, "account.company_exists")
}

func errInvitationGone() error {
	return passerelle.Errorf(passerelle.ENOTFOUND, "account.invitation_invalid")
}

// tooMany is the throttling answer; Args[0] is the delay in whole seconds
// (at least 1), for the Retry-After header and the message.
func tooMany(retryAfter time.Duration) error {
	secs := int(math.Ceil(retryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &passerelle.Error{Code: passerelle.ETOOMANY, Key: "account.too_many_attempts", Args: []any{secs}}
}

// is reports whether err carries the domain code.
func is(err error, code string) bool { return err != nil && passerelle.ErrorCode(err) == code }

// actor returns the authenticated caller, or EUNAUTHORIZED. The identity
// must have been set by the HTTP layer after Identify or BrowserSession,
// which check it against the stored user.
func (s *Service) actor(ctx context.Context) (auth.Identity, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" || !id.Role.Valid() {
		return auth.Identity{}, errLoginRequired()
	}
	return id, nil
}

// admin returns the caller if they are an admin.
func (s *Service) admin(ctx context.Context) (auth.Identity, error) {
	id, err := s.actor(ctx)
	if err != nil {
		return id, err
	}
	if id.Role != auth.RoleAdmin {
		return id, errAdminOnly()
	}
	return id, nil
}

// updateUser applies change to the stored user and writes it back only if
// nobody wrote in between (a conditional update on the revision), retrying
// on the fresh document otherwise. Every change of a user goes through it,
// so concurrent logouts, password changes and logins never undo each
// other's work. change may be called several times and must depend only on
// the user it is given.
func (s *Service) updateUser(ctx context.Context, id string, change func(*User) error) (User, error) {
	for range updateAttempts {
		u, err := s.repo.User(ctx, id)
		if err != nil {
			return User{}, err
		}
		if err := change(&u); err != nil {
			return User{}, err
		}
		u.UpdatedAt = s.now()
		saved, err := s.repo.UpdateUser(ctx, u)
		if is(err, passerelle.ECONFLICT) {
			continue
		}
		if err != nil {
			return User{}, fmt.Errorf("update user: %w", err)
		}
		return saved, nil
	}
	return User{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "account.busy", Err: errors.New("update user: too many concurrent writers")}
}

// cleanup runs a write that only tidies up after the decisive one (ending
// sessions after a token-version bump, undoing a half-done change): it must
// run even if the caller has gone away, so it ignores ctx's cancellation
// (the store's own deadline still bounds it), and its failure is logged,
// since the decisive write already holds the rule.
func (s *Service) cleanup(ctx context.Context, what string, f func(ctx context.Context) error) {
	if err := f(context.WithoutCancel(ctx)); err != nil {
		s.log.ErrorContext(ctx, "account: "+what+" failed", "err", err)
	}
}

// endSessions revokes every refresh family and browser session of a user.
// The caller has already bumped the token version, which is what really
// ends them; this only frees the storage and makes the state obvious.
func (s *Service) endSessions(ctx context.Context, userID string) {
	now := s.now()
	s.cleanup(ctx, "revoke refresh tokens", func(ctx context.Context) error {
		return s.repo.RevokeUserRefreshTokens(ctx, userID, now)
	})
	s.cleanup(ctx, "delete browser sessions", func(ctx context.Context) error {
		return s.repo.DeleteUserSessions(ctx, userID)
	})
}

// User returns the user with id, for internal use (no authorization).
// ENOTFOUND.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	u, err := s.repo.User(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("user: %w", err)
	}
	return u, nil
}

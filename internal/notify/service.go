package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"passerelle"
	"passerelle/internal/auth"
)

// Repository is the storage of notifications, preferences and the outbox;
// notifydb.Store implements it on MongoDB and the embedded store.
//
// Errors: a missing document is a *passerelle.Error with code ENOTFOUND; a
// taken id on insert ECONFLICT; a conditional write whose condition no
// longer holds ECONFLICT "error.notify.stale"; an unreachable store
// EUNAVAILABLE; anything else is internal. Every write touches one
// document, except MarkAllRead. Lists return at most limit items (clamped
// to 1…1000 by the store).
type Repository interface {
	// InsertNotification stores n. ECONFLICT when its id exists.
	InsertNotification(ctx context.Context, n Notification) error
	// Notifications lists a user's notifications, newest first.
	Notifications(ctx context.Context, userID string, limit int) ([]Notification, error)
	// CountUnread counts a user's unread notifications.
	CountUnread(ctx context.Context, userID string) (int, error)
	// MarkRead marks the user's notification id read (again is fine).
	// ENOTFOUND when the user has no such notification.
	MarkRead(ctx context.Context, userID, id string, at time.Time) error
	// MarkAllRead marks every unread notification of a user read and
	// returns how many.
	MarkAllRead(ctx context.Context, userID string, at time.Time) (int, error)

	// Preferences returns a user's preferences; zero ones (UserID set) for
	// a user who never chose, not ENOTFOUND.
	Preferences(ctx context.Context, userID string) (Preferences, error)
	// SetEmailOff turns e-mails of kind off (or back on) for a user.
	SetEmailOff(ctx context.Context, userID string, kind Kind, off bool, at time.Time) (Preferences, error)
	// ClaimDigestDay sets the user's last digest day to day unless it is
	// day already, and reports whether it did: the gate of the daily
	// digest, atomic on one document.
	ClaimDigestDay(ctx context.Context, userID, day string, at time.Time) (bool, error)
	// ReleaseDigestDay clears the last digest day if it is day, so that a
	// digest that could not be queued may be queued again.
	ReleaseDigestDay(ctx context.Context, userID, day string) error

	// InsertEmail stores e in the outbox. ECONFLICT when its id exists.
	InsertEmail(ctx context.Context, e Email) error
	// Email returns the outbox e-mail with id.
	Email(ctx context.Context, id string) (Email, error)
	// ClaimEmail takes the due e-mail with the earliest Due — pending with
	// Due ≤ now, or sending with LeaseUntil ≤ now (a worker died) — and,
	// in one conditional write, marks it sending with leaseUntil and claim
	// and counts an attempt. ok is false when none is due.
	ClaimEmail(ctx context.Context, now, leaseUntil time.Time, claim string) (e Email, ok bool, err error)
	// MarkSent records the delivery of e-mail id under claim.
	MarkSent(ctx context.Context, id, claim string, at time.Time) error
	// Reschedule puts e-mail id, under claim, back to pending until due.
	Reschedule(ctx context.Context, id, claim string, due time.Time, lastError string) error
	// MarkFailed gives up on e-mail id under claim.
	MarkFailed(ctx context.Context, id, claim string, at time.Time, lastError string) error
	// FailedEmails lists failed e-mails, latest failure first, and counts them.
	FailedEmails(ctx context.Context, offset, limit int) ([]Email, int, error)
	// RequeueEmail puts a failed e-mail back to pending, due at due, with
	// its attempts reset. ECONFLICT when it is not failed.
	RequeueEmail(ctx context.Context, id string, due time.Time) error
	// PurgeEmails deletes sent e-mails sent before before and failed ones
	// that failed before it, and returns how many.
	PurgeEmails(ctx context.Context, before time.Time) (int, error)
	// PurgeNotifications deletes read notifications created before before,
	// and returns how many.
	PurgeNotifications(ctx context.Context, before time.Time) (int, error)
}

// Translator gives the text of a message key in a language, with fmt-style
// arguments. *i18n.Catalog implements it.
type Translator interface {
	T(lang, key string, args ...any) string
}

// Options configures a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Messages writes the e-mails; pass the *i18n.Catalog.
	Messages Translator
	// BaseURL is the site's address, for links in e-mails.
	BaseURL string
	// UnsubscribeKey signs unsubscribe links: at least auth.MinKeyBytes
	// bytes, a key of its own (auth.DeriveKey(master, "unsubscribe")).
	UnsubscribeKey []byte
	// UnsubscribeTTL is how long an unsubscribe link works (a year): an
	// e-mail may be read long after it was sent.
	UnsubscribeTTL time.Duration
	// Location is where days begin and end for the daily digest; nil
	// means Europe/Paris (UTC if the zone database is missing).
	Location *time.Location
	// Wake is called after an e-mail is queued; pass Worker.Wake so that
	// it leaves at once instead of at the next poll.
	Wake func()
	// Logger receives failures that must not reach the caller.
	Logger *slog.Logger
}

// Defaults and bounds.
const (
	DefaultUnsubscribeTTL = 365 * 24 * time.Hour
	// MaxList bounds a list of notifications.
	MaxList = 100
	// maxArgRunes bounds an argument: a name or a title, not a letter.
	maxArgRunes = 300
	maxLinkLen  = 500
	maxKeyLen   = 200
)

// Purpose is the auth.Sign purpose of unsubscribe tokens.
const Purpose = "unsubscribe"

// ErrDigestSent is returned by Enqueue for a digest when the user had one
// today already. Its code is ECONFLICT; callers skip the user.
var ErrDigestSent = passerelle.Errorf(passerelle.ECONFLICT, "error.notify.digest_sent")

// Service writes notifications and e-mails and serves them to their users.
// It is safe for concurrent use.
type Service struct {
	repo    Repository
	msgs    Translator
	now     func() time.Time
	baseURL string
	key     []byte
	ttl     time.Duration
	loc     *time.Location
	wake    func()
	log     *slog.Logger
}

// NewService returns a Service. It fails on a missing translator or a short
// unsubscribe key: every e-mail needs both.
func NewService(repo Repository, o Options) (*Service, error) {
	if o.Messages == nil {
		return nil, fmt.Errorf("notify: no message catalogue")
	}
	if len(o.UnsubscribeKey) < auth.MinKeyBytes {
		return nil, fmt.Errorf("notify: unsubscribe key: %w", auth.ErrKeyTooShort)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.UnsubscribeTTL <= 0 {
		o.UnsubscribeTTL = DefaultUnsubscribeTTL
	}
	if o.Location == nil {
		o.Location = paris()
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{repo: repo, msgs: o.Messages, now: o.Now, baseURL: strings.TrimRight(o.BaseURL, "/"),
		key: o.UnsubscribeKey, ttl: o.UnsubscribeTTL, loc: o.Location, wake: o.Wake, log: o.Logger}, nil
}

func paris() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func langOf(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "fr"
}

// validate checks a request and returns it cleaned: arguments without
// control characters (they end up in a subject line), a relative link.
func validate(r Request) (Request, error) {
	var fields []passerelle.FieldError
	bad := func(field, key string) { fields = append(fields, passerelle.FieldError{Field: field, Key: key}) }
	if !r.Kind.Valid() {
		bad("kind", "notify.kind.invalid")
	} else if len(r.Args) != arity[r.Kind] {
		bad("args", "notify.args.invalid")
	}
	if !validID(r.To.UserID) {
		bad("to", "notify.recipient.invalid")
	}
	if r.To.Email != "" {
		if a, err := mail.ParseAddress(r.To.Email); err != nil || a.Name != "" {
			bad("email", "notify.email.invalid")
		}
	}
	if r.Link != "" && (!strings.HasPrefix(r.Link, "/") || strings.HasPrefix(r.Link, "//") || len(r.Link) > maxLinkLen ||
		strings.ContainsFunc(r.Link, unicode.IsSpace)) {
		bad("link", "notify.link.invalid")
	}
	if len(r.Key) > maxKeyLen {
		bad("key", "notify.key.invalid")
	}
	args := make([]Arg, len(r.Args))
	for i, a := range r.Args {
		a.Text = strings.Map(func(c rune) rune {
			if unicode.IsControl(c) {
				return ' '
			}
			return c
		}, strings.TrimSpace(a.Text))
		if !utf8.ValidString(a.Text) || utf8.RuneCountInString(a.Text) > maxArgRunes {
			bad("args", "notify.args.invalid")
		}
		args[i] = a
	}
	r.Args = args
	if len(fields) > 0 {
		return r, passerelle.Invalid(fields...)
	}
	return r, nil
}

func validID(id string) bool {
	return len(id) == 24 && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	})
}

// Enqueue notifies r.To: it stores the in-app notification and, unless the
// user turned this kind of e-mail off or has no address, the e-mail in the
// outbox, then wakes the worker. It is a system operation (the services
// call it for their events), quick, and never sends anything itself.
//
// With a Key, repeating a request stores nothing twice, so that a caller
// can retry after a failure. A digest (KindDigest) is queued at most once a
// day per user: ErrDigestSent when one was queued today already.
//
// Errors: EINVALID (kind, arguments, recipient, link); ErrDigestSent; store
// errors. A failure after the notification was stored leaves it stored: a
// retry with the same Key completes the e-mail.
func (s *Service) Enqueue(ctx context.Context, r Request) (Notification, error) {
	r, err := validate(r)
	if err != nil {
		return Notification{}, err
	}
	now := s.clock()
	day := ""
	if r.Kind == KindDigest {
		day = now.In(s.loc).Format(time.DateOnly)
		r.Key = "digest:" + day
		ok, err := s.repo.ClaimDigestDay(ctx, r.To.UserID, day, now)
		if err != nil {
			return Notification{}, fmt.Errorf("enqueue digest: %w", err)
		}
		if !ok {
			return Notification{}, ErrDigestSent
		}
	}
	n, err := s.enqueue(ctx, r, now)
	if err != nil && day != "" {
		// Give the day back, so that the digest is not lost for a failure
		// that stored nothing; a later call queues it (its Key keeps it single).
		if rerr := s.repo.ReleaseDigestDay(context.WithoutCancel(ctx), r.To.UserID, day); rerr != nil {
			s.log.ErrorContext(ctx, "notify: release digest day", "user", r.To.UserID, "err", rerr)
		}
	}
	return n, err
}

func (s *Service) enqueue(ctx context.Context, r Request, now time.Time) (Notification, error) {
	id := newID(now)
	if r.Key != "" {
		id = keyedID(r.To.UserID, r.Key)
	}
	n := Notification{ID: id, UserID: r.To.UserID, Kind: r.Kind, Args: r.Args, Link: r.Link, CreatedAt: now}
	if err := s.repo.InsertNotification(ctx, n); err != nil && passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		return Notification{}, fmt.Errorf("enqueue notification: %w", err)
	}
	if r.To.Email == "" {
		return n, nil
	}
	prefs, err := s.repo.Preferences(ctx, r.To.UserID)
	if err != nil {
		return Notification{}, fmt.Errorf("enqueue notification: %w", err)
	}
	if !prefs.EmailOn(r.Kind) {
		return n, nil
	}
	e, err := s.render(r, n, now)
	if err != nil {
		return Notification{}, fmt.Errorf("enqueue notification: %w", err)
	}
	if err := s.repo.InsertEmail(ctx, e); err != nil && passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		return Notification{}, fmt.Errorf("enqueue e-mail: %w", err)
	}
	s.wake()
	return n, nil
}

// args renders a message's arguments in lang.
func (s *Service) args(lang string, args []Arg) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if a.Key != "" {
			out[i] = s.msgs.T(lang, a.Key)
		} else {
			out[i] = a.Text
		}
	}
	return out
}

// Text returns the in-app text of n in lang, for the pages that list
// notifications.
func (s *Service) Text(lang string, n Notification) string {
	return s.msgs.T(langOf(lang), "notify."+string(n.Kind)+".text", s.args(langOf(lang), n.Args)...)
}

// render writes the e-mail of notification n: subject and body of its kind,
// the link to the page, and a footer with the unsubscribe link.
func (s *Service) render(r Request, n Notification, now time.Time) (Email, error) {
	lang := langOf(r.To.Lang)
	args := s.args(lang, r.Args)
	unsub, err := s.UnsubscribeLink(r.To.UserID, r.Kind)
	if err != nil {
		return Email{}, err
	}
	var b strings.Builder
	b.WriteString(s.msgs.T(lang, "notify.mail.greeting"))
	b.WriteString("\n\n")
	b.WriteString(s.msgs.T(lang, "notify.mail."+string(r.Kind)+".body", args...))
	if r.Link != "" {
		b.WriteString("\n\n")
		b.WriteString(s.msgs.T(lang, "notify.mail.open", s.baseURL+r.Link))
	}
	b.WriteString("\n\n-- \n")
	b.WriteString(s.msgs.T(lang, "notify.mail.footer", s.msgs.T(lang, "notify.kind."+string(r.Kind)), unsub, s.baseURL+"/account/notifications"))
	b.WriteString("\n")
	// Arguments are free of line breaks already; a catalogue subject must
	// not bring one either (it would end the header).
	subject := strings.NewReplacer("\r", " ", "\n", " ").Replace(s.msgs.T(lang, "notify.mail."+string(r.Kind)+".subject", args...))
	return Email{
		ID: n.ID, UserID: r.To.UserID, Kind: r.Kind, To: r.To.Email, Subject: subject, Text: b.String(),
		Status: EmailPending, Due: now, CreatedAt: now,
	}, nil
}

// UnsubscribeLink returns the address that turns e-mails of kind off for
// userID without logging in.
func (s *Service) UnsubscribeLink(userID string, kind Kind) (string, error) {
	tok, err := auth.Sign(Purpose, userID+"|"+string(kind), s.key, s.now().Add(s.ttl))
	if err != nil {
		return "", fmt.Errorf("unsubscribe link: %w", err)
	}
	return s.baseURL + "/unsubscribe?token=" + url.QueryEscape(tok), nil
}

// Unsubscribed says what an unsubscribe link turned off.
type Unsubscribed struct {
	UserID string
	Kind   Kind
}

// CheckUnsubscribe says what an unsubscribe token would turn off, without
// changing anything: the page behind the link shows it and asks for a
// confirmation (a mail scanner following links must not unsubscribe
// anyone). Errors: as Unsubscribe's.
func (s *Service) CheckUnsubscribe(token string) (Unsubscribed, error) {
	payload, err := auth.Verify(Purpose, token, s.key, s.now())
	if errors.Is(err, auth.ErrSignedExpired) {
		return Unsubscribed{}, &passerelle.Error{Code: passerelle.EINVALID, Key: "error.notify.unsubscribe_expired", Err: err}
	}
	if err != nil {
		return Unsubscribed{}, &passerelle.Error{Code: passerelle.EINVALID, Key: "error.notify.unsubscribe_invalid", Err: err}
	}
	user, kind, ok := strings.Cut(payload, "|")
	if !ok || !validID(user) || !Kind(kind).Valid() {
		return Unsubscribed{}, &passerelle.Error{Code: passerelle.EINVALID, Key: "error.notify.unsubscribe_invalid",
			Err: fmt.Errorf("unsubscribe: bad payload")}
	}
	return Unsubscribed{UserID: user, Kind: Kind(kind)}, nil
}

// Unsubscribe turns off the kind of e-mail named by a token from an
// unsubscribe link. It needs no login: the signed token is the proof.
// Following a link twice is not an error.
// Errors: EINVALID "error.notify.unsubscribe_invalid" (forged, altered,
// signed for another purpose) or "error.notify.unsubscribe_expired".
func (s *Service) Unsubscribe(ctx context.Context, token string) (Unsubscribed, error) {
	u, err := s.CheckUnsubscribe(token)
	if err != nil {
		return Unsubscribed{}, err
	}
	if _, err := s.repo.SetEmailOff(ctx, u.UserID, u.Kind, true, s.clock()); err != nil {
		return Unsubscribed{}, fmt.Errorf("unsubscribe: %w", err)
	}
	return u, nil
}

func caller(ctx context.Context) (auth.Identity, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" {
		return auth.Identity{}, passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
	}
	return id, nil
}

// List returns the caller's notifications, newest first, at most limit
// (clamped to 1…MaxList).
func (s *Service) List(ctx context.Context, limit int) ([]Notification, error) {
	id, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.repo.Notifications(ctx, id.UserID, min(max(limit, 1), MaxList))
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return out, nil
}

// Unread counts the caller's unread notifications.
func (s *Service) Unread(ctx context.Context) (int, error) {
	id, err := caller(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.repo.CountUnread(ctx, id.UserID)
	if err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead marks one of the caller's notifications read. ENOTFOUND
// "error.notify.not_found" for anyone else's.
func (s *Service) MarkRead(ctx context.Context, notificationID string) error {
	id, err := caller(ctx)
	if err != nil {
		return err
	}
	if !validID(notificationID) {
		return passerelle.Errorf(passerelle.ENOTFOUND, "error.notify.not_found")
	}
	if err := s.repo.MarkRead(ctx, id.UserID, notificationID, s.clock()); err != nil {
		return fmt.Errorf("mark notification read: %w", err)
	}
	return nil
}

// MarkAllRead marks all the caller's notifications read and returns how
// many were unread.
func (s *Service) MarkAllRead(ctx context.Context) (int, error) {
	id, err := caller(ctx)
	if err != nil {
		return 0, err
	}
	n, err := s.repo.MarkAllRead(ctx, id.UserID, s.clock())
	if err != nil {
		return 0, fmt.Errorf("mark notifications read: %w", err)
	}
	return n, nil
}

// Preferences returns the caller's preferences.
func (s *Service) Preferences(ctx context.Context) (Preferences, error) {
	id, err := caller(ctx)
	if err != nil {
		return Preferences{}, err
	}
	p, err := s.repo.Preferences(ctx, id.UserID)
	if err != nil {
		return Preferences{}, fmt.Errorf("read preferences: %w", err)
	}
	return p, nil
}

// SetEmail turns the caller's e-mails of kind on or off. EINVALID for an
// unknown kind.
func (s *Service) SetEmail(ctx context.Context, kind Kind, on bool) (Preferences, error) {
	id, err := caller(ctx)
	if err != nil {
		return Preferences{}, err
	}
	if !kind.Valid() {
		return Preferences{}, passerelle.Invalid(passerelle.FieldError{Field: "kind", Key: "notify.kind.invalid"})
	}
	p, err := s.repo.SetEmailOff(ctx, id.UserID, kind, !on, s.clock())
	if err != nil {
		return Preferences{}, fmt.Errorf("set preferences: %w", err)
	}
	return p, nil
}

// Failed lists the e-mails that could not be delivered, latest first, with
// their last error, and counts them: for admins only (EFORBIDDEN otherwise).
// limit is clamped to 1…MaxList.
func (s *Service) Failed(ctx context.Context, offset, limit int) ([]Email, int, error) {
	if err := admin(ctx); err != nil {
		return nil, 0, err
	}
	out, total, err := s.repo.FailedEmails(ctx, max(offset, 0), min(max(limit, 1), MaxList))
	if err != nil {
		return nil, 0, fmt.Errorf("list failed e-mails: %w", err)
	}
	return out, total, nil
}

// Retry puts a failed e-mail back in the queue with fresh attempts (after
// an admin fixed the SMTP settings, say). Admins only. ECONFLICT
// "error.notify.stale" when it is not failed.
func (s *Service) Retry(ctx context.Context, emailID string) error {
	if err := admin(ctx); err != nil {
		return err
	}
	if !validID(emailID) {
		return passerelle.Errorf(passerelle.ENOTFOUND, "error.notify.not_found")
	}
	if err := s.repo.RequeueEmail(ctx, emailID, s.clock()); err != nil {
		return fmt.Errorf("retry e-mail: %w", err)
	}
	s.wake()
	return nil
}

// Retention of what the outbox and the notification lists keep: an e-mail
// holds personal data (an address, a name, a job title) and is of no use
// once delivered; a read notification is history the user can do without.
const (
	DefaultEmailRetention        = 30 * 24 * time.Hour
	DefaultNotificationRetention = 180 * 24 * time.Hour
)

// Purge deletes outbox e-mails delivered (or failed) more than emailAge ago
// and read notifications older than notificationAge (zero ages take the
// defaults), and returns how many of each: the retention job, run by the
// server daily. A signed-in caller other than an admin gets EFORBIDDEN.
// Running it twice is harmless.
func (s *Service) Purge(ctx context.Context, emailAge, notificationAge time.Duration) (emails, notifications int, err error) {
	if id, ok := auth.FromContext(ctx); ok && id.Role != auth.RoleAdmin {
		return 0, 0, passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	if emailAge <= 0 {
		emailAge = DefaultEmailRetention
	}
	if notificationAge <= 0 {
		notificationAge = DefaultNotificationRetention
	}
	now := s.clock()
	if emails, err = s.repo.PurgeEmails(ctx, now.Add(-emailAge)); err != nil {
		return 0, 0, fmt.Errorf("purge e-mails: %w", err)
	}
	if notifications, err = s.repo.PurgeNotifications(ctx, now.Add(-notificationAge)); err != nil {
		return emails, 0, fmt.Errorf("purge notifications: %w", err)
	}
	return emails, notifications, nil
}

func admin(ctx context.Context) error {
	id, err := caller(ctx)
	if err != nil {
		return err
	}
	if id.Role != auth.RoleAdmin {
		return passerelle.Errorf(passerelle.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

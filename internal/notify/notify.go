// Package notify tells people what happened: in-app notifications (a list
// per user with an unread count) and e-mails, written to an outbox
// collection and delivered by a Worker, so that sending never blocks a
// request and a message is never lost.
//
// Enqueue writes the notification and, unless the user turned that kind of
// e-mail off, one outbox document holding the rendered e-mail (recipient,
// subject, text with an unsubscribe link). The Worker claims one due e-mail
// at a time with a conditional update (pending → sending, with a lease),
// sends it through a Sender (SMTP, or the outbox folder of package mail),
// and records the outcome with another conditional update that names its
// claim: sent; or pending again with an exponential backoff; or failed,
// listed for admins (Service.Failed). A worker that dies mid-send leaves
// the e-mail "sending" with a lease that expires, after which any worker
// claims it again.
//
// Storage lives in notifydb; this package knows nothing of MongoDB or HTTP.
package notify

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"time"
)

// Kind is a kind of notification; each can be turned off for e-mail.
type Kind string

// The kinds, and the arguments (Request.Args) each one's messages take.
const (
	// KindNewApplication tells an employer of a new application:
	// candidate's name, offer title.
	KindNewApplication Kind = "new_application"
	// KindStatusChange tells a candidate their application moved: offer
	// title, status label (a catalogue key, see Key).
	KindStatusChange Kind = "status_change"
	// KindInvitation tells a candidate they are invited to apply: company
	// name, offer title.
	KindInvitation Kind = "invitation_to_apply"
	// KindEndorsement tells an employer an adviser recommends a candidate
	// for an offer: adviser organisation's name, offer title.
	KindEndorsement Kind = "adviser_endorsement"
	// KindDigest tells a candidate of new strong matches, at most once a
	// day: how many (as text), the best offer's title.
	KindDigest Kind = "strong_match_digest"
)

// arity is how many arguments each kind's messages take.
var arity = map[Kind]int{
	KindNewApplication: 2,
	KindStatusChange:   2,
	KindInvitation:     2,
	KindEndorsement:    2,
	KindDigest:         2,
}

// Kinds returns every kind, for preference forms.
func Kinds() []Kind {
	return []Kind{KindNewApplication, KindStatusChange, KindInvitation, KindEndorsement, KindDigest}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Arg is one argument of a message: literal text (a name, a title) or a
// catalogue key translated in the recipient's language (a status label).
type Arg struct {
	Text string
	Key  string
}

// Text returns a literal argument.
func Text(s string) Arg { return Arg{Text: s} }

// Key returns an argument translated from the catalogue.
func Key(k string) Arg { return Arg{Key: k} }

// Recipient is whom a notification is for.
type Recipient struct {
	UserID string
	// Email is where e-mails go; empty means in-app only.
	Email string
	// Lang is "fr" or "en"; anything else means French.
	Lang string
}

// Request is something to tell someone.
type Request struct {
	To   Recipient
	Kind Kind
	// Args fill the kind's messages (see the Kind constants).
	Args []Arg
	// Link is the page about it, a path of the product ("/applications/…").
	Link string
	// Key, when set, makes Enqueue idempotent: a second request with the
	// same Key for the same user stores nothing new (e.g. "applied:<id>").
	// A digest's Key is always its day.
	Key string
}

// Notification is one in-app notification.
type Notification struct {
	ID        string
	UserID    string
	Kind      Kind
	Args      []Arg
	Link      string
	Read      bool
	CreatedAt time.Time
	ReadAt    time.Time
}

// EmailStatus is where an outbox e-mail stands.
type EmailStatus string

// The statuses: pending (waiting, maybe for a retry) → sending (claimed by
// a worker until its lease ends) → sent, or back to pending, or failed.
const (
	EmailPending EmailStatus = "pending"
	EmailSending EmailStatus = "sending"
	EmailSent    EmailStatus = "sent"
	EmailFailed  EmailStatus = "failed"
)

// Email is one outbox document: a rendered e-mail and its delivery state.
type Email struct {
	// ID is the notification's id: one e-mail per notification.
	ID      string
	UserID  string
	Kind    Kind
	To      string
	Subject string
	Text    string
	Status  EmailStatus
	// Attempts counts claims, including one a crash interrupted.
	Attempts int
	// Due is when the e-mail may be (re)tried.
	Due time.Time
	// LeaseUntil is when a claim lapses and another worker may take it.
	LeaseUntil time.Time
	// Claim identifies the claim in progress, so that a worker that lost
	// its lease cannot record an outcome over another's.
	Claim     string
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
	FailedAt  time.Time
}

// Preferences are a user's choices about notifications.
type Preferences struct {
	UserID string
	// EmailOff lists the kinds the user does not want by e-mail; they
	// still appear in the app.
	EmailOff []Kind
	// LastDigestDay is the last day (YYYY-MM-DD, Paris time) a digest was
	// queued for the user.
	LastDigestDay string
	// LastDigestAt is when that digest was queued: the next one tells of
	// what was published since.
	LastDigestAt time.Time
	UpdatedAt    time.Time
}

// EmailOn reports whether the user wants e-mails of kind k.
func (p Preferences) EmailOn(k Kind) bool { return !slices.Contains(p.EmailOff, k) }

// newID returns a new ObjectID-shaped id (24 hex digits): 4 bytes of Unix
// time then 8 random bytes, so that ids sort roughly by creation.
func newID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

// keyedID returns the id of a notification with an idempotency key: the
// same for the same user and key.
func keyedID(userID, key string) string {
	sum := sha256.Sum256([]byte("notification\x00" + userID + "\x00" + key))
	return hex.EncodeToString(sum[:12])
}

package account

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"

	"passerelle/internal/auth"
)

// User is an account. IDs are 24-hex-digit MongoDB ObjectIDs written as
// strings, so that the domain does not depend on the driver.
type User struct {
	ID    string
	Email string // lower-cased; unique
	Name  string
	Role  auth.Role
	// OrgID is the organisation an employer or adviser belongs to; empty for
	// candidates and admins.
	OrgID string
	// OrgOwner is a copy of "Organisation.OwnerID == ID", for display. The
	// organisation's OwnerID decides; this flag may lag behind it after a
	// crash (see AcceptInvitation).
	OrgOwner     bool
	PasswordHash string // argon2id PHC string
	// TokenVersion is copied into every access token and browser session;
	// bumping it ends them all on their next request.
	TokenVersion int64
	Verified     bool // the e-mail address was confirmed
	Disabled     bool
	Lang         string // "fr" or "en": the language of e-mails
	// RevokedSessions lists sessions ended by logout whose access tokens may
	// still be unexpired; entries are pruned once Until has passed.
	RevokedSessions []RevokedSession
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Revision        int64
}

// RevokedSession is a session (refresh-token family or browser session id)
// whose access tokens must be refused until Until, when they have expired
// anyway.
type RevokedSession struct {
	ID    string
	Until time.Time
}

// Identity returns the identity a token or session of u speaks for, with
// sessionID as its session (the refresh family for the API, Session.ID for
// the browser).
func (u User) Identity(sessionID string) auth.Identity {
	return auth.Identity{UserID: u.ID, Role: u.Role, OrgID: u.OrgID, SessionID: sessionID, Version: u.TokenVersion}
}

// sessionRevoked reports whether id is in u's revoked sessions.
func (u User) sessionRevoked(id string) bool {
	for _, r := range u.RevokedSessions {
		if r.ID == id {
			return true
		}
	}
	return false
}

// OrgKind says what an organisation is.
type OrgKind string

// The kinds of organisation: companies employ, adviser organisations follow
// candidates.
const (
	KindCompany OrgKind = "company"
	KindAdviser OrgKind = "adviser"
)

// Adviser organisation types (Organisation.AdviserType).
const (
	AdviserPublicEmployment = "public_employment" // France Travail, Missions locales…
	AdviserTrainingBody     = "training_body"
	AdviserAssociation      = "association"
)

// AdviserTypes returns the valid adviser organisation types, for forms.
func AdviserTypes() []string {
	return []string{AdviserPublicEmployment, AdviserTrainingBody, AdviserAssociation}
}

// Organisation is a company or an adviser organisation.
type Organisation struct {
	ID   string
	Kind OrgKind
	Name string
	// SIREN is the 9-digit company number, companies only. It is unique.
	SIREN       string
	City        string
	AdviserType string // adviser organisations only
	// OwnerID is the member who manages the organisation (invites members).
	// It is empty for an adviser organisation created by an admin until its
	// first invitation is accepted.
	OwnerID   string
	CreatedAt time.Time
	UpdatedAt time.Time
	Revision  int64
}

// MemberRole is the role of the organisation's members.
func (o Organisation) MemberRole() auth.Role {
	if o.Kind == KindAdviser {
		return auth.RoleAdviser
	}
	return auth.RoleEmployer
}

// Invitation asks someone to join an organisation. Its token is given once,
// in the e-mail; the store keeps only its hash.
type Invitation struct {
	ID        string
	OrgID     string
	Email     string
	InvitedBy string // user id
	ExpiresAt time.Time
	// AcceptedAt is zero while the invitation is pending.
	AcceptedAt time.Time
	CreatedAt  time.Time
}

// Member is one user of an organisation, as its members see them.
type Member struct {
	UserID string
	Name   string
	Email  string
	Owner  bool
	Since  time.Time
}

// Tokens are what an API client gets at login and at each refresh.
type Tokens struct {
	Access  string
	Refresh string
	// ExpiresIn is the access token lifetime in seconds.
	ExpiresIn int
}

// Session is a browser session. The cookie holds a random token; the store
// keeps only its hash, which is the session's ID (and the "sid" of its
// identity).
type Session struct {
	ID     string
	UserID string
	// TokenVersion is the user's token version when the session started; the
	// session dies when the user's version moves on.
	TokenVersion int64
	CreatedAt    time.Time
	ExpiresAt    time.Time // absolute: sessions are not extended by use
	LastSeenAt   time.Time
}

// RefreshToken is the stored record of one API refresh token (see
// auth.RefreshRecord for the rotation protocol).
type RefreshToken struct {
	Hash   string // auth.HashToken of the token
	Family string // one login on one device; the "sid" of its access tokens
	UserID string
	// TokenVersion is the user's token version at login: a refresh after a
	// password change or disabling fails even if revoking the family did not
	// happen.
	TokenVersion int64
	// FamilyStartedAt is the login time, which caps the family's lifetime.
	FamilyStartedAt time.Time
	ExpiresAt       time.Time
	UsedAt          time.Time // zero while unused
	Revoked         bool
	CreatedAt       time.Time
}

func (r RefreshToken) record() auth.RefreshRecord {
	return auth.RefreshRecord{Hash: r.Hash, Family: r.Family, UserID: r.UserID, ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt, Revoked: r.Revoked}
}

// Purpose says what a one-time e-mail link token is for; a token of one
// purpose is never accepted for another.
type Purpose string

// The purposes of one-time tokens.
const (
	PurposeVerifyEmail   Purpose = "verify_email"
	PurposeResetPassword Purpose = "reset_password"
)

// OneTimeToken is the stored record of an e-mail link token (address
// verification, password reset): single use, expiring.
type OneTimeToken struct {
	Hash      string // auth.HashToken of the token
	Purpose   Purpose
	UserID    string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// Message is an e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Mailer sends e-mails. Implementations may queue; Send returns an error
// only when the message cannot be accepted for delivery.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// RegisterCandidate is a candidate's registration form.
type RegisterCandidate struct {
	Email, Password, Name, Lang string
}

// RegisterEmployer is an employer's registration form: the person and their
// company.
type RegisterEmployer struct {
	Email, Password, Name, Lang string
	CompanyName, SIREN, City    string
}

// UpdateMe lists what a user may change about themselves; nil leaves a field
// as it is. Nothing else can be changed through it, whatever a request says.
type UpdateMe struct {
	Name *string
	Lang *string
}

// AcceptInvitation is the form of someone accepting an invitation.
type AcceptInvitation struct {
	Name, Password string
	// Lang is optional ("fr" when empty).
	Lang string
}

// newID returns a new 24-hex-digit ObjectID: 4 bytes of Unix time then 8
// random bytes. The service picks IDs itself because multi-document writes
// need them before the first write (an organisation names its owner before
// the owner's document exists). The time is the wall clock, not the
// service's clock: an ID only has to be unique and roughly ordered.
func newID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

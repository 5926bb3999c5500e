package account

import (
	"context"
	"time"
)

// Repository is the storage the Service needs. accountdb.Store implements it
// on MongoDB and the embedded store.
//
// Errors: a missing object is a *passerelle.Error with code ENOTFOUND, a
// unique constraint or stale revision ECONFLICT, an unreachable store
// EUNAVAILABLE; anything else is an internal error. Every method changes at
// most one document unless its comment says otherwise, since there are no
// transactions; the Service orders the calls so that a crash between two of
// them leaves no broken rule.
type Repository interface {
	// CreateUser inserts u, whose ID the caller has set. ECONFLICT when the
	// e-mail is taken.
	CreateUser(ctx context.Context, u User) (User, error)
	// User returns the user with id. ENOTFOUND, also for a malformed id.
	User(ctx context.Context, id string) (User, error)
	// UserByEmail returns the user with the (lower-cased) e-mail. ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (User, error)
	// UpdateUser writes the changeable fields of u (name, language, password
	// hash, token version, verified, disabled, revoked sessions, owner flag)
	// if the stored revision is still u.Revision, and returns the user as
	// stored. ECONFLICT when the revision moved on (or the user is gone: the
	// caller re-reads and gets ENOTFOUND). E-mail, role, organisation and
	// creation time never change through it.
	UpdateUser(ctx context.Context, u User) (User, error)
	// DeleteUser removes a user; no error when absent. Used to undo a
	// half-done multi-document change.
	DeleteUser(ctx context.Context, id string) error
	// OrgUsers returns the users of an organisation, oldest first, at most limit.
	OrgUsers(ctx context.Context, orgID string, limit int) ([]User, error)

	// CreateOrganisation inserts o, whose ID the caller has set. ECONFLICT
	// when o has a SIREN that another organisation holds.
	CreateOrganisation(ctx context.Context, o Organisation) (Organisation, error)
	// Organisation returns the organisation with id. ENOTFOUND.
	Organisation(ctx context.Context, id string) (Organisation, error)
	// SIRENTaken reports whether an organisation holds siren. A holder left
	// behind by a registration that crashed half-way (no member after a
	// grace period, measured at now) does not count.
	SIRENTaken(ctx context.Context, siren string, now time.Time) (bool, error)
	// ClaimOwnership makes userID the owner of an organisation that has
	// none. ECONFLICT when it already has an owner.
	ClaimOwnership(ctx context.Context, orgID, userID string, now time.Time) (Organisation, error)
	// ReleaseOwnership undoes ClaimOwnership while userID still owns orgID.
	ReleaseOwnership(ctx context.Context, orgID, userID string, now time.Time) error
	// DeleteOrganisation removes o and frees its SIREN; no error when absent.
	DeleteOrganisation(ctx context.Context, o Organisation) error

	// SaveInvitation stores inv with the hash of its token. An invitation of
	// the same organisation and e-mail is replaced (keeping its ID), so that
	// its old token stops working.
	SaveInvitation(ctx context.Context, inv Invitation, tokenHash string) (Invitation, error)
	// InvitationByToken returns the invitation whose token hashes to
	// tokenHash. ENOTFOUND.
	InvitationByToken(ctx context.Context, tokenHash string) (Invitation, error)
	// MarkInvitationAccepted records the acceptance of invitation id if it
	// is still pending with that token. ENOTFOUND otherwise (accepted, or
	// replaced by a newer invitation).
	MarkInvitationAccepted(ctx context.Context, id, tokenHash string, at time.Time) error
	// PendingInvitations returns the organisation's invitations not yet
	// accepted (expired ones included), oldest first, at most limit.
	PendingInvitations(ctx context.Context, orgID string, limit int) ([]Invitation, error)

	// CreateOneTimeToken stores t.
	CreateOneTimeToken(ctx context.Context, t OneTimeToken) error
	// ConsumeOneTimeToken deletes and returns the token of purpose with
	// hash, atomically, so that it works once. ENOTFOUND.
	ConsumeOneTimeToken(ctx context.Context, purpose Purpose, hash string) (OneTimeToken, error)
	// DeleteOneTimeTokens removes every token of purpose of a user.
	DeleteOneTimeTokens(ctx context.Context, userID string, purpose Purpose) error

	// CreateRefreshToken stores r.
	CreateRefreshToken(ctx context.Context, r RefreshToken) error
	// RefreshToken returns the record with hash. ENOTFOUND.
	RefreshToken(ctx context.Context, hash string) (RefreshToken, error)
	// UseRefreshToken marks the record used at at if it is neither used nor
	// revoked, and reports whether it did: false means another request got
	// there first.
	UseRefreshToken(ctx context.Context, hash string, at time.Time) (bool, error)
	// RevokeRefreshFamily revokes every record of the user's family (many
	// documents; idempotent).
	RevokeRefreshFamily(ctx context.Context, userID, family string, at time.Time) error
	// RevokeUserRefreshTokens revokes every record of the user (many
	// documents; idempotent).
	RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error

	// CreateSession stores s.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the browser session with id. ENOTFOUND.
	Session(ctx context.Context, id string) (Session, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteSession removes the user's session id; no error when absent.
	DeleteSession(ctx context.Context, userID, id string) error
	// DeleteUserSessions removes every browser session of the user.
	DeleteUserSessions(ctx context.Context, userID string) error
}

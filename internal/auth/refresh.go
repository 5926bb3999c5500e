package auth

import (
	"fmt"
	"time"
)

// RefreshRecord is what the store keeps for one refresh token, and this
// comment is the rotation protocol the store implements around it.
//
// A refresh token is an opaque NewToken secret; the record holds only
// HashToken(token). Every token belongs to a family: the chain of tokens
// descending from one login on one device. The family id is also the
// "sid" claim of the access tokens issued from it, so the middleware can
// tell which session a request belongs to (and refuse revoked ones if it
// checks); otherwise they die within the access token TTL.
//
// Login: family := NewRefreshFamily(), then IssueRefresh(userID, family,
// expiry); insert the record, give the token to the client.
//
// Refresh: find the record by HashToken(presented); none found means 401.
// Otherwise switch on DecideRefresh(record, now).
//
// On RefreshRotate, mark the record used at now with a conditional update
// that matches only while UsedAt is unset and Revoked false (in MongoDB,
// filter {hash, usedAt: null, revoked: false}). If it matched nothing,
// another request used the token first: proceed as for
// RefreshReuseDetected. Otherwise insert IssueRefresh(userID, same family,
// expiry) and answer with the new refresh token and a new access token.
//
// On RefreshReuseDetected, the token was already exchanged, so two parties
// hold tokens of this family and one is a thief (OAuth 2.0 Security BCP,
// RFC 9700): revoke every record of the family, answer 401 and record a
// security event. The legitimate user logs in again; the thief's newer
// token dies with the family.
//
// On RefreshExpired or RefreshRevoked, answer 401.
//
// Logout revokes the family. Logout everywhere, password change and
// disabling revoke all the user's families and bump the user's token
// version (see Identity.Version).
//
// The expiry of each new token is the caller's choice: a sliding window
// (now + TTL) keeps active users logged in, capped by an absolute family
// lifetime so that a stolen family cannot live forever. Used and revoked
// records are kept until they expire so that reuse is still detected; a
// retention job deletes them afterwards.
type RefreshRecord struct {
	// Hash is HashToken of the token; the store's lookup key.
	Hash string
	// Family is the id shared by all tokens of one login (the "sid").
	Family string
	// UserID is the owner of the family.
	UserID string
	// ExpiresAt is when the token stops being accepted.
	ExpiresAt time.Time
	// UsedAt is when the token was exchanged; zero while unused.
	UsedAt time.Time
	// Revoked marks the token's family as revoked.
	Revoked bool
}

// RefreshDecision is the outcome of presenting a refresh token.
type RefreshDecision int

// The possible outcomes of DecideRefresh; see the protocol above.
const (
	// RefreshRotate: accept, mark this token used, issue the next one.
	RefreshRotate RefreshDecision = iota + 1
	// RefreshReuseDetected: the token was already used; revoke the family.
	RefreshReuseDetected
	// RefreshExpired: refuse; the client must log in again.
	RefreshExpired
	// RefreshRevoked: refuse; the family was revoked.
	RefreshRevoked
)

// String returns the decision's name, for logs and metrics.
func (d RefreshDecision) String() string {
	switch d {
	case RefreshRotate:
		return "rotate"
	case RefreshReuseDetected:
		return "reuse_detected"
	case RefreshExpired:
		return "expired"
	case RefreshRevoked:
		return "revoked"
	}
	return fmt.Sprintf("RefreshDecision(%d)", int(d))
}

// DecideRefresh decides what presenting the token of r at now means.
// Revocation wins over everything (nothing more to do); reuse comes before
// expiry because a used token presented again is evidence of theft even
// after it expired, and the family's newer tokens may still be alive.
func DecideRefresh(r RefreshRecord, now time.Time) RefreshDecision {
	switch {
	case r.Revoked:
		return RefreshRevoked
	case !r.UsedAt.IsZero():
		return RefreshReuseDetected
	case !now.Before(r.ExpiresAt):
		return RefreshExpired
	}
	return RefreshRotate
}

// NewRefreshFamily returns the id of a new refresh-token family, at login.
func NewRefreshFamily() string { return newID() }

// IssueRefresh returns a new refresh token of family for userID, valid until
// expiresAt, and the record to store. The token goes to the client only.
func IssueRefresh(userID, family string, expiresAt time.Time) (string, RefreshRecord, error) {
	if userID == "" || family == "" {
		return "", RefreshRecord{}, fmt.Errorf("issue refresh token: user id and family are required: %w", ErrInvalidConfig)
	}
	tok := NewToken()
	return tok, RefreshRecord{Hash: HashToken(tok), Family: family, UserID: userID, ExpiresAt: expiresAt}, nil
}

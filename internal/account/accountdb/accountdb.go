// Package accountdb stores accounts, organisations, invitations, sessions
// and tokens in MongoDB (or the embedded store) for package account.
//
// It uses only the query shapes both stores honour (see STORE.md): lookups
// by _id or by one equality, inserts, conditional single-document updates,
// updateMany/deleteMany by equality, findOneAndUpdate/Delete. Filters are
// built from typed values only, never from a map a request could shape.
// Every write carries createdAt, updatedAt and a revision from the shared
// counter.
//
// Collections:
//
//	users           _id ObjectID; unique email (lower-cased); orgId
//	organisations   _id ObjectID
//	siren_claims    _id = SIREN: the uniqueness of company numbers, since adviser
//	                organisations have none and sparse/partial indexes are not
//	                available on the embedded store
//	invitations     _id ObjectID; unique (orgId, email); unique tokenHash
//	account_tokens  _id = SHA-256 of an e-mail link token (verification, reset)
//	refresh_tokens  _id = SHA-256 of a refresh token; family; userId
//	sessions        _id = SHA-256 of a browser session cookie; userId
package accountdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/store"
)

// Collection names.
const (
	colUsers       = "users"
	colOrgs        = "organisations"
	colClaims      = "siren_claims"
	colInvitations = "invitations"
	colTokens      = "account_tokens"
	colRefresh     = "refresh_tokens"
	colSessions    = "sessions"
)

// Store implements account.Repository.
type Store struct {
	st                                                          *store.Store
	users, orgs, claims, invitations, tokens, refresh, sessions *mongo.Collection
}

var _ account.Repository = (*Store)(nil)

// New returns a Store on st's database. Call EnsureIndexes once (a
// migration) before relying on the unique constraints.
func New(st *store.Store) *Store {
	return &Store{
		st:          st,
		users:       st.DB.Collection(colUsers),
		orgs:        st.DB.Collection(colOrgs),
		claims:      st.DB.Collection(colClaims),
		invitations: st.DB.Collection(colInvitations),
		tokens:      st.DB.Collection(colTokens),
		refresh:     st.DB.Collection(colRefresh),
		sessions:    st.DB.Collection(colSessions),
	}
}

// EnsureIndexes creates the indexes of the account collections. It is
// idempotent (safe to run again), for the migration list. The unique ones carry rules (one
// account per e-mail, one pending invitation per organisation and e-mail);
// the others serve lookups on MongoDB and the retention job (the embedded
// store keeps but does not use them).
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	asc := func(keys ...string) bson.D {
		d := bson.D{}
		for _, k := range keys {
			d = append(d, bson.E{Key: k, Value: 1})
		}
		return d
	}
	rev := store.Index{Keys: asc("revision"), Name: "revision"}
	sets := []struct {
		coll string
		idx  []store.Index
	}{
		{colUsers, []store.Index{
			{Keys: asc("email"), Name: "email_unique", Unique: true},
			{Keys: asc("orgId", "createdAt"), Name: "orgId_createdAt"},
			rev,
		}},
		{colOrgs, []store.Index{rev}},
		{colClaims, []store.Index{{Keys: asc("orgId"), Name: "orgId"}}},
		{colInvitations, []store.Index{
			{Keys: asc("orgId", "email"), Name: "orgId_email_unique", Unique: true},
			{Keys: asc("tokenHash"), Name: "tokenHash_unique", Unique: true},
		}},
		{colTokens, []store.Index{
			{Keys: asc("userId", "purpose"), Name: "userId_purpose"},
			{Keys: asc("expiresAt"), Name: "expiresAt"},
		}},
		{colRefresh, []store.Index{
			{Keys: asc("family"), Name: "family"},
			{Keys: asc("userId"), Name: "userId"},
			{Keys: asc("expiresAt"), Name: "expiresAt"},
		}},
		{colSessions, []store.Index{
			{Keys: asc("userId"), Name: "userId"},
			{Keys: asc("expiresAt"), Name: "expiresAt"},
		}},
	}
	for _, s := range sets {
		// One index per call: on the embedded store (FerretDB 1.24), a
		// createIndexes listing several indexes that already exist drops
		// the connection instead of being a no-op, which would make this
		// migration fail on its second run.
		for _, x := range s.idx {
			if err := st.EnsureIndexes(ctx, s.coll, x); err != nil {
				return fmt.Errorf("account indexes: %w", err)
			}
		}
	}
	return nil
}

// PurgeExpired deletes what can no longer be used: e-mail link tokens,
// refresh tokens and browser sessions past their expiry, and invitations
// that expired unaccepted more than a month before now (kept that long so
// that owners can see what lapsed). Refresh tokens are kept until they
// expire, used or not, so that reuse is still detected. It returns how many
// documents went. Run it from a periodic job: the stores have no TTL index.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int64, error) {
	now = now.UTC()
	before := bson.D{{Key: "$lt", Value: now}}
	jobs := []struct {
		c *mongo.Collection
		f bson.D
	}{
		{s.tokens, bson.D{{Key: "expiresAt", Value: before}}},
		{s.refresh, bson.D{{Key: "expiresAt", Value: before}}},
		{s.sessions, bson.D{{Key: "expiresAt", Value: before}}},
		{s.invitations, bson.D{{Key: "accepted", Value: false}, {Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now.AddDate(0, -1, 0)}}}}},
	}
	var n int64
	for _, j := range jobs {
		ctx, cancel := s.st.Deadline(ctx)
		res, err := j.c.DeleteMany(ctx, j.f)
		cancel()
		if err != nil {
			return n, dbErr("purge "+j.c.Name(), err)
		}
		n += res.DeletedCount
	}
	return n, nil
}

// dbErr wraps a driver error with the operation and the domain code the
// service tests: not found, conflict (duplicate key), unavailable.
func dbErr(op string, err error) error {
	wrapped := fmt.Errorf("%s: %w", op, err)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Err: wrapped}
	case mongo.IsDuplicateKeyError(err):
		return &passerelle.Error{Code: passerelle.ECONFLICT, Err: wrapped}
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: wrapped}
	}
	return wrapped
}

// notFound is the error for a lookup that cannot match, such as a malformed id.
func notFound(op string) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Err: fmt.Errorf("%s: %w", op, mongo.ErrNoDocuments)}
}

// oid parses a domain id. A malformed id matches nothing, so it is reported
// as not found; it never reaches a filter as text.
func oid(op, id string) (bson.ObjectID, error) {
	o, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return bson.ObjectID{}, notFound(op)
	}
	return o, nil
}

// optOID parses an optional reference: "" is nil.
func optOID(op, id string) (*bson.ObjectID, error) {
	if id == "" {
		return nil, nil
	}
	o, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed id %q", op, id)
	}
	return &o, nil
}

func hexOf(o *bson.ObjectID) string {
	if o == nil {
		return ""
	}
	return o.Hex()
}

// timeOf returns the zero time for a missing optional time.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// optTime stores the zero time as a missing field.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// revision takes the next revision for a write.
func (s *Store) revision(ctx context.Context, op string) (int64, error) {
	r, err := s.st.NextRevision(ctx)
	if err != nil {
		return 0, dbErr(op, err)
	}
	return r, nil
}

// insert writes one new document with a deadline.
func (s *Store) insert(ctx context.Context, op string, c *mongo.Collection, doc any) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := c.InsertOne(ctx, doc); err != nil {
		return dbErr(op, err)
	}
	return nil
}

// findOne decodes the document matching filter into out.
func (s *Store) findOne(ctx context.Context, op string, c *mongo.Collection, filter bson.D, out any) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if err := c.FindOne(ctx, filter).Decode(out); err != nil {
		return dbErr(op, err)
	}
	return nil
}

// findAll decodes every document matching filter, with options, into out.
func (s *Store) findAll(ctx context.Context, op string, c *mongo.Collection, filter bson.D, sort bson.D, limit int, out any) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := c.Find(ctx, filter, findOpts(sort, limit))
	if err != nil {
		return dbErr(op, err)
	}
	if err := cur.All(ctx, out); err != nil {
		return dbErr(op, err)
	}
	return nil
}

// updateMany applies update to every document matching filter.
func (s *Store) updateMany(ctx context.Context, op string, c *mongo.Collection, filter, update bson.D) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := c.UpdateMany(ctx, filter, update); err != nil {
		return dbErr(op, err)
	}
	return nil
}

// deleteMany removes every document matching filter.
func (s *Store) deleteMany(ctx context.Context, op string, c *mongo.Collection, filter bson.D) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := c.DeleteMany(ctx, filter); err != nil {
		return dbErr(op, err)
	}
	return nil
}

package accountdb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

// userDoc is a stored user.
type userDoc struct {
	ID              bson.ObjectID  `bson:"_id"`
	Email           string         `bson:"email"`
	Name            string         `bson:"name"`
	Role            string         `bson:"role"`
	OrgID           *bson.ObjectID `bson:"orgId,omitempty"`
	OrgOwner        bool           `bson:"orgOwner"`
	PasswordHash    string         `bson:"passwordHash"`
	TokenVersion    int64          `bson:"tokenVersion"`
	Verified        bool           `bson:"verified"`
	Disabled        bool           `bson:"disabled"`
	Lang            string         `bson:"lang"`
	RevokedSessions []revokedDoc   `bson:"revokedSessions"`
	CreatedAt       time.Time      `bson:"createdAt"`
	UpdatedAt       time.Time      `bson:"updatedAt"`
	Revision        int64          `bson:"revision"`
}

type revokedDoc struct {
	ID    string    `bson:"id"`
	Until time.Time `bson:"until"`
}

func revokedDocs(rs []account.RevokedSession) []revokedDoc {
	out := make([]revokedDoc, 0, len(rs)) // never nil: stored as [] rather than null
	for _, r := range rs {
		out = append(out, revokedDoc{ID: r.ID, Until: r.Until.UTC()})
	}
	return out
}

func toUserDoc(u account.User) (userDoc, error) {
	id, err := oid("user", u.ID)
	if err != nil {
		return userDoc{}, fmt.Errorf("user: malformed id %q", u.ID)
	}
	org, err := optOID("user org", u.OrgID)
	if err != nil {
		return userDoc{}, err
	}
	return userDoc{
		ID: id, Email: u.Email, Name: u.Name, Role: string(u.Role), OrgID: org, OrgOwner: u.OrgOwner,
		PasswordHash: u.PasswordHash, TokenVersion: u.TokenVersion, Verified: u.Verified, Disabled: u.Disabled,
		Lang: u.Lang, RevokedSessions: revokedDocs(u.RevokedSessions),
		CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC(), Revision: u.Revision,
	}, nil
}

func (d userDoc) user() (account.User, error) {
	role, err := auth.ParseRole(d.Role)
	if err != nil {
		return account.User{}, fmt.Errorf("user %s: %w", d.ID.Hex(), err)
	}
	var revoked []account.RevokedSession
	for _, r := range d.RevokedSessions {
		revoked = append(revoked, account.RevokedSession{ID: r.ID, Until: r.Until.UTC()})
	}
	return account.User{
		ID: d.ID.Hex(), Email: d.Email, Name: d.Name, Role: role, OrgID: hexOf(d.OrgID), OrgOwner: d.OrgOwner,
		PasswordHash: d.PasswordHash, TokenVersion: d.TokenVersion, Verified: d.Verified, Disabled: d.Disabled,
		Lang: d.Lang, RevokedSessions: revoked,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Revision: d.Revision,
	}, nil
}

func findOpts(sort bson.D, limit int) *options.FindOptionsBuilder {
	o := options.Find()
	if sort != nil {
		o.SetSort(sort)
	}
	if limit > 0 {
		o.SetLimit(int64(limit))
	}
	return o
}

// CreateUser implements account.Repository. The unique index on email is
// what makes concurrent registrations of one address create one account.
func (s *Store) CreateUser(ctx context.Context, u account.User) (account.User, error) {
	rev, err := s.revision(ctx, "insert user")
	if err != nil {
		return account.User{}, err
	}
	u.Revision = rev
	d, err := toUserDoc(u)
	if err != nil {
		return account.User{}, fmt.Errorf("insert user: %w", err)
	}
	if err := s.insert(ctx, "insert user", s.users, d); err != nil {
		return account.User{}, err
	}
	return d.user()
}

// User implements account.Repository.
func (s *Store) User(ctx context.Context, id string) (account.User, error) {
	o, err := oid("find user", id)
	if err != nil {
		return account.User{}, err
	}
	var d userDoc
	if err := s.findOne(ctx, "find user", s.users, bson.D{{Key: "_id", Value: o}}, &d); err != nil {
		return account.User{}, err
	}
	return d.user()
}

// UserByEmail implements account.Repository.
func (s *Store) UserByEmail(ctx context.Context, email string) (account.User, error) {
	var d userDoc
	if err := s.findOne(ctx, "find user by email", s.users, bson.D{{Key: "email", Value: email}}, &d); err != nil {
		return account.User{}, err
	}
	return d.user()
}

// UpdateUser implements account.Repository: a conditional update on the
// revision read (optimistic concurrency), which both stores apply
// atomically to one document. Only the listed fields are written, so that
// no caller can change e-mail, role or organisation by accident.
func (s *Store) UpdateUser(ctx context.Context, u account.User) (account.User, error) {
	id, err := oid("update user", u.ID)
	if err != nil {
		return account.User{}, err
	}
	rev, err := s.revision(ctx, "update user")
	if err != nil {
		return account.User{}, err
	}
	set := bson.D{
		{Key: "name", Value: u.Name},
		{Key: "lang", Value: u.Lang},
		{Key: "passwordHash", Value: u.PasswordHash},
		{Key: "tokenVersion", Value: u.TokenVersion},
		{Key: "verified", Value: u.Verified},
		{Key: "disabled", Value: u.Disabled},
		{Key: "orgOwner", Value: u.OrgOwner},
		{Key: "revokedSessions", Value: revokedDocs(u.RevokedSessions)},
		{Key: "updatedAt", Value: u.UpdatedAt.UTC()},
		{Key: "revision", Value: rev},
	}
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.users.UpdateOne(cctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revision", Value: u.Revision}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return account.User{}, dbErr("update user", err)
	}
	if res.MatchedCount == 0 {
		return account.User{}, &passerelle.Error{Code: passerelle.ECONFLICT, Err: fmt.Errorf("update user %s: revision %d is stale", u.ID, u.Revision)}
	}
	u.Revision = rev
	u.UpdatedAt = u.UpdatedAt.UTC()
	return u, nil
}

// DeleteUser implements account.Repository.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	o, err := oid("delete user", id)
	if err != nil {
		return nil
	}
	return s.deleteMany(ctx, "delete user", s.users, bson.D{{Key: "_id", Value: o}})
}

// OrgUsers implements account.Repository.
func (s *Store) OrgUsers(ctx context.Context, orgID string, limit int) ([]account.User, error) {
	o, err := oid("list org users", orgID)
	if err != nil {
		return nil, nil
	}
	var docs []userDoc
	sort := bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}
	if err := s.findAll(ctx, "list org users", s.users, bson.D{{Key: "orgId", Value: o}}, sort, limit, &docs); err != nil {
		return nil, err
	}
	out := make([]account.User, 0, len(docs))
	for _, d := range docs {
		u, err := d.user()
		if err != nil {
			return nil, fmt.Errorf("list org users: %w", err)
		}
		out = append(out, u)
	}
	return out, nil
}

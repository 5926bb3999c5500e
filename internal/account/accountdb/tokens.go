package accountdb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle/internal/account"
)

// oneTimeDoc is a stored e-mail link token, keyed by its hash.
type oneTimeDoc struct {
	Hash      string        `bson:"_id"`
	Purpose   string        `bson:"purpose"`
	UserID    bson.ObjectID `bson:"userId"`
	ExpiresAt time.Time     `bson:"expiresAt"`
	CreatedAt time.Time     `bson:"createdAt"`
	UpdatedAt time.Time     `bson:"updatedAt"`
	Revision  int64         `bson:"revision"`
}

// refreshDoc is a stored refresh token, keyed by its hash.
type refreshDoc struct {
	Hash            string        `bson:"_id"`
	Family          string        `bson:"family"`
	UserID          bson.ObjectID `bson:"userId"`
	TokenVersion    int64         `bson:"tokenVersion"`
	FamilyStartedAt time.Time     `bson:"familyStartedAt"`
	ExpiresAt       time.Time     `bson:"expiresAt"`
	Used            bool          `bson:"used"`
	UsedAt          *time.Time    `bson:"usedAt,omitempty"`
	Revoked         bool          `bson:"revoked"`
	CreatedAt       time.Time     `bson:"createdAt"`
	UpdatedAt       time.Time     `bson:"updatedAt"`
	Revision        int64         `bson:"revision"`
}

// sessionDoc is a stored browser session, keyed by the hash of its cookie.
type sessionDoc struct {
	ID           string        `bson:"_id"`
	UserID       bson.ObjectID `bson:"userId"`
	TokenVersion int64         `bson:"tokenVersion"`
	CreatedAt    time.Time     `bson:"createdAt"`
	ExpiresAt    time.Time     `bson:"expiresAt"`
	LastSeenAt   time.Time     `bson:"lastSeenAt"`
	UpdatedAt    time.Time     `bson:"updatedAt"`
	Revision     int64         `bson:"revision"`
}

// CreateOneTimeToken implements account.Repository.
func (s *Store) CreateOneTimeToken(ctx context.Context, t account.OneTimeToken) error {
	const op = "insert one-time token"
	u, err := oid(op, t.UserID)
	if err != nil {
		return fmt.Errorf("%s: malformed user id", op)
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	return s.insert(ctx, op, s.tokens, oneTimeDoc{Hash: t.Hash, Purpose: string(t.Purpose), UserID: u,
		ExpiresAt: t.ExpiresAt.UTC(), CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.CreatedAt.UTC(), Revision: rev})
}

// ConsumeOneTimeToken implements account.Repository with findOneAndDelete:
// of two requests with one token, exactly one gets it.
func (s *Store) ConsumeOneTimeToken(ctx context.Context, purpose account.Purpose, hash string) (account.OneTimeToken, error) {
	const op = "consume one-time token"
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d oneTimeDoc
	err := s.tokens.FindOneAndDelete(cctx, bson.D{{Key: "_id", Value: hash}, {Key: "purpose", Value: string(purpose)}}).Decode(&d)
	if err != nil {
		return account.OneTimeToken{}, dbErr(op, err)
	}
	return account.OneTimeToken{Hash: d.Hash, Purpose: account.Purpose(d.Purpose), UserID: d.UserID.Hex(),
		ExpiresAt: d.ExpiresAt.UTC(), CreatedAt: d.CreatedAt.UTC()}, nil
}

// DeleteOneTimeTokens implements account.Repository.
func (s *Store) DeleteOneTimeTokens(ctx context.Context, userID string, purpose account.Purpose) error {
	u, err := oid("delete one-time tokens", userID)
	if err != nil {
		return nil
	}
	return s.deleteMany(ctx, "delete one-time tokens", s.tokens, bson.D{{Key: "userId", Value: u}, {Key: "purpose", Value: string(purpose)}})
}

// CreateRefreshToken implements account.Repository.
func (s *Store) CreateRefreshToken(ctx context.Context, r account.RefreshToken) error {
	const op = "insert refresh token"
	u, err := oid(op, r.UserID)
	if err != nil {
		return fmt.Errorf("%s: malformed user id", op)
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	return s.insert(ctx, op, s.refresh, refreshDoc{Hash: r.Hash, Family: r.Family, UserID: u, TokenVersion: r.TokenVersion,
		FamilyStartedAt: r.FamilyStartedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), Used: !r.UsedAt.IsZero(), UsedAt: optTime(r.UsedAt),
		Revoked: r.Revoked, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.CreatedAt.UTC(), Revision: rev})
}

// RefreshToken implements account.Repository.
func (s *Store) RefreshToken(ctx context.Context, hash string) (account.RefreshToken, error) {
	var d refreshDoc
	if err := s.findOne(ctx, "find refresh token", s.refresh, bson.D{{Key: "_id", Value: hash}}, &d); err != nil {
		return account.RefreshToken{}, err
	}
	return account.RefreshToken{Hash: d.Hash, Family: d.Family, UserID: d.UserID.Hex(), TokenVersion: d.TokenVersion,
		FamilyStartedAt: d.FamilyStartedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(), UsedAt: timeOf(d.UsedAt), Revoked: d.Revoked,
		CreatedAt: d.CreatedAt.UTC()}, nil
}

// UseRefreshToken implements account.Repository: the conditional update of
// the rotation protocol (auth.RefreshRecord), with booleans rather than a
// null test, which both stores match alike.
func (s *Store) UseRefreshToken(ctx context.Context, hash string, at time.Time) (bool, error) {
	const op = "use refresh token"
	rev, err := s.revision(ctx, op)
	if err != nil {
		return false, err
	}
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.refresh.UpdateOne(cctx,
		bson.D{{Key: "_id", Value: hash}, {Key: "used", Value: false}, {Key: "revoked", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}, {Key: "usedAt", Value: at.UTC()},
			{Key: "updatedAt", Value: at.UTC()}, {Key: "revision", Value: rev}}}})
	if err != nil {
		return false, dbErr(op, err)
	}
	return res.MatchedCount == 1, nil
}

// RevokeRefreshFamily implements account.Repository.
func (s *Store) RevokeRefreshFamily(ctx context.Context, userID, family string, at time.Time) error {
	const op = "revoke refresh family"
	u, err := oid(op, userID)
	if err != nil {
		return nil
	}
	return s.revokeRefresh(ctx, op, bson.D{{Key: "userId", Value: u}, {Key: "family", Value: family}, {Key: "revoked", Value: false}}, at)
}

// RevokeUserRefreshTokens implements account.Repository.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error {
	const op = "revoke user refresh tokens"
	u, err := oid(op, userID)
	if err != nil {
		return nil
	}
	return s.revokeRefresh(ctx, op, bson.D{{Key: "userId", Value: u}, {Key: "revoked", Value: false}}, at)
}

func (s *Store) revokeRefresh(ctx context.Context, op string, filter bson.D, at time.Time) error {
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	return s.updateMany(ctx, op, s.refresh, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}, {Key: "updatedAt", Value: at.UTC()}, {Key: "revision", Value: rev}}}})
}

// CreateSession implements account.Repository.
func (s *Store) CreateSession(ctx context.Context, x account.Session) error {
	const op = "insert session"
	u, err := oid(op, x.UserID)
	if err != nil {
		return fmt.Errorf("%s: malformed user id", op)
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	return s.insert(ctx, op, s.sessions, sessionDoc{ID: x.ID, UserID: u, TokenVersion: x.TokenVersion,
		CreatedAt: x.CreatedAt.UTC(), ExpiresAt: x.ExpiresAt.UTC(), LastSeenAt: x.LastSeenAt.UTC(), UpdatedAt: x.CreatedAt.UTC(), Revision: rev})
}

// Session implements account.Repository.
func (s *Store) Session(ctx context.Context, id string) (account.Session, error) {
	var d sessionDoc
	if err := s.findOne(ctx, "find session", s.sessions, bson.D{{Key: "_id", Value: id}}, &d); err != nil {
		return account.Session{}, err
	}
	return account.Session{ID: d.ID, UserID: d.UserID.Hex(), TokenVersion: d.TokenVersion,
		CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(), LastSeenAt: d.LastSeenAt.UTC()}, nil
}

// TouchSession implements account.Repository.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	const op = "touch session"
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	return s.updateMany(ctx, op, s.sessions, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lastSeenAt", Value: at.UTC()}, {Key: "updatedAt", Value: at.UTC()}, {Key: "revision", Value: rev}}}})
}

// DeleteSession implements account.Repository. The user id is part of the
// filter so that one user's identity can never end another's session.
func (s *Store) DeleteSession(ctx context.Context, userID, id string) error {
	u, err := oid("delete session", userID)
	if err != nil {
		return nil
	}
	return s.deleteMany(ctx, "delete session", s.sessions, bson.D{{Key: "_id", Value: id}, {Key: "userId", Value: u}})
}

// DeleteUserSessions implements account.Repository.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	u, err := oid("delete user sessions", userID)
	if err != nil {
		return nil
	}
	return s.deleteMany(ctx, "delete user sessions", s.sessions, bson.D{{Key: "userId", Value: u}})
}

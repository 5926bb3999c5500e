// Package auditdb stores the audit trail in the "audit_log" collection of
// MongoDB or the embedded store. It implements audit.Repository and, on
// purpose, nothing more: it inserts and it lists. There is no update,
// replace or delete here, so the application has no code path that changes
// an entry. (In production, the database user of the application can be
// granted insert and find only on this collection.)
//
// Query shapes, all listed by STORE.md as behaving the same on both stores:
// insertOne; an equality filter with a scalar sort, skip and limit;
// countDocuments.
package auditdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/store"
)

// Collection is the name of the audit collection.
const Collection = "audit_log"

// Store is the MongoDB implementation of audit.Repository.
type Store struct {
	st   *store.Store
	coll *mongo.Collection
}

var _ audit.Repository = (*Store)(nil)

// New returns a Store on st's database.
func New(st *store.Store) *Store { return &Store{st: st, coll: st.DB.Collection(Collection)} }

// EnsureIndexes creates the index of a candidate's trail, newest first; it
// is idempotent, for the migration list.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	return st.EnsureIndexes(ctx, Collection, store.Index{
		Keys: bson.D{{Key: "candidateId", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, Name: "candidateId_at"})
}

type entryDoc struct {
	ID          string    `bson:"_id"`
	ActorID     string    `bson:"actorId"`
	Role        string    `bson:"role"`
	OrgID       string    `bson:"orgId,omitempty"`
	CandidateID string    `bson:"candidateId"`
	Reason      string    `bson:"reason"`
	RequestID   string    `bson:"requestId,omitempty"`
	At          time.Time `bson:"at"`
}

func toDoc(e audit.Entry) entryDoc {
	return entryDoc{ID: e.ID, ActorID: e.ActorID, Role: string(e.Role), OrgID: e.OrgID, CandidateID: e.CandidateID,
		Reason: string(e.Reason), RequestID: e.RequestID, At: e.At}
}

func fromDoc(d entryDoc) audit.Entry {
	return audit.Entry{ID: d.ID, ActorID: d.ActorID, Role: auth.Role(d.Role), OrgID: d.OrgID, CandidateID: d.CandidateID,
		Reason: audit.Reason(d.Reason), RequestID: d.RequestID, At: d.At}
}

func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Insert implements audit.Repository with insertOne: an existing id is a
// duplicate key error, never an overwrite.
func (s *Store) Insert(ctx context.Context, e audit.Entry) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.coll.InsertOne(ctx, toDoc(e))
	return mapErr("insert audit entry", err)
}

// ForCandidate implements audit.Repository.
func (s *Store) ForCandidate(ctx context.Context, candidateID string, offset, limit int) ([]audit.Entry, int, error) {
	filter := bson.D{{Key: "candidateId", Value: candidateID}}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	total, err := s.coll.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, mapErr("count audit entries", err)
	}
	if int64(offset) >= total {
		return nil, int(total), nil
	}
	cur, err := s.coll.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(int64(max(offset, 0))).SetLimit(int64(min(max(limit, 1), 1000))))
	if err != nil {
		return nil, 0, mapErr("list audit entries", err)
	}
	var docs []entryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, mapErr("list audit entries", err)
	}
	out := make([]audit.Entry, len(docs))
	for i, d := range docs {
		out[i] = fromDoc(d)
	}
	return out, int(total), nil
}

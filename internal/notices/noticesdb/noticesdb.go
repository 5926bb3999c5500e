// Package noticesdb stores what the periodic jobs of package notices keep
// between runs, in MongoDB or the embedded store. It implements
// notices.Checkpoints and notices.DueList.
//
// Collections, both small:
//
//	notice_checkpoints  _id the job's name: its cursors and a version
//	digest_due          _id candidateId: a candidate due for a digest
//
// Query shapes (STORE.md: the same on both stores): _id equality; insertOne;
// updateOne filtered on _id and a version or generation field; an upsert
// with $inc and $setOnInsert in one unordered bulkWrite; a $lte filter with
// a scalar sort and a limit; deleteOne on _id and generation.
package noticesdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/notices"
	"passerelle/internal/store"
)

// Collection names.
const (
	Checkpoints = "notice_checkpoints"
	DigestDue   = "digest_due"
)

// Store is the MongoDB implementation of notices.Checkpoints and
// notices.DueList.
type Store struct {
	st          *store.Store
	checkpoints *mongo.Collection
	due         *mongo.Collection
}

var (
	_ notices.Checkpoints = (*Store)(nil)
	_ notices.DueList     = (*Store)(nil)
)

// New returns a Store on st's database.
func New(st *store.Store) *Store {
	return &Store{st: st, checkpoints: st.DB.Collection(Checkpoints), due: st.DB.Collection(DigestDue)}
}

// EnsureIndexes creates the index of the due list (by due time, for Due);
// idempotent, for the migration list.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	return st.EnsureIndexes(ctx, DigestDue, store.Index{Keys: bson.D{{Key: "dueAt", Value: 1}}, Name: "dueAt"})
}

type checkpointDoc struct {
	ID        string           `bson:"_id"`
	Cursors   map[string]int64 `bson:"cursors"`
	Version   int64            `bson:"version"`
	UpdatedAt time.Time        `bson:"updatedAt"`
}

type dueDoc struct {
	ID    string    `bson:"_id"`
	DueAt time.Time `bson:"dueAt"`
	Gen   int64     `bson:"gen"`
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

// Checkpoint implements notices.Checkpoints.
func (s *Store) Checkpoint(ctx context.Context, job string) (notices.Checkpoint, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d checkpointDoc
	err := s.checkpoints.FindOne(ctx, bson.D{{Key: "_id", Value: job}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notices.Checkpoint{Job: job, Cursors: map[string]int64{}}, nil
	}
	if err != nil {
		return notices.Checkpoint{}, mapErr("read checkpoint "+job, err)
	}
	if d.Cursors == nil {
		d.Cursors = map[string]int64{}
	}
	return notices.Checkpoint{Job: d.ID, Cursors: d.Cursors, Version: d.Version}, nil
}

// SaveCheckpoint implements notices.Checkpoints.
func (s *Store) SaveCheckpoint(ctx context.Context, cp notices.Checkpoint) (bool, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	now := time.Now().UTC().Truncate(time.Millisecond)
	if cp.Version == 0 {
		_, err := s.checkpoints.InsertOne(ctx, checkpointDoc{ID: cp.Job, Cursors: cp.Cursors, Version: 1, UpdatedAt: now})
		if mongo.IsDuplicateKeyError(err) {
			return false, nil
		}
		return err == nil, mapErr("save checkpoint "+cp.Job, err)
	}
	res, err := s.checkpoints.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: cp.Job}, {Key: "version", Value: cp.Version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "cursors", Value: cp.Cursors}, {Key: "version", Value: cp.Version + 1}, {Key: "updatedAt", Value: now}}}})
	if err != nil {
		return false, mapErr("save checkpoint "+cp.Job, err)
	}
	return res.MatchedCount == 1, nil
}

// MarkDue implements notices.DueList, in one round trip.
func (s *Store) MarkDue(ctx context.Context, candidateIDs []string, at time.Time) error {
	if len(candidateIDs) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(candidateIDs))
	for i, id := range candidateIDs {
		models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetUpsert(true).SetUpdate(bson.D{
			{Key: "$inc", Value: bson.D{{Key: "gen", Value: int64(1)}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "dueAt", Value: at.UTC()}}},
		})
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.due.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return mapErr("mark candidates due", err)
	}
	return nil
}

// Due implements notices.DueList.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]notices.Mark, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.due.Find(ctx, bson.D{{Key: "dueAt", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "dueAt", Value: 1}}).SetLimit(int64(min(max(limit, 1), 1000))))
	if err != nil {
		return nil, mapErr("list due candidates", err)
	}
	var docs []dueDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("list due candidates", err)
	}
	out := make([]notices.Mark, len(docs))
	for i, d := range docs {
		out[i] = notices.Mark{CandidateID: d.ID, DueAt: d.DueAt, Gen: d.Gen}
	}
	return out, nil
}

// Defer implements notices.DueList.
func (s *Store) Defer(ctx context.Context, m notices.Mark, until time.Time) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.due.UpdateOne(ctx, bson.D{{Key: "_id", Value: m.CandidateID}, {Key: "gen", Value: m.Gen}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "dueAt", Value: until.UTC()}}}})
	return mapErr("defer digest of "+m.CandidateID, err)
}

// Clear implements notices.DueList.
func (s *Store) Clear(ctx context.Context, m notices.Mark) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.due.DeleteOne(ctx, bson.D{{Key: "_id", Value: m.CandidateID}, {Key: "gen", Value: m.Gen}})
	return mapErr("clear digest mark of "+m.CandidateID, err)
}

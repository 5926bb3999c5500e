// Package noticesdb stores what the periodic jobs of package notices keep
// between runs, in MongoDB or the embedded store. It implements
// notices.Checkpoints and notices.DueList.
//
// Collections, both small:
//
//	notice_checkpoints  _id the job's name: its cursors and a version
//	digest_due          _id candidateId:offerId: a new offer to tell a candidate of
//
// Query shapes (STORE.md: the same on both stores): _id equality; insertOne;
// updateOne filtered on _id and a version; an unordered insertMany whose
// taken ids are ignored; a $lte filter with scalar sorts and a limit;
// updateMany and deleteMany on _id $in. No write scans the collection once
// per document: on the embedded store, where every filter but _id
// equality is a scan (a first version, one upsert per candidate in a
// bulkWrite, did not mark 100 candidates within the 30 s call deadline),
// marking is one insert and clearing one call per thousand marks.
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
	ID          string    `bson:"_id"`
	CandidateID string    `bson:"candidateId"`
	OfferID     string    `bson:"offerId"`
	DueAt       time.Time `bson:"dueAt"`
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

// MarkDue implements notices.DueList: one unordered insert of every mark,
// the marks that exist already failing alone on their taken id.
func (s *Store) MarkDue(ctx context.Context, offerID string, candidateIDs []string, at time.Time) error {
	if len(candidateIDs) == 0 {
		return nil
	}
	docs := make([]dueDoc, len(candidateIDs))
	for i, id := range candidateIDs {
		docs[i] = dueDoc{ID: id + ":" + offerID, CandidateID: id, OfferID: offerID, DueAt: at.UTC()}
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.due.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil || onlyTaken(err) {
		return nil
	}
	return mapErr("mark candidates due for "+offerID, err)
}

// onlyTaken reports whether every error of a bulk insert is a taken id.
func onlyTaken(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// Due implements notices.DueList.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]notices.Mark, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.due.Find(ctx, bson.D{{Key: "dueAt", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "dueAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(min(max(limit, 1), 10000))))
	if err != nil {
		return nil, mapErr("list due candidates", err)
	}
	var docs []dueDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("list due candidates", err)
	}
	out := make([]notices.Mark, len(docs))
	for i, d := range docs {
		out[i] = notices.Mark{ID: d.ID, CandidateID: d.CandidateID, OfferID: d.OfferID, DueAt: d.DueAt}
	}
	return out, nil
}

// idChunk bounds the ids of one $in filter.
const idChunk = 1000

// Defer implements notices.DueList, one update per thousand marks.
func (s *Store) Defer(ctx context.Context, ids []string, until time.Time) error {
	for len(ids) > 0 {
		n := min(len(ids), idChunk)
		cctx, cancel := s.st.Deadline(ctx)
		_, err := s.due.UpdateMany(cctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids[:n]}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "dueAt", Value: until.UTC()}}}})
		cancel()
		if err != nil {
			return mapErr("defer digest marks", err)
		}
		ids = ids[n:]
	}
	return nil
}

// Clear implements notices.DueList, one delete per thousand marks.
func (s *Store) Clear(ctx context.Context, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), idChunk)
		cctx, cancel := s.st.Deadline(ctx)
		_, err := s.due.DeleteMany(cctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids[:n]}}}})
		cancel()
		if err != nil {
			return mapErr("clear digest marks", err)
		}
		ids = ids[n:]
	}
	return nil
}

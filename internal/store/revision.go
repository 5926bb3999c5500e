package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// NextRevision takes the next value of the shared revision counter. Every
// written document carries one, so that another instance can ask for
// "everything with revision > N" and catch up (DESIGN.md, Scale). The counter
// is one document updated with $inc, atomic in both MongoDB and the embedded
// store.
func (s *Store) NextRevision(ctx context.Context) (int64, error) {
	return s.NextRevisions(ctx, 1)
}

// NextRevisions reserves n consecutive revisions and returns the last one;
// the caller uses last-n+1 … last. Batch writers use it to take one round trip.
func (s *Store) NextRevisions(ctx context.Context, n int64) (int64, error) {
	if n < 1 {
		return 0, fmt.Errorf("next revision: n must be positive")
	}
	ctx, cancel := s.Deadline(ctx)
	defer cancel()
	var doc struct {
		Value int64 `bson:"value"`
	}
	var err error
	// Two first-ever calls may both try to insert the counter; the loser gets
	// a duplicate key error and simply retries, now finding the document.
	for range 3 {
		err = s.DB.Collection("counters").FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: "revision"}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "value", Value: n}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&doc)
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("next revision: %w", err)
	}
	return doc.Value, nil
}

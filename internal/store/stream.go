package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// A stream reads many documents through one cursor (the start-up build of
// the matching index), so it cannot live under one call's deadline. Its
// deadline grows with how many documents it may return: 2 ms a document,
// about twice the cursor cost measured on the embedded store (0.5 to 1 ms a
// document: 5.3 s for 10,000 profiles, 94 s for 100,000), which also covers
// the caller's work per document; MongoDB reads far faster. An hour caps it
// (1.8 million documents at that rate).
//
// How many documents: not estimatedDocumentCount, which the embedded store
// answers by scanning the collection (5 s at 10,000 profiles, longer than a
// call's deadline), but the span of the shared revision counter above
// since, read by _id. Every stored document carries its own revision, so no
// more than counter−since documents have one above since: an upper bound
// exact after a bulk load, growing with updates, which the cap bounds.
const (
	streamPerDoc = 2 * time.Millisecond
	streamMax    = time.Hour
)

// StreamTimeout is the deadline of a stream over at most n documents.
func (s *Store) StreamTimeout(n int64) time.Duration {
	return min(time.Duration(max(n, 0))*streamPerDoc+s.Timeout, streamMax)
}

// StreamDeadline bounds a stream of the documents whose revision is above
// since (see StreamTimeout).
func (s *Store) StreamDeadline(ctx context.Context, since int64) (context.Context, context.CancelFunc, error) {
	cctx, cancel := s.Deadline(ctx)
	var counter struct {
		Value int64 `bson:"value"`
	}
	// The counter document of NextRevisions; none before the first write.
	err := s.DB.Collection("counters").FindOne(cctx, bson.D{{Key: "_id", Value: "revision"}}).Decode(&counter)
	cancel()
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil, fmt.Errorf("read the revision counter: %w", err)
	}
	ctx, cancel = context.WithTimeout(ctx, s.StreamTimeout(counter.Value-since))
	return ctx, cancel, nil
}

// CloseCursor releases cur on the server even when ctx is done (cancelled
// or past its deadline), under a call deadline of its own.
func (s *Store) CloseCursor(ctx context.Context, cur *mongo.Cursor) {
	ctx, cancel := s.Deadline(context.WithoutCancel(ctx))
	defer cancel()
	_ = cur.Close(ctx)
}

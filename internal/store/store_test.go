package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestConcurrentWrites is the promise of the foundation issue: 16 writers of
// 200 documents each all succeed on the embedded store, none lost.
func TestConcurrentWrites(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	coll := s.DB.Collection("writes")
	const writers, perWriter = 16, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				cctx, cancel := s.Deadline(ctx)
				_, err := coll.InsertOne(cctx, bson.D{{Key: "_id", Value: fmt.Sprintf("w%02d-%03d", w, i)}, {Key: "w", Value: w}, {Key: "i", Value: i}})
				cancel()
				if err != nil {
					errs <- fmt.Errorf("writer %d doc %d: %w", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n != writers*perWriter {
		t.Fatalf("count = %d, want %d", n, writers*perWriter)
	}
}

// TestConcurrentUpdates hits one document from many goroutines: every $inc
// must land, which is what the revision counter relies on.
func TestNextRevisionConcurrent(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	const workers, each = 8, 25
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				r, err := s.NextRevision(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[r] {
					t.Errorf("revision %d handed out twice", r)
				}
				seen[r] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Fatalf("got %d distinct revisions, want %d", len(seen), workers*each)
	}
	last, err := s.NextRevisions(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if last != workers*each+10 {
		t.Fatalf("NextRevisions(10) = %d, want %d", last, workers*each+10)
	}
}

func TestMigrate(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	calls := 0
	list := []store.Migration{
		{ID: 1, Name: "one", Up: func(ctx context.Context, s *store.Store) error { calls++; return nil }},
		{ID: 2, Name: "two", Up: func(ctx context.Context, s *store.Store) error { calls++; return nil }},
	}
	n, err := s.Migrate(ctx, list)
	if err != nil || n != 2 {
		t.Fatalf("first Migrate = %d, %v; want 2, nil", n, err)
	}
	n, err = s.Migrate(ctx, list)
	if err != nil || n != 0 || calls != 2 {
		t.Fatalf("second Migrate = %d, %v (calls %d); want 0, nil (calls 2)", n, err, calls)
	}
	failing := append(list, store.Migration{ID: 3, Name: "three", Up: func(context.Context, *store.Store) error { return errors.New("boom") }})
	if _, err := s.Migrate(ctx, failing); err == nil {
		t.Fatal("Migrate with a failing step succeeded")
	}
	count, _ := s.DB.Collection("schema_migrations").CountDocuments(ctx, bson.D{})
	if count != 2 {
		t.Fatalf("schema_migrations holds %d steps after a failure, want 2", count)
	}
	if _, err := s.Migrate(ctx, []store.Migration{list[1], list[0]}); err == nil {
		t.Fatal("Migrate accepted steps out of order")
	}
	if n, err := s.Migrate(ctx, store.Schema); err != nil || n != len(store.Schema)-1 {
		// step 1 of Schema shares its ID with "one" above, so it counts as applied.
		t.Fatalf("Migrate(Schema) = %d, %v", n, err)
	}
}

func TestLockRefusesSecondOpen(t *testing.T) {
	if os.Getenv("PASSERELLE_TEST_MONGO_URI") != "" {
		t.Skip("the lock guards the embedded store only")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first, err := store.Open(ctx, store.Options{DataDir: dir, Database: "lock"})
	if err != nil {
		t.Fatal(err)
	}
	coll := first.DB.Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(ctx, store.Options{DataDir: dir, Database: "lock"})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("after refused open: count = %d, %v; want 1", n, err)
	}
	if err := first.Close(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := store.Open(ctx, store.Options{DataDir: dir, Database: "lock"})
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	defer again.Close(ctx)
	if n, err := again.DB.Collection("c").CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("after reopen: count = %d, %v; want 1", n, err)
	}
}

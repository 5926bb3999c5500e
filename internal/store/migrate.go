package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Migration is one step of the schema. Steps run in order, each once; Up must
// be idempotent because a crash between Up and its record runs it again.
type Migration struct {
	ID   int
	Name string
	Up   func(ctx context.Context, s *Store) error
}

type migrationDoc struct {
	ID        int       `bson:"_id"`
	Name      string    `bson:"name"`
	AppliedAt time.Time `bson:"appliedAt"`
}

// Migrate applies the steps of list not yet recorded in schema_migrations, in
// order, and returns how many it applied. It refuses a list whose IDs are not
// strictly increasing, since the order is the contract.
func (s *Store) Migrate(ctx context.Context, list []Migration) (int, error) {
	for i := 1; i < len(list); i++ {
		if list[i].ID <= list[i-1].ID {
			return 0, fmt.Errorf("migrate: step %d (%s) is out of order", list[i].ID, list[i].Name)
		}
	}
	coll := s.DB.Collection("schema_migrations")
	done := map[int]bool{}
	cctx, cancel := s.Deadline(ctx)
	cur, err := coll.Find(cctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		cancel()
		return 0, fmt.Errorf("migrate: list applied steps: %w", err)
	}
	var applied []migrationDoc
	err = cur.All(cctx, &applied)
	cancel()
	if err != nil {
		return 0, fmt.Errorf("migrate: read applied steps: %w", err)
	}
	for _, a := range applied {
		done[a.ID] = true
	}
	n := 0
	for _, m := range list {
		if done[m.ID] {
			continue
		}
		if err := m.Up(ctx, s); err != nil {
			return n, fmt.Errorf("migrate: step %d (%s): %w", m.ID, m.Name, err)
		}
		cctx, cancel := s.Deadline(ctx)
		_, err := coll.InsertOne(cctx, migrationDoc{ID: m.ID, Name: m.Name, AppliedAt: time.Now().UTC()})
		cancel()
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return n, fmt.Errorf("migrate: record step %d (%s): %w", m.ID, m.Name, err)
		}
		s.log.Info("migration applied", "id", m.ID, "name", m.Name)
		n++
	}
	return n, nil
}

// Index describes one index for EnsureIndexes.
type Index struct {
	Keys   bson.D
	Name   string
	Unique bool
}

// EnsureIndexes creates the collection's indexes; creating an index that
// exists with the same definition is a no-op, which keeps migrations
// idempotent. They are created one per call: given several indexes that
// already exist, the embedded store drops the connection instead of doing
// nothing.
func (s *Store) EnsureIndexes(ctx context.Context, collection string, idx ...Index) error {
	for _, x := range idx {
		o := options.Index().SetName(x.Name)
		if x.Unique {
			o.SetUnique(true)
		}
		cctx, cancel := s.Deadline(ctx)
		_, err := s.DB.Collection(collection).Indexes().CreateOne(cctx, mongo.IndexModel{Keys: x.Keys, Options: o})
		cancel()
		if err != nil {
			return fmt.Errorf("create index %s on %s: %w", x.Name, collection, err)
		}
	}
	return nil
}

package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Schema is Passerelle's ordered list of migrations: indexes first, then data
// changes. Append new steps; never edit or reorder a step that has shipped.
var Schema = []Migration{
	{ID: 1, Name: "counters and revision indexes", Up: func(ctx context.Context, s *Store) error {
		// The counter document is created on first use by NextRevision; the
		// step only makes sure the collection exists.
		return s.EnsureIndexes(ctx, "schema_migrations", Index{Keys: bson.D{{Key: "appliedAt", Value: 1}}, Name: "appliedAt"})
	}},
}

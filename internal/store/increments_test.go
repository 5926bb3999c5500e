package store_test

import (
	"context"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"passerelle/internal/store/storetest"
)

// TestConcurrentIncrementsOneDocument guards the pool-of-one fix in Open: the
// embedded store loses concurrent read-modify-write updates otherwise.
func TestConcurrentIncrementsOneDocument(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	c := s.DB.Collection("p")
	c.InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "n", Value: 0}})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "x"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var d struct{ N int }
	c.FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Decode(&d)
	if d.N != 200 {
		t.Fatalf("n = %d want 200", d.N)
	}
}

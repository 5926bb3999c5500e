package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

// TestStoreContract exercises every query and update shape Passerelle's code
// uses, on the embedded store and, with PASSERELLE_TEST_MONGO_URI, on MongoDB:
// a shape that behaves differently on one of them fails here first. Add the
// shape here when code starts using a new one (STORE.md lists the traps).
func TestStoreContract(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := s.DB.Collection("contract")
	if err := s.EnsureIndexes(ctx, "contract",
		store.Index{Keys: bson.D{{Key: "email", Value: 1}}, Name: "email", Unique: true},
		store.Index{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"},
		store.Index{Keys: bson.D{{Key: "org", Value: 1}, {Key: "createdAt", Value: -1}}, Name: "org_createdAt"},
	); err != nil {
		t.Fatal(err)
	}
	// Idempotent: the same indexes again are a no-op (several at once used
	// to make the embedded store drop the connection).
	if err := s.EnsureIndexes(ctx, "contract",
		store.Index{Keys: bson.D{{Key: "email", Value: 1}}, Name: "email", Unique: true},
		store.Index{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"},
		store.Index{Keys: bson.D{{Key: "org", Value: 1}, {Key: "createdAt", Value: -1}}, Name: "org_createdAt"},
	); err != nil {
		t.Fatalf("EnsureIndexes twice: %v", err)
	}

	type doc struct {
		ID       string   `bson:"_id"`
		Email    string   `bson:"email"`
		Org      string   `bson:"org"`
		Revision int64    `bson:"revision"`
		Tags     []string `bson:"tags"`
		Sub      struct {
			City string `bson:"city"`
		} `bson:"sub"`
	}
	docs := []any{
		bson.D{{Key: "_id", Value: "a"}, {Key: "email", Value: "a@x.fr"}, {Key: "org", Value: "o1"}, {Key: "revision", Value: int64(1)}, {Key: "tags", Value: bson.A{"go", "sql"}}, {Key: "sub", Value: bson.D{{Key: "city", Value: "Nantes"}}}},
		bson.D{{Key: "_id", Value: "b"}, {Key: "email", Value: "b@x.fr"}, {Key: "org", Value: "o1"}, {Key: "revision", Value: int64(2)}, {Key: "tags", Value: bson.A{"react"}}, {Key: "sub", Value: bson.D{{Key: "city", Value: "Rezé"}}}},
		bson.D{{Key: "_id", Value: "c"}, {Key: "email", Value: "c@x.fr"}, {Key: "org", Value: "o2"}, {Key: "revision", Value: int64(3)}, {Key: "tags", Value: bson.A{"go"}}, {Key: "sub", Value: bson.D{{Key: "city", Value: "Nantes"}}}},
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}

	ids := func(t *testing.T, filter bson.D, opts ...options.Lister[options.FindOptions]) []string {
		t.Helper()
		cur, err := c.Find(ctx, filter, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var got []doc
		if err := cur.All(ctx, &got); err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(got))
		for i, d := range got {
			out[i] = d.ID
		}
		return out
	}
	eq := func(t *testing.T, got, want []string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
	}
	sortID := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})

	t.Run("find by _id", func(t *testing.T) {
		var d doc
		if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "b"}}).Decode(&d); err != nil || d.Email != "b@x.fr" {
			t.Fatalf("FindOne = %+v, %v", d, err)
		}
	})
	t.Run("not found is ErrNoDocuments", func(t *testing.T) {
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "zz"}}).Err()
		if !errors.Is(err, mongo.ErrNoDocuments) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("equality, sort, skip, limit", func(t *testing.T) {
		eq(t, ids(t, bson.D{{Key: "org", Value: "o1"}}, options.Find().SetSort(bson.D{{Key: "revision", Value: -1}})), []string{"b", "a"})
		eq(t, ids(t, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetSkip(1).SetLimit(1)), []string{"b"})
	})
	t.Run("revision greater than (catch-up)", func(t *testing.T) {
		eq(t, ids(t, bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: int64(1)}}}}, sortID), []string{"b", "c"})
	})
	t.Run("$in and scalar array membership", func(t *testing.T) {
		eq(t, ids(t, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "c", "zz"}}}}}, sortID), []string{"a", "c"})
		eq(t, ids(t, bson.D{{Key: "tags", Value: "go"}}, sortID), []string{"a", "c"})
		eq(t, ids(t, bson.D{{Key: "tags", Value: bson.D{{Key: "$all", Value: bson.A{"go", "sql"}}}}}, sortID), []string{"a"})
	})
	t.Run("dotted path", func(t *testing.T) {
		eq(t, ids(t, bson.D{{Key: "sub.city", Value: "Nantes"}}, sortID), []string{"a", "c"})
	})
	t.Run("projection", func(t *testing.T) {
		var d bson.M
		if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}, options.FindOne().SetProjection(bson.D{{Key: "email", Value: 1}})).Decode(&d); err != nil {
			t.Fatal(err)
		}
		if _, ok := d["org"]; ok || d["email"] != "a@x.fr" {
			t.Fatalf("projection = %v", d)
		}
	})
	t.Run("unique index rejects a duplicate", func(t *testing.T) {
		_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "d"}, {Key: "email", Value: "a@x.fr"}})
		if !mongo.IsDuplicateKeyError(err) {
			t.Fatalf("duplicate email: err = %v, want a duplicate key error", err)
		}
	})
	t.Run("conditional update on revision (optimistic concurrency)", func(t *testing.T) {
		res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "revision", Value: int64(1)}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "revision", Value: int64(10)}, {Key: "sub.city", Value: "Orvault"}}}})
		if err != nil || res.MatchedCount != 1 {
			t.Fatalf("first conditional update: %+v %v", res, err)
		}
		res, err = c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "revision", Value: int64(1)}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "revision", Value: int64(11)}}}})
		if err != nil || res.MatchedCount != 0 {
			t.Fatalf("stale conditional update matched: %+v %v", res, err)
		}
	})
	t.Run("$push, $addToSet, $pull by value, $unset, $inc", func(t *testing.T) {
		up := func(u bson.D) {
			t.Helper()
			if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "b"}}, u); err != nil {
				t.Fatal(err)
			}
		}
		up(bson.D{{Key: "$push", Value: bson.D{{Key: "tags", Value: bson.D{{Key: "$each", Value: bson.A{"vue", "css"}}}}}}})
		up(bson.D{{Key: "$addToSet", Value: bson.D{{Key: "tags", Value: "react"}}}})
		up(bson.D{{Key: "$pull", Value: bson.D{{Key: "tags", Value: "css"}}}})
		up(bson.D{{Key: "$inc", Value: bson.D{{Key: "revision", Value: int64(5)}}}})
		up(bson.D{{Key: "$unset", Value: bson.D{{Key: "org", Value: ""}}}})
		var d doc
		if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "b"}}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		eq(t, d.Tags, []string{"react", "vue"})
		if d.Revision != 7 || d.Org != "" {
			t.Fatalf("after updates: %+v", d)
		}
	})
	t.Run("replace and upsert with $setOnInsert", func(t *testing.T) {
		if _, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "c"}}, bson.D{{Key: "email", Value: "c2@x.fr"}, {Key: "org", Value: "o2"}, {Key: "revision", Value: int64(12)}}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "e"}},
				bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "email", Value: "e@x.fr"}}}, {Key: "$set", Value: bson.D{{Key: "org", Value: "o3"}}}},
				options.UpdateOne().SetUpsert(true)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: "e"}})
		if err != nil || n != 1 {
			t.Fatalf("upsert twice: %d docs, %v", n, err)
		}
	})
	t.Run("count and delete", func(t *testing.T) {
		n, err := c.CountDocuments(ctx, bson.D{})
		if err != nil || n != 4 {
			t.Fatalf("count = %d, %v", n, err)
		}
		res, err := c.DeleteMany(ctx, bson.D{{Key: "org", Value: "o3"}})
		if err != nil || res.DeletedCount != 1 {
			t.Fatalf("delete = %+v, %v", res, err)
		}
	})
	t.Run("claim with $or of $exists and dates, sorted, then conditional finish", func(t *testing.T) {
		// The shapes of the e-mail outbox and the release lock: take one
		// due or abandoned item atomically, then finish it only if the
		// claim token still matches.
		q := s.DB.Collection("contract_queue")
		now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		if _, err := q.InsertMany(ctx, []any{
			bson.D{{Key: "_id", Value: "m1"}, {Key: "status", Value: "pending"}, {Key: "due", Value: now.Add(time.Minute)}},
			bson.D{{Key: "_id", Value: "m2"}, {Key: "status", Value: "pending"}, {Key: "due", Value: now.Add(-time.Minute)}},
			bson.D{{Key: "_id", Value: "m3"}, {Key: "status", Value: "sending"}, {Key: "leaseUntil", Value: now.Add(-time.Hour)}, {Key: "due", Value: now.Add(-2 * time.Hour)}},
			bson.D{{Key: "_id", Value: "m4"}, {Key: "status", Value: "sent"}},
		}); err != nil {
			t.Fatal(err)
		}
		claimFilter := bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "status", Value: "pending"}, {Key: "due", Value: bson.D{{Key: "$lte", Value: now}}}},
			bson.D{{Key: "status", Value: "sending"}, {Key: "leaseUntil", Value: bson.D{{Key: "$exists", Value: true}, {Key: "$lt", Value: now}}}},
		}}}
		claim := func(token string) string {
			var d struct {
				ID string `bson:"_id"`
			}
			err := q.FindOneAndUpdate(ctx, claimFilter,
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "sending"}, {Key: "token", Value: token}, {Key: "leaseUntil", Value: now.Add(10 * time.Minute)}}}, {Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}},
				options.FindOneAndUpdate().SetSort(bson.D{{Key: "due", Value: 1}}).SetReturnDocument(options.After)).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		if got := claim("t1"); got != "m3" {
			t.Fatalf("first claim = %q, want the abandoned m3 (oldest due)", got)
		}
		if got := claim("t2"); got != "m2" {
			t.Fatalf("second claim = %q, want m2", got)
		}
		if got := claim("t3"); got != "" {
			t.Fatalf("third claim = %q, want nothing due", got)
		}
		res, err := q.UpdateOne(ctx, bson.D{{Key: "_id", Value: "m2"}, {Key: "status", Value: "sending"}, {Key: "token", Value: "t1"}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "sent"}}}})
		if err != nil || res.MatchedCount != 0 {
			t.Fatalf("finish with another claim's token matched: %+v %v", res, err)
		}
		res, err = q.UpdateOne(ctx, bson.D{{Key: "_id", Value: "m2"}, {Key: "status", Value: "sending"}, {Key: "token", Value: "t2"}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "sent"}}}})
		if err != nil || res.MatchedCount != 1 {
			t.Fatalf("finish with the claim's token: %+v %v", res, err)
		}
		del, err := q.DeleteMany(ctx, bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "sent"}}}})
		if err != nil || del.DeletedCount != 2 {
			t.Fatalf("deleteMany $ne: %+v %v", del, err)
		}
	})
	t.Run("conditional move appending to an embedded history", func(t *testing.T) {
		// The shape of an application's status change.
		a := s.DB.Collection("contract_apps")
		if _, err := a.InsertOne(ctx, bson.D{{Key: "_id", Value: "c1:o1"}, {Key: "status", Value: "received"}, {Key: "revision", Value: int64(1)}, {Key: "history", Value: bson.A{}}}); err != nil {
			t.Fatal(err)
		}
		move := func(from, to string, rev int64) bool {
			var d bson.M
			err := a.FindOneAndUpdate(ctx,
				bson.D{{Key: "_id", Value: "c1:o1"}, {Key: "revision", Value: rev}, {Key: "status", Value: from}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: to}, {Key: "revision", Value: rev + 1}}},
					{Key: "$push", Value: bson.D{{Key: "history", Value: bson.D{{Key: "from", Value: from}, {Key: "to", Value: to}}}}}},
				options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return false
			}
			if err != nil {
				t.Fatal(err)
			}
			return true
		}
		if !move("received", "in_review", 1) || move("received", "interview", 1) || !move("in_review", "interview", 2) {
			t.Fatal("conditional moves did not behave")
		}
		var d struct {
			Status  string   `bson:"status"`
			History []bson.M `bson:"history"`
		}
		if err := a.FindOne(ctx, bson.D{{Key: "_id", Value: "c1:o1"}}).Decode(&d); err != nil || d.Status != "interview" || len(d.History) != 2 {
			t.Fatalf("after moves: %+v %v", d, err)
		}
	})
	t.Run("compound unique index and $in on an array of subdocuments", func(t *testing.T) {
		u := s.DB.Collection("contract_invites")
		if err := s.EnsureIndexes(ctx, "contract_invites", store.Index{Keys: bson.D{{Key: "orgId", Value: 1}, {Key: "email", Value: 1}}, Name: "org_email", Unique: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := u.InsertOne(ctx, bson.D{{Key: "orgId", Value: "o1"}, {Key: "email", Value: "a@x.fr"}, {Key: "skills", Value: bson.A{bson.D{{Key: "code", Value: "tag:go"}}, bson.D{{Key: "code", Value: "tag:sql"}}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := u.InsertOne(ctx, bson.D{{Key: "orgId", Value: "o2"}, {Key: "email", Value: "a@x.fr"}}); err != nil {
			t.Fatalf("same e-mail, other organisation: %v", err)
		}
		if _, err := u.InsertOne(ctx, bson.D{{Key: "orgId", Value: "o1"}, {Key: "email", Value: "a@x.fr"}}); !mongo.IsDuplicateKeyError(err) {
			t.Fatalf("duplicate (orgId, email): %v", err)
		}
		n, err := u.CountDocuments(ctx, bson.D{{Key: "skills.code", Value: bson.D{{Key: "$in", Value: bson.A{"tag:sql", "tag:rust"}}}}})
		if err != nil || n != 1 {
			t.Fatalf("$in on skills.code: %d %v", n, err)
		}
	})
	t.Run("caseload: two-field equality by date, upsert by replace, answer on status", func(t *testing.T) {
		// The shapes of package caseloaddb and of a caseload's profiles:
		// an e-mail's pending invitations newest first, a link record
		// written whole by id, an answer conditional on the pending
		// status, and membership in an array with a $gt on _id.
		k := s.DB.Collection("contract_caseload")
		t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		if _, err := k.InsertMany(ctx, []any{
			bson.D{{Key: "_id", Value: "i1"}, {Key: "email", Value: "a@x.fr"}, {Key: "status", Value: "pending"}, {Key: "createdAt", Value: t0}, {Key: "orgs", Value: bson.A{"o1", "o2"}}},
			bson.D{{Key: "_id", Value: "i2"}, {Key: "email", Value: "a@x.fr"}, {Key: "status", Value: "pending"}, {Key: "createdAt", Value: t0.Add(time.Hour)}, {Key: "orgs", Value: bson.A{"o1"}}},
			bson.D{{Key: "_id", Value: "i3"}, {Key: "email", Value: "a@x.fr"}, {Key: "status", Value: "declined"}, {Key: "createdAt", Value: t0.Add(2 * time.Hour)}, {Key: "orgs", Value: bson.A{}}},
			bson.D{{Key: "_id", Value: "i4"}, {Key: "email", Value: "b@x.fr"}, {Key: "status", Value: "pending"}, {Key: "createdAt", Value: t0}, {Key: "orgs", Value: bson.A{"o2"}}},
		}); err != nil {
			t.Fatal(err)
		}
		cids := func(filter, sort bson.D, limit int64) []string {
			t.Helper()
			cur, err := k.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(limit))
			if err != nil {
				t.Fatal(err)
			}
			var got []struct {
				ID string `bson:"_id"`
			}
			if err := cur.All(ctx, &got); err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range got {
				out = append(out, d.ID)
			}
			return out
		}
		newest := bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
		eq(t, cids(bson.D{{Key: "email", Value: "a@x.fr"}, {Key: "status", Value: "pending"}}, newest, 10), []string{"i2", "i1"})
		eq(t, cids(bson.D{{Key: "email", Value: "a@x.fr"}, {Key: "status", Value: "pending"}}, newest, 1), []string{"i2"})
		eq(t, cids(bson.D{{Key: "orgs", Value: "o1"}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: "i1"}}}}, bson.D{{Key: "_id", Value: 1}}, 10), []string{"i2"})
		eq(t, cids(bson.D{{Key: "orgs", Value: "o2"}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: ""}}}}, bson.D{{Key: "_id", Value: 1}}, 10), []string{"i1", "i4"})

		answer := func(id, from, to string) bool {
			var d bson.M
			err := k.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: from}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: to}, {Key: "respondedAt", Value: t0}}}},
				options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return false
			}
			if err != nil {
				t.Fatal(err)
			}
			return d["status"] == to
		}
		if !answer("i1", "pending", "accepted") || answer("i1", "pending", "declined") || !answer("i1", "accepted", "pending") {
			t.Fatal("answers conditional on the status did not behave")
		}
		for i, since := range []time.Time{t0, t0.Add(time.Hour)} {
			if _, err := k.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "l1"}},
				bson.D{{Key: "_id", Value: "l1"}, {Key: "since", Value: since}, {Key: "revision", Value: int64(i)}}, options.Replace().SetUpsert(true)); err != nil {
				t.Fatal(err)
			}
		}
		var l struct {
			Since    time.Time `bson:"since"`
			Revision int64     `bson:"revision"`
		}
		if err := k.FindOne(ctx, bson.D{{Key: "_id", Value: "l1"}}).Decode(&l); err != nil || l.Revision != 1 || !l.Since.Equal(t0.Add(time.Hour)) {
			t.Fatalf("replace with upsert twice: %+v %v", l, err)
		}
	})
	t.Run("caseload overview: $in with a projection, sorted by candidate then newest", func(t *testing.T) {
		// The shapes of a dashboard's two batched reads: which of these
		// profiles an organisation follows ($in on _id and array
		// membership, only the _id), and their applications ($in on
		// candidateId, by candidate then newest first, three fields).
		p := s.DB.Collection("contract_profiles")
		if _, err := p.InsertMany(ctx, []any{
			bson.D{{Key: "_id", Value: "c1"}, {Key: "adviserOrgs", Value: bson.A{"o1", "o2"}}, {Key: "skills", Value: bson.A{"go"}}},
			bson.D{{Key: "_id", Value: "c2"}, {Key: "adviserOrgs", Value: bson.A{"o2"}}},
			bson.D{{Key: "_id", Value: "c3"}, {Key: "adviserOrgs", Value: bson.A{"o1"}}},
			bson.D{{Key: "_id", Value: "c4"}, {Key: "adviserOrgs", Value: bson.A{}}},
		}); err != nil {
			t.Fatal(err)
		}
		cur, err := p.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: []string{"c1", "c2", "c3", "c4", "zz"}}}}, {Key: "adviserOrgs", Value: "o1"}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(5))
		if err != nil {
			t.Fatal(err)
		}
		var members []bson.M
		if err := cur.All(ctx, &members); err != nil {
			t.Fatal(err)
		}
		if len(members) != 2 || members[0]["_id"] != "c1" || members[1]["_id"] != "c3" || len(members[0]) != 1 {
			t.Fatalf("members = %v, want only the _id of c1 and c3", members)
		}

		a := s.DB.Collection("contract_overview")
		if err := s.EnsureIndexes(ctx, "contract_overview", store.Index{Keys: bson.D{{Key: "candidateId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Name: "candidateId_createdAt"}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		var docs []any
		hours := []int{0, 1, 5, 1, 2, 0}
		for i, c := range []string{"c3", "c1", "c2", "c1", "c3", "c1"} {
			docs = append(docs, bson.D{{Key: "_id", Value: c + ":o" + string(rune('a'+i))}, {Key: "candidateId", Value: c}, {Key: "status", Value: "received"},
				{Key: "createdAt", Value: t0.Add(time.Duration(hours[i]) * time.Hour)}, {Key: "updatedAt", Value: t0.Add(time.Duration(i) * time.Hour)},
				{Key: "message", Value: "long text"}, {Key: "history", Value: bson.A{bson.D{{Key: "to", Value: "received"}}}}})
		}
		if _, err := a.InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
		cur, err = a.Find(ctx, bson.D{{Key: "candidateId", Value: bson.D{{Key: "$in", Value: []string{"c1", "c3", "zz"}}}}},
			options.Find().SetSort(bson.D{{Key: "candidateId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
				SetProjection(bson.D{{Key: "candidateId", Value: 1}, {Key: "status", Value: 1}, {Key: "updatedAt", Value: 1}}))
		if err != nil {
			t.Fatal(err)
		}
		var got []bson.M
		if err := cur.All(ctx, &got); err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, d := range got {
			order = append(order, d["_id"].(string))
			if len(d) != 4 || d["status"] != "received" || d["updatedAt"] == nil {
				t.Fatalf("projected document = %v, want _id, candidateId, status and updatedAt only", d)
			}
		}
		// c1: ob and od created at +1h (by _id descending), then of at
		// +0h; c3: oe at +2h, then oa at +0h. c2 was not asked for.
		eq(t, order, []string{"c1:od", "c1:ob", "c1:of", "c3:oe", "c3:oa"})
	})
	t.Run("aggregate $match $unwind $group $count", func(t *testing.T) {
		cur, err := c.Aggregate(ctx, mongo.Pipeline{
			{{Key: "$match", Value: bson.D{{Key: "org", Value: "o2"}}}},
			{{Key: "$count", Value: "n"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		var out []struct {
			N int `bson:"n"`
		}
		if err := cur.All(ctx, &out); err != nil || len(out) != 1 || out[0].N != 1 {
			t.Fatalf("aggregate = %+v, %v", out, err)
		}
	})
}

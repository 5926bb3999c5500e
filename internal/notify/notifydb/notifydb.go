// Package notifydb stores notifications, notification preferences and the
// e-mail outbox in MongoDB or the embedded store. It implements
// notify.Repository.
//
// Collections:
//
//	notifications       _id: the notification id; userId, kind, args, link, read
//	notification_prefs  _id: the user id; emailOff (kinds), lastDigestDay
//	email_outbox        _id: the notification id; the rendered e-mail and its
//	                    delivery state (status, attempts, due, leaseUntil, claim)
//
// Query shapes, all listed by STORE.md as behaving the same on both stores:
// _id equality; equality, $or and $lte filters with scalar sorts, skip and
// limit; countDocuments; insertOne; deleteMany; updateOne/updateMany with $set,
// $addToSet and $pull by value; upsert with $setOnInsert;
// findOneAndUpdate with $set and $inc, a sort, returning the document after.
// Every state change of an outbox e-mail is one conditional write on its
// _id plus the state it leaves (status, claim).
package notifydb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/notify"
	"passerelle/internal/store"
)

// Collection names.
const (
	Notifications = "notifications"
	Preferences   = "notification_prefs"
	Outbox        = "email_outbox"
)

// Store is the MongoDB implementation of notify.Repository.
type Store struct {
	st            *store.Store
	notifications *mongo.Collection
	prefs         *mongo.Collection
	outbox        *mongo.Collection
}

var _ notify.Repository = (*Store)(nil)

// New returns a Store on st's database.
func New(st *store.Store) *Store {
	return &Store{st: st, notifications: st.DB.Collection(Notifications), prefs: st.DB.Collection(Preferences), outbox: st.DB.Collection(Outbox)}
}

// EnsureIndexes creates the collections' indexes; it is idempotent, for the
// migration list: a user's notifications newest first and unread ones, the
// due e-mails (pending by due, sending by lease) and the failed ones.
//
// One index per call: the embedded store (FerretDB 1.24) drops the
// connection when one createIndexes command names several indexes that all
// exist already, which would make a rerun fail.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	for _, x := range []struct {
		coll string
		idx  store.Index
	}{
		{Notifications, store.Index{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Name: "userId_createdAt"}},
		{Notifications, store.Index{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "read", Value: 1}}, Name: "userId_read"}},
		{Outbox, store.Index{Keys: bson.D{{Key: "status", Value: 1}, {Key: "due", Value: 1}}, Name: "status_due"}},
		{Outbox, store.Index{Keys: bson.D{{Key: "status", Value: 1}, {Key: "leaseUntil", Value: 1}}, Name: "status_leaseUntil"}},
		{Outbox, store.Index{Keys: bson.D{{Key: "status", Value: 1}, {Key: "failedAt", Value: -1}}, Name: "status_failedAt"}},
	} {
		if err := st.EnsureIndexes(ctx, x.coll, x.idx); err != nil {
			return err
		}
	}
	return nil
}

type argDoc struct {
	Text string `bson:"text,omitempty"`
	Key  string `bson:"key,omitempty"`
}

type notificationDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	Kind      string    `bson:"kind"`
	Args      []argDoc  `bson:"args"`
	Link      string    `bson:"link,omitempty"`
	Read      bool      `bson:"read"`
	CreatedAt time.Time `bson:"createdAt"`
	ReadAt    time.Time `bson:"readAt,omitempty"`
}

type prefsDoc struct {
	ID            string    `bson:"_id"`
	EmailOff      []string  `bson:"emailOff"`
	LastDigestDay string    `bson:"lastDigestDay,omitempty"`
	LastDigestAt  time.Time `bson:"lastDigestAt,omitempty"`
	UpdatedAt     time.Time `bson:"updatedAt"`
}

type emailDoc struct {
	ID         string    `bson:"_id"`
	UserID     string    `bson:"userId"`
	Kind       string    `bson:"kind"`
	To         string    `bson:"to"`
	Subject    string    `bson:"subject"`
	Text       string    `bson:"text"`
	Status     string    `bson:"status"`
	Attempts   int       `bson:"attempts"`
	Due        time.Time `bson:"due"`
	LeaseUntil time.Time `bson:"leaseUntil,omitempty"`
	Claim      string    `bson:"claim,omitempty"`
	LastError  string    `bson:"lastError,omitempty"`
	CreatedAt  time.Time `bson:"createdAt"`
	SentAt     time.Time `bson:"sentAt,omitempty"`
	FailedAt   time.Time `bson:"failedAt,omitempty"`
}

func toNotificationDoc(n notify.Notification) notificationDoc {
	d := notificationDoc{ID: n.ID, UserID: n.UserID, Kind: string(n.Kind), Args: make([]argDoc, len(n.Args)), Link: n.Link,
		Read: n.Read, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
	for i, a := range n.Args {
		d.Args[i] = argDoc{Text: a.Text, Key: a.Key}
	}
	return d
}

func fromNotificationDoc(d notificationDoc) notify.Notification {
	n := notify.Notification{ID: d.ID, UserID: d.UserID, Kind: notify.Kind(d.Kind), Link: d.Link, Read: d.Read, CreatedAt: d.CreatedAt, ReadAt: d.ReadAt}
	for _, a := range d.Args {
		n.Args = append(n.Args, notify.Arg{Text: a.Text, Key: a.Key})
	}
	return n
}

func fromPrefsDoc(d prefsDoc) notify.Preferences {
	p := notify.Preferences{UserID: d.ID, LastDigestDay: d.LastDigestDay, LastDigestAt: d.LastDigestAt, UpdatedAt: d.UpdatedAt}
	for _, k := range d.EmailOff {
		p.EmailOff = append(p.EmailOff, notify.Kind(k))
	}
	return p
}

func toEmailDoc(e notify.Email) emailDoc {
	return emailDoc{ID: e.ID, UserID: e.UserID, Kind: string(e.Kind), To: e.To, Subject: e.Subject, Text: e.Text, Status: string(e.Status),
		Attempts: e.Attempts, Due: e.Due, LeaseUntil: e.LeaseUntil, Claim: e.Claim, LastError: e.LastError,
		CreatedAt: e.CreatedAt, SentAt: e.SentAt, FailedAt: e.FailedAt}
}

func fromEmailDoc(d emailDoc) notify.Email {
	return notify.Email{ID: d.ID, UserID: d.UserID, Kind: notify.Kind(d.Kind), To: d.To, Subject: d.Subject, Text: d.Text,
		Status: notify.EmailStatus(d.Status), Attempts: d.Attempts, Due: d.Due, LeaseUntil: d.LeaseUntil, Claim: d.Claim,
		LastError: d.LastError, CreatedAt: d.CreatedAt, SentAt: d.SentAt, FailedAt: d.FailedAt}
}

// mapErr turns driver errors into domain errors, wrapped with the operation.
func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.notify.not_found", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsDuplicateKeyError(err):
		return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.notify.exists", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func stale(op string) error {
	return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.notify.stale", Err: fmt.Errorf("%s: the e-mail changed state", op)}
}

func limitOf(limit int) int64 { return int64(min(max(limit, 1), 1000)) }

// Notifications.

// InsertNotification implements notify.Repository.
func (s *Store) InsertNotification(ctx context.Context, n notify.Notification) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.notifications.InsertOne(ctx, toNotificationDoc(n))
	return mapErr("insert notification "+n.ID, err)
}

// Notifications implements notify.Repository.
func (s *Store) Notifications(ctx context.Context, userID string, limit int) ([]notify.Notification, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.notifications.Find(ctx, bson.D{{Key: "userId", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(limitOf(limit)))
	if err != nil {
		return nil, mapErr("list notifications", err)
	}
	var docs []notificationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("list notifications", err)
	}
	out := make([]notify.Notification, len(docs))
	for i, d := range docs {
		out[i] = fromNotificationDoc(d)
	}
	return out, nil
}

// CountUnread implements notify.Repository.
func (s *Store) CountUnread(ctx context.Context, userID string) (int, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	n, err := s.notifications.CountDocuments(ctx, bson.D{{Key: "userId", Value: userID}, {Key: "read", Value: false}})
	if err != nil {
		return 0, mapErr("count unread notifications", err)
	}
	return int(n), nil
}

// MarkRead implements notify.Repository. The filter names the user, so
// that nobody marks another's notification.
func (s *Store) MarkRead(ctx context.Context, userID, id string, at time.Time) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.notifications.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "userId", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "read", Value: true}, {Key: "readAt", Value: at}}}})
	if err != nil {
		return mapErr("mark notification read", err)
	}
	if res.MatchedCount == 0 {
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.notify.not_found", Err: fmt.Errorf("mark notification %s read: none for this user", id)}
	}
	return nil
}

// MarkAllRead implements notify.Repository.
func (s *Store) MarkAllRead(ctx context.Context, userID string, at time.Time) (int, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.notifications.UpdateMany(ctx, bson.D{{Key: "userId", Value: userID}, {Key: "read", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "read", Value: true}, {Key: "readAt", Value: at}}}})
	if err != nil {
		return 0, mapErr("mark notifications read", err)
	}
	return int(res.ModifiedCount), nil
}

// Preferences.

// Preferences implements notify.Repository.
func (s *Store) Preferences(ctx context.Context, userID string) (notify.Preferences, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d prefsDoc
	err := s.prefs.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notify.Preferences{UserID: userID}, nil
	}
	if err != nil {
		return notify.Preferences{}, mapErr("find preferences", err)
	}
	return fromPrefsDoc(d), nil
}

// SetEmailOff implements notify.Repository: $addToSet (creating the
// document on first use) or $pull by value, on one document.
func (s *Store) SetEmailOff(ctx context.Context, userID string, kind notify.Kind, off bool, at time.Time) (notify.Preferences, error) {
	op := "$pull"
	if off {
		op = "$addToSet"
	}
	update := bson.D{
		{Key: op, Value: bson.D{{Key: "emailOff", Value: string(kind)}}},
		{Key: "$set", Value: bson.D{{Key: "updatedAt", Value: at}}},
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d prefsDoc
	// Turning a kind back on for a user who never turned anything off
	// changes nothing: no upsert then.
	err := s.prefs.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: userID}}, update,
		options.FindOneAndUpdate().SetUpsert(off).SetReturnDocument(options.After)).Decode(&d)
	if !off && errors.Is(err, mongo.ErrNoDocuments) {
		return notify.Preferences{UserID: userID}, nil
	}
	if err != nil {
		return notify.Preferences{}, mapErr("set preferences", err)
	}
	return fromPrefsDoc(d), nil
}

// ClaimDigestDay implements notify.Repository. The update matches only when
// the day differs; when it does not, the upsert tries to insert a second
// document with the same _id, which the primary key refuses: that refusal
// is the "already today" answer, atomic on both stores.
func (s *Store) ClaimDigestDay(ctx context.Context, userID, day string, at time.Time) (bool, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.prefs.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: userID}, {Key: "lastDigestDay", Value: bson.D{{Key: "$ne", Value: day}}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "lastDigestDay", Value: day}, {Key: "lastDigestAt", Value: at}, {Key: "updatedAt", Value: at}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "emailOff", Value: bson.A{}}}},
		},
		options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("claim digest day", err)
	}
	return true, nil
}

// ReleaseDigestDay implements notify.Repository.
func (s *Store) ReleaseDigestDay(ctx context.Context, userID, day string) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.prefs.UpdateOne(ctx, bson.D{{Key: "_id", Value: userID}, {Key: "lastDigestDay", Value: day}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lastDigestDay", Value: ""}}}})
	return mapErr("release digest day", err)
}

// Outbox.

// InsertEmail implements notify.Repository.
func (s *Store) InsertEmail(ctx context.Context, e notify.Email) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.outbox.InsertOne(ctx, toEmailDoc(e))
	return mapErr("insert e-mail "+e.ID, err)
}

// Email implements notify.Repository.
func (s *Store) Email(ctx context.Context, id string) (notify.Email, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d emailDoc
	if err := s.outbox.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return notify.Email{}, mapErr("find e-mail "+id, err)
	}
	return fromEmailDoc(d), nil
}

// ClaimEmail implements notify.Repository with one findOneAndUpdate: the
// filter and the change are applied to one document atomically, so two
// workers never hold the same claim.
func (s *Store) ClaimEmail(ctx context.Context, now, leaseUntil time.Time, claim string) (notify.Email, bool, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d emailDoc
	err := s.outbox.FindOneAndUpdate(ctx,
		bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "status", Value: string(notify.EmailPending)}, {Key: "due", Value: bson.D{{Key: "$lte", Value: now}}}},
			bson.D{{Key: "status", Value: string(notify.EmailSending)}, {Key: "leaseUntil", Value: bson.D{{Key: "$lte", Value: now}}}},
		}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: string(notify.EmailSending)}, {Key: "leaseUntil", Value: leaseUntil}, {Key: "claim", Value: claim}}},
			{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}},
		},
		options.FindOneAndUpdate().SetSort(bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}).SetReturnDocument(options.After),
	).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return notify.Email{}, false, nil
	}
	if err != nil {
		return notify.Email{}, false, mapErr("claim e-mail", err)
	}
	return fromEmailDoc(d), true, nil
}

// settle applies set (and unset) to e-mail id if it is still sending under
// claim.
func (s *Store) settle(ctx context.Context, op, id, claim string, set, unset bson.D) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	res, err := s.outbox.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(notify.EmailSending)}, {Key: "claim", Value: claim}}, update)
	if err != nil {
		return mapErr(op, err)
	}
	if res.MatchedCount == 0 {
		return stale(op + " " + id)
	}
	return nil
}

var unsetLease = bson.D{{Key: "leaseUntil", Value: ""}, {Key: "claim", Value: ""}}

// MarkSent implements notify.Repository.
func (s *Store) MarkSent(ctx context.Context, id, claim string, at time.Time) error {
	return s.settle(ctx, "mark e-mail sent", id, claim,
		bson.D{{Key: "status", Value: string(notify.EmailSent)}, {Key: "sentAt", Value: at}}, unsetLease)
}

// Reschedule implements notify.Repository.
func (s *Store) Reschedule(ctx context.Context, id, claim string, due time.Time, lastError string) error {
	return s.settle(ctx, "reschedule e-mail", id, claim,
		bson.D{{Key: "status", Value: string(notify.EmailPending)}, {Key: "due", Value: due}, {Key: "lastError", Value: lastError}}, unsetLease)
}

// MarkFailed implements notify.Repository.
func (s *Store) MarkFailed(ctx context.Context, id, claim string, at time.Time, lastError string) error {
	return s.settle(ctx, "mark e-mail failed", id, claim,
		bson.D{{Key: "status", Value: string(notify.EmailFailed)}, {Key: "failedAt", Value: at}, {Key: "lastError", Value: lastError}}, unsetLease)
}

// FailedEmails implements notify.Repository.
func (s *Store) FailedEmails(ctx context.Context, offset, limit int) ([]notify.Email, int, error) {
	filter := bson.D{{Key: "status", Value: string(notify.EmailFailed)}}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	total, err := s.outbox.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, mapErr("count failed e-mails", err)
	}
	if int64(offset) >= total {
		return nil, int(total), nil
	}
	cur, err := s.outbox.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "failedAt", Value: -1}, {Key: "_id", Value: -1}}).SetSkip(int64(max(offset, 0))).SetLimit(limitOf(limit)))
	if err != nil {
		return nil, 0, mapErr("list failed e-mails", err)
	}
	var docs []emailDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, mapErr("list failed e-mails", err)
	}
	out := make([]notify.Email, len(docs))
	for i, d := range docs {
		out[i] = fromEmailDoc(d)
	}
	return out, int(total), nil
}

// RequeueEmail implements notify.Repository.
func (s *Store) RequeueEmail(ctx context.Context, id string, due time.Time) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.outbox.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(notify.EmailFailed)}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: string(notify.EmailPending)}, {Key: "due", Value: due}, {Key: "attempts", Value: 0}}},
			{Key: "$unset", Value: bson.D{{Key: "failedAt", Value: ""}}},
		})
	if err != nil {
		return mapErr("requeue e-mail", err)
	}
	if res.MatchedCount == 0 {
		return stale("requeue e-mail " + id)
	}
	return nil
}

// PurgeEmails implements notify.Repository with one deleteMany.
func (s *Store) PurgeEmails(ctx context.Context, before time.Time) (int, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.outbox.DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: string(notify.EmailSent)}, {Key: "sentAt", Value: bson.D{{Key: "$lt", Value: before}}}},
		bson.D{{Key: "status", Value: string(notify.EmailFailed)}, {Key: "failedAt", Value: bson.D{{Key: "$lt", Value: before}}}},
	}}})
	if err != nil {
		return 0, mapErr("purge e-mails", err)
	}
	return int(res.DeletedCount), nil
}

// PurgeNotifications implements notify.Repository with one deleteMany.
func (s *Store) PurgeNotifications(ctx context.Context, before time.Time) (int, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.notifications.DeleteMany(ctx, bson.D{{Key: "read", Value: true}, {Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, mapErr("purge notifications", err)
	}
	return int(res.DeletedCount), nil
}

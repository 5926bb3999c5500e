// Package store opens Passerelle's database: MongoDB when a URI is configured,
// otherwise an embedded MongoDB-compatible store started in-process. Either
// way the rest of the code talks to it through the official MongoDB driver.
//
// It also holds what every storage adapter shares: deadlines on calls, the
// schema migrations and the revision counter that lets other instances catch
// up with changes (see "Scale" in DESIGN.md).
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"passerelle"
)

// Options says which store to open.
type Options struct {
	URI      string // MongoDB connection string; empty starts the embedded store
	Database string
	DataDir  string        // embedded store folder
	Timeout  time.Duration // deadline of each database call
	Logger   *slog.Logger
	// Monitor, when set, sees every command sent to the store: tests and
	// benchmarks count round trips with it.
	Monitor *event.CommandMonitor
}

// Store is an open database. Close it once.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database
	Embedded bool
	Timeout  time.Duration

	log      *slog.Logger
	embedded *embeddedStore
	borrowed bool // made by WithDatabase: the connection belongs to another Store
}

// ErrEmbeddedUnavailable is returned by Open without a URI in a build that
// leaves the embedded store out (the production image).
var ErrEmbeddedUnavailable = errors.New("this build has no embedded store: set PASSERELLE_MONGO_URI")

// Open connects to the configured store and checks that it answers.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{Timeout: o.Timeout, log: o.Logger}
	uri := o.URI
	if uri == "" {
		emb, err := startEmbedded(ctx, o.DataDir, o.Logger)
		if err != nil {
			return nil, err
		}
		s.embedded, s.Embedded, uri = emb, true, emb.uri
	}
	co := options.Client().
		ApplyURI(uri).
		SetAppName("passerelle").
		SetServerSelectionTimeout(o.Timeout).
		SetConnectTimeout(o.Timeout)
	if o.Monitor != nil {
		co.SetMonitor(o.Monitor)
	}
	if s.Embedded {
		// The embedded store runs a read-modify-write update ($inc, $push,
		// findAndModify) as a read and a later write, so two concurrent
		// updates of one document lose one of them (8 goroutines × 25 $inc
		// on one document ended at 34, not 200), and concurrent writers
		// collide on SQLite's lock. One connection serialises every
		// operation at the wire: nothing is lost and nothing is "locked".
		// Only this process can reach the store (the folder is locked and
		// it listens on loopback), so this is the whole story.
		co.SetMaxPoolSize(1)
	}
	client, err := mongo.Connect(co)
	if err != nil {
		s.closeEmbedded()
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	s.Client, s.DB = client, client.Database(o.Database)
	if err := s.Ping(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if s.Embedded {
		o.Logger.Info("store: embedded MongoDB-compatible store (FerretDB on SQLite)", "data_dir", s.embedded.dir, "database", o.Database)
	} else {
		o.Logger.Info("store: MongoDB", "database", o.Database)
	}
	return s, nil
}

// Ping checks that the store answers, within the store's call deadline or the
// caller's, whichever comes first.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.Deadline(ctx)
	defer cancel()
	if err := s.Client.Ping(ctx, readpref.Primary()); err != nil {
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("ping store: %w", err)}
	}
	return nil
}

// Deadline bounds one database call: every call below goes through it, so
// that a stuck store never holds a request forever.
func (s *Store) Deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.Timeout)
}

// Close disconnects and stops the embedded store, if any.
func (s *Store) Close(ctx context.Context) error {
	var err error
	if s.Client != nil && (s.embedded != nil || !s.borrowed) {
		ctx, cancel := context.WithTimeout(ctx, s.Timeout)
		err = s.Client.Disconnect(ctx)
		cancel()
	}
	s.closeEmbedded()
	return err
}

func (s *Store) closeEmbedded() {
	if s.embedded != nil {
		s.embedded.stop()
		s.embedded = nil
	}
}

// EmbeddedURI returns the loopback URI of s's embedded store, or "" when s is
// connected to MongoDB. Tests use it to point a second client at the same store.
func EmbeddedURI(s *Store) string {
	if s.embedded == nil {
		return ""
	}
	return s.embedded.uri
}

// WithDatabase returns a Store on another database of the same connection;
// closing it closes nothing. Tests use it for a fresh database each.
func (s *Store) WithDatabase(name string) *Store {
	return &Store{Client: s.Client, DB: s.Client.Database(name), Embedded: s.Embedded, Timeout: s.Timeout, log: s.log, borrowed: true}
}

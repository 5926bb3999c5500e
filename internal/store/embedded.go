//go:build !noembedded

package store

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// embeddedStore is FerretDB with its SQLite backend, listening on a free
// loopback port, its data under one folder that this process holds locked.
type embeddedStore struct {
	dir    string
	uri    string
	lock   *dirLock
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// sqliteURI is the FerretDB SQLite URI for dir. BEGIN IMMEDIATE transactions
// make concurrent writers wait on SQLite's busy timeout instead of failing
// with "database is locked" when a read transaction would upgrade to a write
// (see STORE.md); the busy timeout is raised from FerretDB's 10 s so that a
// burst of writers on a large collection queues rather than fails.
func sqliteURI(dir string) string {
	u := url.URL{Scheme: "file", Path: dir + "/"}
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "busy_timeout(60000)")
	u.RawQuery = q.Encode()
	return u.String()
}

func startEmbedded(ctx context.Context, dir string, log *slog.Logger) (*embeddedStore, error) {
	if dir == "" {
		return nil, fmt.Errorf("start embedded store: no data folder")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("start embedded store: create data folder: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "sqlite"), 0o700); err != nil {
		lock.release()
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	// FerretDB logs every connection and error reply at info/debug level; only
	// its errors are worth our log.
	quiet := slog.New(levelFloor{h: log.Handler(), min: slog.LevelError}).With("component", "ferretdb")
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: sqliteURI(filepath.Join(dir, "sqlite")),
		Logger:    quiet,
	})
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &embeddedStore{dir: dir, lock: lock, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(runCtx)
	}()
	// MongoDBURI waits until Run has opened the listener.
	e.uri = f.MongoDBURI()
	return e, nil
}

func (e *embeddedStore) stop() {
	e.once.Do(func() {
		e.cancel()
		<-e.done
		e.lock.release()
	})
}

// levelFloor drops records below min before they reach h.
type levelFloor struct {
	h   slog.Handler
	min slog.Level
}

func (l levelFloor) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.h.Enabled(ctx, lv)
}
func (l levelFloor) Handle(ctx context.Context, r slog.Record) error { return l.h.Handle(ctx, r) }
func (l levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{h: l.h.WithAttrs(a), min: l.min}
}
func (l levelFloor) WithGroup(n string) slog.Handler {
	return levelFloor{h: l.h.WithGroup(n), min: l.min}
}

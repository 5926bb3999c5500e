// Package storetest gives integration tests a real store: the embedded store
// by default, or the MongoDB named by PASSERELLE_TEST_MONGO_URI, with a fresh
// database for every test.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"passerelle/internal/store"
)

var (
	// commands counts the commands sent to each database (name → *atomic.Int64).
	commands sync.Map
	mu       sync.Mutex
	shared   *store.Store
	tmpDir   string
)

// Main runs a test package's tests and stops the shared store afterwards.
// Use it from TestMain: func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		_ = shared.Close(context.Background())
		shared = nil
	}
	if tmpDir != "" {
		_ = os.RemoveAll(tmpDir)
	}
	return code
}

// MustOpen returns a store on a fresh, empty database that is dropped when the
// test ends. All tests of a process share one embedded server (starting one
// costs about a second), each in its own database.
func MustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	base := sharedStore(tb)
	name := "t_" + randomHex(6)
	s := base.WithDatabase(name)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.DB.Drop(ctx)
	})
	return s
}

// URI returns the MongoDB URI of the shared test store, for tests that start
// a second client or a second server against it.
func URI(tb testing.TB) string {
	tb.Helper()
	if uri := os.Getenv("PASSERELLE_TEST_MONGO_URI"); uri != "" {
		return uri
	}
	return store.EmbeddedURI(sharedStore(tb))
}

func sharedStore(tb testing.TB) *store.Store {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		return shared
	}
	o := store.Options{URI: os.Getenv("PASSERELLE_TEST_MONGO_URI"), Database: "passerelle_test", Timeout: 30 * time.Second,
		Monitor: &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
			n, _ := commands.LoadOrStore(e.DatabaseName, new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
		}}}
	if o.URI == "" {
		dir, err := os.MkdirTemp("", "passerelle-store-*")
		if err != nil {
			tb.Fatalf("storetest: temp dir: %v", err)
		}
		tmpDir, o.DataDir = dir, dir
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, o)
	if err != nil {
		tb.Fatalf("storetest: open store: %v", err)
	}
	shared = s
	return s
}

// Commands returns how many commands (round trips) have been sent to s's
// database so far, for benchmarks that report store calls per operation.
func Commands(s *store.Store) int64 {
	n, ok := commands.Load(s.DB.Name())
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("storetest: random: %v", err))
	}
	return hex.EncodeToString(b)
}

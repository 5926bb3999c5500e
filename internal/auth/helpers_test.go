package auth

import (
	"sync"
	"testing"
	"time"
)

// testParams make argon2id cheap (64 KiB, one pass) so that tests exercise
// the logic, not the CPU. TestHasherProductionParams covers DefaultParams.
var testParams = Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// MustHasher returns a Hasher with testParams and the given concurrency.
func MustHasher(tb testing.TB, concurrency int) *Hasher {
	tb.Helper()
	h, err := NewHasher(concurrency, WithParams(testParams))
	if err != nil {
		tb.Fatalf("NewHasher: %v", err)
	}
	return h
}

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testKey returns a deterministic 32-byte key distinct per seed.
func testKey(seed byte) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

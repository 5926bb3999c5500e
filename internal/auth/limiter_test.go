package auth

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// MustLimiter returns a Limiter on clock.
func MustLimiter(tb testing.TB, clock *fakeClock, max int, window time.Duration, maxKeys int) *Limiter {
	tb.Helper()
	l, err := NewLimiter(LimiterConfig{Max: max, Window: window, MaxKeys: maxKeys, Now: clock.Now})
	if err != nil {
		tb.Fatalf("NewLimiter: %v", err)
	}
	return l
}

// checkAllow fails the test unless Allow(key) returns want and wantRetry.
func checkAllow(tb testing.TB, l *Limiter, key string, want bool, wantRetry time.Duration) {
	tb.Helper()
	ok, retry := l.Allow(key)
	if ok != want || retry != wantRetry {
		tb.Fatalf("Allow(%q) = %v, %s; want %v, %s", key, ok, retry, want, wantRetry)
	}
}

func TestLimiterSlidingWindow(t *testing.T) {
	clock := newFakeClock()
	l := MustLimiter(t, clock, 3, 10*time.Minute, 100)
	const key = "acct:a@example.fr"

	checkAllow(t, l, key, true, 0)
	l.Fail(key) // t=0
	clock.Advance(time.Minute)
	l.Fail(key) // t=1m
	clock.Advance(time.Minute)
	checkAllow(t, l, key, true, 0)
	l.Fail(key) // t=2m: third failure, locked
	checkAllow(t, l, key, false, 8*time.Minute)

	clock.Advance(7 * time.Minute) // t=9m
	checkAllow(t, l, key, false, time.Minute)
	clock.Advance(time.Minute) // t=10m: the t=0 failure leaves the window
	checkAllow(t, l, key, true, 0)
	l.Fail(key) // t=10m: locked again until the t=1m failure leaves
	checkAllow(t, l, key, false, time.Minute)

	clock.Advance(time.Minute) // t=11m
	checkAllow(t, l, key, true, 0)

	// Other keys are independent.
	checkAllow(t, l, "ip:192.0.2.1", true, 0)
}

func TestLimiterReset(t *testing.T) {
	clock := newFakeClock()
	l := MustLimiter(t, clock, 2, time.Hour, 100)
	l.Fail("acct:a")
	l.Fail("acct:a")
	l.Fail("ip:1")
	l.Fail("ip:1")
	checkAllow(t, l, "acct:a", false, time.Hour)
	l.Reset("acct:a")
	checkAllow(t, l, "acct:a", true, 0)
	checkAllow(t, l, "ip:1", false, time.Hour)
	l.Reset("never-seen") // no-op
	if l.Len() != 1 {
		t.Errorf("Len = %d, want 1", l.Len())
	}
}

// TestLimiterSweep checks that keys whose failures all left the window are
// dropped, so memory follows recent activity.
func TestLimiterSweep(t *testing.T) {
	clock := newFakeClock()
	l := MustLimiter(t, clock, 5, time.Minute, 1000)
	for i := range 100 {
		l.Fail(fmt.Sprintf("ip:%d", i))
	}
	if l.Len() != 100 {
		t.Fatalf("Len = %d, want 100", l.Len())
	}
	clock.Advance(time.Minute)
	l.Fail("ip:new")
	if l.Len() != 1 {
		t.Errorf("Len after window = %d, want 1", l.Len())
	}
}

// TestLimiterMaxKeys checks the cap and that the least recently failed key
// is the one evicted.
func TestLimiterMaxKeys(t *testing.T) {
	clock := newFakeClock()
	l := MustLimiter(t, clock, 2, time.Hour, 3)
	for _, k := range []string{"a", "b", "c"} {
		l.Fail(k)
		l.Fail(k)
		clock.Advance(time.Second)
	}
	l.Fail("a") // a becomes the most recent; b is now the oldest
	clock.Advance(time.Second)
	l.Fail("d")
	if l.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (MaxKeys)", l.Len())
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("b still tracked, want it evicted as least recently failed")
	}
	for _, k := range []string{"a", "c"} {
		if ok, _ := l.Allow(k); ok {
			t.Errorf("%s evicted, want it kept", k)
		}
	}
}

func TestLimiterLongKeys(t *testing.T) {
	clock := newFakeClock()
	l := MustLimiter(t, clock, 1, time.Hour, 10)
	long := "acct:" + strings.Repeat("x", 1<<20) + "@example.fr"
	l.Fail(long)
	checkAllow(t, l, long, false, time.Hour)
	checkAllow(t, l, long+"y", true, 0)
	for k := range l.keys {
		if len(k) > maxKeyLen+len("sha256:")+64 {
			t.Errorf("stored key has %d bytes", len(k))
		}
	}
}

func TestNewLimiterInvalid(t *testing.T) {
	tests := []struct {
		name string
		cfg  LimiterConfig
	}{
		{"zero max", LimiterConfig{Max: 0, Window: time.Minute, MaxKeys: 10}},
		{"zero window", LimiterConfig{Max: 5, Window: 0, MaxKeys: 10}},
		{"zero max keys", LimiterConfig{Max: 5, Window: time.Minute, MaxKeys: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewLimiter(tt.cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("NewLimiter error = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

// TestLimiterConcurrent hammers one limiter from many goroutines (run with
// -race). Whatever the interleaving, a key that failed at least Max times
// within the window must end up refused, and the key cap must hold.
func TestLimiterConcurrent(t *testing.T) {
	clock := newFakeClock()
	l := MustLimiter(t, clock, 5, time.Minute, 50)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				key := fmt.Sprintf("ip:%d", (g*200+i)%80)
				if ok, _ := l.Allow(key); ok {
					l.Fail(key)
				}
				l.Allow("acct:shared")
				l.Fail("acct:shared")
				if i%50 == 0 {
					l.Reset(key)
					clock.Advance(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	if ok, retry := l.Allow("acct:shared"); ok || retry <= 0 || retry > time.Minute {
		t.Errorf("Allow(shared) = %v, %s; want refused for at most a minute", ok, retry)
	}
	if n := l.Len(); n > 50 {
		t.Errorf("Len = %d, over MaxKeys 50", n)
	}
}

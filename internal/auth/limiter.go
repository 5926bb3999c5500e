package auth

import (
	"container/list"
	"fmt"
	"sync"
	"time"
)

// LimiterConfig configures NewLimiter.
type LimiterConfig struct {
	// Max is the number of failures allowed per key within Window.
	Max int
	// Window is the length of the sliding window.
	Window time.Duration
	// MaxKeys caps the number of keys tracked, hence the memory: about
	// 200 + 8×Max bytes per key (keys longer than maxKeyLen are hashed).
	// When full, the key whose last failure is oldest is forgotten first.
	MaxKeys int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limiter throttles login attempts: at most Max failures per key in any
// sliding window of length Window. The caller uses one key per account
// ("acct:<email>") against guessing one password, and one per client
// ("ip:<addr>") against spraying many accounts.
//
// Protocol: call Allow before checking credentials and refuse (429 with
// Retry-After) when it says no; call Fail after a failed check; call Reset
// on the account key after a success. Only failures count, so a user who
// logs in normally is never slowed down.
//
// It keeps the time of the last Max failures of each key (an exact sliding
// window with bounded memory) and is safe for concurrent use. One mutex is
// enough: logins are bounded by the Hasher far below mutex contention.
//
// Memory is bounded by MaxKeys. Evicting the least recently failed key
// means an attacker who can fail with MaxKeys distinct keys within Window
// can make the limiter forget a key; size MaxKeys so that this costs more
// requests than the IP limits allow. The state is per process: with N
// replicas an attacker gets up to N×Max tries per window.
type Limiter struct {
	max     int
	window  time.Duration
	maxKeys int
	now     func() time.Time
	epoch   time.Time

	mu    sync.Mutex
	keys  map[string]*list.Element // values are *failures
	order *list.List               // front: most recent failure
}

// failures is the ring of a key's last failure times, in nanoseconds since
// the limiter's epoch (8 bytes each instead of 24 for a time.Time, and
// monotonic when the clock is).
type failures struct {
	key   string
	times []int64 // ring, len ≤ max
	next  int     // index of the oldest entry once the ring is full
}

// NewLimiter checks cfg and returns a Limiter.
func NewLimiter(cfg LimiterConfig) (*Limiter, error) {
	if cfg.Max < 1 || cfg.Window <= 0 || cfg.MaxKeys < 1 {
		return nil, fmt.Errorf("new limiter: max %d, window %s, max keys %d: %w", cfg.Max, cfg.Window, cfg.MaxKeys, ErrInvalidConfig)
	}
	l := &Limiter{
		max:     cfg.Max,
		window:  cfg.Window,
		maxKeys: cfg.MaxKeys,
		now:     cfg.Now,
		keys:    make(map[string]*list.Element),
		order:   list.New(),
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.epoch = l.now()
	return l, nil
}

func (l *Limiter) clock() int64 { return int64(l.now().Sub(l.epoch)) }

// maxKeyLen bounds the memory of one key: keys hold user input (e-mails).
const maxKeyLen = 128

// normKey replaces an overlong key by its hash, so that a megabyte "e-mail"
// costs the same memory as any other.
func normKey(key string) string {
	if len(key) > maxKeyLen {
		return "sha256:" + HashToken(key)
	}
	return key
}

// oldest returns the oldest failure time of f.
func (f *failures) oldest() int64 {
	if len(f.times) < cap(f.times) {
		return f.times[0]
	}
	return f.times[f.next]
}

// newest returns the latest failure time of f.
func (f *failures) newest() int64 {
	if len(f.times) < cap(f.times) {
		return f.times[len(f.times)-1]
	}
	return f.times[(f.next+len(f.times)-1)%len(f.times)]
}

// count returns how many failures of f are within the window ending at now.
func (l *Limiter) count(f *failures, now int64) int {
	n := 0
	for _, t := range f.times {
		if now-t < int64(l.window) {
			n++
		}
	}
	return n
}

// Allow reports whether an attempt for key may proceed. When it may not,
// retryAfter is how long until the oldest counted failure leaves the
// window, i.e. until one more attempt is allowed.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	key = normKey(key)
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	e, found := l.keys[key]
	if !found {
		return true, 0
	}
	f := e.Value.(*failures)
	if len(f.times) < l.max || l.count(f, now) < l.max {
		return true, 0
	}
	// The ring is full and every entry is within the window.
	return false, time.Duration(f.oldest() + int64(l.window) - now)
}

// Fail records a failed attempt for key.
func (l *Limiter) Fail(key string) {
	key = normKey(key)
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	if e, found := l.keys[key]; found {
		f := e.Value.(*failures)
		if len(f.times) < l.max {
			f.times = append(f.times, now)
		} else {
			f.times[f.next] = now
			f.next = (f.next + 1) % l.max
		}
		l.order.MoveToFront(e)
		return
	}
	if len(l.keys) >= l.maxKeys {
		oldest := l.order.Back()
		l.order.Remove(oldest)
		delete(l.keys, oldest.Value.(*failures).key)
	}
	f := &failures{key: key, times: make([]int64, 1, l.max)}
	f.times[0] = now
	l.keys[key] = l.order.PushFront(f)
}

// Reset forgets the failures of key, after a successful login. Do not reset
// the IP key: one valid account must not launder an IP's failures on others.
func (l *Limiter) Reset(key string) {
	key = normKey(key)
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, found := l.keys[key]; found {
		l.order.Remove(e)
		delete(l.keys, key)
	}
}

// Len returns the number of keys tracked, for metrics and tests.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// sweep drops keys whose latest failure has left the window. The list is
// ordered by latest failure, so it stops at the first live key: amortised
// O(1) per Fail, and memory follows the keys active within one window.
func (l *Limiter) sweep(now int64) {
	for e := l.order.Back(); e != nil; e = l.order.Back() {
		f := e.Value.(*failures)
		if now-f.newest() < int64(l.window) {
			return
		}
		l.order.Remove(e)
		delete(l.keys, f.key)
	}
}

package auth

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`)

func TestHasherHashVerify(t *testing.T) {
	h := MustHasher(t, 2)
	ctx := t.Context()
	hash, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !phcPattern.MatchString(hash) {
		t.Fatalf("Hash = %q, not a PHC argon2id string", hash)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash = %q, want the test parameters encoded", hash)
	}
	again, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if again == hash {
		t.Error("two hashes of one password are equal: salt not random")
	}

	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right password", "correct horse battery staple", true},
		{"wrong password", "correct horse battery stapler", false},
		{"case differs", "Correct horse battery staple", false},
		{"empty", "", false},
		{"over max bytes", strings.Repeat("a", MaxPasswordBytes+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.Verify(ctx, tt.password, hash)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHasherHashTooLong(t *testing.T) {
	h := MustHasher(t, 1)
	_, err := h.Hash(t.Context(), strings.Repeat("a", MaxPasswordBytes+1))
	if !errors.Is(err, ErrPasswordTooLong) {
		t.Fatalf("Hash(too long) error = %v, want ErrPasswordTooLong", err)
	}
}

// TestHasherVerifyUsesStoredParams checks that raising the parameters does
// not lock out accounts hashed with the old ones.
func TestHasherVerifyUsesStoredParams(t *testing.T) {
	old := MustHasher(t, 1)
	hash, err := old.Hash(t.Context(), "un mot de passe ancien")
	if err != nil {
		t.Fatal(err)
	}
	stronger := testParams
	stronger.Iterations = 2
	stronger.Memory = 128
	h, err := NewHasher(1, WithParams(stronger))
	if err != nil {
		t.Fatal(err)
	}
	ok, err := h.Verify(t.Context(), "un mot de passe ancien", hash)
	if err != nil || !ok {
		t.Fatalf("Verify with newer params = %v, %v; want true, nil", ok, err)
	}
	if !h.NeedsRehash(hash) {
		t.Error("NeedsRehash = false for a hash with older params")
	}
}

func TestHasherVerifyMalformed(t *testing.T) {
	h := MustHasher(t, 1)
	good, err := h.Hash(t.Context(), "password-for-malformed")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", alg, v, params, salt, key
	join := func(p ...string) string { return strings.Join(p, "$") }
	tests := []struct {
		name, encoded string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", join("", "argon2i", parts[2], parts[3], parts[4], parts[5])},
		{"version 16", join("", "argon2id", "v=16", parts[3], parts[4], parts[5])},
		{"missing field", join("", "argon2id", parts[2], parts[3], parts[4])},
		{"extra field", good + "$x"},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
		{"params reordered", join("", "argon2id", parts[2], "t=1,m=64,p=1", parts[4], parts[5])},
		{"param not a number", join("", "argon2id", parts[2], "m=x,t=1,p=1", parts[4], parts[5])},
		{"param leading zero", join("", "argon2id", parts[2], "m=064,t=1,p=1", parts[4], parts[5])},
		{"param negative", join("", "argon2id", parts[2], "m=-64,t=1,p=1", parts[4], parts[5])},
		{"zero iterations", join("", "argon2id", parts[2], "m=64,t=0,p=1", parts[4], parts[5])},
		{"zero parallelism", join("", "argon2id", parts[2], "m=64,t=1,p=0", parts[4], parts[5])},
		{"parallelism overflow", join("", "argon2id", parts[2], "m=64,t=1,p=256", parts[4], parts[5])},
		{"memory too large", join("", "argon2id", parts[2], "m=4294967295,t=1,p=1", parts[4], parts[5])},
		{"iterations too large", join("", "argon2id", parts[2], "m=64,t=100000,p=1", parts[4], parts[5])},
		{"salt padded", join("", "argon2id", parts[2], parts[3], parts[4]+"==", parts[5])},
		{"salt not base64", join("", "argon2id", parts[2], parts[3], "!!!!", parts[5])},
		{"salt too short", join("", "argon2id", parts[2], parts[3], "AAAA", parts[5])},
		{"key too short", join("", "argon2id", parts[2], parts[3], parts[4], "AAAA")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := h.Verify(t.Context(), "password-for-malformed", tt.encoded)
			if ok || !errors.Is(err, ErrHashMalformed) {
				t.Fatalf("Verify = %v, %v; want false, ErrHashMalformed", ok, err)
			}
			if CodeOf(err) != CodeHashMalformed {
				t.Errorf("CodeOf = %q, want %q", CodeOf(err), CodeHashMalformed)
			}
			if tt.encoded != "" && strings.Contains(err.Error(), tt.encoded) {
				t.Errorf("error %q quotes the hash", err)
			}
			if !h.NeedsRehash(tt.encoded) {
				t.Error("NeedsRehash = false for a malformed hash")
			}
		})
	}
}

func TestHasherNeedsRehash(t *testing.T) {
	h := MustHasher(t, 1)
	current, err := h.Hash(t.Context(), "password-rehash")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params Params
		want   bool
	}{
		{"same params", testParams, false},
		{"more memory", Params{Memory: 128, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, true},
		{"more iterations", Params{Memory: 64, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}, true},
		{"more lanes", Params{Memory: 64, Iterations: 1, Parallelism: 2, SaltLen: 16, KeyLen: 32}, true},
		{"longer key", Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 64}, true},
		{"longer salt", Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 32, KeyLen: 32}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other, err := NewHasher(1, WithParams(tt.params))
			if err != nil {
				t.Fatal(err)
			}
			if got := other.NeedsRehash(current); got != tt.want {
				t.Errorf("NeedsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewHasherInvalid(t *testing.T) {
	tests := []struct {
		name        string
		concurrency int
		params      Params
	}{
		{"zero concurrency", 0, testParams},
		{"negative concurrency", -1, testParams},
		{"zero iterations", 1, Params{Memory: 64, Iterations: 0, Parallelism: 1, SaltLen: 16, KeyLen: 32}},
		{"memory below 8p", 1, Params{Memory: 8, Iterations: 1, Parallelism: 2, SaltLen: 16, KeyLen: 32}},
		{"short salt", 1, Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 4, KeyLen: 32}},
		{"short key", 1, Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewHasher(tt.concurrency, WithParams(tt.params)); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("NewHasher error = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

// TestHasherProductionParams runs DefaultParams once, so that the values
// shipped are known to work end to end.
func TestHasherProductionParams(t *testing.T) {
	h, err := NewHasher(1)
	if err != nil {
		t.Fatal(err)
	}
	if h.Params() != DefaultParams {
		t.Fatalf("Params = %+v, want DefaultParams", h.Params())
	}
	if DefaultParams.Memory < 19*1024 || DefaultParams.Iterations < 2 {
		t.Errorf("DefaultParams %+v below the OWASP minimum m=19 MiB, t=2", DefaultParams)
	}
	hash, err := h.Hash(t.Context(), "Une phrase de passe assez longue")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash = %q, want production params encoded", hash)
	}
	ok, err := h.Verify(t.Context(), "Une phrase de passe assez longue", hash)
	if err != nil || !ok {
		t.Fatalf("Verify = %v, %v; want true, nil", ok, err)
	}
	if h.NeedsRehash(hash) {
		t.Error("NeedsRehash = true for a fresh hash")
	}
}

func TestHasherVerifyDummy(t *testing.T) {
	h := MustHasher(t, 1)
	if !phcPattern.MatchString(h.dummy) || h.NeedsRehash(h.dummy) {
		t.Fatalf("dummy hash %q is not a current-params hash", h.dummy)
	}
	if err := h.VerifyDummy(t.Context(), "anything"); err != nil {
		t.Fatalf("VerifyDummy: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := h.VerifyDummy(ctx, "anything"); !errors.Is(err, context.Canceled) {
		t.Fatalf("VerifyDummy(cancelled) error = %v, want context.Canceled", err)
	}
}

// TestHasherWaitsForSlot fills the only slot, then checks that a Hash
// waits for it: cancelling the context makes it give up, releasing the
// slot lets it through.
func TestHasherWaitsForSlot(t *testing.T) {
	h := MustHasher(t, 1)
	if err := h.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := h.Hash(ctx, "waiting-for-a-slot")
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash while slots are full, then cancelled: error = %v, want context.Canceled", err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := h.Verify(t.Context(), "waiting-for-a-slot", h.dummy)
		done <- err
	}()
	h.release()
	if err := <-done; err != nil {
		t.Fatalf("Verify after release: %v", err)
	}
}

// TestHasherConcurrent hashes from many goroutines through few slots; with
// -race it checks the semaphore and shared state.
func TestHasherConcurrent(t *testing.T) {
	h := MustHasher(t, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			pw := strings.Repeat("x", 8+i)
			hash, err := h.Hash(t.Context(), pw)
			if err != nil {
				errs <- err
				return
			}
			if ok, err := h.Verify(t.Context(), pw, hash); err != nil || !ok {
				errs <- errors.New("verify failed")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(h.slots); n != 0 {
		t.Errorf("%d slots still held after all hashes returned", n)
	}
}

func BenchmarkHash(b *testing.B) {
	h, err := NewHasher(1)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h, err := NewHasher(1)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	hash, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := h.Verify(ctx, "correct horse battery staple", hash); err != nil || !ok {
			b.Fatal("verify failed")
		}
	}
}

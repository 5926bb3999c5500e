package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters. They are stored inside every PHC hash,
// so changing DefaultParams never breaks existing hashes: Verify uses the
// parameters of the hash, and NeedsRehash tells the caller to re-hash on the
// next successful login.
type Params struct {
	// Memory is the memory cost in KiB.
	Memory uint32
	// Iterations is the number of passes over the memory (argon2 "t").
	Iterations uint32
	// Parallelism is the number of lanes (argon2 "p").
	Parallelism uint8
	// SaltLen is the length of the random salt in bytes.
	SaltLen uint32
	// KeyLen is the length of the derived key in bytes.
	KeyLen uint32
}

// DefaultParams are the production argon2id parameters, the one place where
// they are chosen.
//
// They follow the OWASP Password Storage Cheat Sheet's first recommended
// configuration for argon2id: m=19 MiB, t=2, p=1. Of the equivalent OWASP
// settings (46 MiB/t=1, 19 MiB/t=2, 12 MiB/t=3, ...) we take 19 MiB because
// memory, not CPU, is what a flood of logins exhausts: with the Hasher's
// concurrency bound of n slots, peak hashing memory is about n × 19 MiB
// (38 MiB on a 2-CPU machine), and t=2 keeps the GPU-resistance of the
// larger settings. p=1 because the Hasher already parallelises across
// requests; lanes would only multiply per-request CPU. A 16-byte salt and a
// 32-byte key are the RFC 9106 recommendations.
//
// Raise them (never lower them) when hardware grows; see NeedsRehash.
var DefaultParams = Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// Bounds on the parameters accepted from a stored hash, so that a corrupted
// or tampered record cannot make one Verify allocate gigabytes or spin for
// minutes.
const (
	maxMemory        = 1 << 20 // KiB, 1 GiB
	maxIterations    = 64
	minSaltLen       = 8
	maxSaltLen       = 64
	minDerivedKeyLen = 16
	maxDerivedKeyLen = 64
)

func (p Params) validate() error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations %d out of [1, %d]", p.Iterations, maxIterations)
	case p.Parallelism < 1:
		return fmt.Errorf("parallelism must be at least 1")
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemory:
		return fmt.Errorf("memory %d KiB out of [8×parallelism, %d]", p.Memory, maxMemory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("salt length %d out of [%d, %d]", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minDerivedKeyLen || p.KeyLen > maxDerivedKeyLen:
		return fmt.Errorf("key length %d out of [%d, %d]", p.KeyLen, minDerivedKeyLen, maxDerivedKeyLen)
	}
	return nil
}

// Hasher hashes and verifies passwords with argon2id while bounding how many
// hashes run at once. Each hash holds Params.Memory KiB for its whole
// duration, so without a bound a burst of logins would allocate without
// limit; with it, excess requests queue (and give up when their context
// ends). A Hasher is safe for concurrent use.
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string // hash of a random password with params; see VerifyDummy
}

// HasherOption configures NewHasher.
type HasherOption func(*Hasher)

// WithParams replaces DefaultParams. Tests use it to make hashing cheap;
// production code should not need it except to raise the cost.
func WithParams(p Params) HasherOption {
	return func(h *Hasher) { h.params = p }
}

// NewHasher returns a Hasher running at most concurrency hashes at a time
// (typically runtime.NumCPU(): argon2id with p=1 is CPU-bound, more slots
// would only add memory and latency). It computes the dummy hash used by
// VerifyDummy, so it costs one hash.
func NewHasher(concurrency int, opts ...HasherOption) (*Hasher, error) {
	h := &Hasher{params: DefaultParams}
	for _, o := range opts {
		o(h)
	}
	if concurrency < 1 {
		return nil, fmt.Errorf("new hasher: concurrency %d: %w", concurrency, ErrInvalidConfig)
	}
	if err := h.params.validate(); err != nil {
		return nil, fmt.Errorf("new hasher: %w: %w", ErrInvalidConfig, err)
	}
	h.slots = make(chan struct{}, concurrency)
	// The dummy password is random and thrown away: nobody can log in with
	// it, and the hash has the same parameters, hence the same cost, as a
	// real one.
	h.dummy = h.encode(NewToken())
	return h, nil
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// acquire waits for a hashing slot. The ctx.Err check first makes a request
// that is already cancelled fail deterministically instead of racing the
// select.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of password:
// $argon2id$v=19$m=<KiB>,t=<iterations>,p=<parallelism>$<salt>$<key>, salt
// and key in unpadded standard base64. It does not apply the password policy
// (see CheckPassword), but refuses passwords over MaxPasswordBytes so that
// the input to the hash stays bounded.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", fmt.Errorf("hash password: %w", ErrPasswordTooLong)
	}
	if err := h.acquire(ctx); err != nil {
		return "", fmt.Errorf("hash password: wait for slot: %w", err)
	}
	defer h.release()
	return h.encode(password), nil
}

func (h *Hasher) encode(password string) string {
	p := h.params
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails since Go 1.24: it crashes the program instead
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64std.EncodeToString(salt), b64std.EncodeToString(key))
}

// Verify reports whether password matches the PHC hash encoded, comparing in
// constant time. A mismatch is (false, nil); an error means the hash is
// unusable (ErrHashMalformed) or ctx ended while waiting for a slot.
// Passwords over MaxPasswordBytes are never a match (Hash refuses them) and
// are rejected without hashing.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, fmt.Errorf("verify password: wait for slot: %w", err)
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// VerifyDummy spends the same time as a Verify against a real hash and
// throws the result away. Call it when the e-mail of a login is unknown, so
// that response time does not reveal which e-mails have an account. It only
// fails when ctx ends while waiting for a slot.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	if _, err := h.Verify(ctx, password, h.dummy); err != nil {
		return fmt.Errorf("verify dummy: %w", err)
	}
	return nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// the Hasher's (or is not a hash this package can read). Call it after a
// successful Verify and, if true, store Hash(password): that is how raised
// parameters reach existing accounts without forcing password resets.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	return err != nil || p != h.params
}

var b64std = base64.RawStdEncoding.Strict()

// decodeHash parses a PHC argon2id string strictly: exact field order, no
// extra fields, canonical base64, version 19, parameters within bounds.
// Errors never quote the input: it contains the salt and key.
func decodeHash(encoded string) (Params, []byte, []byte, error) {
	fail := func(what string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrHashMalformed, what)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported argon2 version")
	}
	var p Params
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return fail("parameters are not m,t,p")
	}
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return fail("parameters are not m,t,p")
		}
		bits := 32
		if name == "p=" {
			bits = 8
		}
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil || (len(v) > 1 && v[0] == '0') {
			return fail("parameter is not a number")
		}
		switch name {
		case "m=":
			p.Memory = uint32(n)
		case "t=":
			p.Iterations = uint32(n)
		case "p=":
			p.Parallelism = uint8(n)
		}
	}
	salt, err := b64std.DecodeString(parts[4])
	if err != nil {
		return fail("salt is not base64")
	}
	key, err := b64std.DecodeString(parts[5])
	if err != nil {
		return fail("key is not base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return fail(err.Error())
	}
	return p, salt, key, nil
}

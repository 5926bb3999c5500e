package auth

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password length bounds, in characters (runes) as a person counts them,
// not bytes. NIST SP 800-63B and ANSSI both favour length over composition
// rules, so length and the common-password list are the whole policy.
const (
	// MinPasswordRunes is the shortest accepted password.
	MinPasswordRunes = 8
	// MaxPasswordRunes is the longest accepted password: long enough for
	// any passphrase, short enough to bound hashing input.
	MaxPasswordRunes = 128
	// MaxPasswordBytes bounds the bytes given to argon2 (128 runes of at
	// most 4 bytes each), also for Verify, where the policy is not applied.
	MaxPasswordBytes = 4 * MaxPasswordRunes
)

//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords is built on first use: the list costs a few hundred KiB
// that processes which never check a password need not pay.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 4096)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})

// IsCommonPassword reports whether password, ignoring case, is in the
// embedded list of common passwords (international top lists plus French
// favourites such as "motdepasse", "azerty", "soleil", "marseille").
func IsCommonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(password)]
	return ok
}

// CheckPassword applies the password policy to a new password: valid UTF-8,
// MinPasswordRunes to MaxPasswordRunes characters, not a common password.
// There are deliberately no composition rules (digits, symbols, ...): they
// push people towards "Motdepasse1!" without making passwords stronger. The
// error wraps ErrPasswordEncoding, ErrPasswordTooShort, ErrPasswordTooLong
// or ErrPasswordCommon.
func CheckPassword(password string) error {
	if !utf8.ValidString(password) {
		return fmt.Errorf("check password: %w", ErrPasswordEncoding)
	}
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordRunes:
		return fmt.Errorf("check password: %w", ErrPasswordTooShort)
	case n > MaxPasswordRunes:
		return fmt.Errorf("check password: %w", ErrPasswordTooLong)
	case IsCommonPassword(password):
		return fmt.Errorf("check password: %w", ErrPasswordCommon)
	}
	return nil
}

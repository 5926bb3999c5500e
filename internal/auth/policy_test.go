package auth

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		want     error
	}{
		{"passphrase", "le chat dort sur le canapé", nil},
		{"eight ascii", "k7#Rq!2z", nil},
		{"eight accented runes, sixteen bytes", "éàèùçôîë", nil},
		{"seven runes", "k7#Rq!2", ErrPasswordTooShort},
		{"seven accented runes, fourteen bytes", "éàèùçôî", ErrPasswordTooShort},
		{"empty", "", ErrPasswordTooShort},
		{"128 runes", strings.Repeat("é", 128), nil},
		{"129 runes", strings.Repeat("a", 129), ErrPasswordTooLong},
		{"invalid utf-8", "abc\xffdefgh", ErrPasswordEncoding},
		{"common english", "password123", ErrPasswordCommon},
		{"common french", "motdepasse", ErrPasswordCommon},
		{"common french, other case", "MotDePasse", ErrPasswordCommon},
		{"keyboard walk", "azertyuiop", ErrPasswordCommon},
		{"city", "Marseille", ErrPasswordCommon},
		{"city and département", "marseille13", ErrPasswordCommon},
		{"word and digits", "Soleil123", ErrPasswordCommon},
		{"season and year", "Printemps2025", ErrPasswordCommon},
		{"service name", "passerelle", ErrPasswordCommon},
		{"digits", "123456789", ErrPasswordCommon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CheckPassword error = %v, want %v", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), tt.password) && tt.password != "" {
				t.Errorf("error %q quotes the password", err)
			}
		})
	}
}

func TestCheckPasswordCodes(t *testing.T) {
	tests := []struct {
		password string
		want     Code
	}{
		{"court", CodePasswordTooShort},
		{strings.Repeat("long", 40), CodePasswordTooLong},
		{"azerty123", CodePasswordCommon},
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", CodePasswordEncoding},
	}
	for _, tt := range tests {
		t.Run(string(tt.want), func(t *testing.T) {
			if got := CodeOf(CheckPassword(tt.password)); got != tt.want {
				t.Errorf("CodeOf(CheckPassword) = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCommonPasswordsFile checks the embedded list's shape: big enough,
// lowercase (the lookup lowercases its input), no blank padding, and
// holding the French favourites.
func TestCommonPasswordsFile(t *testing.T) {
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		n++
		if line != strings.ToLower(strings.TrimSpace(line)) || line == "" {
			t.Errorf("entry %q is not a trimmed lowercase word", line)
		}
	}
	if n < 1000 {
		t.Errorf("list has %d entries, want at least 1000", n)
	}
	if got := len(commonPasswords()); got != n {
		t.Errorf("set has %d entries, file %d: duplicates in the file", got, n)
	}
	for _, w := range []string{"motdepasse", "azerty", "soleil", "marseille", "123456", "password", "qwerty", "doudou", "jetaime"} {
		if !IsCommonPassword(w) || !IsCommonPassword(strings.ToUpper(w)) {
			t.Errorf("IsCommonPassword(%q) = false", w)
		}
	}
}

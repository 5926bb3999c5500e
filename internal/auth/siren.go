package auth

// This file validates French company identifiers. It lives in auth because
// employer sign-up checks the SIREN before an organisation account exists.

// laPosteSIREN is the SIREN of La Poste, whose establishments are too many
// for Luhn-valid NICs; see ValidSIRET.
const laPosteSIREN = "356000000"

// NormalizeSIREN returns the 9 digits of a SIREN written either as
// "732829320" or in three groups of three separated by single spaces
// ("732 829 320"; the no-break spaces U+00A0 and U+202F of French
// typography count as spaces). ok is false for any other shape; the
// checksum is not checked (see ValidSIREN).
func NormalizeSIREN(s string) (digits string, ok bool) {
	return normalizeGroups(s, 9)
}

// ValidSIREN reports whether s is a well-formed SIREN (see NormalizeSIREN)
// whose Luhn checksum is right. The Luhn check catches every single-digit
// typo and most transpositions before a lookup in the SIRENE register.
//
// La Poste (356000000) needs no special case here: its SIREN satisfies
// Luhn. The La Poste exception (sum of digits a multiple of 5) concerns the
// SIRETs of its establishments and is implemented by ValidSIRET.
func ValidSIREN(s string) bool {
	d, ok := NormalizeSIREN(s)
	return ok && luhn(d)
}

// ValidSIRET reports whether s is a valid SIRET: 14 digits (or "SIREN NIC"
// groups of 3-3-3-5 separated by single spaces), with a valid SIREN and a
// Luhn-valid whole. Exception documented by INSEE: La Poste has more
// establishments than Luhn-valid NICs, so a SIRET starting with La Poste's
// SIREN is valid when the plain sum of its 14 digits is a multiple of 5.
func ValidSIRET(s string) bool {
	d, ok := normalizeGroups(s, 14)
	if !ok || !luhn(d[:9]) {
		return false
	}
	if d[:9] == laPosteSIREN {
		sum := 0
		for i := 0; i < len(d); i++ {
			sum += int(d[i] - '0')
		}
		if sum%5 == 0 {
			return true
		}
	}
	return luhn(d)
}

// normalizeGroups accepts n digits, either unseparated or in groups of 3
// (the last group taking the remainder: 5 for a SIRET) separated by single
// spaces. Mixed forms such as "732 829320" are refused: they are typos.
func normalizeGroups(s string, n int) (string, bool) {
	digits := make([]byte, 0, n)
	var seps []int // number of digits before each separator
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			if len(digits) == n {
				return "", false
			}
			digits = append(digits, byte(r))
		case r == ' ' || r == '\u00a0' || r == '\u202f':
			seps = append(seps, len(digits))
		default:
			return "", false
		}
	}
	if len(digits) != n {
		return "", false
	}
	if len(seps) > 0 {
		want := 0
		for want+3 < n && want+3 <= 9 {
			want += 3
			if len(seps) == 0 || seps[0] != want {
				return "", false
			}
			seps = seps[1:]
		}
		if len(seps) != 0 {
			return "", false
		}
	}
	return string(digits), true
}

// luhn reports whether the decimal string d passes the Luhn check: from the
// right, every second digit is doubled (minus 9 when over 9) and the sum
// must be a multiple of 10.
func luhn(d string) bool {
	sum := 0
	for i := 0; i < len(d); i++ {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

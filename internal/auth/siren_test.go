package auth

import "testing"

func TestValidSIREN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		// Luhn sums worked by hand: 732829320 → 40, 552100554 → 20,
		// 123456789 → 47, 356000000 → 10.
		{"732829320", "732829320", true},
		{"552100554", "552100554", true},
		{"bad checksum", "123456789", false},
		{"La Poste, Luhn-valid itself", "356000000", true},
		{"grouped", "732 829 320", true},
		{"grouped with no-break spaces", "732\u00a0829\u00a0320", true},
		{"grouped with narrow no-break spaces", "552\u202f100\u202f554", true},
		{"one digit changed", "732829321", false},
		{"two digits swapped", "738229320", false},
		{"all zeros", "000000000", true},
		{"too short", "73282932", false},
		{"too long", "7328293200", false},
		{"empty", "", false},
		{"letters", "73282932A", false},
		{"mixed grouping", "732 829320", false},
		{"wrong grouping", "7328 29 320", false},
		{"double space", "732  829 320", false},
		{"leading space", " 732829320", false},
		{"trailing space", "732 829 320 ", false},
		{"dashes", "732-829-320", false},
		{"full-width digits", "７３２８２９３２０", false},
		{"SIRET is not a SIREN", "73282932000074", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidSIREN(tt.in); got != tt.want {
				t.Errorf("ValidSIREN(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeSIREN(t *testing.T) {
	for _, in := range []string{"732829320", "732 829 320", "732\u00a0829\u00a0320"} {
		if got, ok := NormalizeSIREN(in); !ok || got != "732829320" {
			t.Errorf("NormalizeSIREN(%q) = %q, %v; want 732829320, true", in, got, ok)
		}
	}
	// The checksum is ValidSIREN's business, not NormalizeSIREN's.
	if got, ok := NormalizeSIREN("123 456 789"); !ok || got != "123456789" {
		t.Errorf("NormalizeSIREN(bad checksum) = %q, %v; want the digits", got, ok)
	}
}

func TestValidSIRET(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		// 732829320 00074: Luhn sum over 14 digits is 50.
		{"valid", "73282932000074", true},
		{"grouped", "732 829 320 00074", true},
		{"bad establishment checksum", "73282932000075", false},
		{"bad SIREN", "12345678900012", false},
		{"La Poste head office, Luhn-valid", "35600000000048", true},
		// Digit sum 45 (a multiple of 5), Luhn sum 48: valid only by the
		// La Poste rule. Constructed for the test, not a real establishment.
		{"La Poste rule only", "35600000049837", true},
		{"La Poste, neither rule", "35600000049838", false},
		{"La Poste rule does not apply to others", "55210055449837", false},
		{"too short", "7328293200007", false},
		{"wrong grouping", "732 829 32000074", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidSIRET(tt.in); got != tt.want {
				t.Errorf("ValidSIRET(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

package auth

import (
	"errors"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"candidate", RoleCandidate, true},
		{"employer", RoleEmployer, true},
		{"adviser", RoleAdviser, true},
		{"admin", RoleAdmin, true},
		{"", "", false},
		{"Admin", "", false},
		{" admin", "", false},
		{"advisor", "", false},
		{"root", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Fatalf("ParseRole(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && (!errors.Is(err, ErrRoleInvalid) || CodeOf(err) != CodeRoleInvalid) {
				t.Errorf("error = %v, want ErrRoleInvalid", err)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	roles := Roles()
	if len(roles) != 4 {
		t.Fatalf("Roles() has %d roles, want 4", len(roles))
	}
	for _, r := range roles {
		if !r.Valid() {
			t.Errorf("%q.Valid() = false", r)
		}
	}
	if Role("").Valid() {
		t.Error(`Role("").Valid() = true`)
	}
}

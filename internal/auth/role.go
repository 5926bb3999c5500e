package auth

import "fmt"

// Role is what a user is on the platform; it decides which pages and API
// operations they reach. It travels in access tokens, so its values are
// part of the token format.
type Role string

// The roles of Passerelle (see DESIGN.md, "Users").
const (
	// RoleCandidate is a job seeker in or after a retraining.
	RoleCandidate Role = "candidate"
	// RoleEmployer is a recruiter, member of a company.
	RoleEmployer Role = "employer"
	// RoleAdviser is a career counsellor, member of an adviser organisation.
	RoleAdviser Role = "adviser"
	// RoleAdmin is a platform operator.
	RoleAdmin Role = "admin"
)

// Roles returns every valid role, in a stable order, for forms and checks.
func Roles() []Role { return []Role{RoleCandidate, RoleEmployer, RoleAdviser, RoleAdmin} }

// Valid reports whether r is one of the known roles. The zero Role is not
// valid, so a forgotten assignment never grants anything.
func (r Role) Valid() bool {
	switch r {
	case RoleCandidate, RoleEmployer, RoleAdviser, RoleAdmin:
		return true
	}
	return false
}

// ParseRole returns the Role spelled exactly s. It is strict (no trimming,
// no case folding) because roles come from our own tokens and stored
// documents, where any other spelling is a bug or tampering.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Valid() {
		return r, nil
	}
	return "", fmt.Errorf("parse role: %w", ErrRoleInvalid)
}

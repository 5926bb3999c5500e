package application

import (
	"slices"

	"passerelle/internal/auth"
)

// Who moves an application, and where to:
//
//	employer (member of the offer's company):
//	    any pipeline step → a later pipeline step (steps may be skipped:
//	    a recruiter who hires after one interview does not click through
//	    every box; the history still shows what happened)
//	    any step that is not final → rejected (with a reason)
//	candidate (the applicant):
//	    any step that is not final → withdrawn
//
// Nothing leaves hired, rejected or withdrawn, and nothing goes back.

// mover says whether role is the kind of user who ever makes a move to
// status to: a candidate never advances the pipeline, an employer never
// withdraws. Breaking it is EFORBIDDEN, whatever the current status.
func mover(role auth.Role, to Status) bool {
	if to == StatusWithdrawn {
		return role == auth.RoleCandidate
	}
	return role == auth.RoleEmployer && to.Valid()
}

// Allowed reports whether an application may go from from to to, whoever
// asks: the state machine alone. Breaking it is ECONFLICT.
func Allowed(from, to Status) bool {
	if !from.Valid() || !to.Valid() || from.Final() {
		return false
	}
	switch to {
	case StatusRejected, StatusWithdrawn:
		return true
	}
	return slices.Index(Pipeline(), to) > slices.Index(Pipeline(), from)
}

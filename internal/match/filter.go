package match

// Exclusion is the hard filter that keeps a pair out of every list, whatever
// its score. The zero value, ExclusionNone, lets the pair through.
type Exclusion uint8

// Hard filters, in the order they are checked.
const (
	ExclusionNone         Exclusion = iota
	ExclusionDeleted                // the profile or the offer is deleted
	ExclusionContract               // the candidate does not want the offer's contract type
	ExclusionRemote                 // the candidate wants on-site work, the offer is fully remote
	ExclusionDistance               // the job is beyond the candidate's mobility radius
	ExclusionAvailability           // the candidate is available too late for the start date
)

// String names the filter for logs and tests.
func (e Exclusion) String() string {
	switch e {
	case ExclusionNone:
		return "none"
	case ExclusionDeleted:
		return "deleted"
	case ExclusionContract:
		return "contract"
	case ExclusionRemote:
		return "remote"
	case ExclusionDistance:
		return "distance"
	case ExclusionAvailability:
		return "availability"
	}
	return "unknown"
}

// pairCheck applies the hard filters of a (profile, offer) pair. It reads only
// the fixed-size records, so that filtering costs no more than a cache line on
// each side.
//
// Decisions: a fully remote offer ignores distance (a hybrid one does not:
// the employee must come in); a profile wanting no particular contract type
// (0) accepts all; availability tolerates Weights.AvailabilityToleranceDays
// after the start date, and does not filter when the offer has no start date.
func pairCheck(p *prec, o *orec, tolerance int32) Exclusion {
	if !p.live() || !o.live() {
		return ExclusionDeleted
	}
	if p.contracts != 0 && p.contracts&uint8(o.contract) == 0 {
		return ExclusionContract
	}
	if o.remote == PolicyRemote {
		if p.pref() == RemoteOnsiteOnly {
			return ExclusionRemote
		}
	} else if !within(p.pt, o.pt, p.radius) {
		return ExclusionDistance
	}
	if o.start != noDay && p.avail != noDay && int64(p.avail) > int64(o.start)+int64(tolerance) {
		return ExclusionAvailability
	}
	return ExclusionNone
}

// visibleTo reports whether a profile may appear in a list of candidates read
// by a viewer of the given role, and whether it must appear without identity.
// Hidden profiles and profiles without consent appear to nobody; "advisers
// only" to advisers; anonymous and visible ones to advisers and employers,
// anonymous ones without identity for employers.
func visibleTo(p *prec, role Role) (ok, anonymous bool) {
	if !p.live() || p.flags&flagConsent == 0 {
		return false, false
	}
	switch p.visibility() {
	case VisibilityAdvisersOnly:
		return role == RoleAdviser, false
	case VisibilityAnonymous:
		return true, role != RoleAdviser
	case VisibilityVisible:
		return true, false
	}
	return false, false
}

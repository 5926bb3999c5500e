package application

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"passerelle/internal/auth"
)

// Limits of what people write.
const (
	MaxMessageRunes    = 2000 // a candidate's message with an application, an employer's with an invitation
	MaxNoteRunes       = 1000 // a note on a transition or an adviser's review
	MaxPoolNoteRunes   = 500  // an employer's internal note on a pool entry
	MaxPseudonymRunes  = 40   // the label an employer saw for an anonymous candidate
	maxListPage        = 100  // the largest page of any list
	defaultListPageLen = 20
)

// Status is where an application stands.
type Status string

// The statuses. The pipeline runs received → in_review → interview →
// offer_made → hired; rejected (by the employer) and withdrawn (by the
// candidate) end it from any step that is not final.
const (
	StatusReceived  Status = "received"
	StatusInReview  Status = "in_review"
	StatusInterview Status = "interview"
	StatusOfferMade Status = "offer_made"
	StatusHired     Status = "hired"
	StatusRejected  Status = "rejected"
	StatusWithdrawn Status = "withdrawn"
)

// Pipeline returns the employer's steps, in order.
func Pipeline() []Status {
	return []Status{StatusReceived, StatusInReview, StatusInterview, StatusOfferMade, StatusHired}
}

// Statuses returns every status: the pipeline, then the two exits.
func Statuses() []Status { return append(Pipeline(), StatusRejected, StatusWithdrawn) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Final reports whether nothing can follow s.
func (s Status) Final() bool {
	return s == StatusHired || s == StatusRejected || s == StatusWithdrawn
}

// Brief is what an overview of many candidates needs of an application:
// where it stands and since when.
type Brief struct {
	ID          string
	CandidateID string
	Status      Status
	UpdatedAt   time.Time
}

// RejectReason is why an employer turned an application down.
type RejectReason string

// The reasons, a short list a candidate can read without offence; "other"
// needs a note.
const (
	ReasonSkillsMismatch RejectReason = "skills_mismatch"
	ReasonPositionFilled RejectReason = "position_filled"
	ReasonNotAvailable   RejectReason = "not_available"
	ReasonOther          RejectReason = "other"
)

// RejectReasons returns the reasons, for forms.
func RejectReasons() []RejectReason {
	return []RejectReason{ReasonSkillsMismatch, ReasonPositionFilled, ReasonNotAvailable, ReasonOther}
}

// Valid reports whether r is a known reason.
func (r RejectReason) Valid() bool { return slices.Contains(RejectReasons(), r) }

// Actor is who did something: a user, their role and the organisation they
// acted for (empty for candidates and admins).
type Actor struct {
	UserID string
	Role   auth.Role
	OrgID  string
}

func actorOf(id auth.Identity) Actor { return Actor{UserID: id.UserID, Role: id.Role, OrgID: id.OrgID} }

// Application is a candidate's application to an offer.
type Application struct {
	// ID is CandidateID + ":" + OfferID (see ID): one application per
	// candidate and offer, enforced by the primary key.
	ID          string
	CandidateID string
	OfferID     string
	// CompanyID is the offer's company when the application was made; its
	// members run the pipeline.
	CompanyID string
	// Message is what the candidate (or their adviser) wrote; may be empty.
	Message string
	Status  Status
	// Rejection is set when Status is rejected.
	Rejection Rejection
	// AppliedBy is the candidate, or the adviser who applied on their behalf.
	AppliedBy Actor
	// InvitationID names the invitation the application answers, if any.
	InvitationID string
	// History lists every transition, oldest first; the first one is the
	// application itself (from "" to received).
	History   []Transition
	CreatedAt time.Time
	UpdatedAt time.Time
	// Revision is the store's revision of this version.
	Revision int64
}

// Rejection is why an application was turned down. The candidate reads both
// the reason and the note.
type Rejection struct {
	Reason RejectReason
	Note   string
}

// Transition is one change of status.
type Transition struct {
	From Status // "" for the application itself
	To   Status
	// By is the user who made the change; it is left empty in what a
	// candidate or an adviser reads when a recruiter made it (the role
	// stays), since the individual recruiter is the company's business.
	By     string
	Role   auth.Role
	At     time.Time
	Reason RejectReason // rejections only
	Note   string
}

// ID returns the application id of candidateID and offerID.
func ID(candidateID, offerID string) string { return candidateID + ":" + offerID }

// InvitationStatus is where an invitation stands.
type InvitationStatus string

// The invitation statuses: pending until the candidate answers.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationDeclined InvitationStatus = "declined"
)

// Invitation is an employer's invitation to a matched, anonymous candidate
// to apply to an offer. Company members see the candidate's identity only
// once the invitation is accepted (see Service.RevealedTo).
type Invitation struct {
	// ID is an opaque digest of the offer and the candidate (InvitationID):
	// one invitation per candidate and offer, and an id that does not tell
	// the employer who the candidate is.
	ID          string
	OfferID     string
	CompanyID   string
	CandidateID string // empty in what company members read before acceptance
	// Pseudonym is the label the employer saw in the anonymous list, shown
	// to them until the candidate accepts.
	Pseudonym string
	Message   string
	InvitedBy string // user id of the recruiter
	Status    InvitationStatus
	// ApplicationID is the application created by acceptance.
	ApplicationID string
	CreatedAt     time.Time
	RespondedAt   time.Time
	Revision      int64
}

// InvitationID returns the id of the invitation of candidateID to offerID.
func InvitationID(offerID, candidateID string) string {
	return digest("invitation", offerID, candidateID)
}

// Decision is an adviser's review of a match.
type Decision string

// The decisions.
const (
	DecisionEndorsed Decision = "endorsed"
	DecisionRejected Decision = "rejected"
)

// Valid reports whether d is a known decision.
func (d Decision) Valid() bool { return d == DecisionEndorsed || d == DecisionRejected }

// Endorsement is an adviser organisation's review of a (candidate, offer)
// match. An endorsed match shows the employer "recommended by an adviser"
// with the note; a rejected one stays between the adviser and the
// candidate.
type Endorsement struct {
	// ID is CandidateID:OfferID:OrgID (EndorsementID): one review per
	// organisation of the caseload, the latest decision replacing the last.
	ID          string
	CandidateID string
	OfferID     string
	CompanyID   string
	OrgID       string // the adviser organisation
	Decision    Decision
	Note        string
	By          string // user id of the adviser
	At          time.Time
	Revision    int64
}

// EndorsementID returns the id of orgID's review of candidateID for offerID.
func EndorsementID(candidateID, offerID, orgID string) string {
	return candidateID + ":" + offerID + ":" + orgID
}

// PoolStatus is where a talent pool entry stands.
type PoolStatus string

// The pool statuses: pending until the candidate answers; declined also
// when the candidate leaves the pool later, so that the company cannot ask
// again.
const (
	PoolPending  PoolStatus = "pending"
	PoolActive   PoolStatus = "active"
	PoolDeclined PoolStatus = "declined"
)

// PoolEntry is a candidate kept in a company's talent pool. Only the
// company's members see the pool; they see who the candidate is only once
// the entry is active (the candidate agreed).
type PoolEntry struct {
	// ID is an opaque digest of the company and the candidate (PoolEntryID).
	ID          string
	CompanyID   string
	CandidateID string // empty in what company members read while not active
	Pseudonym   string
	// Note is the company's internal note; the candidate does not read it.
	Note        string
	AddedBy     string
	Status      PoolStatus
	CreatedAt   time.Time
	RespondedAt time.Time
	Revision    int64
}

// PoolEntryID returns the id of candidateID's entry in companyID's pool.
func PoolEntryID(companyID, candidateID string) string { return digest("pool", companyID, candidateID) }

// Settings are what a candidate decides in this package.
type Settings struct {
	CandidateID string
	// AdviserMayApply lets the advisers of the candidate's caseload apply to
	// offers on their behalf.
	AdviserMayApply bool
	UpdatedAt       time.Time
	Revision        int64
}

// digest returns 24 hex digits of SHA-256 over kind and parts: an id that is
// the same for the same parts and says nothing about them.
func digest(kind string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// Page is one page of a list. A page beyond the last one is empty, with
// Total still telling how many there are.
type Page[T any] struct {
	Items  []T
	Total  int
	Number int
	Size   int
}

// PageRequest asks for one page of a list. Number starts at 1; Size is
// clamped to 1…100, 0 meaning 20.
type PageRequest struct {
	Number int
	Size   int
}

func (p PageRequest) normalize() PageRequest {
	p.Number = max(p.Number, 1)
	switch {
	case p.Size <= 0:
		p.Size = defaultListPageLen
	case p.Size > maxListPage:
		p.Size = maxListPage
	}
	return p
}

func (p PageRequest) offset() int { return (p.Number - 1) * p.Size }

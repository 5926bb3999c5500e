package caseload

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"passerelle/internal/application"
)

// Limits.
const (
	// MaxCaseload is the most profiles a dashboard reads: beyond it the
	// dashboard says it is truncated.
	MaxCaseload = 1000
	// MaxList is the most invitations, requests or links a list returns.
	MaxList = 200
	// MaxDirectory is the most adviser organisations the directory lists.
	MaxDirectory = 500
	// InactiveAfter is how long without activity makes a candidate
	// inactive in the dashboard's filter.
	InactiveAfter = 30 * 24 * time.Hour
	// maxPageSize bounds a dashboard page; defaultPageSize is its default.
	maxPageSize     = 100
	defaultPageSize = 20
	maxPageNumber   = 1000
	maxTextRunes    = 100
	maxEmailLen     = 254
)

// Status is where an invitation or a request stands.
type Status string

// The statuses: pending until answered.
const (
	Pending  Status = "pending"
	Accepted Status = "accepted"
	Declined Status = "declined"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Pending || s == Accepted || s == Declined }

// Invitation is an adviser organisation's invitation to the holder of an
// e-mail address to join its caseload.
type Invitation struct {
	// ID is an opaque digest of the organisation and the e-mail
	// (InvitationID): one invitation per organisation and address.
	ID    string
	OrgID string
	// Email is lower-cased.
	Email     string
	InvitedBy string // user id of the adviser
	Status    Status
	// CandidateID is the candidate who answered.
	CandidateID string
	CreatedAt   time.Time
	RespondedAt time.Time
	Revision    int64
}

// InvitationID returns the id of orgID's invitation of email.
func InvitationID(orgID, email string) string { return digest("caseload invitation", orgID, email) }

// Request is a candidate's request to join an adviser organisation's
// caseload.
type Request struct {
	// ID is an opaque digest of the candidate and the organisation
	// (RequestID).
	ID          string
	CandidateID string
	// CandidateName is the candidate's name when they asked, for the
	// advisers who answer.
	CandidateName string
	OrgID         string
	Status        Status
	AnsweredBy    string // user id of the adviser who answered
	CreatedAt     time.Time
	RespondedAt   time.Time
	Revision      int64
}

// RequestID returns the id of candidateID's request to orgID.
func RequestID(candidateID, orgID string) string {
	return digest("caseload request", candidateID, orgID)
}

// Via says how a link was made.
type Via string

// The ways.
const (
	ViaInvitation Via = "invitation"
	ViaRequest    Via = "request"
)

// Link is the record of a candidate's link with an organisation: when and
// how it started, and when the candidate ended it. The link itself is in
// the candidate's profile.
type Link struct {
	// ID is an opaque digest of the candidate and the organisation (LinkID).
	ID          string
	CandidateID string
	OrgID       string
	Via         Via
	Since       time.Time
	// EndedAt is set when the candidate ended the link; zero while active.
	EndedAt  time.Time
	EndedBy  string
	Revision int64
}

// LinkID returns the id of the record of candidateID's link with orgID.
func LinkID(candidateID, orgID string) string { return digest("caseload link", candidateID, orgID) }

// Organisation is an adviser organisation as the directory shows it.
type Organisation struct {
	ID          string
	Name        string
	City        string
	AdviserType string
}

// MyLink is one organisation of the calling candidate's caseload, for
// their page: the organisation, and the record when there is one (links
// made before records existed, or by an admin, have none).
type MyLink struct {
	Org Organisation
	// Since is zero when unknown.
	Since time.Time
	Via   Via
}

// Filter narrows the dashboard.
type Filter struct {
	// Text keeps candidates whose name contains it (case-insensitive).
	Text string
	// NoApplication keeps candidates without any application.
	NoApplication bool
	// Inactive keeps candidates without activity for InactiveAfter.
	Inactive bool
	// Status keeps candidates with at least one application in it.
	Status application.Status
}

// PageRequest asks for one page of the dashboard. Number starts at 1
// (at most 1000); Size is clamped to 1…100, 0 meaning 20.
type PageRequest struct {
	Number int
	Size   int
}

func (p PageRequest) normalize() PageRequest {
	p.Number = min(max(p.Number, 1), maxPageNumber)
	switch {
	case p.Size <= 0:
		p.Size = defaultPageSize
	case p.Size > maxPageSize:
		p.Size = maxPageSize
	}
	return p
}

// Row is one candidate of the dashboard.
type Row struct {
	CandidateID string
	Name        string
	// BestScore is the score of the candidate's best match, 0…100; HasScore
	// is false when the candidate has no match (or no indexable profile).
	BestScore float64
	HasScore  bool
	// Applications counts the candidate's applications by status.
	Applications map[application.Status]int
	// TotalApplications is the sum of Applications.
	TotalApplications int
	// LastActivity is the latest of the profile's update and its
	// applications' changes.
	LastActivity time.Time
	// Inactive is true when LastActivity is older than InactiveAfter.
	Inactive bool
}

// Outcome is the number of applications in one status across the caseload.
type Outcome struct {
	Status application.Status
	Count  int
}

// Dashboard is one page of an adviser organisation's caseload.
type Dashboard struct {
	Rows []Row
	// Total is how many candidates pass the filter; CaseloadSize how many
	// the caseload holds (at most MaxCaseload are read: Truncated says so).
	Total        int
	CaseloadSize int
	Truncated    bool
	Number, Size int
	// Outcomes counts the applications of the whole caseload (not only the
	// filtered candidates) by status, every status in the pipeline's order.
	Outcomes []Outcome
	// Now is when the dashboard was computed.
	Now time.Time
}

// Pages returns the number of pages of the filtered list (at least 1).
func (d Dashboard) Pages() int { return max(1, (d.Total+d.Size-1)/max(d.Size, 1)) }

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

// orderedStatuses is every application status, in the pipeline's order.
func orderedStatuses() []application.Status { return slices.Clone(application.Statuses()) }

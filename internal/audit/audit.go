// Package audit keeps the trail of who opened a candidate's profile or
// application: an append-only log. The package can add an entry and list
// them; it has no way to change or delete one, and neither has its storage
// adapter (auditdb), so that no code path of the application can rewrite
// history. Retention, when it comes, will be a separate job with its own
// narrow permission.
//
// A candidate reads their own trail (who looked at my profile: which
// organisation, in which role, why and when), without the individual users'
// ids, which are for admins investigating an abuse.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"passerelle"
	"passerelle/internal/auth"
)

// Reason is why a profile or an application was opened.
type Reason string

// The reasons.
const (
	ReasonApplication Reason = "application" // an employer reviewing an application
	ReasonMatch       Reason = "match"       // an employer or adviser looking at a proposed match
	ReasonCaseload    Reason = "caseload"    // an adviser following their caseload
	ReasonProfile     Reason = "profile"     // anything else that opens the profile itself
)

// Reasons returns every reason.
func Reasons() []Reason {
	return []Reason{ReasonApplication, ReasonMatch, ReasonCaseload, ReasonProfile}
}

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool { return slices.Contains(Reasons(), r) }

// Entry is one access to a candidate's data.
type Entry struct {
	// ID is chosen by Record; a caller's value is ignored.
	ID string
	// ActorID is the user who looked; empty in what a candidate reads.
	ActorID     string
	Role        auth.Role
	OrgID       string
	CandidateID string
	Reason      Reason
	// RequestID ties the entry to the server's logs; empty in what a
	// candidate reads.
	RequestID string
	// At is when; zero means now.
	At time.Time
}

// Repository is the storage of the log: insert and list, nothing else.
// auditdb.Store implements it.
//
// Errors: an unreachable store is EUNAVAILABLE; anything else is internal.
type Repository interface {
	// Insert appends e. It never replaces an entry: an id that exists is
	// an error.
	Insert(ctx context.Context, e Entry) error
	// ForCandidate lists a candidate's entries, newest first, skipping
	// offset and returning at most limit, and counts them.
	ForCandidate(ctx context.Context, candidateID string, offset, limit int) ([]Entry, int, error)
}

// Page sizes of ForCandidate.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	maxRequestID    = 100
)

// PageRequest asks for one page. Number starts at 1; Size is clamped to
// 1…MaxPageSize, 0 meaning DefaultPageSize.
type PageRequest struct {
	Number int
	Size   int
}

// Page is one page of entries, and how many there are.
type Page struct {
	Entries []Entry
	Total   int
	Number  int
	Size    int
}

// Log is the audit trail.
type Log struct {
	repo Repository
	now  func() time.Time
}

// New returns a Log. now is the clock (time.Now in production).
func New(repo Repository, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{repo: repo, now: now}
}

func validID(id string) bool {
	return len(id) == 24 && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	})
}

func newID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

// Record appends e to the log. It is called by the code that shows a
// candidate's profile or application to an employer or adviser, before it
// shows it: if Record fails, the caller refuses to show the data, so that
// no access goes unrecorded. The log keeps who looked, not what they saw.
//
// Errors: EINVALID "error.audit.invalid" for an incomplete entry (it is a
// programming error, not a user's); store errors.
func (l *Log) Record(ctx context.Context, e Entry) error {
	switch {
	case e.ActorID == "", e.Role != auth.RoleEmployer && e.Role != auth.RoleAdviser && e.Role != auth.RoleAdmin, !validID(e.CandidateID), !e.Reason.Valid(),
		len(e.RequestID) > maxRequestID, strings.ContainsFunc(e.RequestID, unicode.IsControl),
		len(e.OrgID) > 64, len(e.ActorID) > 64:
		return &passerelle.Error{Code: passerelle.EINVALID, Key: "error.audit.invalid", Err: fmt.Errorf("record audit entry: incomplete entry %+v", e)}
	}
	now := l.now().UTC().Truncate(time.Millisecond)
	if e.At.IsZero() {
		e.At = now
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	e.ID = newID(now)
	if err := l.repo.Insert(ctx, e); err != nil {
		return fmt.Errorf("record audit entry: %w", err)
	}
	return nil
}

// ForCandidate returns one page of the entries about candidateID, newest
// first. The candidate reads their own trail without the users' ids and
// request ids; admins read it whole. ENOTFOUND "error.audit.not_found" for
// anyone else, as if there were nothing.
func (l *Log) ForCandidate(ctx context.Context, candidateID string, page PageRequest) (Page, error) {
	id, ok := auth.FromContext(ctx)
	if !ok || id.UserID == "" {
		return Page{}, passerelle.Errorf(passerelle.EUNAUTHORIZED, "error.unauthorized")
	}
	selfRead := id.Role == auth.RoleCandidate && id.UserID == candidateID
	if !selfRead && id.Role != auth.RoleAdmin {
		return Page{}, passerelle.Errorf(passerelle.ENOTFOUND, "error.audit.not_found")
	}
	page.Number = max(page.Number, 1)
	switch {
	case page.Size <= 0:
		page.Size = DefaultPageSize
	case page.Size > MaxPageSize:
		page.Size = MaxPageSize
	}
	entries, total, err := l.repo.ForCandidate(ctx, candidateID, (page.Number-1)*page.Size, page.Size)
	if err != nil {
		return Page{}, fmt.Errorf("list audit entries: %w", err)
	}
	if selfRead {
		for i := range entries {
			entries[i].ActorID, entries[i].RequestID = "", ""
		}
	}
	return Page{Entries: entries, Total: total, Number: page.Number, Size: page.Size}, nil
}

package caseload

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/candidate"
)

// Applications reads a candidate's applications with the caller's rights:
// *application.Service implements it, and lets an adviser read those of the
// candidates of their caseload only.
type Applications interface {
	ForCandidate(ctx context.Context, candidateID string, page application.PageRequest) (application.Page[application.Application], error)
}

// Matches tells a candidate's best match score, with the caller's rights;
// the wiring adapts the matching service. ok is false when the candidate
// has no match (or the index does not know them yet).
type Matches interface {
	BestScore(ctx context.Context, candidateID string) (score float64, ok bool, err error)
}

// maxApplicationsRead bounds the applications read per candidate: far more
// than anyone sends in a retraining.
const maxApplicationsRead = 1000

// Dashboard returns one page of the calling adviser's organisation's
// caseload, filtered, by name; and the outcomes of the whole caseload.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN "error.caseload.advisers_only";
// EINVALID (status, text).
func (s *Service) Dashboard(ctx context.Context, f Filter, page PageRequest) (Dashboard, error) {
	if _, err := adviser(ctx); err != nil {
		return Dashboard{}, err
	}
	f.Text = strings.TrimSpace(f.Text)
	var errs []passerelle.FieldError
	if f.Status != "" && !f.Status.Valid() {
		errs = append(errs, passerelle.FieldError{Field: "status", Key: "caseload.status.invalid"})
	}
	if len([]rune(f.Text)) > maxTextRunes {
		errs = append(errs, passerelle.FieldError{Field: "q", Key: "caseload.text.too_long", Param: fmt.Sprint(maxTextRunes)})
	}
	if len(errs) > 0 {
		return Dashboard{}, passerelle.Invalid(errs...)
	}
	page = page.normalize()
	profiles, truncated, err := s.caseload(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	now := s.clock()
	d := Dashboard{CaseloadSize: len(profiles), Truncated: truncated, Number: page.Number, Size: page.Size, Now: now}
	totals := map[application.Status]int{}
	var rows []Row
	needle := strings.ToLower(f.Text)
	for _, p := range profiles {
		r, err := s.row(ctx, p, now)
		if err != nil {
			return Dashboard{}, err
		}
		for st, n := range r.Applications {
			totals[st] += n
		}
		if keep(r, f, needle) {
			rows = append(rows, r)
		}
	}
	for _, st := range orderedStatuses() {
		d.Outcomes = append(d.Outcomes, Outcome{Status: st, Count: totals[st]})
	}
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.CandidateID, b.CandidateID))
	})
	d.Total = len(rows)
	from := min((page.Number-1)*page.Size, len(rows))
	d.Rows = rows[from:min(from+page.Size, len(rows))]
	if d.Rows == nil {
		d.Rows = []Row{}
	}
	return d, nil
}

func keep(r Row, f Filter, needle string) bool {
	switch {
	case needle != "" && !strings.Contains(strings.ToLower(r.Name), needle):
		return false
	case f.NoApplication && r.TotalApplications > 0:
		return false
	case f.Inactive && !r.Inactive:
		return false
	case f.Status != "" && r.Applications[f.Status] == 0:
		return false
	}
	return true
}

// caseload reads the caller's caseload, at most MaxCaseload profiles.
func (s *Service) caseload(ctx context.Context) ([]candidate.Profile, bool, error) {
	const batch = 200
	var out []candidate.Profile
	after := ""
	for len(out) < MaxCaseload {
		ps, err := s.candidates.Caseload(ctx, after, batch)
		if err != nil {
			return nil, false, fmt.Errorf("dashboard: %w", err)
		}
		out = append(out, ps...)
		if len(ps) < batch {
			return out, false, nil
		}
		after = ps[len(ps)-1].ID
	}
	return out[:MaxCaseload], true, nil
}

// row computes one candidate's line.
func (s *Service) row(ctx context.Context, p candidate.Profile, now time.Time) (Row, error) {
	r := Row{CandidateID: p.ID, Name: p.DisplayName, Applications: map[application.Status]int{}, LastActivity: p.UpdatedAt}
	for n := 1; (n-1)*100 < maxApplicationsRead; n++ {
		pg, err := s.apps.ForCandidate(ctx, p.ID, application.PageRequest{Number: n, Size: 100})
		if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
			// The candidate left the caseload since it was read.
			break
		}
		if err != nil {
			return Row{}, fmt.Errorf("dashboard: applications of %s: %w", p.ID, err)
		}
		for _, a := range pg.Items {
			r.Applications[a.Status]++
			r.TotalApplications++
			if a.UpdatedAt.After(r.LastActivity) {
				r.LastActivity = a.UpdatedAt
			}
		}
		if n*pg.Size >= pg.Total || len(pg.Items) == 0 {
			break
		}
	}
	score, ok, err := s.matches.BestScore(ctx, p.ID)
	if err != nil {
		return Row{}, fmt.Errorf("dashboard: best match of %s: %w", p.ID, err)
	}
	r.BestScore, r.HasScore = score, ok
	r.Inactive = now.Sub(r.LastActivity) > InactiveAfter
	return r, nil
}

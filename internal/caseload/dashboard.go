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

// Applications reads the applications of a caseload's candidates with the
// caller's rights: *application.Service implements it, and lets an adviser
// read those of the candidates of their caseload only (the others get no
// entry). One call reads the whole caseload: the embedded store serialises
// every call, and a call per candidate made a 200-candidate dashboard take
// seconds (docs/benchmarks.md).
type Applications interface {
	ForCaseload(ctx context.Context, candidateIDs []string) (map[string][]application.Brief, error)
}

// Matches tells a candidate's best match score, with the caller's rights;
// the wiring adapts the matching service. ok is false when the candidate
// has no match (or the index does not know them yet).
type Matches interface {
	BestScore(ctx context.Context, candidateID string) (score float64, ok bool, err error)
}

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
	ids := make([]string, len(profiles))
	for i, p := range profiles {
		ids[i] = p.ID
	}
	apps, err := s.apps.ForCaseload(ctx, ids)
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: applications: %w", err)
	}
	for _, p := range profiles {
		// A candidate who left the caseload since it was read has no entry,
		// hence no applications.
		r, err := s.row(ctx, p, apps[p.ID], now)
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
// Each call scans the whole profile collection on the embedded store,
// whatever its limit, so it asks for the most a call returns (the
// candidate service's 1,000, which is MaxCaseload): one call for any
// caseload the dashboard shows in full.
func (s *Service) caseload(ctx context.Context) ([]candidate.Profile, bool, error) {
	const batch = 1000
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

// row computes one candidate's line from their applications.
func (s *Service) row(ctx context.Context, p candidate.Profile, apps []application.Brief, now time.Time) (Row, error) {
	r := Row{CandidateID: p.ID, Name: p.DisplayName, Applications: map[application.Status]int{}, LastActivity: p.UpdatedAt}
	for _, a := range apps {
		r.Applications[a.Status]++
		r.TotalApplications++
		if a.UpdatedAt.After(r.LastActivity) {
			r.LastActivity = a.UpdatedAt
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

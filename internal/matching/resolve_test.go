package matching

import (
	"context"
	"strings"
	"testing"

	"passerelle"
)

// TestCandidateByPseudonym: the company turns a pseudonym of its list back
// into the candidate, whatever the language it read it in; nobody else can,
// and a pseudonym outside the list names nobody.
func TestCandidateByPseudonym(t *testing.T) {
	f := newFixture(t)
	page, err := f.svc.CandidatesForOffer(employerA, f.published, Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		pseudonym(testKey, companyA, f.visible, "fr"):   f.visible,
		pseudonym(testKey, companyA, f.anonymous, "fr"): f.anonymous,
	}
	for _, c := range page.Results {
		id, err := f.svc.CandidateByPseudonym(employerA, f.published, c.Pseudonym)
		if err != nil || id != want[c.Pseudonym] {
			t.Fatalf("resolve %q = %q, %v; want %q", c.Pseudonym, id, err, want[c.Pseudonym])
		}
		en := "profile " + strings.ToLower(strings.TrimPrefix(c.Pseudonym, "Profil "))
		if id2, err := f.svc.CandidateByPseudonym(employerA, f.published, en); err != nil || id2 != id {
			t.Fatalf("resolve %q = %q, %v; want %q", en, id2, err, id)
		}
		// The match of a known candidate, as the company sees it.
		m, ok, err := f.svc.MatchFor(employerA, f.published, id, "fr")
		if err != nil || !ok || m.Pseudonym != c.Pseudonym || m.CandidateID != "" || m.Name != "" {
			t.Fatalf("match for %s = %+v, %v, %v", id, m, ok, err)
		}
	}
	hidden := pseudonym(testKey, companyA, f.hidden, "fr")
	tests := []struct {
		name   string
		who    context.Context
		offer  string
		pseudo string
		code   string
	}{
		{"not in the list", employerA, f.published, hidden, passerelle.ENOTFOUND},
		{"malformed", employerA, f.published, "Profil <script>", passerelle.ENOTFOUND},
		{"other company", employerB, f.published, pseudonym(testKey, companyB, f.visible, "fr"), passerelle.ENOTFOUND},
		{"adviser", adviserX, f.published, hidden, passerelle.ENOTFOUND},
		{"anonymous caller", context.Background(), f.published, hidden, passerelle.EUNAUTHORIZED},
		{"closed offer", employerA, f.closed, hidden, passerelle.ECONFLICT},
		{"unknown offer", employerA, hexID(0xdead), hidden, passerelle.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := f.svc.CandidateByPseudonym(tc.who, tc.offer, tc.pseudo)
			if code(err) != tc.code || id != "" {
				t.Fatalf("resolve = %q, %v; want code %q", id, err, tc.code)
			}
		})
	}
	if _, ok, err := f.svc.MatchFor(employerA, f.published, f.hidden, "fr"); err != nil || ok {
		t.Fatalf("match for a hidden candidate: %v, %v", ok, err)
	}
}

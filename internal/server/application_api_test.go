package server_test

import (
	"strings"
	"testing"
)

func init() {
	// Candidates apply, read and withdraw their applications; the members
	// of the offer's company read and move them. Each route gets objects of
	// its own (applicationMatrixParams), so that one route's success does
	// not change what another meets.
	addMatrix(map[string][6]string{
		"POST /api/v1/offers/:id/applications":   {deny, ok2xx, forb, forb, forb, forb},
		"GET /api/v1/offers/:id/applications":    {deny, forb, ok2xx, forb, forb, ok2xx},
		"GET /api/v1/me/applications":            {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/applications/:id/moves":    {deny, forb, ok2xx, hide, hide, forb},
		"POST /api/v1/applications/:id/withdraw": {deny, ok2xx, forb, forb, forb, forb},
	})
	// First in the list: the offer routes' filler would otherwise take
	// "offers/:id/applications" for one of its own.
	pathParams = append([]func(*matrixEnv, string) (string, bool){applicationMatrixParams}, pathParams...)
	matrixBodies["POST /api/v1/offers/:id/applications"] = func(*matrixEnv, string) any {
		return map[string]string{"message": "Bonjour"}
	}
	matrixBodies["POST /api/v1/applications/:id/moves"] = func(*matrixEnv, string) any {
		return map[string]string{"to": "in_review"}
	}
}

// applicationMatrixParams fills the application routes with published
// offers of company A and applications of the matrix candidate to them.
func applicationMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	owner, cand := m.people["employer"], m.people["candidate"]
	published := func() string { return publishedGoOffer(m.t, m.env, owner) }
	applied := func() string { return m.env.apply(m.t, cand, published(), "").ID }
	var id string
	switch route {
	case "POST /api/v1/offers/:id/applications":
		id = m.once(route, published)
	case "GET /api/v1/offers/:id/applications":
		id = m.once(route, func() string { return m.env.apply(m.t, cand, published(), "").OfferID })
	case "POST /api/v1/applications/:id/moves", "POST /api/v1/applications/:id/withdraw":
		id = m.once(route, applied)
	default:
		return "", false
	}
	return strings.Replace(path, ":id", id, 1), true
}

// applicationJSON is the part of an application answer the tests read.
type applicationJSON struct {
	ID, OfferID, CompanyID, Message, Status, StatusLabel string
	Rejection                                            *struct{ Reason, Note string }
	History                                              []struct {
		From, To, By, Role, Reason, Note string
	}
	Candidate struct {
		Anonymous         bool
		CandidateID, Name string
	}
}

type applicationPageJSON struct {
	Items []applicationJSON
	Total int
}

// apply makes c apply to offerID through the API.
func (e *testEnv) apply(t *testing.T, c user, offerID, message string) applicationJSON {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/offers/"+offerID+"/applications", map[string]string{"message": message}, c.access)
	if r.status != 201 {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	var a applicationJSON
	r.json(t, &a)
	return a
}

func (e *testEnv) move(t *testing.T, u user, appID string, body map[string]string) response {
	t.Helper()
	return e.api(t, "POST", "/api/v1/applications/"+appID+"/moves", body, u.access)
}

func TestApplicationWorkflowAPI(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	offerID := publishedGoOffer(t, e, owner)

	a := e.apply(t, cand, offerID, "Je suis disponible dès lundi.")
	if a.Status != "received" || a.OfferID != offerID || a.CompanyID != owner.orgID || a.Message != "Je suis disponible dès lundi." {
		t.Fatalf("apply answered %+v", a)
	}

	t.Run("duplicate", func(t *testing.T) {
		r := e.api(t, "POST", "/api/v1/offers/"+offerID+"/applications", map[string]string{}, cand.access)
		if r.status != 409 {
			t.Fatalf("second application: %d %s, want 409", r.status, r.body)
		}
		if p := r.problem(t); p.Detail == "" || strings.Contains(p.Detail, "error.application") {
			t.Errorf("second application: detail %q, want a sentence", p.Detail)
		}
	})

	t.Run("employer lists, candidate revealed", func(t *testing.T) {
		r := e.api(t, "GET", "/api/v1/offers/"+offerID+"/applications", nil, owner.access)
		if r.status != 200 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		var p applicationPageJSON
		r.json(t, &p)
		if p.Total != 1 || len(p.Items) != 1 {
			t.Fatalf("list: %+v", p)
		}
		got := p.Items[0]
		if got.ID != a.ID || got.Candidate.Anonymous || got.Candidate.CandidateID != cand.id || got.Candidate.Name != "Awa Diallo" {
			t.Errorf("list item = %+v, want the application with the candidate's name", got)
		}
	})

	t.Run("another company", func(t *testing.T) {
		if r := e.move(t, other, a.ID, map[string]string{"to": "in_review"}); r.status != 404 {
			t.Errorf("other employer moves: %d %s, want 404", r.status, r.body)
		}
		if r := e.api(t, "GET", "/api/v1/offers/"+offerID+"/applications", nil, other.access); r.status != 403 {
			t.Errorf("other employer lists: %d %s, want 403", r.status, r.body)
		}
	})

	t.Run("candidate cannot move", func(t *testing.T) {
		if r := e.move(t, cand, a.ID, map[string]string{"to": "hired"}); r.status != 403 {
			t.Errorf("candidate moves: %d %s, want 403", r.status, r.body)
		}
	})

	for _, to := range []string{"in_review", "interview"} {
		r := e.move(t, owner, a.ID, map[string]string{"to": to, "note": "vu le " + to})
		if r.status != 200 {
			t.Fatalf("move to %s: %d %s", to, r.status, r.body)
		}
		var got applicationJSON
		r.json(t, &got)
		if got.Status != to {
			t.Fatalf("move to %s: status %s", to, got.Status)
		}
	}

	t.Run("forbidden transitions", func(t *testing.T) {
		for _, to := range []string{"received", "in_review", "interview"} {
			if r := e.move(t, owner, a.ID, map[string]string{"to": to}); r.status != 409 {
				t.Errorf("move back to %s: %d %s, want 409", to, r.status, r.body)
			}
		}
		if r := e.move(t, owner, a.ID, map[string]string{"to": "rejected"}); r.status != 422 {
			t.Errorf("reject without reason: %d %s, want 422", r.status, r.body)
		}
	})

	t.Run("candidate reads status and history", func(t *testing.T) {
		r := e.api(t, "GET", "/api/v1/me/applications", nil, cand.access)
		if r.status != 200 {
			t.Fatalf("my applications: %d %s", r.status, r.body)
		}
		var p applicationPageJSON
		r.json(t, &p)
		if len(p.Items) != 1 {
			t.Fatalf("my applications: %+v", p)
		}
		got := p.Items[0]
		if got.Status != "interview" || got.StatusLabel == "" || len(got.History) != 3 {
			t.Fatalf("my application = %+v", got)
		}
		want := [][2]string{{"", "received"}, {"received", "in_review"}, {"in_review", "interview"}}
		for i, h := range got.History {
			if h.From != want[i][0] || h.To != want[i][1] {
				t.Errorf("history[%d] = %s → %s, want %s → %s", i, h.From, h.To, want[i][0], want[i][1])
			}
			if h.Role == "employer" && h.By != "" {
				t.Errorf("history[%d] names the recruiter %q", i, h.By)
			}
		}
		if got.History[0].By != cand.id || got.History[2].Role != "employer" || got.History[2].Note != "vu le interview" {
			t.Errorf("history = %+v", got.History)
		}
	})

	t.Run("rejection reason reaches the candidate", func(t *testing.T) {
		r := e.move(t, owner, a.ID, map[string]string{"to": "rejected", "reason": "position_filled", "note": "Poste pourvu en interne."})
		if r.status != 200 {
			t.Fatalf("reject: %d %s", r.status, r.body)
		}
		var p applicationPageJSON
		e.api(t, "GET", "/api/v1/me/applications", nil, cand.access).json(t, &p)
		if got := p.Items[0]; got.Status != "rejected" || got.Rejection == nil || got.Rejection.Reason != "position_filled" {
			t.Errorf("rejected application = %+v", got)
		}
		if r := e.move(t, owner, a.ID, map[string]string{"to": "hired"}); r.status != 409 {
			t.Errorf("move after rejection: %d %s, want 409", r.status, r.body)
		}
	})

	t.Run("withdraw hides the candidate again", func(t *testing.T) {
		offer2 := publishedGoOffer(t, e, other)
		b := e.apply(t, cand, offer2, "")
		r := e.api(t, "POST", "/api/v1/applications/"+b.ID+"/withdraw", map[string]string{"note": "J'ai trouvé."}, cand.access)
		if r.status != 200 {
			t.Fatalf("withdraw: %d %s", r.status, r.body)
		}
		if r := e.api(t, "POST", "/api/v1/applications/"+b.ID+"/withdraw", nil, cand.access); r.status != 409 {
			t.Errorf("withdraw twice: %d %s, want 409", r.status, r.body)
		}
		var p applicationPageJSON
		e.api(t, "GET", "/api/v1/offers/"+offer2+"/applications", nil, other.access).json(t, &p)
		if len(p.Items) != 1 || !p.Items[0].Candidate.Anonymous || p.Items[0].ID != "" || p.Items[0].Candidate.Name != "" || p.Items[0].Status != "withdrawn" {
			t.Errorf("withdrawn application seen by the company = %+v", p.Items)
		}
		if r := e.api(t, "POST", "/api/v1/offers/"+offer2+"/applications", nil, cand.access); r.status != 409 {
			t.Errorf("apply again after withdrawing: %d %s, want 409", r.status, r.body)
		}
	})
}

package server_test

import (
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/caseload"
)

func init() {
	// Advisers run their caseload; candidates answer invitations, ask to
	// join, end links and set their consent. Objects come from
	// caseloadMatrixParams: invitations sent to the matrix candidate by a
	// second adviser organisation (so that accepting them leaves the matrix
	// adviser's organisation out of the candidate's profile, which other
	// areas' entries rely on) and requests of fresh candidates to the
	// matrix adviser's organisation.
	addMatrix(map[string][6]string{
		"GET /api/v1/caseload":                             {deny, forb, forb, forb, ok2xx, forb},
		"GET /api/v1/caseload/organisations":               {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
		"GET /api/v1/caseload/invitations":                 {deny, forb, forb, forb, ok2xx, forb},
		"POST /api/v1/caseload/invitations":                {deny, forb, forb, forb, ok2xx, forb},
		"GET /api/v1/caseload/requests":                    {deny, forb, forb, forb, ok2xx, forb},
		"POST /api/v1/caseload/requests/:id/accept":        {deny, forb, forb, forb, ok2xx, forb},
		"POST /api/v1/caseload/requests/:id/decline":       {deny, forb, forb, forb, ok2xx, forb},
		"GET /api/v1/me/caseload/links":                    {deny, ok2xx, forb, forb, forb, forb},
		"DELETE /api/v1/me/caseload/links/:orgId":          {deny, ok2xx, forb, forb, forb, forb},
		"GET /api/v1/me/caseload/invitations":              {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/caseload/invitations/:id/accept":  {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/caseload/invitations/:id/decline": {deny, ok2xx, forb, forb, forb, forb},
		"GET /api/v1/me/caseload/requests":                 {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/caseload/requests":                {deny, ok, forb, forb, forb, forb},
		"GET /api/v1/me/caseload/settings":                 {deny, ok2xx, forb, forb, forb, forb},
		"PUT /api/v1/me/caseload/settings":                 {deny, ok2xx, forb, forb, forb, forb},

		"GET /account/advisers":                          {deny, ok2xx, forb, forb, forb, forb},
		"POST /account/advisers/invitations/:id/accept":  {deny, ok2xx, forb, forb, forb, forb},
		"POST /account/advisers/invitations/:id/decline": {deny, ok2xx, forb, forb, forb, forb},
		"POST /account/advisers/requests":                {deny, ok, forb, forb, forb, forb},
		"GET /account/advisers/links/:orgId/end":         {deny, ok2xx, forb, forb, forb, forb},
		"POST /account/advisers/links/:orgId/end":        {deny, ok2xx, forb, forb, forb, forb},
		"POST /account/advisers/settings":                {deny, ok2xx, forb, forb, forb, forb},
		"GET /caseload":                                  {deny, forb, forb, forb, ok2xx, forb},
		"GET /caseload/requests":                         {deny, forb, forb, forb, ok2xx, forb},
		"POST /caseload/invitations":                     {deny, forb, forb, forb, ok, forb},
		"POST /caseload/requests/:id/accept":             {deny, forb, forb, forb, ok2xx, forb},
		"POST /caseload/requests/:id/decline":            {deny, forb, forb, forb, ok2xx, forb},
	})
	pathParams = append([]func(*matrixEnv, string) (string, bool){caseloadMatrixParams}, pathParams...)
	matrixBodies["POST /api/v1/me/caseload/requests"] = func(m *matrixEnv, _ string) any {
		return map[string]string{"orgId": m.people["adviser"].orgID}
	}
	matrixBodies["PUT /api/v1/me/caseload/settings"] = func(*matrixEnv, string) any {
		return map[string]bool{"adviserMayApply": true}
	}
}

// caseloadSide is a second adviser organisation for the matrix, created
// once, and its adviser.
func caseloadSide(m *matrixEnv) (orgID, token string) {
	var side user
	orgID = m.once("caseload side org", func() string {
		side = m.env.adviser(m.t, m.people["admin"], "side-adviser@ml.fr")
		m.once("caseload side token", func() string { return side.access })
		return side.orgID
	})
	return orgID, m.once("caseload side token", func() string { return "" })
}

// inviteCandidate makes the side organisation's invitation of the matrix
// candidate pending (new, or reopened after an answer) and returns its id.
func inviteCandidate(m *matrixEnv) string {
	org, token := caseloadSide(m)
	email := m.people["candidate"].email
	r := m.env.api(m.t, "POST", "/api/v1/caseload/invitations", map[string]string{"email": email}, token)
	if r.status != 201 && r.status != 409 {
		m.t.Fatalf("invite the matrix candidate: %d %s", r.status, r.body)
	}
	return caseload.InvitationID(org, email)
}

// linkCandidate links the matrix candidate to the side organisation.
func linkCandidate(m *matrixEnv) string {
	org, _ := caseloadSide(m)
	id := inviteCandidate(m)
	if r := m.env.api(m.t, "POST", "/api/v1/me/caseload/invitations/"+id+"/accept", nil, m.people["candidate"].access); r.status != 200 {
		m.t.Fatalf("accept the side invitation: %d %s", r.status, r.body)
	}
	return org
}

// freshRequest has a new candidate ask to join the matrix adviser's
// organisation and returns the request's id.
func freshRequest(m *matrixEnv, key string) string {
	c := m.env.candidate(m.t, "req-"+strings.NewReplacer("/", "-", ":", "", " ", "-").Replace(key)+"@example.fr")
	r := m.env.api(m.t, "POST", "/api/v1/me/caseload/requests", map[string]string{"orgId": m.people["adviser"].orgID}, c.access)
	if r.status != 201 {
		m.t.Fatalf("request: %d %s", r.status, r.body)
	}
	var req struct{ ID string }
	r.json(m.t, &req)
	return req.ID
}

func caseloadMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	switch route {
	case "POST /api/v1/caseload/requests/:id/accept", "POST /api/v1/caseload/requests/:id/decline",
		"POST /caseload/requests/:id/accept", "POST /caseload/requests/:id/decline":
		return strings.Replace(path, ":id", m.once(route, func() string { return freshRequest(m, route) }), 1), true
	case "POST /api/v1/me/caseload/invitations/:id/accept", "POST /api/v1/me/caseload/invitations/:id/decline",
		"POST /account/advisers/invitations/:id/accept", "POST /account/advisers/invitations/:id/decline":
		return strings.Replace(path, ":id", m.once(route, func() string { return inviteCandidate(m) }), 1), true
	case "DELETE /api/v1/me/caseload/links/:orgId", "GET /account/advisers/links/:orgId/end", "POST /account/advisers/links/:orgId/end":
		return strings.Replace(path, ":orgId", m.once(route, func() string { return linkCandidate(m) }), 1), true
	}
	return "", false
}

// caseloadItems decodes {"items": [...]} lists.
type caseloadInvitationJSON struct {
	ID, OrgID, OrgName, Email, Status, StatusLabel string
}

type caseloadRequestJSON struct {
	ID, CandidateID, CandidateName, OrgID, OrgName, Status string
}

type caseloadDashboardJSON struct {
	Items []struct {
		CandidateID, Name      string
		BestScore              *float64
		Applications           map[string]int
		TotalApplications      int
		Inactive               bool
		ProfileURL, MatchesURL string
	}
	Total, CaseloadSize, Page, PageSize int
	Outcomes                            []struct {
		Status, Label string
		Count         int
	}
}

func (e *testEnv) dashboard(t *testing.T, adv user, query string) caseloadDashboardJSON {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/caseload"+query, nil, adv.access)
	if r.status != 200 {
		t.Fatalf("GET /caseload%s: %d %s", query, r.status, r.body)
	}
	var d caseloadDashboardJSON
	r.json(t, &d)
	return d
}

func TestCaseloadAPIInvitationDashboardAndEnd(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	adv := e.adviser(t, admin, "conseil@ml.fr")
	other := e.adviser(t, admin, "conseil@cap.fr")
	cand := e.candidate(t, "awa@example.fr")
	owner := e.employer(t, "owner@a.fr", "732829320")

	// The same answer whether an account exists for the address or not.
	for _, email := range []string{"awa@example.fr", "personne@example.fr"} {
		r := e.api(t, "POST", "/api/v1/caseload/invitations", map[string]string{"email": email}, adv.access)
		var inv caseloadInvitationJSON
		r.json(t, &inv)
		if r.status != 201 || inv.Status != "pending" || inv.Email != email || inv.OrgID != adv.orgID {
			t.Fatalf("invite %s: %d %s", email, r.status, r.body)
		}
	}
	if r := e.api(t, "POST", "/api/v1/caseload/invitations", map[string]string{"email": "AWA@example.fr"}, adv.access); r.status != 409 {
		t.Fatalf("invite twice: %d %s", r.status, r.body)
	}
	r := e.api(t, "POST", "/api/v1/caseload/invitations", map[string]string{"email": "pas une adresse"}, adv.access)
	if code, ok := r.problem(t).field("email"); r.status != 422 || !ok || code != "caseload.email.invalid" {
		t.Fatalf("bad e-mail: %d %s", r.status, r.body)
	}
	r = e.api(t, "POST", "/api/v1/caseload/invitations", map[string]any{"email": map[string]any{"$ne": nil}}, adv.access)
	if r.status != 422 {
		t.Fatalf("operator as e-mail: %d %s", r.status, r.body)
	}

	// The candidate sees the invitation, with the organisation's name.
	r = e.api(t, "GET", "/api/v1/me/caseload/invitations", nil, cand.access)
	var mine struct{ Items []caseloadInvitationJSON }
	r.json(t, &mine)
	if r.status != 200 || len(mine.Items) != 1 || !strings.HasPrefix(mine.Items[0].OrgName, "Mission locale") {
		t.Fatalf("my invitations: %d %s", r.status, r.body)
	}
	invID := mine.Items[0].ID
	if r := e.api(t, "GET", "/api/v1/candidates/"+cand.id+"/profile", nil, adv.access); r.status != 404 {
		t.Fatalf("adviser reads the profile before the link: %d", r.status)
	}
	if r := e.api(t, "POST", "/api/v1/me/caseload/invitations/"+invID+"/accept", nil, cand.access); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if r := e.api(t, "POST", "/api/v1/me/caseload/invitations/"+invID+"/decline", nil, cand.access); r.status != 409 {
		t.Fatalf("decline after accepting: %d %s", r.status, r.body)
	}
	r = e.api(t, "GET", "/api/v1/me/caseload/links", nil, cand.access)
	if r.status != 200 || !strings.Contains(string(r.body), `"via":"invitation"`) || !strings.Contains(string(r.body), adv.orgID) {
		t.Fatalf("my links: %d %s", r.status, r.body)
	}

	// The dashboard: one candidate, no application yet, every status
	// counted in the outcomes.
	d := e.dashboard(t, adv, "")
	if d.Total != 1 || d.CaseloadSize != 1 || d.Items[0].CandidateID != cand.id || d.Items[0].TotalApplications != 0 || len(d.Outcomes) != 7 {
		t.Fatalf("dashboard: %+v", d)
	}
	if d.Items[0].ProfileURL != "/candidates/"+cand.id+"/profile" || d.Items[0].MatchesURL != "/candidates/"+cand.id+"/matches" {
		t.Fatalf("links: %+v", d.Items[0])
	}
	// With a profile, a matching offer and an application.
	e.goProfile(t, cand, "Awa Diallo", "visible")
	offerID := publishedGoOffer(t, e, owner)
	e.apply(t, cand, offerID, "Bonjour")
	d = e.dashboard(t, adv, "")
	row := d.Items[0]
	if row.Name != "Awa Diallo" || row.BestScore == nil || *row.BestScore <= 0 || row.Applications["received"] != 1 || row.TotalApplications != 1 || row.Inactive {
		t.Fatalf("dashboard row: %+v", row)
	}
	for _, o := range d.Outcomes {
		if want := map[bool]int{true: 1}[o.Status == "received"]; o.Count != want || o.Label == "" {
			t.Fatalf("outcome %+v, want %d", o, want)
		}
	}
	for query, want := range map[string]int{
		"?status=received": 1, "?status=hired": 0, "?noApplication=1": 0, "?inactive=true": 0,
		"?q=diallo": 1, "?q=" + url.QueryEscape("Zoé"): 0, "?page=2&pageSize=1": 0, "?pageSize=1": 1,
	} {
		if d := e.dashboard(t, adv, query); len(d.Items) != want || (query == "?page=2&pageSize=1" && d.Total != 1) {
			t.Errorf("dashboard%s: %d items (total %d), want %d", query, len(d.Items), d.Total, want)
		}
	}
	for _, query := range []string{"?status=nonsense", "?pageSize=1000", "?page=0", "?inactive=maybe", "?q=" + strings.Repeat("x", 101)} {
		if r := e.api(t, "GET", "/api/v1/caseload"+query, nil, adv.access); r.status != 422 {
			t.Errorf("dashboard%s: %d, want 422", query, r.status)
		}
	}
	if d := e.dashboard(t, other, ""); d.CaseloadSize != 0 {
		t.Fatalf("another organisation's dashboard: %+v", d)
	}

	// The candidate ends the link: the adviser loses the profile and the
	// dashboard entry at once.
	if r := e.api(t, "DELETE", "/api/v1/me/caseload/links/"+adv.orgID, nil, cand.access); r.status != 204 {
		t.Fatalf("end link: %d %s", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/candidates/"+cand.id+"/profile", nil, adv.access); r.status != 404 {
		t.Fatalf("adviser reads the profile after the end: %d", r.status)
	}
	if d := e.dashboard(t, adv, ""); d.CaseloadSize != 0 {
		t.Fatalf("dashboard after the end: %+v", d)
	}
	if r := e.api(t, "DELETE", "/api/v1/me/caseload/links/"+adv.orgID, nil, cand.access); r.status != 404 {
		t.Fatalf("end twice: %d %s", r.status, r.body)
	}
}

func TestCaseloadAPIRequestsAndSettings(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	advA := e.adviser(t, admin, "conseil@ml.fr")
	advB := e.adviser(t, admin, "conseil@cap.fr")
	cand := e.candidate(t, "awa@example.fr")

	r := e.api(t, "GET", "/api/v1/caseload/organisations", nil, cand.access)
	if r.status != 200 || !strings.Contains(string(r.body), advA.orgID) || !strings.Contains(string(r.body), advB.orgID) {
		t.Fatalf("organisations: %d %s", r.status, r.body)
	}
	r = e.api(t, "POST", "/api/v1/me/caseload/requests", map[string]string{"orgId": "ffffffffffffffffffffffff"}, cand.access)
	if code, ok := r.problem(t).field("orgId"); r.status != 422 || !ok || code != "caseload.org.unknown" {
		t.Fatalf("request to an unknown organisation: %d %s", r.status, r.body)
	}
	r = e.api(t, "POST", "/api/v1/me/caseload/requests", map[string]string{"orgId": advA.orgID}, cand.access)
	var req caseloadRequestJSON
	r.json(t, &req)
	if r.status != 201 || req.Status != "pending" || req.CandidateID != cand.id || req.OrgName == "" {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	if r := e.api(t, "POST", "/api/v1/me/caseload/requests", map[string]string{"orgId": advA.orgID}, cand.access); r.status != 409 {
		t.Fatalf("request twice: %d %s", r.status, r.body)
	}

	// The other organisation's adviser neither sees nor answers it.
	r = e.api(t, "GET", "/api/v1/caseload/requests", nil, advB.access)
	if r.status != 200 || strings.Contains(string(r.body), req.ID) {
		t.Fatalf("other organisation's requests: %d %s", r.status, r.body)
	}
	for _, verb := range []string{"accept", "decline"} {
		if r := e.api(t, "POST", "/api/v1/caseload/requests/"+req.ID+"/"+verb, nil, advB.access); r.status != 404 {
			t.Fatalf("other organisation %ss: %d %s", verb, r.status, r.body)
		}
	}
	r = e.api(t, "GET", "/api/v1/caseload/requests", nil, advA.access)
	if r.status != 200 || !strings.Contains(string(r.body), req.ID) {
		t.Fatalf("requests: %d %s", r.status, r.body)
	}
	if r := e.api(t, "POST", "/api/v1/caseload/requests/"+req.ID+"/accept", nil, advA.access); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/candidates/"+cand.id+"/profile", nil, advA.access); r.status != 200 {
		t.Fatalf("adviser reads the profile after accepting: %d %s", r.status, r.body)
	}
	if r := e.api(t, "POST", "/api/v1/caseload/requests/"+req.ID+"/accept", nil, advA.access); r.status != 409 {
		t.Fatalf("accept twice: %d %s", r.status, r.body)
	}

	// A declined request links nothing.
	r = e.api(t, "POST", "/api/v1/me/caseload/requests", map[string]string{"orgId": advB.orgID}, cand.access)
	r.json(t, &req)
	if r := e.api(t, "POST", "/api/v1/caseload/requests/"+req.ID+"/decline", nil, advB.access); r.status != 200 {
		t.Fatalf("decline: %d %s", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/candidates/"+cand.id+"/profile", nil, advB.access); r.status != 404 {
		t.Fatalf("declining adviser reads the profile: %d", r.status)
	}
	r = e.api(t, "GET", "/api/v1/me/caseload/requests", nil, cand.access)
	if r.status != 200 || !strings.Contains(string(r.body), `"status":"declined"`) || !strings.Contains(string(r.body), `"status":"accepted"`) {
		t.Fatalf("my requests: %d %s", r.status, r.body)
	}

	// The consent to applications on one's behalf.
	if r := e.api(t, "GET", "/api/v1/me/caseload/settings", nil, cand.access); r.status != 200 || !strings.Contains(string(r.body), `"adviserMayApply":false`) {
		t.Fatalf("settings: %d %s", r.status, r.body)
	}
	if r := e.api(t, "PUT", "/api/v1/me/caseload/settings", map[string]any{}, cand.access); r.status != 422 {
		t.Fatalf("settings without a value: %d %s", r.status, r.body)
	}
	if r := e.api(t, "PUT", "/api/v1/me/caseload/settings", map[string]any{"adviserMayApply": true}, cand.access); r.status != 200 || !strings.Contains(string(r.body), `"adviserMayApply":true`) {
		t.Fatalf("set settings: %d %s", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/me/caseload/settings", nil, cand.access); !strings.Contains(string(r.body), `"adviserMayApply":true`) {
		t.Fatalf("settings after set: %s", r.body)
	}
}

package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestCaseloadPagesJourney: an adviser invites a candidate on
// /caseload/requests, the candidate accepts on /account/advisers and sets
// the consent, the adviser sees them on /caseload with the chart and its
// table, then the candidate ends the link after a confirmation page.
func TestCaseloadPagesJourney(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	adv := e.adviser(t, admin, "conseil@ml.fr")
	cand := e.candidate(t, "awa@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	ab, cb := e.pageLogin(t, adv), e.pageLogin(t, cand)

	r := ab.do(t, "GET", "/caseload", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `href="/caseload" aria-current="page"`) {
		t.Fatalf("GET /caseload: %d, want the nav entry current", r.status)
	}
	// An invalid e-mail is shown beside the field, and nothing is sent.
	r = ab.post(t, "/caseload/requests", "/caseload/invitations", url.Values{"email": {"pas-une-adresse"}})
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-email-error"`) || !strings.Contains(string(r.body), `value="pas-une-adresse"`) {
		t.Fatalf("invalid invitation: %d %s", r.status, r.body)
	}
	r = ab.post(t, "/caseload/requests", "/caseload/invitations", url.Values{"email": {"awa@example.fr"}})
	if r.status != 303 || r.header.Get("Location") != "/caseload/requests" {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	r = ab.do(t, "GET", "/caseload/requests", nil)
	if !strings.Contains(string(r.body), "awa@example.fr") || !strings.Contains(string(r.body), `role="status"`) {
		t.Fatalf("requests page after inviting: %s", r.body)
	}
	r = ab.post(t, "/caseload/requests", "/caseload/invitations", url.Values{"email": {"awa@example.fr"}})
	if r.status != 409 || !strings.Contains(string(r.body), "déjà en attente") {
		t.Fatalf("invite twice: %d", r.status)
	}

	// The candidate's page lists the invitation; accepting links.
	r = cb.do(t, "GET", "/account/advisers", nil)
	m := regexp.MustCompile(`action="(/account/advisers/invitations/[0-9a-f]+/accept)"`).FindSubmatch(r.body)
	if r.status != 200 || m == nil || !strings.Contains(string(r.body), "Mission locale conseil@ml.fr") {
		t.Fatalf("advisers page: %d %s", r.status, r.body)
	}
	if r := cb.post(t, "/account/advisers", string(m[1]), url.Values{}); r.status != 303 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	r = cb.do(t, "GET", "/account/advisers", nil)
	end := "/account/advisers/links/" + adv.orgID + "/end"
	if !strings.Contains(string(r.body), `href="`+end+`"`) || !strings.Contains(string(r.body), "Invitation acceptée") {
		t.Fatalf("advisers page after accepting: %s", r.body)
	}
	if r := cb.post(t, "/account/advisers", "/account/advisers/settings", url.Values{"adviserMayApply": {"on"}}); r.status != 303 {
		t.Fatalf("settings: %d", r.status)
	}
	if r := cb.do(t, "GET", "/account/advisers", nil); !strings.Contains(string(r.body), `name="adviserMayApply" type="checkbox" checked`) {
		t.Fatalf("consent not shown as given: %s", r.body)
	}

	// The adviser's dashboard: the candidate, links to the adviser pages,
	// the chart (an image with a title and a description) and its table.
	r = ab.do(t, "GET", "/caseload", nil)
	if !strings.Contains(string(r.body), "Aucune candidature") {
		t.Fatalf("dashboard before any application: %s", r.body)
	}
	owner := e.employer(t, "owner@a.fr", "732829320")
	e.apply(t, cand, publishedGoOffer(t, e, owner), "")
	r = ab.do(t, "GET", "/caseload", nil)
	body := string(r.body)
	for _, want := range []string{"Awa Diallo", `href="/candidates/` + cand.id + `/profile"`, `href="/candidates/` + cand.id + `/matches"`,
		`<svg role="img" aria-labelledby="chart-title chart-desc"`, `<title id="chart-title">`, `<desc id="chart-desc">`,
		"<caption>Candidatures par statut", "<li>Reçue : 1</li>", "Personnes suivies : 1.",
		`<rect x="190" y="4" width="300"`, "1 candidatures au total. Reçue : 1, En cours d&#39;examen : 0"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if r := ab.do(t, "GET", "/caseload?q=zzz&inactive=1", nil); !strings.Contains(string(r.body), "Aucune personne ne correspond") ||
		!strings.Contains(string(r.body), `id="f-inactive" name="inactive" type="checkbox" value="1" checked`) {
		t.Fatalf("filtered dashboard: %s", r.body)
	}
	if r := ab.do(t, "GET", "/caseload?status=nonsense", nil); r.status != 422 || !strings.Contains(string(r.body), `id="f-status-error"`) {
		t.Fatalf("bad filter: %d", r.status)
	}
	if r := ab.do(t, "GET", "/caseload?lang=en", nil); !strings.Contains(string(r.body), "<h1>My caseload</h1>") {
		t.Fatalf("English dashboard: %s", r.body)
	}
	if r := ab.do(t, "GET", "/candidates/"+cand.id+"/profile", nil); r.status != 200 {
		t.Fatalf("adviser profile page: %d", r.status)
	}

	// Ending the link asks first, then the adviser loses the profile.
	if r := cb.do(t, "GET", end, nil); r.status != 200 || !strings.Contains(string(r.body), `action="`+end+`"`) {
		t.Fatalf("confirmation page: %d %s", r.status, r.body)
	}
	if r := cb.post(t, end, end, url.Values{}); r.status != 303 {
		t.Fatalf("end: %d %s", r.status, r.body)
	}
	if r := ab.do(t, "GET", "/candidates/"+cand.id+"/profile", nil); r.status != 404 {
		t.Fatalf("adviser profile page after the end: %d", r.status)
	}
	if r := cb.do(t, "GET", end, nil); r.status != 404 {
		t.Fatalf("confirmation page of an ended link: %d", r.status)
	}
}

// TestCaseloadPagesRequest: the candidate asks an organisation from the
// list; its adviser accepts on /caseload/requests.
func TestCaseloadPagesRequest(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	adv := e.adviser(t, admin, "conseil@ml.fr")
	cand := e.candidate(t, "awa@example.fr")
	ab, cb := e.pageLogin(t, adv), e.pageLogin(t, cand)

	r := cb.post(t, "/account/advisers", "/account/advisers/requests", url.Values{"orgId": {""}})
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-orgId-error"`) || !strings.Contains(string(r.body), `class="error-summary"`) {
		t.Fatalf("request without an organisation: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `<option value="`+adv.orgID+`">`) {
		t.Fatalf("the organisation is not offered: %s", r.body)
	}
	if r := cb.post(t, "/account/advisers", "/account/advisers/requests", url.Values{"orgId": {adv.orgID}}); r.status != 303 {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	r = cb.do(t, "GET", "/account/advisers", nil)
	if !strings.Contains(string(r.body), "En attente de réponse") || strings.Contains(string(r.body), `<option value="`+adv.orgID+`">`) {
		t.Fatalf("advisers page after the request: %s", r.body)
	}
	r = ab.do(t, "GET", "/caseload", nil)
	if !strings.Contains(string(r.body), "1 en attente") {
		t.Fatalf("dashboard does not say a request waits: %s", r.body)
	}
	r = ab.do(t, "GET", "/caseload/requests", nil)
	m := regexp.MustCompile(`action="(/caseload/requests/[0-9a-f]+/accept)"`).FindSubmatch(r.body)
	if m == nil || !strings.Contains(string(r.body), "Camille Martin") {
		t.Fatalf("requests page: %s", r.body)
	}
	if r := ab.post(t, "/caseload/requests", string(m[1]), url.Values{}); r.status != 303 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if r := ab.post(t, "/caseload/requests", string(m[1]), url.Values{}); r.status != 409 || !strings.Contains(string(r.body), "Une réponse a déjà été donnée") {
		t.Fatalf("accept twice: %d %s", r.status, r.body)
	}
	if r := ab.do(t, "GET", "/caseload", nil); !strings.Contains(string(r.body), `href="/candidates/`+cand.id+`/profile"`) {
		t.Fatalf("dashboard after accepting: %s", r.body)
	}
}

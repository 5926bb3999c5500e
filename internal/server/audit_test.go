package server_test

import (
	"net/url"
	"strings"
	"testing"
)

func init() {
	addMatrix(map[string][6]string{
		"GET /api/v1/me/profile/views": {deny, ok2xx, forb, forb, forb, forb},
		"GET /profile/views":           {deny, ok2xx, forb, forb, forb, forb},
	})
}

type profileViewsJSON struct {
	Items []struct {
		Organisation, OrgID, Role, Reason, ReasonLabel string
		ActorID                                        *string
	}
	Total int
}

func (e *testEnv) views(t *testing.T, c user) profileViewsJSON {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/me/profile/views", nil, c.access)
	if r.status != 200 {
		t.Fatalf("GET /me/profile/views: %d %s", r.status, r.body)
	}
	var v profileViewsJSON
	r.json(t, &v)
	return v
}

// Every opening of a candidate's data by an adviser or an employer leaves
// an entry the candidate reads: organisation, role, reason; the candidate's
// own reads leave none, and nobody else's trail shows.
func TestAuditTrailRecordsWhoOpened(t *testing.T) {
	w := newMatchWorld(t)
	e := w.e
	if v := e.views(t, w.followed); v.Total != 0 {
		t.Fatalf("trail before anyone looked: %+v", v)
	}
	// The candidate reading their own profile is not an access.
	if r := e.api(t, "GET", "/api/v1/me/profile", nil, w.followed.access); r.status != 200 {
		t.Fatal(r.status)
	}
	if r := e.api(t, "GET", "/api/v1/candidates/"+w.followed.id+"/profile", nil, w.followed.access); r.status != 200 {
		t.Fatal(r.status)
	}
	if v := e.views(t, w.followed); v.Total != 0 {
		t.Fatalf("own reads recorded: %+v", v)
	}

	// The adviser opens the profile, then the candidate's matches.
	if r := e.api(t, "GET", "/api/v1/candidates/"+w.followed.id+"/profile", nil, w.adviser.access); r.status != 200 {
		t.Fatalf("adviser reads the profile: %d", r.status)
	}
	if r := e.api(t, "GET", "/api/v1/candidates/"+w.followed.id+"/matches", nil, w.adviser.access); r.status != 200 {
		t.Fatalf("adviser reads the matches: %d", r.status)
	}
	v := e.views(t, w.followed)
	if v.Total != 2 || len(v.Items) != 2 {
		t.Fatalf("trail after the adviser: %+v", v)
	}
	for _, it := range v.Items {
		if it.Role != "adviser" || it.Reason != "caseload" || it.OrgID != w.adviser.orgID ||
			it.Organisation != "Mission locale adviser@ml.fr" || it.ReasonLabel == "" || it.ActorID != nil {
			t.Errorf("entry %+v", it)
		}
	}
	// A refused read (not in the caseload) shows nothing and records nothing.
	if r := e.api(t, "GET", "/api/v1/candidates/"+w.anonymous.id+"/profile", nil, w.adviser.access); r.status != 404 {
		t.Fatalf("adviser reads a profile outside the caseload: %d", r.status)
	}
	if v := e.views(t, w.anonymous); v.Total != 0 {
		t.Fatalf("refused read recorded: %+v", v)
	}

	// The employer's anonymised list of matches names no one: no entry.
	if r := e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.owner.access); r.status != 200 {
		t.Fatal(r.status)
	}
	if v := e.views(t, w.anonymous); v.Total != 0 {
		t.Fatalf("anonymous match list recorded: %+v", v)
	}
	// The adviser's list of the offer's candidates names the caseload: "match".
	if r := e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.adviser.access); r.status != 200 {
		t.Fatal(r.status)
	}
	if v := e.views(t, w.followed); v.Total != 3 || v.Items[0].Reason != "match" {
		t.Fatalf("after the adviser's offer list: %+v", v)
	}

	// The candidate applies; the employer lists the offer's applications.
	e.apply(t, w.followed, w.offerID, "Bonjour")
	if r := e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/applications", nil, w.owner.access); r.status != 200 {
		t.Fatal(r.status)
	}
	v = e.views(t, w.followed)
	if v.Total != 4 {
		t.Fatalf("after the employer: %+v", v)
	}
	if got := v.Items[0]; got.Role != "employer" || got.Reason != "application" || got.OrgID != w.owner.orgID || got.Organisation == "" {
		t.Errorf("newest entry %+v", got)
	}
	// Someone else's trail stays empty.
	if v := e.views(t, w.hidden); v.Total != 0 {
		t.Errorf("another candidate's trail: %+v", v)
	}
}

func TestProfileViewsPage(t *testing.T) {
	w := newMatchWorld(t)
	e := w.e
	if r := e.api(t, "GET", "/api/v1/candidates/"+w.followed.id+"/profile", nil, w.adviser.access); r.status != 200 {
		t.Fatal(r.status)
	}
	b := e.browser()
	if r := b.post(t, "/login", "/login", url.Values{"email": {w.followed.email}, "password": {w.followed.password}}); r.status != 303 {
		t.Fatalf("login: %d", r.status)
	}
	r := b.do(t, "GET", "/profile/views?lang=fr", nil)
	body := string(r.body)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, body)
	}
	for _, want := range []string{"Qui a consulté mon profil", "Mission locale adviser@ml.fr", "Conseiller", "Accompagnement par votre conseiller", "(1 au total)"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if r := b.do(t, "GET", "/profile?lang=fr", nil); !strings.Contains(string(r.body), `href="/profile/views"`) {
		t.Error("the profile page does not link to the trail")
	}
	r = b.do(t, "GET", "/profile/views?lang=en", nil)
	if body := string(r.body); !strings.Contains(body, "Who viewed my profile") || !strings.Contains(body, "Support by your adviser") {
		t.Errorf("English page: %s", body)
	}
}

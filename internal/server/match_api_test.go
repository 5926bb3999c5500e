package server_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"passerelle/internal/auth"
)

func init() {
	// Employers read their offers' candidates, anonymised; advisers read
	// the candidates of their caseload and the offers ranked for them;
	// candidates read their own offers. The matrix adviser follows the
	// candidate the :id routes address (matchMatrixParams).
	addMatrix(map[string][6]string{
		"GET /api/v1/offers/:id/matches":     {deny, forb, ok2xx, forb, ok2xx, forb},
		"GET /api/v1/me/matches":             {deny, ok2xx, forb, forb, forb, forb},
		"GET /api/v1/candidates/:id/matches": {deny, hide, hide, hide, ok2xx, forb},
		"GET /company/offers/:id/matches":    {deny, forb, ok2xx, forb, forb, forb},
		"GET /matches":                       {deny, ok2xx, forb, forb, forb, forb},
		"GET /candidates/:id/matches":        {deny, forb, forb, forb, ok2xx, forb},
	})
	// First in the list: the offer routes' filler would otherwise take
	// "offers/:id/matches" for one of its own.
	pathParams = append([]func(*matrixEnv, string) (string, bool){matchMatrixParams}, pathParams...)
}

// matchMatrixParams gives the matching routes a published offer of company
// A, and a candidate (not the matrix candidate, whose profile other routes
// keep out of every caseload) followed by the matrix adviser.
func matchMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	var id string
	switch route {
	case "GET /api/v1/offers/:id/matches", "GET /company/offers/:id/matches":
		id = m.once("match:offer", func() string { return publishedGoOffer(m.t, m.env, m.people["employer"]) })
	case "GET /api/v1/candidates/:id/matches", "GET /candidates/:id/matches":
		id = m.once("match:candidate", func() string {
			c := m.env.candidate(m.t, "followed@example.fr")
			m.env.goProfile(m.t, c, "Awa Diallo", "visible")
			m.env.follow(m.t, c, m.people["adviser"].orgID)
			return c.id
		})
	default:
		return "", false
	}
	return strings.Replace(path, ":id", id, 1), true
}

func identity(u user, role auth.Role) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: u.id, Role: role, OrgID: u.orgID, SessionID: "s"})
}

// publishedGoOffer creates and publishes, through the API, an offer of
// owner's company asking for Go and SQL (required) and Docker (learnable).
func publishedGoOffer(t *testing.T, e *testEnv, owner user) string {
	t.Helper()
	body := map[string]any{
		"title": "Développeur·se Go", "rome": "M1805", "description": "Une équipe de six personnes.",
		"skills": []map[string]any{
			{"code": "tag:go", "minLevel": 3, "mustHave": true},
			{"code": "tag:sql", "minLevel": 2, "mustHave": true},
			{"code": "tag:docker", "minLevel": 2, "learnable": true},
		},
		"contract": "cdi", "communeId": "44109", "remote": "hybrid",
		"startDate": time.Now().AddDate(0, 3, 0).Format("2006-01-02"),
	}
	r := e.api(t, "POST", "/api/v1/offers", body, owner.access)
	if r.status != 201 {
		t.Fatalf("create offer: %d %s", r.status, r.body)
	}
	var o struct{ ID string }
	r.json(t, &o)
	if r := e.api(t, "POST", "/api/v1/offers/"+o.ID+"/publish", nil, owner.access); r.status != 200 {
		t.Fatalf("publish offer: %d %s", r.status, r.body)
	}
	return o.ID
}

// goProfile writes c's profile through the API: Go and SQL held, Docker in
// a training that ends next month, in Rezé, with the given visibility and
// consent to be proposed.
func (e *testEnv) goProfile(t *testing.T, c user, name, visibility string) {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/me/profile", nil, c.access)
	if r.status != 200 {
		t.Fatalf("GET /me/profile: %d %s", r.status, r.body)
	}
	var p struct{ Revision int64 }
	r.json(t, &p)
	today := time.Now()
	body := map[string]any{
		"revision": p.Revision, "displayName": name, "headline": "En reconversion",
		"skills": []map[string]any{
			{"code": "tag:go", "level": 3, "evidence": "declared"},
			{"code": "tag:sql", "level": 2, "evidence": "experience"},
		},
		"trainings": []map[string]any{{
			"title": "Formation de " + name + " à l'école secrète", "provider": "AFPA", "status": "in_progress",
			"start": today.AddDate(0, -2, 0).Format("2006-01-02"), "end": today.AddDate(0, 1, 0).Format("2006-01-02"),
			"skills": []string{"tag:docker"},
		}},
		"communeId": "44143", "mobilityKm": 30, "remote": "hybrid",
		"visibility": visibility, "matchingConsent": true,
	}
	if r := e.api(t, "PUT", "/api/v1/me/profile", body, c.access); r.status != 200 {
		t.Fatalf("PUT /me/profile: %d %s", r.status, r.body)
	}
}

// follow puts c in the caseload of adviser organisation org, as c.
func (e *testEnv) follow(t *testing.T, c user, org string) {
	t.Helper()
	if _, err := e.profiles.LinkAdviser(identity(c, auth.RoleCandidate), c.id, org); err != nil {
		t.Fatal(err)
	}
}

// matchWorld is an offer of company A, three candidates who all hold its
// skills (one visible and followed by the adviser, one anonymous, one
// hidden and followed) and the people who read the lists.
type matchWorld struct {
	e                           *testEnv
	owner, other, adviser, adm  user
	followed, anonymous, hidden user
	offerID                     string
}

func newMatchWorld(t *testing.T) *matchWorld {
	e := newEnv(t)
	w := &matchWorld{e: e}
	w.adm = e.admin(t, "admin@passerelle.test")
	w.owner = e.employer(t, "owner@a.fr", "732829320")
	w.other = e.employer(t, "owner@b.fr", "552100554")
	w.adviser = e.adviser(t, w.adm, "adviser@ml.fr")
	w.followed = e.candidate(t, "awa@example.fr")
	w.anonymous = e.candidate(t, "bruno@example.fr")
	w.hidden = e.candidate(t, "chloe@example.fr")
	e.goProfile(t, w.followed, "Awa Diallo", "visible")
	e.goProfile(t, w.anonymous, "Bruno Leroy", "anonymous")
	e.goProfile(t, w.hidden, "Chloé Martin", "hidden")
	e.follow(t, w.followed, w.adviser.orgID)
	e.follow(t, w.hidden, w.adviser.orgID)
	w.offerID = publishedGoOffer(t, e, w.owner)
	return w
}

type candidateMatchesJSON struct {
	Offer struct {
		ID, Title, Status string
	}
	K, Offset    int
	More         bool
	CaseloadOnly bool
	Results      []struct {
		Rank        int
		Score       float64
		Anonymous   bool
		Pseudonym   string
		CandidateID string
		Name        string
		Commune     string
		Explanation struct {
			Summary string
			Skills  []struct {
				Code, Label, Status string
				Evidence            *struct{ Source, Training, TrainingEnd string }
			}
		}
	}
}

type offerMatchesJSON struct {
	CandidateID    string
	ProfileIndexed bool
	More           bool
	Results        []struct {
		Rank  int
		Score float64
		Offer struct {
			ID, Title, Commune, Contract string
		}
		Explanation struct{ Summary string }
	}
	LearnNext []struct {
		Skill  struct{ Code, Label string }
		Offers int
	}
}

var pseudonymRE = regexp.MustCompile(`^Profil [0-9A-F]{6}$`)

func TestEmployerSeesAnonymisedCandidates(t *testing.T) {
	w := newMatchWorld(t)
	r := w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.owner.access)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	body := string(r.body)
	for _, secret := range []string{"Awa", "Diallo", "Bruno", "Leroy", "Chloé", "awa@example.fr", "bruno@example.fr", "école secrète",
		w.followed.id, w.anonymous.id, w.hidden.id, `"candidateId"`, `"name"`} {
		if strings.Contains(body, secret) {
			t.Errorf("the employer's list contains %q:\n%s", secret, body)
		}
	}
	var page candidateMatchesJSON
	r.json(t, &page)
	if len(page.Results) != 2 || page.CaseloadOnly || page.K != 50 || page.Offer.ID != w.offerID {
		t.Fatalf("page %+v", page)
	}
	seen := map[string]bool{}
	for i, c := range page.Results {
		if !c.Anonymous || !pseudonymRE.MatchString(c.Pseudonym) || c.Commune != "Rezé" || c.Rank != i+1 || c.Score <= 0 {
			t.Errorf("result %+v", c)
		}
		seen[c.Pseudonym] = true
		if !strings.HasPrefix(c.Explanation.Summary, "2 compétences sur 3") {
			t.Errorf("summary %q", c.Explanation.Summary)
		}
		for _, s := range c.Explanation.Skills {
			if s.Code == "tag:docker" && (s.Status != "partial" || s.Evidence == nil || s.Evidence.Source != "training" || s.Evidence.Training != "" || s.Evidence.TrainingEnd == "") {
				t.Errorf("docker: %+v %+v", s, s.Evidence)
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("pseudonyms collide: %v", seen)
	}

	// Stable: asked again, in English, the same people under the same
	// names.
	r = w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches?lang=en", nil, w.owner.access)
	var en candidateMatchesJSON
	r.json(t, &en)
	for _, c := range en.Results {
		if !seen["Profil "+strings.TrimPrefix(c.Pseudonym, "Profile ")] || !strings.HasPrefix(c.Explanation.Summary, "2 of 3 skills") {
			t.Errorf("English result %+v", c)
		}
	}

	// Another company may see the offer, not its candidates; a candidate
	// neither.
	if r := w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.other.access); r.status != 403 {
		t.Errorf("other company: %d", r.status)
	}
	if r := w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.followed.access); r.status != 403 {
		t.Errorf("candidate: %d", r.status)
	}
	if r := w.e.api(t, "GET", "/api/v1/offers/0123456789abcdef01234567/matches", nil, w.owner.access); r.status != 404 {
		t.Errorf("unknown offer: %d", r.status)
	}
}

func TestAdviserSeesOnlyTheCaseload(t *testing.T) {
	w := newMatchWorld(t)
	r := w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.adviser.access)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var page candidateMatchesJSON
	r.json(t, &page)
	// Awa is followed and visible; Chloé is followed but hidden; Bruno is
	// not followed.
	if len(page.Results) != 1 || !page.CaseloadOnly {
		t.Fatalf("page %+v", page)
	}
	c := page.Results[0]
	if c.Anonymous || c.CandidateID != w.followed.id || c.Name != "Awa Diallo" || c.Pseudonym != "" {
		t.Fatalf("result %+v", c)
	}
	trained := false
	for _, s := range c.Explanation.Skills {
		trained = trained || (s.Evidence != nil && strings.Contains(s.Evidence.Training, "école secrète"))
	}
	if !trained {
		t.Errorf("the adviser does not read the training: %s", r.body)
	}

	// The offers ranked for a followed candidate.
	r = w.e.api(t, "GET", "/api/v1/candidates/"+w.followed.id+"/matches", nil, w.adviser.access)
	var offers offerMatchesJSON
	r.json(t, &offers)
	if r.status != 200 || len(offers.Results) != 1 || offers.Results[0].Offer.ID != w.offerID || offers.CandidateID != w.followed.id {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for who, want := range map[string]int{"employer": 404, "other candidate": 404, "admin": 403, "self": 200} {
		tok := map[string]string{"employer": w.owner.access, "other candidate": w.anonymous.access, "admin": w.adm.access, "self": w.followed.access}[who]
		if r := w.e.api(t, "GET", "/api/v1/candidates/"+w.followed.id+"/matches", nil, tok); r.status != want {
			t.Errorf("%s: %d, want %d", who, r.status, want)
		}
	}
	if r := w.e.api(t, "GET", "/api/v1/candidates/"+w.anonymous.id+"/matches", nil, w.adviser.access); r.status != 404 {
		t.Errorf("candidate outside the caseload: %d", r.status)
	}
}

func TestCandidateSeesOwnOffers(t *testing.T) {
	w := newMatchWorld(t)
	r := w.e.api(t, "GET", "/api/v1/me/matches?lang=en", nil, w.anonymous.access)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var page offerMatchesJSON
	r.json(t, &page)
	if !page.ProfileIndexed || len(page.Results) != 1 || page.Results[0].Offer.Title != "Développeur·se Go" || page.Results[0].Offer.Commune != "Nantes" {
		t.Fatalf("%s", r.body)
	}
	if s := page.Results[0].Explanation.Summary; s != "2 of 3 skills, 1 partly" {
		t.Errorf("summary %q", s)
	}

	// A candidate who never saved a profile: an empty list that says so.
	fresh := w.e.candidate(t, "new@example.fr")
	r = w.e.api(t, "GET", "/api/v1/me/matches", nil, fresh.access)
	r.json(t, &page)
	if r.status != 200 || page.ProfileIndexed || len(page.Results) != 0 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := w.e.api(t, "GET", "/api/v1/me/matches", nil, w.owner.access); r.status != 403 {
		t.Errorf("employer: %d", r.status)
	}

	// Closing the offer takes it out of every list at once.
	if r := w.e.api(t, "POST", "/api/v1/offers/"+w.offerID+"/close", map[string]string{"reason": "filled"}, w.owner.access); r.status != 200 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	r = w.e.api(t, "GET", "/api/v1/me/matches", nil, w.anonymous.access)
	r.json(t, &page)
	if len(page.Results) != 0 {
		t.Errorf("closed offer still listed: %s", r.body)
	}
	if r := w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.owner.access); r.status != 409 || r.problem(t).Code != "conflict" {
		t.Errorf("candidates of a closed offer: %d %s", r.status, r.body)
	}
}

func TestMatchQueryValidation(t *testing.T) {
	w := newMatchWorld(t)
	for _, tc := range []struct{ query, field string }{
		{"k=0", "k"}, {"k=201", "k"}, {"k=ten", "k"}, {"offset=-1", "offset"},
		{"offset=990&k=50", "offset"}, {"lang=de", "lang"},
	} {
		r := w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches?"+tc.query, nil, w.owner.access)
		if r.status != 422 {
			t.Errorf("%s: %d %s", tc.query, r.status, r.body)
			continue
		}
		if _, ok := r.problem(t).field(tc.field); !ok {
			t.Errorf("%s: no error on %s: %s", tc.query, tc.field, r.body)
		}
	}
	// Paging: one result per page, in the order of the full list.
	var all, p1, p2 candidateMatchesJSON
	w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.owner.access).json(t, &all)
	w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches?k=1", nil, w.owner.access).json(t, &p1)
	w.e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches?k=1&offset=1", nil, w.owner.access).json(t, &p2)
	if !p1.More || p2.More || p1.Results[0].Pseudonym != all.Results[0].Pseudonym || p2.Results[0].Pseudonym != all.Results[1].Pseudonym || p2.Results[0].Rank != 2 {
		t.Errorf("paging: %+v / %+v / %+v", all, p1, p2)
	}
}

// TestMatchPages: the three pages list and explain without JavaScript, in
// both languages, and the employer's names nobody.
func TestMatchPages(t *testing.T) {
	w := newMatchWorld(t)
	login := func(u user) *browser {
		b := w.e.browser()
		if r := b.post(t, "/login", "/login", url.Values{"email": {u.email}, "password": {u.password}}); r.status != 303 {
			t.Fatalf("login %s: %d", u.email, r.status)
		}
		return b
	}
	noRawKeys := func(t *testing.T, body string) {
		t.Helper()
		if m := regexp.MustCompile(`(match|error)\.[a-z_]+\.?[a-z_]*`).FindString(body); m != "" && !strings.Contains(m, "matches") {
			t.Errorf("page shows the message key %q", m)
		}
	}

	employer := login(w.owner)
	r := employer.do(t, "GET", "/company/offers/"+w.offerID+"/matches", nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "<details>") || !strings.Contains(body, "Profils pour « Développeur·se Go »") {
		t.Fatalf("%d %s", r.status, body)
	}
	if n := len(regexp.MustCompile(`<h2>Profil [0-9A-F]{6}</h2>`).FindAllString(body, -1)); n != 2 {
		t.Errorf("%d anonymous profiles listed, want 2", n)
	}
	for _, secret := range []string{"Awa", "Bruno", "Chloé", "école secrète", w.followed.id} {
		if strings.Contains(body, secret) {
			t.Errorf("the employer's page shows %q", secret)
		}
	}
	for _, want := range []string{"Compétences couvertes", "Compétences en partie couvertes", "une formation en cours, fin le", "s&#39;apprend en poste", "Rezé"} {
		if !strings.Contains(body, want) {
			t.Errorf("the employer's page lacks %q", want)
		}
	}
	noRawKeys(t, body)
	r = employer.do(t, "GET", "/company/offers/"+w.offerID+"/matches?lang=en", nil)
	if body := string(r.body); r.status != 200 || !strings.Contains(body, "Why this rank?") || !strings.Contains(body, "Profile ") {
		t.Errorf("English page: %d", r.status)
	}

	cand := login(w.anonymous)
	r = cand.do(t, "GET", "/matches", nil)
	body = string(r.body)
	if r.status != 200 || !strings.Contains(body, `href="/offers/`+w.offerID+`"`) || !strings.Contains(body, "Formation de Bruno Leroy") || !strings.Contains(body, "Adéquation :") {
		t.Fatalf("candidate page: %d %s", r.status, body)
	}
	noRawKeys(t, body)

	adv := login(w.adviser)
	r = adv.do(t, "GET", "/candidates/"+w.followed.id+"/matches", nil)
	body = string(r.body)
	if r.status != 200 || !strings.Contains(body, "Offres pour Awa Diallo") || !strings.Contains(body, "Développeur·se Go") {
		t.Fatalf("adviser page: %d %s", r.status, body)
	}
	noRawKeys(t, body)
	if r := adv.do(t, "GET", "/candidates/"+w.anonymous.id+"/matches", nil); r.status != 404 {
		t.Errorf("adviser, candidate outside the caseload: %d", r.status)
	}

	// A closed offer: a page that says so.
	if r := w.e.api(t, "POST", "/api/v1/offers/"+w.offerID+"/close", map[string]string{"reason": "filled"}, w.owner.access); r.status != 200 {
		t.Fatalf("close: %d", r.status)
	}
	r = employer.do(t, "GET", "/company/offers/"+w.offerID+"/matches?lang=fr", nil)
	if r.status != 409 || !strings.Contains(string(r.body), "Offre clôturée") {
		t.Errorf("closed offer page: %d", r.status)
	}
	// A candidate without a profile is told how to get a list.
	fresh := login(w.e.candidate(t, "new@example.fr"))
	r = fresh.do(t, "GET", "/matches", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `href="/profile/edit"`) {
		t.Errorf("empty list page: %d %s", r.status, r.body)
	}
}

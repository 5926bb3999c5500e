package server_test

import (
	"net/url"
	"strings"
	"testing"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
)

func init() {
	// Advisers of the candidate's caseload review matches, apply for the
	// candidate (with their consent) and validate skills; the candidate,
	// their advisers and admins read the reviews. The matrix adviser
	// follows the candidate the routes address (reviewMatrixParams).
	addMatrix(map[string][6]string{
		"GET /api/v1/candidates/:id/reviews":                    {deny, hide, hide, hide, ok2xx, ok2xx},
		"POST /api/v1/candidates/:id/reviews":                   {deny, forb, forb, forb, ok2xx, forb},
		"POST /api/v1/candidates/:id/applications":              {deny, forb, forb, forb, ok2xx, forb},
		"POST /api/v1/candidates/:id/skills/:code/validation":   {deny, forb, forb, forb, ok2xx, forb},
		"DELETE /api/v1/candidates/:id/skills/:code/validation": {deny, forb, forb, forb, ok2xx, forb},
		"POST /candidates/:id/reviews":                          {deny, forb, forb, forb, ok, forb},
		"POST /candidates/:id/applications":                     {deny, forb, forb, forb, ok, forb},
		"POST /candidates/:id/skills/validation":                {deny, forb, forb, forb, ok, forb},
		"POST /candidates/:id/skills/validation/withdraw":       {deny, forb, forb, forb, ok, forb},
	})
	pathParams = append([]func(*matrixEnv, string) (string, bool){reviewMatrixParams}, pathParams...)
	matrixBodies["POST /api/v1/candidates/:id/reviews"] = func(m *matrixEnv, _ string) any {
		return map[string]string{"offerId": reviewMatrixOffer(m), "decision": "endorsed", "note": "Très motivée."}
	}
	matrixBodies["POST /api/v1/candidates/:id/applications"] = func(m *matrixEnv, _ string) any {
		return map[string]string{"offerId": reviewMatrixOffer(m), "message": "Bonjour"}
	}
	matrixBodies["POST /api/v1/candidates/:id/skills/:code/validation"] = func(*matrixEnv, string) any {
		return map[string]string{"kind": "immersion"}
	}
}

// reviewMatrixParams gives the review routes a candidate followed by the
// matrix adviser, who allowed their advisers to apply for them.
func reviewMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	if !strings.HasPrefix(path, "/api/v1/candidates/:id/reviews") && !strings.HasPrefix(path, "/api/v1/candidates/:id/applications") &&
		!strings.HasPrefix(path, "/api/v1/candidates/:id/skills/") && !strings.HasPrefix(path, "/candidates/:id/reviews") &&
		!strings.HasPrefix(path, "/candidates/:id/applications") && !strings.HasPrefix(path, "/candidates/:id/skills/") {
		return "", false
	}
	id := m.once("review:candidate", func() string {
		c := m.env.candidate(m.t, "reviewed@example.fr")
		m.env.goProfile(m.t, c, "Inès Moreau", "anonymous")
		m.env.follow(m.t, c, m.people["adviser"].orgID)
		m.env.consentToApply(m.t, c)
		return c.id
	})
	path = strings.Replace(path, ":id", id, 1)
	return strings.Replace(path, ":code", "tag:go", 1), true
}

func reviewMatrixOffer(m *matrixEnv) string {
	return m.once("review:offer", func() string { return publishedGoOffer(m.t, m.env, m.people["employer"]) })
}

// consentToApply lets c's advisers apply for c, as c.
func (e *testEnv) consentToApply(t *testing.T, c user) {
	t.Helper()
	if _, err := e.apps.SetAdviserMayApply(identity(c, auth.RoleCandidate), true); err != nil {
		t.Fatal(err)
	}
}

// skillsProfile rewrites c's skills through the API, keeping the rest.
func (e *testEnv) skillsProfile(t *testing.T, c user, name string, skills []map[string]any) {
	t.Helper()
	e.goProfile(t, c, name, "anonymous")
	r := e.api(t, "GET", "/api/v1/me/profile", nil, c.access)
	var p struct{ Revision int64 }
	r.json(t, &p)
	body := map[string]any{
		"revision": p.Revision, "displayName": name, "skills": skills,
		"communeId": "44143", "mobilityKm": 30, "remote": "hybrid", "visibility": "anonymous", "matchingConsent": true,
	}
	if r := e.api(t, "PUT", "/api/v1/me/profile", body, c.access); r.status != 200 {
		t.Fatalf("PUT /me/profile: %d %s", r.status, r.body)
	}
}

type recommendedMatchesJSON struct {
	Results []struct {
		Rank            int
		Score           float64
		Pseudonym       string
		CandidateID     string
		Name            string
		Recommended     bool
		Recommendations []struct{ Organisation, Note string }
	}
}

func (e *testEnv) offerMatches(t *testing.T, offerID string, u user) recommendedMatchesJSON {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/offers/"+offerID+"/matches", nil, u.access)
	if r.status != 200 {
		t.Fatalf("GET offer matches: %d %s", r.status, r.body)
	}
	var out recommendedMatchesJSON
	r.json(t, &out)
	return out
}

type reviewJSON struct {
	CandidateID, OfferID, OrganisationID, OrganisationName, Decision, DecisionLabel, Note string
}

// reviewWorld is an offer of company A with three candidates: two who
// score the same (tie, tie2) and one who scores higher (best); the adviser
// follows the tied candidate that ranks second among the two.
type reviewWorld struct {
	e                      *testEnv
	owner, adviser, adm    user
	best, first, second    user
	offerID, secondName    string
	bestScore, equalScore  float64
	firstPseudo, secondPsd string
}

func newReviewWorld(t *testing.T) *reviewWorld {
	e := newEnv(t)
	w := &reviewWorld{e: e}
	w.adm = e.admin(t, "admin@passerelle.test")
	w.owner = e.employer(t, "owner@a.fr", "732829320")
	w.adviser = e.adviser(t, w.adm, "adviser@ml.fr")
	a, b := e.candidate(t, "awa@example.fr"), e.candidate(t, "bruno@example.fr")
	e.goProfile(t, a, "Awa Diallo", "anonymous")
	e.goProfile(t, b, "Bruno Leroy", "anonymous")
	w.best = e.candidate(t, "chloe@example.fr")
	e.skillsProfile(t, w.best, "Chloé Martin", []map[string]any{
		{"code": "tag:go", "level": 4, "evidence": "experience"}, {"code": "tag:sql", "level": 3, "evidence": "experience"},
		{"code": "tag:docker", "level": 3, "evidence": "experience"}})
	w.offerID = publishedGoOffer(t, e, w.owner)
	// Equal scores rank by id: the larger id comes second.
	w.first, w.second, w.secondName = a, b, "Bruno Leroy"
	if a.id > b.id {
		w.first, w.second, w.secondName = b, a, "Awa Diallo"
	}
	e.follow(t, w.second, w.adviser.orgID)
	m := e.offerMatches(t, w.offerID, w.owner)
	if len(m.Results) != 3 {
		t.Fatalf("offer matches: %+v, want 3 results", m.Results)
	}
	if m.Results[0].Score <= m.Results[1].Score || m.Results[1].Score != m.Results[2].Score {
		t.Fatalf("scores %v, %v, %v: want one best then a tie", m.Results[0].Score, m.Results[1].Score, m.Results[2].Score)
	}
	w.bestScore, w.equalScore = m.Results[0].Score, m.Results[1].Score
	w.firstPseudo, w.secondPsd = m.Results[1].Pseudonym, m.Results[2].Pseudonym
	for _, r := range m.Results {
		if r.Recommended || len(r.Recommendations) > 0 {
			t.Fatalf("nobody is recommended yet: %+v", r)
		}
	}
	return w
}

func (w *reviewWorld) review(t *testing.T, decision, note string) response {
	t.Helper()
	return w.e.api(t, "POST", "/api/v1/candidates/"+w.second.id+"/reviews",
		map[string]string{"offerId": w.offerID, "decision": decision, "note": note}, w.adviser.access)
}

func TestEndorsementRanksAboveAnEqualScoreOnly(t *testing.T) {
	w := newReviewWorld(t)
	e := w.e
	const note = "Immersion réussie de deux semaines, très autonome."
	r := w.review(t, "endorsed", note)
	if r.status != 200 {
		t.Fatalf("endorse: %d %s", r.status, r.body)
	}
	var rv reviewJSON
	r.json(t, &rv)
	if rv.Decision != "endorsed" || rv.Note != note || rv.OrganisationID != w.adviser.orgID || rv.OrganisationName != "Mission locale adviser@ml.fr" {
		t.Fatalf("review answered %+v", rv)
	}

	r = e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.owner.access)
	m := recommendedMatchesJSON{}
	r.json(t, &m)
	got := m.Results
	if len(got) != 3 || got[0].Score != w.bestScore {
		t.Fatalf("the best score stays first: %+v", got)
	}
	if got[1].Pseudonym != w.secondPsd || !got[1].Recommended || got[1].Score != w.equalScore {
		t.Fatalf("rank 2 is %+v, want the endorsed candidate %s (equal score %v)", got[1], w.secondPsd, w.equalScore)
	}
	if len(got[1].Recommendations) != 1 || got[1].Recommendations[0].Organisation != "Mission locale adviser@ml.fr" || got[1].Recommendations[0].Note != note {
		t.Errorf("recommendations: %+v", got[1].Recommendations)
	}
	if got[2].Pseudonym != w.firstPseudo || got[2].Recommended || got[0].Recommended {
		t.Errorf("others: %+v and %+v", got[0], got[2])
	}
	// Still anonymous.
	body := string(r.body)
	for _, leak := range []string{w.second.id, w.secondName, w.adviser.id} {
		if strings.Contains(body, leak) {
			t.Errorf("the employer's list reveals %q", leak)
		}
	}
	if got[1].CandidateID != "" || got[1].Name != "" {
		t.Errorf("endorsed candidate not anonymous: %+v", got[1])
	}

	t.Run("paging keeps the order", func(t *testing.T) {
		r := e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches?k=1&offset=1", nil, w.owner.access)
		var p recommendedMatchesJSON
		r.json(t, &p)
		if len(p.Results) != 1 || p.Results[0].Pseudonym != w.secondPsd {
			t.Errorf("second page of one: %+v", p.Results)
		}
	})

	t.Run("reviews read by the adviser, the candidate and nobody else", func(t *testing.T) {
		for _, u := range []user{w.adviser, w.second, w.adm} {
			r := e.api(t, "GET", "/api/v1/candidates/"+w.second.id+"/reviews", nil, u.access)
			var l struct{ Items []reviewJSON }
			r.json(t, &l)
			if r.status != 200 || len(l.Items) != 1 || l.Items[0].OfferID != w.offerID {
				t.Errorf("GET reviews as %s: %d %s", u.email, r.status, r.body)
			}
		}
		for _, u := range []user{w.first, w.owner} {
			if r := e.api(t, "GET", "/api/v1/candidates/"+w.second.id+"/reviews", nil, u.access); r.status != 404 {
				t.Errorf("GET reviews as %s: %d, want 404", u.email, r.status)
			}
		}
	})

	t.Run("an adviser outside the caseload cannot review", func(t *testing.T) {
		other := e.adviser(t, w.adm, "other@ml.fr")
		r := e.api(t, "POST", "/api/v1/candidates/"+w.first.id+"/reviews",
			map[string]string{"offerId": w.offerID, "decision": "endorsed"}, other.access)
		if r.status != 404 {
			t.Errorf("review outside the caseload: %d %s", r.status, r.body)
		}
		r = e.api(t, "POST", "/api/v1/candidates/"+w.second.id+"/reviews",
			map[string]string{"offerId": w.offerID, "decision": "maybe"}, w.adviser.access)
		if p := r.problem(t); r.status != 422 {
			t.Errorf("bad decision: %d %+v", r.status, p)
		} else if _, ok := p.field("decision"); !ok {
			t.Errorf("bad decision: no error on the field: %+v", p)
		}
	})

	t.Run("setting aside removes the recommendation", func(t *testing.T) {
		if r := w.review(t, "rejected", "Trop loin finalement."); r.status != 200 {
			t.Fatalf("reject: %d %s", r.status, r.body)
		}
		m := e.offerMatches(t, w.offerID, w.owner)
		if m.Results[1].Pseudonym != w.firstPseudo || m.Results[1].Recommended || m.Results[2].Recommended {
			t.Errorf("after setting aside: %+v", m.Results)
		}
		if strings.Contains(string(e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/matches", nil, w.owner.access).body), "Trop loin") {
			t.Error("a rejection's note reaches the employer")
		}
	})

	t.Run("leaving the caseload ends the recommendation", func(t *testing.T) {
		if r := w.review(t, "endorsed", note); r.status != 200 {
			t.Fatalf("endorse again: %d %s", r.status, r.body)
		}
		if m := e.offerMatches(t, w.offerID, w.owner); !m.Results[1].Recommended {
			t.Fatalf("endorsed again: %+v", m.Results)
		}
		if _, err := e.profiles.UnlinkAdviser(identity(w.second, auth.RoleCandidate), w.second.id, w.adviser.orgID); err != nil {
			t.Fatal(err)
		}
		m := e.offerMatches(t, w.offerID, w.owner)
		if m.Results[1].Pseudonym != w.firstPseudo || m.Results[2].Recommended {
			t.Errorf("after leaving the caseload: %+v", m.Results)
		}
	})
}

func TestAdviserAppliesOnBehalf(t *testing.T) {
	w := newReviewWorld(t)
	e := w.e
	path := "/api/v1/candidates/" + w.second.id + "/applications"
	body := map[string]string{"offerId": w.offerID, "message": "Je vous recommande cette personne."}

	r := e.api(t, "POST", path, body, w.adviser.access)
	if r.status != 403 {
		t.Fatalf("without consent: %d %s, want 403", r.status, r.body)
	}
	if p := r.problem(t); !strings.Contains(p.Detail, "n'a pas autorisé ses conseillers") {
		t.Errorf("without consent: detail %q does not say why", p.Detail)
	}

	e.consentToApply(t, w.second)
	r = e.api(t, "POST", path, body, w.adviser.access)
	if r.status != 201 {
		t.Fatalf("with consent: %d %s", r.status, r.body)
	}
	var a applicationJSON
	r.json(t, &a)
	if a.Status != "received" || a.OfferID != w.offerID || a.Message != body["message"] {
		t.Errorf("application: %+v", a)
	}
	if r := e.api(t, "POST", path, body, w.adviser.access); r.status != 409 {
		t.Errorf("twice: %d %s, want 409", r.status, r.body)
	}
	// The candidate finds it among their applications.
	r = e.api(t, "GET", "/api/v1/me/applications", nil, w.second.access)
	var mine applicationPageJSON
	r.json(t, &mine)
	if mine.Total != 1 || mine.Items[0].OfferID != w.offerID {
		t.Errorf("the candidate's applications: %+v", mine)
	}
	// Outside the caseload, and bad input.
	if r := e.api(t, "POST", "/api/v1/candidates/"+w.first.id+"/applications", body, w.adviser.access); r.status != 404 {
		t.Errorf("outside the caseload: %d %s, want 404", r.status, r.body)
	}
	if r := e.api(t, "POST", path, map[string]string{"message": "x"}, w.adviser.access); r.status != 422 {
		t.Errorf("without an offer: %d %s, want 422", r.status, r.body)
	}
}

type validationJSON struct {
	CandidateID string
	Skill       struct {
		Code, Evidence, ValidatedBy, ValidatedByName, ValidationKind, ValidationKindLabel string
	}
}

// adviserScore is the score of offerID among the offers ranked for
// candidateID, as the adviser reads them.
func (e *testEnv) adviserScore(t *testing.T, adviser user, candidateID, offerID string) float64 {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/candidates/"+candidateID+"/matches", nil, adviser.access)
	var m offerMatchesJSON
	r.json(t, &m)
	for _, res := range m.Results {
		if res.Offer.ID == offerID {
			return res.Score
		}
	}
	t.Fatalf("offer %s not among the candidate's matches: %s", offerID, r.body)
	return 0
}

func TestSkillValidation(t *testing.T) {
	w := newReviewWorld(t)
	e := w.e
	c := w.second
	path := "/api/v1/candidates/" + c.id + "/skills/tag:go/validation"
	before := e.adviserScore(t, w.adviser, c.id, w.offerID)

	r := e.api(t, "POST", path, map[string]string{"kind": "immersion"}, w.adviser.access)
	if r.status != 200 {
		t.Fatalf("validate: %d %s", r.status, r.body)
	}
	var v validationJSON
	r.json(t, &v)
	if v.Skill.Evidence != "adviser-validated" || v.Skill.ValidatedBy != w.adviser.orgID || v.Skill.ValidatedByName != "Mission locale adviser@ml.fr" ||
		v.Skill.ValidationKind != "immersion" || v.Skill.ValidationKindLabel != "Immersion en entreprise" {
		t.Errorf("validated skill: %+v", v.Skill)
	}
	// The matching index heard the write: the score for an offer
	// requiring Go rises.
	after := e.adviserScore(t, w.adviser, c.id, w.offerID)
	if after <= before {
		t.Errorf("score %v after validation, %v before: want higher", after, before)
	}
	// The employer's list too: the validated candidate now outscores the
	// one they tied with.
	scores := map[string]float64{}
	for _, r := range e.offerMatches(t, w.offerID, w.owner).Results {
		scores[r.Pseudonym] = r.Score
	}
	if scores[w.secondPsd] <= scores[w.firstPseudo] {
		t.Errorf("validated %s scores %v, the other %s %v: want higher", w.secondPsd, scores[w.secondPsd], w.firstPseudo, scores[w.firstPseudo])
	}

	t.Run("the candidate reads who validated it", func(t *testing.T) {
		r := e.api(t, "GET", "/api/v1/me/profile", nil, c.access)
		if !strings.Contains(string(r.body), `"evidence":"adviser-validated"`) {
			t.Errorf("profile: %s", r.body)
		}
	})

	t.Run("only an adviser of the caseload validates", func(t *testing.T) {
		if r := e.api(t, "POST", path, map[string]string{"kind": "immersion"}, c.access); r.status != 403 {
			t.Errorf("the candidate through the API: %d, want 403", r.status)
		}
		_, err := e.profiles.ValidateSkill(identity(c, auth.RoleCandidate), c.id, "tag:sql", candidate.ValidationImmersion)
		if passerelle.ErrorCode(err) != passerelle.EFORBIDDEN {
			t.Errorf("the candidate through the service: %v, want EFORBIDDEN", err)
		}
		// Nor through their profile form: a new validated skill is refused.
		pr := e.api(t, "GET", "/api/v1/me/profile", nil, c.access)
		var p struct{ Revision int64 }
		pr.json(t, &p)
		r := e.api(t, "PUT", "/api/v1/me/profile", map[string]any{"revision": p.Revision, "displayName": w.secondName,
			"skills":     []map[string]any{{"code": "tag:go", "level": 3, "evidence": "declared"}, {"code": "tag:sql", "level": 2, "evidence": "adviser-validated"}},
			"visibility": "anonymous", "matchingConsent": true}, c.access)
		if r.status != 422 || !strings.Contains(string(r.body), "adviser_only") {
			t.Errorf("self-validation through the profile: %d %s", r.status, r.body)
		}
		other := e.adviser(t, w.adm, "other@ml.fr")
		if r := e.api(t, "POST", path, map[string]string{"kind": "immersion"}, other.access); r.status != 404 {
			t.Errorf("an adviser outside the caseload: %d, want 404", r.status)
		}
		if r := e.api(t, "POST", path, map[string]string{"kind": "immersion"}, w.owner.access); r.status != 403 {
			t.Errorf("an employer: %d, want 403", r.status)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		r := e.api(t, "POST", path, map[string]string{"kind": "horoscope"}, w.adviser.access)
		if p := r.problem(t); r.status != 422 {
			t.Errorf("unknown kind: %d %+v", r.status, p)
		} else if _, ok := p.field("kind"); !ok {
			t.Errorf("unknown kind: %+v", p)
		}
		if r := e.api(t, "POST", "/api/v1/candidates/"+c.id+"/skills/tag:rust/validation", map[string]string{"kind": "immersion"}, w.adviser.access); r.status != 404 {
			t.Errorf("a skill not held: %d %s", r.status, r.body)
		}
	})

	t.Run("withdrawing restores the evidence and the score", func(t *testing.T) {
		r := e.api(t, "DELETE", "/api/v1/candidates/"+c.id+"/skills/tag%3Ago/validation", nil, w.adviser.access)
		var v validationJSON
		r.json(t, &v)
		if r.status != 200 || v.Skill.Evidence != "declared" || v.Skill.ValidatedBy != "" {
			t.Fatalf("withdraw: %d %s", r.status, r.body)
		}
		if got := e.adviserScore(t, w.adviser, c.id, w.offerID); got != before {
			t.Errorf("score %v after withdrawal, want %v", got, before)
		}
	})
}

// ---- Pages ----

func TestReviewPages(t *testing.T) {
	w := newReviewWorld(t)
	e := w.e
	adv := e.pageLogin(t, w.adviser)
	matches := "/candidates/" + w.second.id + "/matches"

	r := adv.do(t, "GET", matches, nil)
	page := string(r.body)
	for _, want := range []string{"Votre avis de conseiller", `action="/candidates/` + w.second.id + `/reviews"`, `value="` + w.offerID + `"`,
		"Postuler pour ce candidat", "n&#39;a pas autorisé ses conseillers"} {
		if !strings.Contains(page, want) {
			t.Errorf("adviser's match page lacks %q", want)
		}
	}
	if strings.Contains(page, `action="/candidates/`+w.second.id+`/applications"`) {
		t.Error("the apply form is offered without consent")
	}

	t.Run("a refused review shows its error beside the field", func(t *testing.T) {
		r := adv.post(t, matches, "/candidates/"+w.second.id+"/reviews", url.Values{"offerId": {w.offerID}, "note": {"Sans décision"}})
		if r.status != 422 {
			t.Fatalf("no decision: %d", r.status)
		}
		body := string(r.body)
		if !strings.Contains(body, `id="f-decision-endorsed-`+w.offerID+`"`) || !strings.Contains(body, "Choisissez de recommander") || !strings.Contains(body, ">Sans décision</textarea>") {
			t.Errorf("the page drawn again lacks the error or what was typed")
		}
		if m := e.offerMatches(t, w.offerID, w.owner); m.Results[1].Recommended || m.Results[2].Recommended {
			t.Error("a refused review changed something")
		}
	})

	const note = "Excellente immersion chez nous, je recommande."
	r = adv.post(t, matches, "/candidates/"+w.second.id+"/reviews", url.Values{"offerId": {w.offerID}, "decision": {"endorsed"}, "note": {note}})
	if r.status != 303 || r.header.Get("Location") != matches+"#review-"+w.offerID {
		t.Fatalf("endorse: %d → %q", r.status, r.header.Get("Location"))
	}
	page = string(adv.do(t, "GET", matches, nil).body)
	if !strings.Contains(page, "Avis de votre structure : Recommandée") || !strings.Contains(page, "recommandation est enregistrée") {
		t.Errorf("the adviser's page does not show the decision")
	}

	emp := e.pageLogin(t, w.owner)
	page = string(emp.do(t, "GET", "/company/offers/"+w.offerID+"/matches", nil).body)
	for _, want := range []string{"Recommandé par un conseiller", note, "Mission locale adviser@ml.fr"} {
		if !strings.Contains(page, want) {
			t.Errorf("employer's page lacks %q", want)
		}
	}
	if strings.Contains(page, w.secondName) {
		t.Error("employer's page names the candidate")
	}
	if i, j := strings.Index(page, "Recommandé par un conseiller"), strings.Index(page, w.firstPseudo); i < 0 || j < i {
		t.Error("the recommended candidate is not listed before the other of equal score")
	}
	if en := string(emp.do(t, "GET", "/company/offers/"+w.offerID+"/matches?lang=en", nil).body); !strings.Contains(en, "Recommended by an adviser") {
		t.Error("English page lacks the recommendation")
	}

	t.Run("apply on behalf once allowed", func(t *testing.T) {
		e.consentToApply(t, w.second)
		page := string(adv.do(t, "GET", matches, nil).body)
		if !strings.Contains(page, `action="/candidates/`+w.second.id+`/applications"`) {
			t.Fatal("no apply form with consent")
		}
		r := adv.post(t, matches, "/candidates/"+w.second.id+"/applications", url.Values{"offerId": {w.offerID}, "message": {"Bonjour"}})
		if r.status != 303 {
			t.Fatalf("apply: %d %s", r.status, r.body)
		}
		page = string(adv.do(t, "GET", matches, nil).body)
		if !strings.Contains(page, "Candidature envoyée le") {
			t.Error("the page does not show the application")
		}
	})

	t.Run("skill validation on the profile", func(t *testing.T) {
		profile := "/candidates/" + w.second.id + "/profile"
		page := string(adv.do(t, "GET", profile, nil).body)
		if !strings.Contains(page, "Valider cette compétence") || !strings.Contains(page, "Immersion en entreprise") {
			t.Fatal("the adviser's profile page has no validation form")
		}
		r := adv.post(t, profile, "/candidates/"+w.second.id+"/skills/validation", url.Values{"code": {"tag:go"}})
		if r.status != 422 || !strings.Contains(string(r.body), "Choisissez comment la compétence a été vérifiée") {
			t.Errorf("no kind: %d", r.status)
		}
		r = adv.post(t, profile, "/candidates/"+w.second.id+"/skills/validation", url.Values{"code": {"tag:go"}, "kind": {"training_assessment"}})
		if r.status != 303 {
			t.Fatalf("validate: %d %s", r.status, r.body)
		}
		cand := e.pageLogin(t, w.second)
		own := string(cand.do(t, "GET", "/profile", nil).body)
		if !strings.Contains(own, "Validée par Mission locale adviser@ml.fr") || strings.Contains(own, "Valider cette compétence") {
			t.Error("the candidate's profile does not say who validated the skill, or offers to validate")
		}
		r = adv.post(t, profile, "/candidates/"+w.second.id+"/skills/validation/withdraw", url.Values{"code": {"tag:go"}})
		if r.status != 303 {
			t.Fatalf("withdraw: %d", r.status)
		}
		p, err := e.profiles.Get(identity(w.second, auth.RoleCandidate), w.second.id)
		if err != nil || p.Skills[0].Evidence != "declared" {
			t.Errorf("after withdrawal: %+v %v", p.Skills, err)
		}
	})
}

package server_test

import (
	"html"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/i18n"
	"passerelle/internal/skill"
	"passerelle/web"
)

// pageLogin logs u in with a browser.
func (e *testEnv) pageLogin(t *testing.T, u user) *browser {
	t.Helper()
	b := e.browser()
	if r := b.post(t, "/login", "/login", url.Values{"email": {u.email}, "password": {u.password}}); r.status != 303 {
		t.Fatalf("page login of %s: %d", u.email, r.status)
	}
	return b
}

// profileFormValues loads the form at page and returns what a browser
// would submit from it once values are typed in.
func profileFormValues(t *testing.T, b *browser, page string, values map[string]string) url.Values {
	t.Helper()
	r := b.do(t, "GET", page, nil)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", page, r.status, r.body)
	}
	form := formFromPage(t, r.body)
	for k, v := range values {
		form.Set(k, v)
	}
	return form
}

// hasInput reports whether page has the input with id and, when value is
// not empty, that value (both as the page escapes them).
func hasInput(body []byte, id, value string) bool {
	re := `<(?:input|select)[^>]*id="` + regexp.QuoteMeta(html.EscapeString(id)) + `"[^>]*`
	if value != "" {
		re += `value="` + regexp.QuoteMeta(html.EscapeString(value)) + `"`
	}
	return regexp.MustCompile(re).Match(body)
}

func TestProfilePagesRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	b := e.pageLogin(t, c)

	r := b.do(t, "GET", "/profile", nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "<h1>Mon profil</h1>") || !strings.Contains(body, `href="/profile/edit"`) ||
		!strings.Contains(body, "Masqué") || !strings.Contains(body, "Pas d&#39;accord pour être proposé·e aux recruteurs") {
		t.Fatalf("empty profile page (%d) lacks its title, edit link or visibility summary:\n%s", r.status, body)
	}

	end := time.Now().AddDate(0, 5, 0).Format("2006-01-02")
	form := profileFormValues(t, b, "/profile/edit", map[string]string{
		"displayName":                     "Camille Martin",
		"headline":                        "Ancienne vendeuse, future développeuse web",
		"skills[0].skill":                 "golang", // an alias: resolved to Go
		"skills[0].level":                 "3",
		"skills[0].evidence":              "training",
		"skills[2].skill":                 "SQL", // row 1 left blank
		"skills[2].level":                 "2",
		"trainings[0].title":              "Développeur web et web mobile",
		"trainings[0].provider":           "AFPA Nantes",
		"trainings[0].start":              "2025-10-06",
		"trainings[0].end":                end,
		"trainings[0].status":             "in_progress",
		"trainings[0].skills[1]":          "JavaScript",
		"formerOccupations[0].occupation": "Vendeur / Vendeuse en épicerie (D1106)",
		"formerOccupations[0].years":      "8",
		"commune":                         "Nantes",
		"mobilityKm":                      "25",
		"remote":                          "hybrid",
		"availableFrom":                   end,
		"languages[0].code":               "en",
		"languages[0].level":              "B1",
		"visibility":                      "anonymous",
		"matchingConsent":                 "yes",
	})
	form["contracts"] = []string{"cdi", "alternance"}
	r = b.post(t, "/profile/edit", "/profile/edit", form)
	if r.status != 303 || r.header.Get("Location") != "/profile" {
		t.Fatalf("save: %d → %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	r = b.do(t, "GET", "/profile", nil)
	body = string(r.body)
	for _, want := range []string{"Profil enregistré", "Go", "Maîtrise", "Formation", "SQL", "Développeur web et web mobile", "AFPA Nantes", "JavaScript",
		"Vendeur / Vendeuse en épicerie", "8 ans", "Nantes", "Jusqu&#39;à 25 km", "Hybride", "CDI, Alternance", "Anglais — B1 — Intermédiaire",
		"Anonyme pour les employeurs", "sans le nom"} {
		if !strings.Contains(body, want) {
			t.Errorf("profile page lacks %q", want)
		}
	}
	p, err := e.profiles.Get(asCandidate(c), c.id)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Skills) != 2 || p.Skills[0].Code != "tag:go" || p.Skills[0].Level != skill.LevelMastery || p.Skills[0].Evidence != skill.EvidenceTraining ||
		p.Skills[1].Code != "tag:sql" || p.Skills[1].Evidence != skill.EvidenceDeclared ||
		len(p.Trainings) != 1 || p.Trainings[0].Status != candidate.TrainingInProgress || len(p.Trainings[0].Skills) != 1 || p.Trainings[0].Skills[0].Code != "tag:javascript" ||
		len(p.FormerOccupations) != 1 || p.FormerOccupations[0].Rome != "D1106" || p.FormerOccupations[0].Years != 8 ||
		p.Place.CommuneID != "44109" || p.MobilityKm != 25 || p.Remote != candidate.RemoteHybrid ||
		len(p.Contracts) != 2 || p.AvailableFrom.Format("2006-01-02") != end || len(p.Languages) != 1 ||
		p.Visibility != candidate.VisibilityAnonymous || !p.MatchingConsent {
		t.Fatalf("saved profile %+v", p)
	}

	// The form shows the saved profile, and saving it unchanged keeps it.
	r = b.do(t, "GET", "/profile/edit", nil)
	for id, value := range map[string]string{"f-skills[0].skill": "Go", "f-skills[1].skill": "SQL", "f-trainings[0].skills[0]": "JavaScript",
		"f-trainings[0].end": end, "f-formerOccupations[0].occupation": "Vendeur / Vendeuse en épicerie (D1106)", "f-commune": "Nantes (44)",
		"f-mobilityKm": "25", "f-availableFrom": end} {
		if !hasInput(r.body, id, value) {
			t.Errorf("edit form: no input %s with value %q", id, value)
		}
	}
	for _, checked := range []string{`id="f-remote-hybrid" name="remote" value="hybrid" checked`, `id="f-contracts-cdi" name="contracts" value="cdi" checked`,
		`id="f-visibility-anonymous" name="visibility" value="anonymous" checked`, `id="f-matchingConsent" name="matchingConsent" value="yes" checked`} {
		if !strings.Contains(string(r.body), checked) {
			t.Errorf("edit form lacks %s", checked)
		}
	}
	// Submitting exactly what the form holds saves the same profile.
	same := formFromPage(t, r.body)
	if r := b.do(t, "POST", "/profile/edit", same); r.status != 303 {
		t.Fatalf("saving the form unchanged: %d\n%s", r.status, r.body)
	}
	q, _ := e.profiles.Get(asCandidate(c), c.id)
	if q.Revision == p.Revision || len(q.Skills) != 2 || q.Skills[0].Code != "tag:go" || len(q.Trainings[0].Skills) != 1 || q.Place.CommuneID != "44109" ||
		q.FormerOccupations[0].Rome != "D1106" || q.Visibility != p.Visibility || q.MatchingConsent != p.MatchingConsent || len(q.Contracts) != 2 {
		t.Fatalf("saving the form unchanged gave %+v, want %+v", q, p)
	}
}

var (
	inputTag   = regexp.MustCompile(`<input [^>]*>`)
	selectTag  = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	attr       = regexp.MustCompile(`(\w+)="([^"]*)"`)
	selectedOp = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// formFromPage collects what a browser would submit from the page's inputs
// and selects, as they stand.
func formFromPage(t *testing.T, page []byte) url.Values {
	t.Helper()
	form := url.Values{}
	for _, tag := range inputTag.FindAllString(string(page), -1) {
		a := map[string]string{}
		for _, m := range attr.FindAllStringSubmatch(tag, -1) {
			a[m[1]] = html.UnescapeString(m[2])
		}
		checkable := a["type"] == "checkbox" || a["type"] == "radio"
		if a["name"] == "" || checkable && !strings.Contains(tag, " checked") {
			continue
		}
		form.Add(a["name"], a["value"])
	}
	for _, m := range selectTag.FindAllStringSubmatch(string(page), -1) {
		v := ""
		if s := selectedOp.FindStringSubmatch(m[2]); s != nil {
			v = html.UnescapeString(s[1])
		}
		form.Add(html.UnescapeString(m[1]), v)
	}
	if form.Get("csrf") == "" {
		t.Fatal("no csrf field in the page")
	}
	return form
}

func TestProfilePagesErrorsBesideFields(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	b := e.pageLogin(t, c)
	before, _ := e.profiles.Mine(asCandidate(c), "Camille Martin")
	tests := []struct {
		name   string
		values map[string]string
		status int
		errors map[string]string // input id → part of its error message
		kept   map[string]string // input id → value shown again
	}{
		{
			name: "service errors land on the rows the person filled",
			values: map[string]string{
				"displayName":     "Camille Martin",
				"skills[0].skill": "Go", "skills[0].level": "3",
				"skills[2].skill": "Pythonn", "skills[2].level": "2", // row 1 blank: the service's skills[1]
				"skills[4].skill":    "SQL", // no level
				"trainings[1].title": "Concepteur développeur d'applications", "trainings[1].status": "in_progress",
				"trainings[1].skills[2]":          "Kubernetess",
				"formerOccupations[1].occupation": "Astronaute", "formerOccupations[1].years": "3",
				"commune": "Atlantis", "remote": "hybrid", "visibility": "hidden",
			},
			status: 422,
			errors: map[string]string{
				"f-skills[2].skill":                 "Python (tag:python)",
				"f-skills[4].level":                 "Choisissez un niveau",
				"f-trainings[1].end":                "date de fin",
				"f-trainings[1].skills[2]":          "Kubernetes",
				"f-formerOccupations[1].occupation": "ROME",
				"f-commune":                         "Commune inconnue",
			},
			kept: map[string]string{"f-skills[0].skill": "Go", "f-skills[2].skill": "Pythonn", "f-trainings[1].title": "Concepteur développeur d'applications",
				"f-formerOccupations[1].occupation": "Astronaute", "f-formerOccupations[1].years": "3", "f-commune": "Atlantis"},
		},
		{
			name: "what cannot be read is said before anything is saved",
			values: map[string]string{"displayName": "Camille Martin", "mobilityKm": "beaucoup", "availableFrom": "01/09/2026",
				"remote": "remote_ok", "visibility": "hidden", "headline": "Gardé tel quel"},
			status: 422,
			errors: map[string]string{"f-mobilityKm": "nombre entier", "f-availableFrom": "AAAA-MM-JJ"},
			kept:   map[string]string{"f-mobilityKm": "beaucoup", "f-availableFrom": "01/09/2026", "f-headline": "Gardé tel quel"},
		},
		{
			name:   "choices left out",
			values: map[string]string{"displayName": "Camille Martin", "remote": "", "visibility": ""},
			status: 422,
			errors: map[string]string{"f-remote": "télétravail", "f-visibility": "qui peut voir"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post(t, "/profile/edit", "/profile/edit", profileFormValues(t, b, "/profile/edit", tt.values))
			body := html.UnescapeString(string(r.body))
			if r.status != tt.status {
				t.Fatalf("status %d, want %d\n%s", r.status, tt.status, body)
			}
			if !strings.Contains(body, `class="error-summary"`) {
				t.Error("no error summary at the top")
			}
			for id, msg := range tt.errors {
				m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `-error"><span class="visually-hidden">Erreur : </span>([^<]*)<`).FindStringSubmatch(body)
				if m == nil || !strings.Contains(m[1], msg) {
					t.Errorf("%s: error %v, want one saying %q", id, m, msg)
				}
				// html/template percent-encodes the brackets of the link;
				// browsers decode a fragment before looking for the id.
				if !strings.Contains(body, `href="#`+strings.NewReplacer("[", "%5b", "]", "%5d").Replace(id)+`"`) {
					t.Errorf("%s: not linked from the error summary", id)
				}
			}
			for id, value := range tt.kept {
				if !hasInput(r.body, id, value) {
					t.Errorf("%s does not keep %q", id, value)
				}
			}
			if n := strings.Count(body, `aria-invalid="true"`); n < len(tt.errors)-2 { // radio groups mark their fieldset
				t.Errorf("%d inputs marked invalid for %d errors", n, len(tt.errors))
			}
		})
	}
	if p, _ := e.profiles.Mine(asCandidate(c), "Camille Martin"); p.Revision != before.Revision {
		t.Fatal("a refused form changed the profile")
	}
}

func TestProfilePagesStaleForm(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	b := e.pageLogin(t, c)
	old := profileFormValues(t, b, "/profile/edit", map[string]string{"displayName": "Camille Martin", "headline": "Premier onglet", "remote": "hybrid", "visibility": "hidden"})
	second := url.Values{}
	for k, v := range old {
		second[k] = v
	}
	second.Set("headline", "Second onglet")
	if r := b.post(t, "/profile/edit", "/profile/edit", old); r.status != 303 {
		t.Fatalf("first save: %d", r.status)
	}
	r := b.post(t, "/profile/edit", "/profile/edit", second)
	if r.status != 409 || !strings.Contains(string(r.body), "modifié entre-temps") || !hasInput(r.body, "f-headline", "Second onglet") {
		t.Fatalf("stale form: %d, want 409 with the message and the typed values\n%s", r.status, r.body)
	}
	if p, _ := e.profiles.Mine(asCandidate(c), ""); p.Headline != "Premier onglet" {
		t.Fatalf("headline %q after the stale save", p.Headline)
	}
}

func TestProfilePagesAdviser(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	c := e.candidate(t, "camille@example.fr")
	adv := e.adviser(t, admin, "adviser@ml.fr")
	p, _ := e.profiles.Mine(asCandidate(c), "Camille Martin")
	if _, err := e.profiles.LinkAdviser(asCandidate(c), c.id, adv.orgID); err != nil {
		t.Fatal(err)
	}
	base := "/candidates/" + c.id + "/profile"
	b := e.pageLogin(t, adv)

	r := b.do(t, "GET", base, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "Profil de Camille Martin") || !strings.Contains(string(r.body), `href="`+base+`/edit"`) {
		t.Fatalf("adviser's view: %d\n%s", r.status, r.body)
	}
	r = b.do(t, "GET", base+"/edit", nil)
	body := string(r.body)
	if r.status != 200 || strings.Contains(body, `name="visibility"`) || strings.Contains(body, `name="matchingConsent"`) || strings.Contains(body, `name="displayName"`) {
		t.Fatalf("adviser's form (%d) offers the candidate's own decisions:\n%s", r.status, body)
	}
	if !strings.Contains(body, "Seule la personne candidate peut modifier ce champ") || !strings.Contains(body, `value="adviser-validated"`) {
		t.Error("adviser's form: no read-only name or no validation choice")
	}
	form := profileFormValues(t, b, base+"/edit", map[string]string{
		"skills[0].skill": "Python", "skills[0].level": "2", "skills[0].evidence": "adviser-validated",
		"remote": "onsite_only",
		// Ignored: not in the adviser's form, and not theirs to change.
		"visibility": "visible", "matchingConsent": "yes", "displayName": "Autre nom",
	})
	r = b.post(t, base+"/edit", base+"/edit", form)
	if r.status != 303 || r.header.Get("Location") != base {
		t.Fatalf("adviser's save: %d → %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	q, _ := e.profiles.Get(asCandidate(c), c.id)
	if q.LastEditedBy.Role != auth.RoleAdviser || q.LastEditedBy.UserID != adv.id || len(q.Skills) != 1 || q.Skills[0].ValidatedBy != adv.orgID ||
		q.Remote != candidate.RemoteOnsiteOnly || q.Visibility != p.Visibility || q.MatchingConsent || q.DisplayName != "Camille Martin" {
		t.Fatalf("after the adviser's edit: %+v", q)
	}
	// The candidate sees who edited last.
	cb := e.pageLogin(t, c)
	if r := cb.do(t, "GET", "/profile", nil); !strings.Contains(string(r.body), "Dernière modification par un conseiller") {
		t.Errorf("the candidate's page does not say an adviser edited it")
	}
	if r := cb.do(t, "GET", base+"/edit", nil); r.status != 303 || r.header.Get("Location") != "/profile/edit" {
		t.Errorf("candidate on the adviser's address: %d → %q, want /profile/edit", r.status, r.header.Get("Location"))
	}

	// An admin reads, without an edit link, and cannot edit.
	ab := e.pageLogin(t, admin)
	if r := ab.do(t, "GET", base, nil); r.status != 200 || strings.Contains(string(r.body), base+"/edit") {
		t.Errorf("admin's view: %d, edit link shown: %v", r.status, strings.Contains(string(r.body), base+"/edit"))
	}
	if r := ab.do(t, "GET", base+"/edit", nil); r.status != 403 {
		t.Errorf("admin's form: %d, want 403", r.status)
	}
}

func TestProfilePagesEnglish(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	b := e.pageLogin(t, c)
	r := b.do(t, "GET", "/profile/edit?lang=en", nil)
	body := string(r.body)
	for _, want := range []string{"<h1>Edit my profile</h1>", "Skill 1", "Basic knowledge", "Self-declared", "Who can see your profile?", "Save the profile", `lang="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("English form lacks %q", want)
		}
	}
	if r := b.do(t, "GET", "/profile", nil); !strings.Contains(string(r.body), "Who sees this profile?") {
		t.Error("English profile page lacks the visibility summary")
	}
}

// TestProfileMessageKeys checks that every key the profile pages use, in
// code and built from the domain's values, is in the catalogues.
func TestProfileMessageKeys(t *testing.T) {
	cat, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	re := regexp.MustCompile(`"((?:profile|error\.profile|skillfield)\.[a-z0-9_.]+)"`)
	for _, f := range []string{"pages_profile.go", "api_profile.go", "../../web/templates/profile.html", "../../web/templates/profile_edit.html"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") {
				keys[m[1]] = true
			}
		}
	}
	for _, r := range candidate.RemotePreferences() {
		keys["profile.remote_pref."+string(r)] = true
	}
	for _, c := range contract.All() {
		keys["profile.contract_type."+string(c)] = true
	}
	for _, v := range candidate.Visibilities() {
		keys["profile.visibility_level."+string(v)] = true
		keys["profile.form.visibility_help."+string(v)] = true
	}
	for _, s := range candidate.TrainingStatuses() {
		keys["profile.training_status."+string(s)] = true
	}
	for _, l := range candidate.LanguageLevels() {
		keys["profile.form.cefr."+strings.ToLower(string(l))] = true
	}
	if len(keys) < 80 {
		t.Fatalf("found only %d keys: is the pattern still right?", len(keys))
	}
	for k := range keys {
		if !cat.Has(k) {
			t.Errorf("key %q is not in the catalogues", k)
		}
	}
}

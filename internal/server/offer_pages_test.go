package server_test

import (
	"html"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"passerelle/internal/contract"
	"passerelle/internal/i18n"
	"passerelle/internal/offer"
	"passerelle/web"
)

// signedIn returns a browser logged in as u through the login page.
func (e *testEnv) signedIn(t *testing.T, u user) *browser {
	t.Helper()
	b := e.browser()
	if r := b.post(t, "/login", "/login", url.Values{"email": {u.email}, "password": {u.password}}); r.status != 303 {
		t.Fatalf("page login of %s: %d", u.email, r.status)
	}
	return b
}

// page is an HTML answer with helpers to look into it.
type page struct {
	t    *testing.T
	r    response
	body string
}

func (b *browser) page(t *testing.T, method, path string, form url.Values) page {
	t.Helper()
	var r response
	if method == "POST" {
		r = b.post(t, path, path, form)
	} else {
		r = b.do(t, method, path, nil)
	}
	return page{t: t, r: r, body: string(r.body)}
}

// postFrom submits form to action with the anti-forgery token of from.
func (b *browser) postFrom(t *testing.T, from, action string, form url.Values) page {
	t.Helper()
	r := b.post(t, from, action, form)
	return page{t: t, r: r, body: string(r.body)}
}

func (p page) status(want int) page {
	p.t.Helper()
	if p.r.status != want {
		p.t.Fatalf("status %d, want %d\n%s", p.r.status, want, p.body)
	}
	return p
}

func (p page) contains(parts ...string) page {
	p.t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.body, s) {
			p.t.Errorf("the page lacks %q", s)
		}
	}
	return p
}

func (p page) lacks(parts ...string) page {
	p.t.Helper()
	for _, s := range parts {
		if strings.Contains(p.body, s) {
			p.t.Errorf("the page shows %q", s)
		}
	}
	return p
}

// input returns the start tag of the element with id.
func (p page) input(id string) string {
	p.t.Helper()
	m := regexp.MustCompile(`<(?:input|select|textarea)[^>]*\sid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(p.body)
	if m == "" {
		p.t.Fatalf("no field with id %q", id)
	}
	return html.UnescapeString(m)
}

// value returns the value attribute of input id.
func (p page) value(id string) string {
	p.t.Helper()
	m := regexp.MustCompile(`\svalue="([^"]*)"`).FindStringSubmatch(p.input(id))
	if m == nil {
		return ""
	}
	return m[1]
}

// offerForm is a complete valid submission of the offer form: two skills
// typed as people type them, the rest of the rows blank.
func offerForm() url.Values {
	f := url.Values{
		"title": {"Développeur·se Go"}, "rome": {"Développeur / Développeuse web (M1855)"}, "rome_code": {""},
		"description": {"Une équipe de six.\n\nNous formons."}, "contract": {"cdi"}, "commune": {"Nantes"}, "communeId": {""},
		"remote": {"hybrid"}, "salary.min": {"38 000"}, "salary.max": {"45000"}, "startDate": {"04/01/2027"}, "openToCareerChangers": {"on"},
	}
	for i := range 8 {
		n := "skills." + string(rune('0'+i))
		f.Set(n+".skill", "")
		f.Set(n+".code", "")
		f.Set(n+".minLevel", "2")
	}
	f.Set("skills.0.skill", "golang")
	f.Set("skills.0.minLevel", "3")
	f.Set("skills.0.mustHave", "on")
	f.Set("skills.3.skill", "Analyse de données")
	f.Set("skills.3.learnable", "on")
	return f
}

var offerIDInPage = regexp.MustCompile(`/company/offers/([0-9a-f]{24})/edit`)

func TestOfferFormRoundTrip(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	b := e.signedIn(t, emp)

	// The empty form: every field labelled, eight skill rows, the datalists
	// that serve the autocomplete without JavaScript.
	b.page(t, "GET", "/company/offers/new", nil).status(200).contains(
		`<label for="f-title">`, `name="skills.7.skill"`, `list="skill-options"`, `<datalist id="skill-options">`,
		`<option value="Go" data-code="tag:go">`, `<datalist id="occupation-options">`, `data-autocomplete="/api/v1/skills/suggest"`,
		`data-kinds="occupation,appellation"`, `<script src="/static/autocomplete.js" defer></script>`, `<select id="f-skills.0.minLevel"`)

	// A submission with mistakes: each message sits beside its field, the
	// summary links to it, and every field keeps what was typed.
	bad := offerForm()
	bad.Set("title", "Go")
	bad.Set("skills.3.skill", "Golangg")
	bad.Set("skills.5.skill", "Python")
	bad.Set("skills.5.minLevel", "4")
	bad.Set("salary.min", "50 000")
	bad.Set("startDate", "31/02/2027")
	bad.Set("commune", "Nantess")
	p := b.postFrom(t, "/company/offers/new", "/company/offers/new", bad).status(422)
	p.contains(`<div class="error-summary" role="alert"`, `href="#f-title"`, `href="#f-skills.3.skill"`, `id="f-title-error"`,
		`id="f-skills.3.skill-error"`, `id="f-commune-error"`, `id="f-salary.max-error"`, `id="f-startDate-error"`,
		"Vouliez-vous dire « Go (tag:go) »", `<datalist id="f-skills.3.skill-list">`)
	for id, want := range map[string]string{
		"f-title": "Go", "f-skills.0.skill": "golang", "f-skills.0.code": "tag:go", "f-skills.3.skill": "Golangg", "f-skills.3.code": "",
		"f-skills.5.skill": "Python", "f-skills.5.code": "tag:python", "f-salary.min": "50 000", "f-startDate": "31/02/2027",
		"f-commune": "Nantess", "f-rome_code": "M1855",
	} {
		if got := p.value(id); got != want {
			t.Errorf("%s keeps %q, want %q", id, got, want)
		}
	}
	if !strings.Contains(p.input("f-skills.3.skill"), `aria-invalid="true"`) || !strings.Contains(p.input("f-skills.3.skill"), `aria-describedby="f-skills.3.skill-error"`) {
		t.Errorf("row 3 is not marked invalid: %s", p.input("f-skills.3.skill"))
	}
	if strings.Contains(p.input("f-skills.0.skill"), "aria-invalid") {
		t.Error("row 0 (golang, resolved) is marked invalid")
	}
	if !strings.Contains(p.body, `<option value="4" selected>`) || !strings.Contains(p.input("f-skills.5.mustHave"), "checkbox") {
		t.Error("row 5 lost its level")
	}

	// Corrected, it is saved as a draft and listed.
	p = b.postFrom(t, "/company/offers/new", "/company/offers/new", offerForm()).status(303)
	if loc := p.r.header.Get("Location"); loc != "/company/offers" {
		t.Fatalf("after create: → %s", loc)
	}
	list := b.page(t, "GET", "/company/offers", nil).status(200).contains("Développeur·se Go", "Brouillon", "Brouillon enregistré", `<th scope="col">`)
	m := offerIDInPage.FindStringSubmatch(list.body)
	if m == nil {
		t.Fatal("no edit link in the list")
	}
	id := m[1]
	o := e.getOffer(t, id, emp.access)
	if len(o.Skills) != 2 || o.Skills[0].Code != "tag:go" || o.Skills[0].MinLevel != 3 || !o.Skills[0].MustHave ||
		o.Skills[1].Code != "tag:data-analysis" || !o.Skills[1].Learnable || o.Place.CommuneID != "44109" {
		t.Fatalf("stored offer = %+v", o)
	}

	// The edit form starts from the stored offer.
	edit := b.page(t, "GET", "/company/offers/"+id+"/edit", nil).status(200)
	for fid, want := range map[string]string{"f-title": "Développeur·se Go", "f-skills.0.skill": "Go", "f-skills.0.code": "tag:go",
		"f-skills.1.code": "tag:data-analysis", "f-salary.min": "38000", "f-startDate": "2027-01-04", "f-commune": "Nantes (44)"} {
		if got := edit.value(fid); got != want {
			t.Errorf("edit form %s = %q, want %q", fid, got, want)
		}
	}
	// Saved as it is, nothing changes but the revision.
	f := url.Values{}
	for _, n := range []string{"title", "rome", "rome_code", "commune", "communeId", "salary.min", "salary.max", "startDate"} {
		f.Set(n, edit.value("f-"+n))
	}
	f.Set("description", "Une équipe de six.\n\nNous formons.")
	f.Set("contract", "cdi")
	f.Set("remote", "hybrid")
	f.Set("revision", regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(edit.body)[1])
	f.Set("openToCareerChangers", "on")
	for i := range 8 {
		n := "skills." + string(rune('0'+i))
		f.Set(n+".skill", edit.value("f-"+n+".skill"))
		f.Set(n+".code", edit.value("f-"+n+".code"))
		f.Set(n+".minLevel", "2")
	}
	f.Set("skills.0.minLevel", "3")
	f.Set("skills.0.mustHave", "on")
	f.Set("skills.1.learnable", "on")
	b.postFrom(t, "/company/offers/"+id+"/edit", "/company/offers/"+id+"/edit", f).status(303)
	if got := e.getOffer(t, id, emp.access); got.Revision <= o.Revision || len(got.Skills) != 2 || got.Skills[1].Code != "tag:data-analysis" {
		t.Fatalf("after saving the edit form unchanged: %+v", got)
	}
	// The same form again is stale: the page says so and keeps the values.
	b.postFrom(t, "/company/offers/"+id+"/edit", "/company/offers/"+id+"/edit", f).status(409).
		contains("Cette offre a été modifiée entre-temps", `value="Développeur·se Go"`)

	// Publish from the list; the offer is then public.
	b.postFrom(t, "/company/offers", "/company/offers/"+id+"/publish", url.Values{}).status(303)
	b.page(t, "GET", "/company/offers", nil).contains("Offre publiée", "Publiée", `/company/offers/`+id+`/close`)
	anon := e.browser()
	anon.page(t, "GET", "/offers", nil).status(200).contains("Développeur·se Go", `href="/offers/`+id+`"`, "Atelier 732829320", "Indispensable",
		"Ouvert aux personnes en reconversion")
	anon.page(t, "GET", "/offers/"+id, nil).status(200).contains(
		"<h1>Développeur·se Go</h1>", `<th scope="row">Go</th>`, `<th scope="row">Analyse de données</th>`, "<strong>Indispensable</strong>",
		"3 — Maîtrise", "Peut s&#39;apprendre en poste", "<p>Une équipe de six.</p>", "38\u202f000\u00a0€", "04/01/2027", "Développeur / Développeuse web").
		lacks("Modifier l&#39;offre")
}

func TestOfferPagesOfOtherCompanies(t *testing.T) {
	e := newEnv(t)
	a := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	ids := e.publishedOffers(t, a, 1, nil)
	b := e.signedIn(t, other)
	// Public as it is, another company's offer is not among "my offers".
	b.page(t, "GET", "/offers/"+ids[0], nil).status(200).lacks("/company/offers/" + ids[0] + "/edit")
	b.page(t, "GET", "/company/offers/"+ids[0]+"/edit", nil).status(404).contains("Offre introuvable")
	b.postFrom(t, "/company/offers", "/company/offers/"+ids[0]+"/close", url.Values{"reason": {"filled"}}).status(404)
	b.page(t, "GET", "/company/offers", nil).status(200).contains("Vous n&#39;avez pas encore d&#39;offre")
}

func TestOfferSearchPage(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	e.publishedOffers(t, emp, offer.DefaultPageSize+3, func(i int, in *offer.OfferInput) {
		if i == 0 {
			in.Title = "Analyste de données"
			in.Skills = append(in.Skills, offer.SkillInput{Code: "tag:python", MinLevel: 2, MustHave: true})
			in.CommuneID = "44162"
			in.Contract = contract.Alternance
		}
	})
	anon := e.browser()

	first := anon.page(t, "GET", "/offers", nil).status(200)
	first.contains(`role="search"`, `<form method="get" action="/offers"`, "23 offres trouvées", "Offres 1 à 20 sur 23",
		`rel="next"`, `href="/offers?page=2"`, `aria-current="page"><span class="visually-hidden">Page </span>1</a>`, `aria-label="Pages de résultats"`,
		`<option value="Go" data-code="tag:go">`).lacks(`rel="prev"`, "Analyste de données")
	anon.page(t, "GET", "/offers?page=2", nil).status(200).contains("Offres 21 à 23 sur 23", `rel="prev"`, "Analyste de données",
		`aria-current="page"><span class="visually-hidden">Page </span>2</a>`).lacks(`rel="next"`)

	tests := []struct {
		name, query string
		status      int
		want        []string
		lacks       []string
	}{
		{"skill typed as people type it", "skill=pyth%C3%B6n&skills=", 200, []string{"1 offre trouvée", "Analyste de données"}, nil},
		{"alias", "skill=golang", 200, []string{"23 offres trouvées", `name="skills" value="tag:go"`}, nil},
		{"commune and radius", "commune=Saint-Herblain&radiusKm=5", 200, []string{"Analyste de données", "à 0 km", `name="near" value="44162"`}, nil},
		{"contract", "contract=alternance", 200, []string{"1 offre trouvée", `<option value="alternance" selected>`}, nil},
		{"keywords", "q=analyste", 200, []string{"Analyste de données"}, []string{"Offre numéro"}},
		{"nothing", "q=boulanger", 200, []string{"Aucune offre ne correspond"}, nil},
		{"unknown skill", "skill=Pythn", 422, []string{`id="f-skill-error"`, "Vouliez-vous dire « Python »", `<datalist id="f-skill-list">`, `value="Pythn"`}, nil},
		{"unknown commune", "commune=Nantess", 422, []string{`id="f-commune-error"`, "Commune inconnue", `value="Nantess"`}, nil},
		{"filters kept by the page links", "skill=Go&remote=hybrid", 200, []string{`href="/offers?page=2&amp;remote=hybrid&amp;skill=Go&amp;skills=tag%3Ago"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			anon.page(t, "GET", "/offers?"+tc.query, nil).status(tc.status).contains(tc.want...).lacks(tc.lacks...)
		})
	}
	anon.page(t, "GET", "/offers?lang=en", nil).status(200).contains("23 offers found", "Required", "Open to career changers")
}

func TestOfferClosePage(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	id := e.publishedOffers(t, emp, 1, nil)[0]
	b := e.signedIn(t, emp)
	path := "/company/offers/" + id + "/close"
	b.page(t, "GET", path, nil).status(200).contains("<legend>Motif de clôture", `id="f-reason"`, `value="other"`)
	b.postFrom(t, path, path, url.Values{"reason": {"other"}}).status(422).
		contains(`id="f-note-error"`, "Précisez le motif de clôture", `value="other" id="f-reason-other" checked`)
	b.postFrom(t, path, path, url.Values{"reason": {""}}).status(422).contains(`id="f-reason-error"`, `href="#f-reason"`)
	b.postFrom(t, path, path, url.Values{"reason": {"other"}, "note": {"Poste supprimé"}}).status(303)
	b.page(t, "GET", "/company/offers", nil).contains("Offre clôturée.", "Clôturée")
	e.browser().page(t, "GET", "/offers", nil).contains("Aucune offre")
	b.page(t, "GET", "/offers/"+id, nil).status(200).contains("Offre clôturée : Autre motif.")
}

func TestCompanyPages(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	b := e.signedIn(t, emp)
	// No page yet: the form starts from the registration.
	p := b.page(t, "GET", "/company/edit", nil).status(200).contains("pas encore de page")
	if p.value("f-name") != "Atelier 732829320" || p.value("f-siren") != "732829320" || p.value("f-city") != "Nantes" {
		t.Fatalf("form not prefilled: %s / %s / %s", p.value("f-name"), p.value("f-siren"), p.value("f-city"))
	}
	form := url.Values{"name": {"Atelier Numérique"}, "siren": {"732829320"}, "sector": {"Édition de logiciels"}, "size": {"10-49"},
		"city": {"Nantes"}, "description": {"Nous formons.\nEt nous recrutons."}, "website": {"javascript:alert(1)"}, "revision": {"0"}}
	b.postFrom(t, "/company/edit", "/company/edit", form).status(422).contains(`id="f-website-error"`, `value="Atelier Numérique"`, `<option value="10-49" selected>`)
	form.Set("website", "https://atelier.example.fr")
	r := b.postFrom(t, "/company/edit", "/company/edit", form).status(303)
	if loc := r.r.header.Get("Location"); loc != "/companies/"+emp.orgID {
		t.Fatalf("after saving: → %s", loc)
	}
	e.browser().page(t, "GET", "/companies/"+emp.orgID, nil).status(200).contains("<h1>Atelier Numérique</h1>", "10 à 49 salariés",
		"<p>Nous formons.<br>Et nous recrutons.</p>", `href="https://atelier.example.fr" rel="noopener nofollow"`).lacks("Modifier la page")
	// Saving the stale form again is refused, what was typed kept.
	b.postFrom(t, "/company/edit", "/company/edit", form).status(409).contains("modifiée entre-temps", `value="Atelier Numérique"`)
	e.browser().page(t, "GET", "/companies/ffffffffffffffffffffffff", nil).status(404).contains("Entreprise introuvable")
}

// TestOfferCatalogueKeys checks the message keys the offer pages build in
// Go, which TestEveryMessageKeyExists does not read, and the keys made
// from the domain's values.
func TestOfferCatalogueKeys(t *testing.T) {
	cat, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"((?:offers|companies|skillfield|offer|company|error\.offer|error\.company)\.[a-z_.]+)"`)
	for _, f := range []string{"api_offer.go", "pages_offer.go", "api_taxonomy.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !cat.Has(m[1]) && !strings.HasSuffix(m[1], ".") {
				t.Errorf("%s uses message key %q, missing from the catalogues", f, m[1])
			}
		}
	}
	var dynamic []string
	for _, c := range contract.All() {
		dynamic = append(dynamic, "offer.contract_type."+string(c))
	}
	for _, r := range offer.RemotePolicies() {
		dynamic = append(dynamic, "offer.remote_policy."+string(r))
	}
	for _, s := range offer.Statuses() {
		dynamic = append(dynamic, "offer.status."+string(s))
	}
	for _, r := range offer.CloseReasons() {
		dynamic = append(dynamic, "offer.close_reason."+string(r))
	}
	for _, z := range offer.CompanySizes() {
		dynamic = append(dynamic, "company.size."+string(z))
	}
	for _, k := range dynamic {
		if !cat.Has(k) {
			t.Errorf("dynamic key %s is missing", k)
		}
	}
}

var rawOfferKey = regexp.MustCompile(`\b(?:offers|companies|skillfield|offer|company)\.[a-z_]+(?:\.[a-z_0-9+-]+)*\b`)

// TestOfferPagesSpeakBothLanguages renders every offer and company page in
// French and English: no raw message key, the right language.
func TestOfferPagesSpeakBothLanguages(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	id := e.publishedOffers(t, emp, 1, nil)[0]
	b := e.signedIn(t, emp)
	b.page(t, "GET", "/company/edit", nil) // before the page exists
	e.ensureCompanyPageFor(t, emp)
	paths := []string{"/offers", "/offers?skill=Pythn", "/offers/" + id, "/companies/" + emp.orgID, "/company/offers", "/company/offers/new",
		"/company/offers/" + id + "/edit", "/company/offers/" + id + "/close", "/company/edit"}
	for _, lang := range []string{"fr", "en"} {
		for _, path := range paths {
			t.Run(lang+path, func(t *testing.T) {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				p := b.page(t, "GET", path+sep+"lang="+lang, nil)
				if p.r.status != 200 && p.r.status != 422 {
					t.Fatalf("status %d", p.r.status)
				}
				p.contains(`<html lang="` + lang + `">`)
				if m := rawOfferKey.FindString(p.body); m != "" {
					t.Errorf("raw message key %q on the page", m)
				}
			})
		}
	}
}

func (e *testEnv) ensureCompanyPageFor(t *testing.T, u user) {
	t.Helper()
	if r := e.api(t, "GET", "/api/v1/companies/"+u.orgID, nil, ""); r.status == 200 {
		return
	}
	if r := e.api(t, "PUT", "/api/v1/companies/"+u.orgID, map[string]any{"name": "Atelier", "size": "1-9", "revision": 0}, u.access); r.status != 200 {
		t.Fatalf("company page: %d %s", r.status, r.body)
	}
}

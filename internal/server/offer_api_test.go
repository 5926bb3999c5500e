package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

func init() {
	addMatrix(offerMatrix)
	pathParams = append(pathParams, offerMatrixParams)
	matrixBodies["POST /api/v1/offers"] = func(*matrixEnv, string) any { return offerBody() }
	matrixBodies["PUT /api/v1/offers/:id"] = func(m *matrixEnv, _ string) any {
		body := offerBody()
		body["revision"] = m.env.getOffer(m.t, m.cache["PUT /api/v1/offers/:id"], m.people["employer"].access).Revision
		return body
	}
	matrixBodies["POST /api/v1/offers/:id/close"] = func(*matrixEnv, string) any { return map[string]string{"reason": "filled"} }
	matrixBodies["PUT /api/v1/companies/:id"] = func(m *matrixEnv, _ string) any {
		r := m.env.api(m.t, "GET", "/api/v1/companies/"+m.people["employer"].orgID, nil, "")
		var co struct{ Revision int64 }
		r.json(m.t, &co)
		return map[string]any{"name": "Atelier A", "city": "Nantes", "revision": co.Revision}
	}
}

// offerMatrix: offers are public once published, their drafts belong to
// their company (404 to anyone else, as if they did not exist), and only
// employers write them. Routes that change an offer's status get an offer
// of their own (see offerMatrixParams), so the order of callers is known:
// after the owner published or closed it, another employer meets a public
// offer it may not change (403) or a closed one it cannot see (404).
var offerMatrix = map[string][6]string{
	"GET /api/v1/skills/suggest":       {pub, pub, pub, pub, pub, pub},
	"GET /api/v1/communes":             {pub, pub, pub, pub, pub, pub},
	"GET /api/v1/offers":               {ok2xx, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"POST /api/v1/offers":              {deny, forb, ok2xx, ok2xx, forb, forb},
	"GET /api/v1/offers/:id":           {hide, hide, ok2xx, hide, hide, hide},
	"PUT /api/v1/offers/:id":           {deny, forb, ok2xx, hide, forb, forb},
	"POST /api/v1/offers/:id/publish":  {deny, forb, ok2xx, forb, forb, forb},
	"POST /api/v1/offers/:id/close":    {deny, forb, ok2xx, hide, forb, forb},
	"GET /api/v1/companies/:id":        {ok2xx, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"PUT /api/v1/companies/:id":        {deny, forb, ok2xx, forb, forb, ok2xx},
	"GET /api/v1/companies/:id/offers": {deny, forb, ok2xx, forb, forb, ok2xx},
	"GET /offers":                      {pub, pub, pub, pub, pub, pub},
	"GET /offers/:id":                  {hide, hide, ok2xx, hide, hide, hide},
	"GET /companies/:id":               {ok2xx, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"GET /company/offers":              {deny, forb, ok2xx, ok2xx, forb, forb},
	"GET /company/offers/new":          {deny, forb, ok2xx, ok2xx, forb, forb},
	"POST /company/offers/new":         {deny, forb, ok, ok, forb, forb},
	"GET /company/offers/:id/edit":     {deny, forb, ok2xx, hide, forb, forb},
	"POST /company/offers/:id/edit":    {deny, forb, ok, hide, forb, forb},
	"POST /company/offers/:id/publish": {deny, forb, ok2xx, hide, forb, forb},
	"GET /company/offers/:id/close":    {deny, forb, ok2xx, hide, forb, forb},
	"POST /company/offers/:id/close":   {deny, forb, ok, hide, forb, forb},
	"GET /company/edit":                {deny, forb, ok2xx, ok2xx, forb, forb},
	"POST /company/edit":               {deny, forb, ok, ok, forb, forb},
}

// offerMatrixParams fills the :id of offer and company routes with objects
// of company A (the "employer" caller's).
func offerMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	owner := m.people["employer"]
	draft := func() string { return m.env.createOffer(m.t, owner.access, offerBody()).ID }
	published := func() string {
		id := draft()
		m.env.publishOffer(m.t, owner.access, id)
		return id
	}
	var id string
	switch route {
	case "PUT /api/v1/offers/:id", "POST /api/v1/offers/:id/publish", "POST /company/offers/:id/publish":
		id = m.once(route, draft) // changed by the owner's call
	case "POST /api/v1/offers/:id/close":
		id = m.once(route, published)
	case "GET /company/offers/:id/close", "POST /company/offers/:id/close":
		id = m.once("offer-published", published)
	default:
		switch {
		case strings.HasPrefix(path, "/api/v1/companies/:id"), strings.HasPrefix(path, "/companies/:id"):
			m.once("company-page", func() string {
				r := m.env.api(m.t, "PUT", "/api/v1/companies/"+owner.orgID, map[string]any{"name": "Atelier A", "city": "Nantes", "revision": 0}, owner.access)
				if r.status != 200 {
					m.t.Fatalf("create company page: %d %s", r.status, r.body)
				}
				return owner.orgID
			})
			return strings.Replace(path, ":id", owner.orgID, 1), true
		case strings.Contains(path, "offers/:id"):
			id = m.once("offer-draft", draft)
		default:
			return "", false
		}
	}
	return strings.Replace(path, ":id", id, 1), true
}

// offerBody is a valid offer for the API; mods change it.
func offerBody(mods ...func(map[string]any)) map[string]any {
	b := map[string]any{
		"title":       "Développeur·se back-end Go",
		"rome":        "M1855",
		"description": "Vous rejoignez une équipe de six personnes.\n\nNous formons aux outils internes.",
		"skills": []map[string]any{
			{"code": "tag:go", "minLevel": 3, "mustHave": true},
			{"code": "tag:postgresql", "minLevel": 2, "learnable": true},
		},
		"contract":             "cdi",
		"communeId":            "44109",
		"remote":               "hybrid",
		"salary":               map[string]int{"min": 38000, "max": 45000},
		"startDate":            "2027-01-04",
		"openToCareerChangers": true,
	}
	for _, m := range mods {
		m(b)
	}
	return b
}

// offerJSON is the part of an offer answer the tests read.
type offerJSON struct {
	ID, CompanyID, Title, Status, CreatedBy string
	Revision                                int64
	Skills                                  []struct {
		Code, Label         string
		MinLevel            int
		MustHave, Learnable bool
	}
	Place struct{ CommuneID, Name string }
}

func (e *testEnv) createOffer(t *testing.T, token string, body map[string]any) offerJSON {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/offers", body, token)
	if r.status != 201 {
		t.Fatalf("create offer: %d %s", r.status, r.body)
	}
	var o offerJSON
	r.json(t, &o)
	if loc := r.header.Get("Location"); loc != "/api/v1/offers/"+o.ID {
		t.Fatalf("Location %q for offer %s", loc, o.ID)
	}
	return o
}

func (e *testEnv) publishOffer(t *testing.T, token, id string) offerJSON {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/offers/"+id+"/publish", nil, token)
	if r.status != 200 {
		t.Fatalf("publish offer: %d %s", r.status, r.body)
	}
	var o offerJSON
	r.json(t, &o)
	return o
}

func (e *testEnv) getOffer(t *testing.T, id, token string) offerJSON {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/offers/"+id, nil, token)
	if r.status != 200 {
		t.Fatalf("get offer: %d %s", r.status, r.body)
	}
	var o offerJSON
	r.json(t, &o)
	return o
}

type offerPageJSON struct {
	Items []struct {
		ID, CompanyName, Title, Status string
		DistanceKm                     *float64
	}
	Total, Page, PageSize int
}

func (e *testEnv) searchOffers(t *testing.T, query string) offerPageJSON {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/offers?"+query, nil, "")
	if r.status != 200 {
		t.Fatalf("search %q: %d %s", query, r.status, r.body)
	}
	var p offerPageJSON
	r.json(t, &p)
	return p
}

func (p offerPageJSON) has(id string) bool {
	for _, it := range p.Items {
		if it.ID == id {
			return true
		}
	}
	return false
}

func TestOfferLifecycleAPI(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")

	o := e.createOffer(t, emp.access, offerBody())
	if o.Status != "draft" || o.CompanyID != emp.orgID || o.CreatedBy != emp.id || o.Revision < 1 {
		t.Fatalf("created offer = %+v", o)
	}
	if len(o.Skills) != 2 || o.Skills[0].Label != "Go" || !o.Skills[0].MustHave || !o.Skills[1].Learnable || o.Place.Name != "Nantes" {
		t.Fatalf("created offer content = %+v", o)
	}
	if r := e.api(t, "GET", "/api/v1/offers/"+o.ID, nil, ""); r.status != 404 {
		t.Fatalf("anonymous GET of a draft: %d, want 404", r.status)
	}
	if p := e.searchOffers(t, "q=golang"); p.has(o.ID) {
		t.Fatal("a draft shows in the public search")
	}

	pub := e.publishOffer(t, emp.access, o.ID)
	if pub.Status != "published" || pub.Revision <= o.Revision {
		t.Fatalf("published offer = %+v", pub)
	}
	if r := e.api(t, "POST", "/api/v1/offers/"+o.ID+"/publish", nil, emp.access); r.status != 409 {
		t.Fatalf("second publish: %d, want 409", r.status)
	}

	for _, q := range []string{"", "q=back-end", "q=Développeurs+Go", "skills=tag:go", "skills=tag:rust,tag:go", "contract=cdi,cdd",
		"remote=hybrid", "near=44162&radiusKm=10", "q=go&skills=tag:go&contract=cdi&remote=hybrid&near=44109"} {
		t.Run("found by "+q, func(t *testing.T) {
			if p := e.searchOffers(t, q); !p.has(o.ID) {
				t.Fatalf("published offer not found by %q: %+v", q, p)
			}
		})
	}
	for _, q := range []string{"q=python", "skills=tag:python", "contract=stage", "remote=onsite"} {
		t.Run("not found by "+q, func(t *testing.T) {
			if p := e.searchOffers(t, q); p.has(o.ID) {
				t.Fatalf("offer found by %q", q)
			}
		})
	}
	p := e.searchOffers(t, "near=44109")
	if len(p.Items) != 1 || p.Items[0].CompanyName != "Atelier 732829320" || p.Items[0].DistanceKm == nil || *p.Items[0].DistanceKm != 0 {
		t.Fatalf("search result = %+v (publishing gives the company its page, named as registered)", p.Items)
	}

	anon := e.getOffer(t, o.ID, "")
	if anon.Status != "published" || anon.CreatedBy != "" {
		t.Fatalf("anonymous view = %+v, want published without createdBy", anon)
	}
	if en := e.api(t, "GET", "/api/v1/offers/"+o.ID+"?lang=en", nil, ""); !strings.Contains(string(en.body), `"label":"PostgreSQL"`) {
		t.Fatalf("English answer: %s", en.body)
	}

	r := e.api(t, "POST", "/api/v1/offers/"+o.ID+"/close", map[string]string{"reason": "other"}, emp.access)
	if r.status != 422 {
		t.Fatalf("close with reason other and no note: %d, want 422", r.status)
	}
	if code, _ := r.problem(t).field("note"); code != "offer.close.note.required" {
		t.Fatalf("close errors: %s", r.body)
	}
	r = e.api(t, "POST", "/api/v1/offers/"+o.ID+"/close", map[string]string{"reason": "filled", "note": "Recrutement via Passerelle"}, emp.access)
	if r.status != 200 || !strings.Contains(string(r.body), `"status":"closed"`) || !strings.Contains(string(r.body), `"reason":"filled"`) {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if p := e.searchOffers(t, "q=golang"); p.has(o.ID) {
		t.Fatal("a closed offer still shows in the search")
	}
	if r := e.api(t, "GET", "/api/v1/offers/"+o.ID, nil, ""); r.status != 404 {
		t.Fatalf("anonymous GET of a closed offer: %d, want 404", r.status)
	}
	if r := e.api(t, "PUT", "/api/v1/offers/"+o.ID, withRevision(offerBody(), 99), emp.access); r.status != 409 {
		t.Fatalf("update of a closed offer: %d, want 409", r.status)
	}
}

func withRevision(b map[string]any, rev int64) map[string]any {
	b["revision"] = rev
	return b
}

func TestOfferValidationAPI(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	tests := []struct {
		name   string
		body   any
		fields map[string]string // JSON path → code
		// message: a field's message must contain this text.
		message [2]string
	}{
		{
			name: "unknown skill suggests the tag",
			body: offerBody(func(b map[string]any) {
				b["skills"] = []map[string]any{{"code": "tag:go", "minLevel": 2, "mustHave": true}, {"code": "Golang", "minLevel": 2}}
			}),
			fields:  map[string]string{"skills[1].code": "offer.skill.unknown"},
			message: [2]string{"skills[1].code", "Go (tag:go)"},
		},
		{
			name: "every broken rule at once, with JSON paths",
			body: offerBody(func(b map[string]any) {
				b["title"] = "Go"
				b["rome"] = "M9999"
				b["communeId"] = "99999"
				b["contract"] = "cdi-senior"
				b["salary"] = map[string]int{"min": 50000, "max": 40000}
				b["skills"] = []map[string]any{
					{"code": "tag:go", "minLevel": 3},
					{"code": "tag:go", "minLevel": 2},
					{"code": "tag:docker", "minLevel": 7},
				}
			}),
			fields: map[string]string{
				"title": "offer.title.too_short", "rome": "offer.rome.unknown_no_suggestion", "communeId": "offer.place.unknown",
				"contract": "offer.contract.invalid", "salary.max": "offer.salary.min_above_max", "skills[1].code": "offer.skill.duplicate",
				"skills[2].minLevel": "offer.skill.level.invalid", "skills": "offer.skills.must_have_required",
			},
		},
		{
			name:   "no skills",
			body:   offerBody(func(b map[string]any) { b["skills"] = []map[string]any{} }),
			fields: map[string]string{"skills": "offer.skills.required"},
		},
		{
			name:   "occupation by its label suggests the code",
			body:   offerBody(func(b map[string]any) { b["rome"] = "Développeur / Développeuse web" }),
			fields: map[string]string{"rome": "offer.rome.unknown"},
		},
		{
			name:   "edge bounds",
			body:   offerBody(func(b map[string]any) { b["startDate"] = "04/01/2027"; b["title"] = strings.Repeat("a", 121) }),
			fields: map[string]string{"startDate": "validation.datetime", "title": "validation.max"},
		},
		{
			name:   "unknown field",
			body:   offerBody(func(b map[string]any) { b["companyId"] = "ffffffffffffffffffffffff" }),
			fields: map[string]string{"companyId": "validation.unknown_field"},
		},
		{
			name:   "operator instead of a value",
			body:   offerBody(func(b map[string]any) { b["title"] = map[string]any{"$ne": nil} }),
			fields: map[string]string{"title": "validation.type"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.api(t, "POST", "/api/v1/offers", tc.body, emp.access, "Accept-Language", "fr")
			if r.status != 422 {
				t.Fatalf("status %d, want 422: %s", r.status, r.body)
			}
			p := r.problem(t)
			for field, code := range tc.fields {
				if got, ok := p.field(field); !ok || got != code {
					t.Errorf("field %s: code %q (present %v), want %q; problem %s", field, got, ok, code, r.body)
				}
			}
			if tc.message[0] != "" {
				found := false
				for _, fe := range p.Errors {
					found = found || fe.Field == tc.message[0] && strings.Contains(fe.Message, tc.message[1])
				}
				if !found {
					t.Errorf("no message for %s containing %q: %s", tc.message[0], tc.message[1], r.body)
				}
			}
		})
	}
	// Nothing was half-written.
	if r := e.api(t, "GET", "/api/v1/companies/"+emp.orgID+"/offers", nil, emp.access); !strings.Contains(string(r.body), `"total":0`) {
		t.Fatalf("company offers after rejected writes: %s", r.body)
	}
}

func TestOfferAuthorizationAPI(t *testing.T) {
	e := newEnv(t)
	a := e.employer(t, "owner@a.fr", "732829320")
	b := e.employer(t, "owner@b.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")
	draft := e.createOffer(t, a.access, offerBody())
	published := e.createOffer(t, a.access, offerBody())
	e.publishOffer(t, a.access, published.ID)

	tests := []struct {
		name, method, path string
		body               any
		token              string
		want               int
	}{
		{"candidate cannot create", "POST", "/api/v1/offers", offerBody(), cand.access, 403},
		{"anonymous cannot create", "POST", "/api/v1/offers", offerBody(), "", 401},
		{"other company cannot see a draft", "GET", "/api/v1/offers/" + draft.ID, nil, b.access, 404},
		{"other company cannot edit a draft", "PUT", "/api/v1/offers/" + draft.ID, withRevision(offerBody(), draft.Revision), b.access, 404},
		{"other company cannot publish a draft", "POST", "/api/v1/offers/" + draft.ID + "/publish", nil, b.access, 404},
		{"other company cannot edit a public offer", "PUT", "/api/v1/offers/" + published.ID, withRevision(offerBody(), 1), b.access, 403},
		{"other company cannot close a public offer", "POST", "/api/v1/offers/" + published.ID + "/close", map[string]string{"reason": "filled"}, b.access, 403},
		{"other company cannot list the offers", "GET", "/api/v1/companies/" + a.orgID + "/offers", nil, b.access, 403},
		{"other company cannot write the page", "PUT", "/api/v1/companies/" + a.orgID, map[string]any{"name": "Pirate", "revision": 0}, b.access, 403},
		{"malformed id", "GET", "/api/v1/offers/not-an-id", nil, "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.api(t, tc.method, tc.path, tc.body, tc.token); r.status != tc.want {
				t.Fatalf("%s %s: %d, want %d: %s", tc.method, tc.path, r.status, tc.want, r.body)
			}
		})
	}
	if got := e.getOffer(t, draft.ID, a.access); got.Revision != draft.Revision {
		t.Fatalf("the draft changed: revision %d → %d", draft.Revision, got.Revision)
	}
}

func TestOfferStaleRevisionAPI(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	o := e.createOffer(t, emp.access, offerBody())

	changed := offerBody(func(b map[string]any) { b["title"] = "Développeur·se Go confirmé·e" })
	r := e.api(t, "PUT", "/api/v1/offers/"+o.ID, withRevision(changed, o.Revision), emp.access)
	if r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	var up offerJSON
	r.json(t, &up)
	if up.Title != "Développeur·se Go confirmé·e" || up.Revision <= o.Revision {
		t.Fatalf("updated offer = %+v", up)
	}
	// A second client still holding the first revision is told to reload.
	r = e.api(t, "PUT", "/api/v1/offers/"+o.ID, withRevision(offerBody(), o.Revision), emp.access)
	if r.status != 409 || r.problem(t).Code != "conflict" {
		t.Fatalf("stale update: %d %s, want 409", r.status, r.body)
	}
	r = e.api(t, "PUT", "/api/v1/offers/"+o.ID, offerBody(), emp.access)
	if code, _ := r.problem(t).field("revision"); r.status != 422 || code != "validation.required" {
		t.Fatalf("update without revision: %d %s", r.status, r.body)
	}
	if got := e.getOffer(t, o.ID, emp.access); got.Title != up.Title {
		t.Fatalf("the stale write changed the offer: %+v", got)
	}
}

// publishedOffers creates n published offers of emp's company through the
// service (faster than the API) and returns their ids.
func (e *testEnv) publishedOffers(t *testing.T, emp user, n int, mod func(i int, in *offer.OfferInput)) []string {
	t.Helper()
	ctx := auth.NewContext(context.Background(), auth.Identity{UserID: emp.id, Role: auth.RoleEmployer, OrgID: emp.orgID})
	var ids []string
	for i := range n {
		in := offer.OfferInput{
			Title: fmt.Sprintf("Offre numéro %d", i+1), Rome: "M1855", Contract: contract.CDI, CommuneID: "44109", Remote: offer.RemoteHybrid,
			Skills:               []offer.SkillInput{{Code: skill.TagCode("go"), MinLevel: 2, MustHave: true}, {Code: skill.TagCode("docker"), MinLevel: 1, Learnable: true}},
			OpenToCareerChangers: i%2 == 0,
		}
		if mod != nil {
			mod(i, &in)
		}
		o, err := e.offers.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.offers.Publish(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	return ids
}

func TestOfferSearchPagingAPI(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	ids := e.publishedOffers(t, emp, 5, nil)

	// Pages of 2 walk every offer once, newest published first.
	var walked []string
	for page := 1; page <= 3; page++ {
		p := e.searchOffers(t, fmt.Sprintf("pageSize=2&page=%d", page))
		if p.Total != 5 || p.Page != page || p.PageSize != 2 {
			t.Fatalf("page %d: total %d page %d size %d", page, p.Total, p.Page, p.PageSize)
		}
		for _, it := range p.Items {
			walked = append(walked, it.ID)
		}
	}
	if len(walked) != 5 {
		t.Fatalf("walked %d offers, want 5: %v", len(walked), walked)
	}
	for i, id := range walked {
		if id != ids[len(ids)-1-i] {
			t.Fatalf("order %v, want newest published first %v", walked, ids)
		}
	}
	if p := e.searchOffers(t, "pageSize=2&page=9"); len(p.Items) != 0 || p.Total != 5 {
		t.Fatalf("a page beyond the last: %+v", p)
	}
	if p := e.searchOffers(t, "pageSize=100"); len(p.Items) != 5 || p.PageSize != 100 {
		t.Fatalf("pageSize=100: %d items, size %d", len(p.Items), p.PageSize)
	}

	// Unbounded or malformed queries are refused, never clamped silently:
	// the OpenAPI document says maximum 100.
	bad := []struct{ query, field, code string }{
		{"pageSize=1000", "pageSize", "validation.lte"},
		{"pageSize=0", "pageSize", "validation.gte"},
		{"page=0", "page", "validation.gte"},
		{"page=abc", "page", "validation.type"},
		{"contract=interim", "contract[0]", "validation.oneof"},
		{"remote=sometimes", "remote[0]", "validation.oneof"},
		{"radiusKm=10", "near", "offer.search.near.required"},
		{"near=99999", "near", "offer.place.unknown"},
		{"near=44109&radiusKm=900", "radiusKm", "validation.lte"},
		{"skills=golang", "skills[0]", "offer.search.skill.invalid"},
		{"q=" + strings.Repeat("mot+", 60), "q", "validation.max"},
	}
	for _, tc := range bad {
		t.Run(tc.query, func(t *testing.T) {
			r := e.api(t, "GET", "/api/v1/offers?"+tc.query, nil, "")
			if r.status != 422 {
				t.Fatalf("status %d, want 422: %s", r.status, r.body)
			}
			if code, ok := r.problem(t).field(tc.field); !ok || code != tc.code {
				t.Fatalf("field %s: %q, want %q: %s", tc.field, code, tc.code, r.body)
			}
		})
	}
}

func TestCompanyAPI(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	admin := e.admin(t, "admin@passerelle.test")
	path := "/api/v1/companies/" + emp.orgID
	if r := e.api(t, "GET", path, nil, ""); r.status != 404 {
		t.Fatalf("page before it is written: %d, want 404", r.status)
	}
	body := map[string]any{"name": "Atelier Numérique", "siren": "732 829 320", "sector": "Édition de logiciels", "size": "10-49",
		"city": "Nantes", "description": "Nous formons.\n\nNous recrutons.", "website": "https://atelier.example.fr", "revision": 0}
	r := e.api(t, "PUT", path, body, emp.access)
	if r.status != 200 {
		t.Fatalf("create page: %d %s", r.status, r.body)
	}
	var co struct {
		ID, Name, SIREN, Size string
		Revision              int64
	}
	r.json(t, &co)
	if co.ID != emp.orgID || co.SIREN != "732829320" || co.Size != "10-49" {
		t.Fatalf("page = %+v", co)
	}
	if r := e.api(t, "GET", path, nil, ""); r.status != 200 || strings.Contains(string(r.body), "updatedBy") {
		t.Fatalf("public page: %d %s", r.status, r.body)
	}
	tests := []struct {
		name   string
		body   map[string]any
		token  string
		status int
		field  string
	}{
		{"stale revision", map[string]any{"name": "X", "revision": 0}, emp.access, 409, ""},
		{"invalid siren and website", map[string]any{"name": "Atelier", "siren": "123456789", "website": "javascript:alert(1)", "revision": co.Revision}, emp.access, 422, "website"},
		{"unknown size", map[string]any{"name": "Atelier", "size": "huge", "revision": co.Revision}, emp.access, 422, "size"},
		{"admin may", map[string]any{"name": "Atelier Numérique SAS", "revision": co.Revision}, admin.access, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.api(t, "PUT", path, tc.body, tc.token)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.field != "" {
				if _, ok := r.problem(t).field(tc.field); !ok {
					t.Fatalf("no error on %s: %s", tc.field, r.body)
				}
			}
		})
	}
}

func TestCompanyOffersAPI(t *testing.T) {
	e := newEnv(t)
	emp := e.employer(t, "owner@a.fr", "732829320")
	e.createOffer(t, emp.access, offerBody())
	pub := e.publishedOffers(t, emp, 2, nil)
	r := e.api(t, "GET", "/api/v1/companies/"+emp.orgID+"/offers?pageSize=2", nil, emp.access)
	var p struct {
		Items []struct{ ID, Status string }
		Total int
	}
	r.json(t, &p)
	if r.status != 200 || p.Total != 3 || len(p.Items) != 2 || p.Items[0].ID != pub[1] {
		t.Fatalf("company offers: %d %s", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/companies/"+emp.orgID+"/offers?pageSize=1000", nil, emp.access); r.status != 422 {
		t.Fatalf("pageSize=1000: %d, want 422", r.status)
	}
}

func TestSuggestAPI(t *testing.T) {
	e := newEnv(t)
	type item struct{ Code, Label, Kind, Matched string }
	tests := []struct {
		query string
		check func(t *testing.T, items []item)
	}{
		{"q=donn", func(t *testing.T, items []item) {
			if len(items) == 0 {
				t.Fatal("no suggestion")
			}
			for _, it := range items {
				if !strings.Contains(strings.ToLower(it.Label+" "+it.Matched), "donn") {
					t.Errorf("%+v is not data-related", it)
				}
			}
		}},
		{"q=golang", func(t *testing.T, items []item) {
			if len(items) == 0 || items[0].Code != "tag:go" || items[0].Label != "Go" || items[0].Kind != "tag" {
				t.Fatalf("first suggestion %+v, want Go", items)
			}
		}},
		{"q=pyhton", func(t *testing.T, items []item) {
			if len(items) == 0 || items[0].Code != "tag:python" {
				t.Fatalf("did you mean: %+v", items)
			}
		}},
		{"q=donn&lang=en&limit=3", func(t *testing.T, items []item) {
			if len(items) == 0 || len(items) > 3 || !strings.Contains(items[0].Label+items[1].Label+items[2].Label, "ata") {
				t.Fatalf("English, 3 at most: %+v", items)
			}
		}},
		{"q=d%C3%A9veloppeur&kinds=occupation,appellation", func(t *testing.T, items []item) {
			if len(items) == 0 {
				t.Fatal("no occupation")
			}
			for _, it := range items {
				if (it.Kind != "occupation" && it.Kind != "appellation") || len(it.Code) != 5 {
					t.Errorf("%+v is not an occupation with its ROME code", it)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			r := e.api(t, "GET", "/api/v1/skills/suggest?"+tc.query, nil, "")
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var out struct{ Items []item }
			r.json(t, &out)
			tc.check(t, out.Items)
		})
	}
	bad := []struct{ query, field string }{
		{"", "q"},
		{"q=+++", "q"},
		{"q=" + strings.Repeat("a", 61), "q"},
		{"q=go&limit=21", "limit"},
		{"q=go&limit=x", "limit"},
		{"q=go&lang=de", "lang"},
		{"q=go&kinds=planet", "kinds[0]"},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.query, func(t *testing.T) {
			r := e.api(t, "GET", "/api/v1/skills/suggest?"+tc.query, nil, "")
			if _, ok := r.problem(t).field(tc.field); r.status != 422 || !ok {
				t.Fatalf("status %d, want 422 on %s: %s", r.status, tc.field, r.body)
			}
		})
	}
}

func TestCommunesAPI(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ q, id, name string }{
		{"st herblain", "44162", "Saint-Herblain"},
		{"reze", "44143", "Rezé"},
		{"Nantes", "44109", "Nantes"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			r := e.api(t, "GET", "/api/v1/communes?q="+url.QueryEscape(tc.q), nil, "")
			var out struct {
				Items []struct{ ID, Name, Department string }
			}
			r.json(t, &out)
			if r.status != 200 || len(out.Items) == 0 || out.Items[0].ID != tc.id || out.Items[0].Name != tc.name || out.Items[0].Department != "44" {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	if r := e.api(t, "GET", "/api/v1/communes?q=", nil, ""); r.status != 422 {
		t.Fatalf("empty query: %d, want 422", r.status)
	}
}

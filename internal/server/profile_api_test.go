package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"passerelle/internal/auth"
	"passerelle/internal/candidate"
)

func init() {
	addMatrix(map[string][6]string{
		"GET /api/v1/me/profile":             {deny, ok2xx, forb, forb, forb, forb},
		"PUT /api/v1/me/profile":             {deny, ok2xx, forb, forb, forb, forb},
		"GET /api/v1/candidates/:id/profile": {deny, ok2xx, hide, hide, hide, ok2xx},
		"PUT /api/v1/candidates/:id/profile": {deny, ok2xx, hide, hide, hide, forb},
		"GET /profile":                       {deny, ok2xx, forb, forb, forb, forb},
		"GET /profile/edit":                  {deny, ok2xx, forb, forb, forb, forb},
		"POST /profile/edit":                 {deny, ok, forb, forb, forb, forb},
		"GET /candidates/:id/profile":        {deny, ok2xx, hide, hide, hide, ok2xx},
		"GET /candidates/:id/profile/edit":   {deny, ok2xx, hide, hide, hide, forb},
		"POST /candidates/:id/profile/edit":  {deny, ok, hide, hide, hide, forb},
	})
	// The profile routes address the matrix candidate's profile; the adviser
	// of the matrix is in no caseload, so it is hidden from them.
	pathParams = append(pathParams, func(m *matrixEnv, route string) (string, bool) {
		if !strings.Contains(route, "/candidates/:id/profile") {
			return "", false
		}
		id := m.once("profile:candidate", func() string {
			c := m.people["candidate"]
			if _, err := m.env.profiles.Mine(asCandidate(c), "Camille Martin"); err != nil {
				m.t.Fatal(err)
			}
			return c.id
		})
		return strings.Replace(strings.SplitN(route, " ", 2)[1], ":id", id, 1), true
	})
	// A valid body at the profile's current revision, so that a caller who
	// may write gets 200 and the others their refusal.
	body := func(m *matrixEnv, _ string) any {
		c := m.people["candidate"]
		p, err := m.env.profiles.Mine(asCandidate(c), "Camille Martin")
		if err != nil {
			m.t.Fatal(err)
		}
		return map[string]any{"revision": p.Revision, "displayName": p.DisplayName, "remote": "remote_ok", "visibility": "hidden"}
	}
	matrixBodies["PUT /api/v1/me/profile"] = body
	matrixBodies["PUT /api/v1/candidates/:id/profile"] = body
}

// asCandidate is the context of u acting as a candidate, for direct calls to
// the profile service.
func asCandidate(u user) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: u.id, Role: auth.RoleCandidate})
}

// profileJSON is the API's profile, as a client reads it.
type profileJSON struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Headline    string `json:"headline"`
	Skills      []struct {
		Code, Label, LevelLabel, Evidence, EvidenceLabel, ValidatedBy string
		Level                                                         int
		Missing                                                       bool
	} `json:"skills"`
	Trainings []struct {
		Title, Provider, Start, End, Status, StatusLabel string
		Skills                                           []struct {
			Code, Label string
			Missing     bool
		}
	} `json:"trainings"`
	FormerOccupations []struct {
		Rome, Label string
		Years       int
	} `json:"formerOccupations"`
	Place *struct {
		CommuneID, Name string
		Lat, Lon        float64
	} `json:"place"`
	MobilityKm      int      `json:"mobilityKm"`
	Remote          string   `json:"remote"`
	Contracts       []string `json:"contracts"`
	AvailableFrom   string   `json:"availableFrom"`
	Languages       []struct{ Code, Level string }
	Visibility      string `json:"visibility"`
	MatchingConsent bool   `json:"matchingConsent"`
	LastEditedBy    struct{ UserID, Role string }
	Revision        int64 `json:"revision"`
}

func (e *testEnv) profile(t *testing.T, method, path string, body any, token string, header ...string) profileJSON {
	t.Helper()
	r := e.api(t, method, path, body, token, header...)
	if r.status != 200 {
		t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
	}
	var p profileJSON
	r.json(t, &p)
	return p
}

// fullProfile is a complete profile body at revision rev.
func fullProfile(rev int64) map[string]any {
	end := time.Now().AddDate(0, 4, 0).Format("2006-01-02")
	return map[string]any{
		"revision":    rev,
		"displayName": "Camille Martin",
		"headline":    "Ancienne vendeuse, future développeuse web",
		"skills": []map[string]any{
			{"code": "tag:go", "level": 3, "evidence": "training"},
			{"code": "tag:sql", "level": 2},
		},
		"trainings": []map[string]any{{
			"title": "Développeur web et web mobile", "provider": "AFPA Nantes", "start": "2025-10-06", "end": end,
			"status": "in_progress", "skills": []string{"tag:javascript", "tag:react"},
		}},
		"formerOccupations": []map[string]any{{"rome": "D1106", "years": 8}},
		"communeId":         "44109",
		"mobilityKm":        30,
		"remote":            "hybrid",
		"contracts":         []string{"alternance", "cdi"},
		"availableFrom":     end,
		"languages":         []map[string]any{{"code": "fr", "level": "native"}, {"code": "en", "level": "B1"}},
		"visibility":        "anonymous",
		"matchingConsent":   true,
	}
}

func TestProfileAPIFirstGetCreatesHiddenProfile(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	p := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access)
	if p.ID != c.id || p.DisplayName != "Camille Martin" || p.Visibility != "hidden" || p.MatchingConsent ||
		len(p.Skills)+len(p.Trainings)+len(p.FormerOccupations)+len(p.Contracts) != 0 || p.Place != nil || p.Revision <= 0 ||
		p.LastEditedBy.Role != "candidate" || p.LastEditedBy.UserID != c.id {
		t.Fatalf("first profile = %+v, want an empty, hidden profile without consent named after the account", p)
	}
	again := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access)
	if again.Revision != p.Revision {
		t.Fatalf("a second GET changed the profile: revision %d → %d", p.Revision, again.Revision)
	}
	byID := e.profile(t, "GET", "/api/v1/candidates/"+c.id+"/profile", nil, c.access)
	if byID.ID != p.ID || byID.Revision != p.Revision {
		t.Fatalf("GET by id = %+v, want the same profile", byID)
	}
}

func TestProfileAPIRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	first := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access)
	body := fullProfile(first.Revision)
	saved := e.profile(t, "PUT", "/api/v1/me/profile", body, c.access)
	if saved.Revision <= first.Revision {
		t.Fatalf("revision %d after save, want more than %d", saved.Revision, first.Revision)
	}
	got := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access)
	end := body["availableFrom"].(string)
	checks := []struct {
		name      string
		got, want any
	}{
		{"headline", got.Headline, "Ancienne vendeuse, future développeuse web"},
		{"skills", fmt.Sprint(len(got.Skills)), "2"},
		{"skill 0", got.Skills[0].Code + " " + got.Skills[0].Label + " " + got.Skills[0].LevelLabel + " " + got.Skills[0].Evidence, "tag:go Go Maîtrise training"},
		{"skill 1 evidence", got.Skills[1].Evidence + " " + got.Skills[1].EvidenceLabel, "declared Déclarée"},
		{"training", got.Trainings[0].Title + " / " + got.Trainings[0].Start + " / " + got.Trainings[0].End + " / " + got.Trainings[0].Status, "Développeur web et web mobile / 2025-10-06 / " + end + " / in_progress"},
		{"training skills", got.Trainings[0].Skills[0].Label + "," + got.Trainings[0].Skills[1].Label, "JavaScript,React"},
		{"former occupation", got.FormerOccupations[0].Rome + " " + got.FormerOccupations[0].Label + " " + fmt.Sprint(got.FormerOccupations[0].Years), "D1106 Vendeur / Vendeuse en épicerie 8"},
		{"place", got.Place != nil && got.Place.CommuneID == "44109" && got.Place.Name == "Nantes" && got.Place.Lat > 47, true},
		{"mobility", got.MobilityKm, 30},
		{"remote", got.Remote, "hybrid"},
		{"contracts in canonical order", strings.Join(got.Contracts, ","), "cdi,alternance"},
		{"available", got.AvailableFrom, end},
		{"languages", fmt.Sprint(got.Languages), "[{fr native} {en B1}]"},
		{"visibility", got.Visibility, "anonymous"},
		{"consent", got.MatchingConsent, true},
		{"revision", got.Revision, saved.Revision},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Labels follow the request's language.
	en := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access, "Accept-Language", "en")
	if en.Skills[0].LevelLabel != "Mastery" || en.Skills[1].EvidenceLabel != "Self-declared" || en.Trainings[0].StatusLabel != "In progress" {
		t.Errorf("English labels: %q %q %q", en.Skills[0].LevelLabel, en.Skills[1].EvidenceLabel, en.Trainings[0].StatusLabel)
	}
	// Saving the same content again at the new revision works: a client can
	// read, change one field and send the whole profile back.
	body["revision"], body["headline"] = got.Revision, "Développeuse web en alternance"
	if again := e.profile(t, "PUT", "/api/v1/candidates/"+c.id+"/profile", body, c.access); again.Headline != "Développeuse web en alternance" || len(again.Skills) != 2 {
		t.Fatalf("second save: %+v", again)
	}
}

func TestProfileAPIValidation(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	rev := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access).Revision
	tests := []struct {
		name   string
		change func(b map[string]any)
		field  string
		code   string
		says   string // part of the message
	}{
		{"unknown skill with a suggestion", func(b map[string]any) {
			b["skills"] = []map[string]any{{"code": "tag:sql", "level": 2}, {"code": "tag:go", "level": 1}, {"code": "Golang", "level": 3}}
		}, "skills[2].code", "profile.skill.unknown", "Go (tag:go)"},
		{"skill level out of range", func(b map[string]any) { b["skills"] = []map[string]any{{"code": "tag:go", "level": 7}} }, "skills[0].level", "profile.skill.level.invalid", ""},
		{"duplicate skill", func(b map[string]any) {
			b["skills"] = []map[string]any{{"code": "tag:go", "level": 2}, {"code": "tag:go", "level": 3}}
		}, "skills[1].code", "profile.skill.duplicate", ""},
		{"candidate cannot validate a skill", func(b map[string]any) {
			b["skills"] = []map[string]any{{"code": "tag:go", "level": 2, "evidence": "adviser-validated"}}
		}, "skills[0].evidence", "profile.skill.evidence.adviser_only", ""},
		{"training without an end", func(b map[string]any) { b["trainings"].([]map[string]any)[0]["end"] = "" }, "trainings[0].end", "profile.training.end.required", ""},
		{"malformed date", func(b map[string]any) { b["trainings"].([]map[string]any)[0]["end"] = "30/06/2026" }, "trainings[0].end", "validation.datetime", ""},
		{"unknown training skill", func(b map[string]any) {
			b["trainings"].([]map[string]any)[0]["skills"] = []string{"tag:react", "Pyhton"}
		}, "trainings[0].skills[1]", "profile.skill.unknown", "Python"},
		{"unknown occupation", func(b map[string]any) { b["formerOccupations"] = []map[string]any{{"rome": "Z9999", "years": 2}} }, "formerOccupations[0].rome", "profile.rome.unknown_no_suggestion", ""},
		{"unknown commune", func(b map[string]any) { b["communeId"] = "99999" }, "communeId", "profile.place.unknown", ""},
		{"mobility out of range", func(b map[string]any) { b["mobilityKm"] = 5000 }, "mobilityKm", "profile.mobility.out_of_range", "200"},
		{"unknown contract", func(b map[string]any) { b["contracts"] = []string{"cdi", "interim"} }, "contracts[1]", "profile.contract.invalid", ""},
		{"unknown visibility", func(b map[string]any) { b["visibility"] = "public" }, "visibility", "profile.visibility.invalid", ""},
		{"language level", func(b map[string]any) { b["languages"] = []map[string]any{{"code": "en", "level": "fluent"}} }, "languages[0].level", "profile.language.level.invalid", ""},
		{"missing revision", func(b map[string]any) { delete(b, "revision") }, "revision", "validation.required", ""},
		{"level as text", func(b map[string]any) { b["skills"] = []map[string]any{{"code": "tag:go", "level": "3"}} }, "skills[0].level", "validation.type", ""},
		{"headline too long", func(b map[string]any) { b["headline"] = strings.Repeat("é", 141) }, "headline", "profile.text.too_long", "140"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fullProfile(rev)
			tt.change(body)
			r := e.api(t, "PUT", "/api/v1/me/profile", body, c.access)
			if r.status != 422 {
				t.Fatalf("status %d, want 422: %s", r.status, r.body)
			}
			p := r.problem(t)
			var found bool
			for _, fe := range p.Errors {
				if fe.Field == tt.field && fe.Code == tt.code {
					found = true
					if !strings.Contains(fe.Message, tt.says) || strings.HasPrefix(fe.Message, "profile.") {
						t.Errorf("message %q, want a sentence with %q", fe.Message, tt.says)
					}
				}
			}
			if !found {
				t.Fatalf("no error %s on %s in %+v", tt.code, tt.field, p.Errors)
			}
		})
	}
	// Every broken rule is reported at once, and nothing was written.
	body := fullProfile(rev)
	body["skills"] = []map[string]any{{"code": "Golang", "level": 3}}
	body["visibility"], body["mobilityKm"] = "public", -1
	p := e.api(t, "PUT", "/api/v1/me/profile", body, c.access).problem(t)
	if len(p.Errors) != 3 {
		t.Errorf("errors %+v, want skills[0].code, mobilityKm and visibility together", p.Errors)
	}
	if got := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access); got.Revision != rev || len(got.Skills) != 0 {
		t.Fatalf("a refused update changed the profile: %+v", got)
	}
}

func TestProfileAPIStaleRevision(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	rev := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access).Revision
	saved := e.profile(t, "PUT", "/api/v1/me/profile", fullProfile(rev), c.access)

	stale := fullProfile(rev) // what another tab read before the save
	stale["headline"], stale["visibility"] = "Autre onglet", "visible"
	r := e.api(t, "PUT", "/api/v1/me/profile", stale, c.access)
	if r.status != 409 || r.problem(t).Code != "conflict" {
		t.Fatalf("stale update: %d %s, want 409 conflict", r.status, r.body)
	}
	got := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access)
	if got.Revision != saved.Revision || got.Headline != saved.Headline || got.Visibility != "anonymous" {
		t.Fatalf("after a stale update the profile is %+v, want it unchanged", got)
	}
}

func TestProfileAPIMassAssignment(t *testing.T) {
	e := newEnv(t)
	c := e.candidate(t, "camille@example.fr")
	rev := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access).Revision
	tests := []struct {
		name   string
		change func(b map[string]any)
		status int
		field  string
	}{
		{"caseload", func(b map[string]any) { b["adviserOrgs"] = []string{"0123456789abcdef01234567"} }, 422, "adviserOrgs"},
		{"editor", func(b map[string]any) { b["lastEditedBy"] = map[string]string{"userId": "x", "role": "adviser"} }, 422, "lastEditedBy"},
		{"id", func(b map[string]any) { b["id"] = "0123456789abcdef01234567" }, 422, "id"},
		{"dates", func(b map[string]any) { b["createdAt"] = "2020-01-01T00:00:00Z" }, 422, "createdAt"},
		{"nested unknown field", func(b map[string]any) {
			b["skills"] = []map[string]any{{"code": "tag:go", "level": 3, "validatedBy": "0123456789abcdef01234567"}}
		}, 422, "validatedBy"},
		{"operator instead of a value", func(b map[string]any) { b["visibility"] = map[string]any{"$ne": "hidden"} }, 422, "visibility"},
		{"revision from the future", func(b map[string]any) { b["revision"] = rev + 1000 }, 409, ""},
		{"negative revision", func(b map[string]any) { b["revision"] = -1 }, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fullProfile(rev)
			tt.change(body)
			r := e.api(t, "PUT", "/api/v1/me/profile", body, c.access)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.field != "" {
				if _, ok := r.problem(t).field(tt.field); !ok {
					t.Fatalf("no error on %s: %s", tt.field, r.body)
				}
			}
		})
	}
	p, err := e.profiles.Get(asCandidate(c), c.id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Revision != rev || len(p.AdviserOrgs) != 0 || p.LastEditedBy.Role != auth.RoleCandidate || p.Visibility != candidate.VisibilityHidden {
		t.Fatalf("after the attempts the profile is %+v, want it untouched", p)
	}
}

func TestProfileAPIAccess(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	c := e.candidate(t, "camille@example.fr")
	other := e.candidate(t, "other@example.fr")
	emp := e.employer(t, "owner@a.fr", "732829320")
	adv := e.adviser(t, admin, "adviser@ml.fr")
	rev := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access).Revision
	mine := "/api/v1/candidates/" + c.id + "/profile"
	tests := []struct {
		name, method, path, token string
		status                    int
	}{
		{"anonymous reads", "GET", mine, "", 401},
		{"anonymous reads own", "GET", "/api/v1/me/profile", "", 401},
		{"another candidate reads", "GET", mine, other.access, 404},
		{"another candidate writes", "PUT", mine, other.access, 404},
		{"employer has no profile", "GET", "/api/v1/me/profile", emp.access, 403},
		{"employer cannot write one", "PUT", "/api/v1/me/profile", emp.access, 403},
		{"employer reads a candidate", "GET", mine, emp.access, 404},
		{"employer writes a candidate", "PUT", mine, emp.access, 404},
		{"adviser outside the caseload reads", "GET", mine, adv.access, 404},
		{"adviser outside the caseload writes", "PUT", mine, adv.access, 404},
		{"admin reads", "GET", mine, admin.access, 200},
		{"admin cannot write", "PUT", mine, admin.access, 403},
		{"unknown candidate", "GET", "/api/v1/candidates/0123456789abcdef01234567/profile", admin.access, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.method == "PUT" {
				body = fullProfile(rev)
			}
			if r := e.api(t, tt.method, tt.path, body, tt.token); r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
		})
	}
	// A 404 does not tell an existing profile from a missing one.
	hidden := e.api(t, "GET", mine, nil, emp.access).problem(t)
	missing := e.api(t, "GET", "/api/v1/candidates/0123456789abcdef01234567/profile", nil, emp.access).problem(t)
	if hidden.Detail != missing.Detail || hidden.Code != missing.Code {
		t.Fatalf("hidden %+v and missing %+v profiles answer differently", hidden, missing)
	}
	if got := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access); got.Revision != rev {
		t.Fatalf("refused writes changed the profile: revision %d → %d", rev, got.Revision)
	}
}

func TestProfileAPIAdviserOfCaseload(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	c := e.candidate(t, "camille@example.fr")
	adv := e.adviser(t, admin, "adviser@ml.fr")
	first := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access)
	saved := e.profile(t, "PUT", "/api/v1/me/profile", fullProfile(first.Revision), c.access)
	path := "/api/v1/candidates/" + c.id + "/profile"
	if r := e.api(t, "GET", path, nil, adv.access); r.status != 404 {
		t.Fatalf("adviser before the candidate links them: %d, want 404", r.status)
	}
	if _, err := e.profiles.LinkAdviser(asCandidate(c), c.id, adv.orgID); err != nil {
		t.Fatal(err)
	}
	read := e.profile(t, "GET", path, nil, adv.access)
	if read.Revision <= saved.Revision || read.Visibility != "anonymous" {
		t.Fatalf("adviser reads %+v", read)
	}

	// The adviser completes the profile and validates a skill.
	body := fullProfile(read.Revision)
	body["skills"] = append(body["skills"].([]map[string]any), map[string]any{"code": "tag:python", "level": 2, "evidence": "adviser-validated"})
	edited := e.profile(t, "PUT", path, body, adv.access)
	if edited.LastEditedBy.Role != "adviser" || edited.LastEditedBy.UserID != adv.id {
		t.Fatalf("edit recorded as %+v, want the adviser", edited.LastEditedBy)
	}
	if s := edited.Skills[2]; s.Code != "tag:python" || s.Evidence != "adviser-validated" || s.ValidatedBy != adv.orgID {
		t.Fatalf("validated skill %+v", s)
	}
	if own := e.profile(t, "GET", "/api/v1/me/profile", nil, c.access); own.LastEditedBy.Role != "adviser" || len(own.Skills) != 3 {
		t.Fatalf("the candidate sees %+v", own)
	}

	// The candidate's own decisions stay theirs.
	for field, value := range map[string]any{"visibility": "visible", "matchingConsent": false, "displayName": "Quelqu'un d'autre"} {
		t.Run("adviser changes "+field, func(t *testing.T) {
			b := fullProfile(edited.Revision)
			b["skills"] = body["skills"]
			b[field] = value
			r := e.api(t, "PUT", path, b, adv.access)
			if r.status != 422 {
				t.Fatalf("status %d, want 422: %s", r.status, r.body)
			}
			if code, _ := r.problem(t).field(field); code != "profile.candidate_only" {
				t.Fatalf("error on %s: %q, want profile.candidate_only (%s)", field, code, r.body)
			}
		})
	}

	if _, err := e.profiles.UnlinkAdviser(asCandidate(c), c.id, adv.orgID); err != nil {
		t.Fatal(err)
	}
	if r := e.api(t, "GET", path, nil, adv.access); r.status != 404 {
		t.Fatalf("adviser after the candidate withdrew: %d, want 404", r.status)
	}
}

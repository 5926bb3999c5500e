package candidate_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

func TestMineCreatesHiddenProfileOnce(t *testing.T) {
	e := newEnv(t)
	p := mine(t, e, candA)
	if p.ID != candA || p.DisplayName != "Awa Diallo" || p.Visibility != candidate.VisibilityHidden || p.MatchingConsent {
		t.Fatalf("new profile = %+v, want hidden, without consent, named after the account", p)
	}
	if p.Revision == 0 || p.CreatedAt.IsZero() || !p.CreatedAt.Equal(p.UpdatedAt) || p.CreatedAt.Location() != time.UTC {
		t.Fatalf("new profile bookkeeping = rev %d created %v updated %v", p.Revision, p.CreatedAt, p.UpdatedAt)
	}
	again, err := e.svc.Mine(candidateCtx(candA), "Another Name")
	if err != nil {
		t.Fatal(err)
	}
	sameProfile(t, again, p)

	_, err = e.svc.Mine(as(auth.RoleEmployer, hexID(0xe1e), companyOrg), "Boss")
	wantErr(t, err, passerelle.EFORBIDDEN, "error.profile.candidates_only")
	_, err = e.svc.Mine(context.Background(), "Nobody")
	wantErr(t, err, passerelle.EUNAUTHORIZED, "")
}

func TestMineConcurrentFirstCalls(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	revs := make([]int64, 4)
	errs := make([]error, 4)
	for i := range revs {
		wg.Go(func() {
			p, err := e.svc.Mine(candidateCtx(candA), "Awa")
			revs[i], errs[i] = p.Revision, err
		})
	}
	wg.Wait()
	for i := range revs {
		if errs[i] != nil || revs[i] != revs[0] {
			t.Fatalf("concurrent Mine: revisions %v errors %v, want one profile for all", revs, errs)
		}
	}
}

func TestUpdateStoresEverything(t *testing.T) {
	e := newEnv(t)
	p := mine(t, e, candA)
	got, err := e.svc.Update(candidateCtx(candA), candA, validInput(), p.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision <= p.Revision {
		t.Errorf("revision %d after %d, want it to grow", got.Revision, p.Revision)
	}
	if got.Place != (candidate.Place{CommuneID: "44109", Name: "Nantes", Lat: 47.2316356767, Lon: -1.54831008605}) {
		t.Errorf("place = %+v, want Nantes resolved from the directory", got.Place)
	}
	if got.Skills[0].Label != "Go" || got.Skills[2].Label != "Programmation en Python" || got.Trainings[0].Skills[1].Label != "React" {
		t.Errorf("labels not snapshotted: %+v / %+v", got.Skills, got.Trainings[0].Skills)
	}
	if got.FormerOccupations[0].Label != "Comptable" {
		t.Errorf("former occupation label = %q", got.FormerOccupations[0].Label)
	}
	if want := []contract.Type{contract.CDI, contract.Alternance}; !equal(got.Contracts, want) {
		t.Errorf("contracts = %v, want canonical order %v", got.Contracts, want)
	}
	if got.LastEditedBy != (candidate.Editor{UserID: candA, Role: auth.RoleCandidate}) {
		t.Errorf("last edited by %+v", got.LastEditedBy)
	}
	stored, err := e.repo.Profile(context.Background(), candA)
	if err != nil {
		t.Fatal(err)
	}
	sameProfile(t, stored, got)
	// The input a form starts from gives back the same profile.
	again, err := e.svc.Update(candidateCtx(candA), candA, got.Input(), got.Revision)
	if err != nil {
		t.Fatal(err)
	}
	again.Revision, again.UpdatedAt = got.Revision, got.UpdatedAt
	sameProfile(t, again, got)
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestValidation checks every rule: each case breaks the valid input in one
// way and names the field errors it must produce (field → key, and a piece
// of the parameter when it matters).
func TestValidation(t *testing.T) {
	e := newEnv(t)
	mine(t, e, candA)
	type want struct{ key, param string }
	tests := []struct {
		name   string
		change func(in *candidate.ProfileInput)
		want   map[string]want
	}{
		{"valid", func(*candidate.ProfileInput) {}, nil},
		{"unknown tag suggests the alias", func(in *candidate.ProfileInput) { in.Skills[0].Code = "tag:golang" },
			map[string]want{"skills[0].code": {"profile.skill.unknown", "tag:go"}}},
		{"label instead of code suggests the code", func(in *candidate.ProfileInput) { in.Skills[0].Code = "Golang" },
			map[string]want{"skills[0].code": {"profile.skill.unknown", "Go (tag:go)"}}},
		{"misspelt tag suggests by edit distance", func(in *candidate.ProfileInput) { in.Skills[0].Code = "tag:kubernets" },
			map[string]want{"skills[0].code": {"profile.skill.unknown", "tag:kubernetes"}}},
		{"unknown code without suggestion", func(in *candidate.ProfileInput) { in.Skills[0].Code = "ogr:999999999" },
			map[string]want{"skills[0].code": {"profile.skill.unknown_no_suggestion", ""}}},
		{"empty code", func(in *candidate.ProfileInput) { in.Skills[0].Code = " " },
			map[string]want{"skills[0].code": {"profile.skill.required", ""}}},
		{"duplicate skill", func(in *candidate.ProfileInput) { in.Skills[2].Code = "tag:go" },
			map[string]want{"skills[2].code": {"profile.skill.duplicate", ""}}},
		{"level 0", func(in *candidate.ProfileInput) { in.Skills[1].Level = 0 },
			map[string]want{"skills[1].level": {"profile.skill.level.invalid", ""}}},
		{"level 5", func(in *candidate.ProfileInput) { in.Skills[1].Level = 5 },
			map[string]want{"skills[1].level": {"profile.skill.level.invalid", ""}}},
		{"unknown evidence", func(in *candidate.ProfileInput) { in.Skills[1].Evidence = "rumour" },
			map[string]want{"skills[1].evidence": {"profile.skill.evidence.invalid", ""}}},
		{"candidate cannot validate", func(in *candidate.ProfileInput) { in.Skills[1].Evidence = skill.EvidenceAdviserValidated },
			map[string]want{"skills[1].evidence": {"profile.skill.evidence.adviser_only", ""}}},
		{"too many skills", func(in *candidate.ProfileInput) { in.Skills = manySkills(candidate.MaxSkills + 1) },
			map[string]want{"skills": {"profile.skills.too_many", "100"}}},
		{"as many skills as allowed", func(in *candidate.ProfileInput) { in.Skills = manySkills(candidate.MaxSkills) }, nil},
		{"training ends before it starts", func(in *candidate.ProfileInput) { in.Trainings[0].End = day(2025, 8, 31) },
			map[string]want{"trainings[0].end": {"profile.training.end.before_start", ""}}},
		{"training without end", func(in *candidate.ProfileInput) { in.Trainings[0].End = time.Time{} },
			map[string]want{"trainings[0].end": {"profile.training.end.required", ""}}},
		{"abandoned training needs no end", func(in *candidate.ProfileInput) {
			in.Trainings[0].End, in.Trainings[0].Status = time.Time{}, candidate.TrainingAbandoned
		}, nil},
		{"completed training ending in the future", func(in *candidate.ProfileInput) { in.Trainings[0].Status = candidate.TrainingCompleted },
			map[string]want{"trainings[0].end": {"profile.training.end.future", ""}}},
		{"training without title", func(in *candidate.ProfileInput) { in.Trainings[1].Title = "  " },
			map[string]want{"trainings[1].title": {"profile.training.title.required", ""}}},
		{"training status", func(in *candidate.ProfileInput) { in.Trainings[1].Status = "ongoing" },
			map[string]want{"trainings[1].status": {"profile.training.status.invalid", ""}}},
		{"training year typo", func(in *candidate.ProfileInput) { in.Trainings[0].End = day(2206, 6, 30) },
			map[string]want{"trainings[0].end": {"profile.date.out_of_range", ""}}},
		{"training skill unknown", func(in *candidate.ProfileInput) { in.Trainings[0].Skills[1] = "tag:reactjs" },
			map[string]want{"trainings[0].skills[1]": {"profile.skill.unknown", "tag:react"}}},
		{"training skill duplicate", func(in *candidate.ProfileInput) { in.Trainings[0].Skills[1] = "tag:javascript" },
			map[string]want{"trainings[0].skills[1]": {"profile.skill.duplicate", ""}}},
		{"too many trainings", func(in *candidate.ProfileInput) {
			for range candidate.MaxTrainings {
				in.Trainings = append(in.Trainings, in.Trainings[1])
			}
		}, map[string]want{"trainings": {"profile.trainings.too_many", "30"}}},
		{"unknown ROME code", func(in *candidate.ProfileInput) { in.FormerOccupations[0].Rome = "M9999" },
			map[string]want{"formerOccupations[0].rome": {"profile.rome.unknown_no_suggestion", ""}}},
		{"occupation label instead of code", func(in *candidate.ProfileInput) { in.FormerOccupations[0].Rome = "Comptable" },
			map[string]want{"formerOccupations[0].rome": {"profile.rome.unknown", "M1203"}}},
		{"lower-case ROME code is accepted", func(in *candidate.ProfileInput) { in.FormerOccupations[0].Rome = "m1203" }, nil},
		{"duplicate former occupation", func(in *candidate.ProfileInput) {
			in.FormerOccupations = append(in.FormerOccupations, candidate.FormerOccupationInput{Rome: "M1203", Years: 1})
		}, map[string]want{"formerOccupations[1].rome": {"profile.former_occupation.duplicate", ""}}},
		{"negative years", func(in *candidate.ProfileInput) { in.FormerOccupations[0].Years = -1 },
			map[string]want{"formerOccupations[0].years": {"profile.former_occupation.years.out_of_range", "50"}}},
		{"51 years", func(in *candidate.ProfileInput) { in.FormerOccupations[0].Years = 51 },
			map[string]want{"formerOccupations[0].years": {"profile.former_occupation.years.out_of_range", "50"}}},
		{"too many former occupations", func(in *candidate.ProfileInput) {
			in.FormerOccupations = nil
			for _, o := range skill.Builtin().Occupations()[:candidate.MaxFormerOccupations+1] {
				in.FormerOccupations = append(in.FormerOccupations, candidate.FormerOccupationInput{Rome: o.Code, Years: 1})
			}
		}, map[string]want{"formerOccupations": {"profile.former_occupations.too_many", "20"}}},
		{"unknown commune", func(in *candidate.ProfileInput) { in.CommuneID = "75056" },
			map[string]want{"communeId": {"profile.place.unknown", ""}}},
		{"no commune clears the place", func(in *candidate.ProfileInput) { in.CommuneID = "" }, nil},
		{"negative radius", func(in *candidate.ProfileInput) { in.MobilityKm = -1 },
			map[string]want{"mobilityKm": {"profile.mobility.out_of_range", "200"}}},
		{"radius 201", func(in *candidate.ProfileInput) { in.MobilityKm = 201 },
			map[string]want{"mobilityKm": {"profile.mobility.out_of_range", "200"}}},
		{"radius 200", func(in *candidate.ProfileInput) { in.MobilityKm = 200 }, nil},
		{"remote preference", func(in *candidate.ProfileInput) { in.Remote = "sometimes" },
			map[string]want{"remote": {"profile.remote.invalid", ""}}},
		{"contract", func(in *candidate.ProfileInput) { in.Contracts = append(in.Contracts, "interim") },
			map[string]want{"contracts[2]": {"profile.contract.invalid", ""}}},
		{"availability year typo", func(in *candidate.ProfileInput) { in.AvailableFrom = day(1026, 7, 1) },
			map[string]want{"availableFrom": {"profile.date.out_of_range", ""}}},
		{"language code", func(in *candidate.ProfileInput) { in.Languages[1].Code = "english" },
			map[string]want{"languages[1].code": {"profile.language.code.invalid", ""}}},
		{"language level", func(in *candidate.ProfileInput) { in.Languages[1].Level = "B3" },
			map[string]want{"languages[1].level": {"profile.language.level.invalid", ""}}},
		{"duplicate language", func(in *candidate.ProfileInput) { in.Languages[1].Code = "FR" },
			map[string]want{"languages[1].code": {"profile.language.duplicate", ""}}},
		{"visibility", func(in *candidate.ProfileInput) { in.Visibility = "public" },
			map[string]want{"visibility": {"profile.visibility.invalid", ""}}},
		{"headline too long", func(in *candidate.ProfileInput) { in.Headline = strings.Repeat("é", candidate.MaxHeadlineRunes+1) },
			map[string]want{"headline": {"profile.text.too_long", "140"}}},
		{"headline with a control character", func(in *candidate.ProfileInput) { in.Headline = "bonjour\x00" },
			map[string]want{"headline": {"profile.text.invalid", ""}}},
		{"all at once", func(in *candidate.ProfileInput) {
			in.Skills[0].Code = "tag:golang"
			in.Skills[1].Level = 9
			in.Trainings[0].End = day(2025, 1, 1)
			in.FormerOccupations[0].Years = 99
			in.CommuneID = "nowhere"
			in.MobilityKm = 1000
			in.Visibility = ""
		}, map[string]want{
			"skills[0].code":             {"profile.skill.unknown", "tag:go"},
			"skills[1].level":            {"profile.skill.level.invalid", ""},
			"trainings[0].end":           {"profile.training.end.before_start", ""},
			"formerOccupations[0].years": {"profile.former_occupation.years.out_of_range", "50"},
			"communeId":                  {"profile.place.unknown", ""},
			"mobilityKm":                 {"profile.mobility.out_of_range", "200"},
			"visibility":                 {"profile.visibility.invalid", ""},
		}},
	}
	ctx := candidateCtx(candA)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.change(&in)
			cur, err := e.repo.Profile(context.Background(), candA)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.Update(ctx, candA, in, cur.Revision)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Update: %v, want success", err)
				}
				return
			}
			fs := fields(t, err)
			if len(fs) != len(tt.want) {
				t.Errorf("field errors %v, want exactly %v", fs, tt.want)
			}
			for f, w := range tt.want {
				g, ok := fs[f]
				if !ok || g.Key != w.key || !strings.Contains(g.Param, w.param) {
					t.Errorf("%s: got %+v, want key %s with param containing %q", f, g, w.key, w.param)
				}
			}
			// Nothing half-written: the stored profile is untouched.
			after, err := e.repo.Profile(context.Background(), candA)
			if err != nil {
				t.Fatal(err)
			}
			sameProfile(t, after, cur)
		})
	}
}

func manySkills(n int) []candidate.SkillInput {
	var out []candidate.SkillInput
	for _, tag := range skill.Builtin().Tags().All()[:n] {
		out = append(out, candidate.SkillInput{Code: tag.Code(), Level: 2})
	}
	return out
}

// TestAuthorization is the access matrix of profiles.
func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	filled(t, e, candA)
	mine(t, e, candB)
	tests := []struct {
		name       string
		ctx        context.Context
		readCode   string // "" for allowed
		updateCode string
	}{
		{"the candidate", candidateCtx(candA), "", ""},
		{"another candidate", candidateCtx(candB), passerelle.ENOTFOUND, passerelle.ENOTFOUND},
		{"adviser of the caseload", adviserCtx(adviserOrg), "", ""},
		{"adviser of another organisation", adviserCtx(otherOrg), passerelle.ENOTFOUND, passerelle.ENOTFOUND},
		{"adviser without organisation", adviserCtx(""), passerelle.ENOTFOUND, passerelle.ENOTFOUND},
		{"employer", as(auth.RoleEmployer, hexID(0xe1e), companyOrg), passerelle.ENOTFOUND, passerelle.ENOTFOUND},
		{"employer whose org id is the caseload's", as(auth.RoleEmployer, hexID(0xe1e), adviserOrg), passerelle.ENOTFOUND, passerelle.ENOTFOUND},
		{"admin", as(auth.RoleAdmin, hexID(0xad0), ""), "", passerelle.EFORBIDDEN},
		{"candidate id with another role", as(auth.RoleEmployer, candA, companyOrg), passerelle.ENOTFOUND, passerelle.ENOTFOUND},
		{"anonymous", context.Background(), passerelle.EUNAUTHORIZED, passerelle.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.svc.Get(tt.ctx, candA)
			if got := passerelle.ErrorCode(err); got != tt.readCode {
				t.Fatalf("Get: code %q (%v), want %q", got, err, tt.readCode)
			}
			if err == nil && p.ID != candA {
				t.Fatalf("Get returned %s", p.ID)
			}
			cur, _ := e.repo.Profile(context.Background(), candA)
			in := cur.Input()
			in.Headline = "Modifié par " + tt.name
			_, err = e.svc.Update(tt.ctx, candA, in, cur.Revision)
			if got := passerelle.ErrorCode(err); got != tt.updateCode {
				t.Fatalf("Update: code %q (%v), want %q", got, err, tt.updateCode)
			}
		})
	}
	// A missing profile looks the same as a hidden one.
	_, err := e.svc.Get(adviserCtx(adviserOrg), hexID(0xdead))
	wantErr(t, err, passerelle.ENOTFOUND, "error.profile.not_found")
}

func TestAdviserEdits(t *testing.T) {
	e := newEnv(t)
	p := filled(t, e, candA)
	adv := adviserCtx(adviserOrg)

	in := p.Input()
	in.Skills[1].Evidence = skill.EvidenceAdviserValidated
	in.Headline = "Complété avec sa conseillère"
	got, err := e.svc.Update(adv, candA, in, p.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastEditedBy.Role != auth.RoleAdviser || got.LastEditedBy.UserID != hexID(0xadd) {
		t.Errorf("last edited by %+v, want the adviser", got.LastEditedBy)
	}
	if s := got.Skills[1]; s.Evidence != skill.EvidenceAdviserValidated || s.ValidatedBy != adviserOrg {
		t.Errorf("validated skill = %+v, want validated by %s", s, adviserOrg)
	}

	// The candidate re-saves the profile: the validation stands.
	in = got.Input()
	in.Headline = "Relu par la candidate"
	got, err = e.svc.Update(candidateCtx(candA), candA, in, got.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Skills[1]; s.ValidatedBy != adviserOrg || got.LastEditedBy.Role != auth.RoleCandidate {
		t.Errorf("after the candidate's save: skill %+v, editor %+v", s, got.LastEditedBy)
	}
	// Raising a validated level is not the candidate's to vouch for.
	in.Skills[1].Level = 4
	_, err = e.svc.Update(candidateCtx(candA), candA, in, got.Revision)
	if f := fields(t, err)["skills[1].evidence"]; f.Key != "profile.skill.evidence.adviser_only" {
		t.Errorf("raising a validated level: %+v", f)
	}

	// Visibility, consent and name stay the candidate's decisions.
	for name, change := range map[string]func(*candidate.ProfileInput){
		"visibility":      func(in *candidate.ProfileInput) { in.Visibility = candidate.VisibilityVisible },
		"matchingConsent": func(in *candidate.ProfileInput) { in.MatchingConsent = false },
		"displayName":     func(in *candidate.ProfileInput) { in.DisplayName = "Quelqu'un d'autre" },
	} {
		in := got.Input()
		change(&in)
		_, err := e.svc.Update(adv, candA, in, got.Revision)
		if f := fields(t, err)[name]; f.Key != "profile.candidate_only" {
			t.Errorf("adviser changes %s: %+v", name, f)
		}
	}
}

func TestCaseloadLinks(t *testing.T) {
	e := newEnv(t)
	mine(t, e, candA)
	adv := adviserCtx(adviserOrg)
	if _, err := e.svc.Get(adv, candA); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		t.Fatalf("adviser before link: %v", err)
	}
	_, err := e.svc.LinkAdviser(adv, candA, adviserOrg)
	wantErr(t, err, passerelle.ENOTFOUND, "")
	_, err = e.svc.LinkAdviser(candidateCtx(candB), candA, adviserOrg)
	wantErr(t, err, passerelle.ENOTFOUND, "")
	_, err = e.svc.LinkAdviser(candidateCtx(candA), candA, "not-an-org")
	wantErr(t, err, passerelle.EINVALID, "")

	p, err := e.svc.LinkAdviser(candidateCtx(candA), candA, adviserOrg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.LinkAdviser(candidateCtx(candA), candA, adviserOrg)
	if err != nil || again.Revision != p.Revision || len(again.AdviserOrgs) != 1 {
		t.Fatalf("linking twice: %+v %v, want no change", again.AdviserOrgs, err)
	}
	if _, err := e.svc.Get(adv, candA); err != nil {
		t.Fatalf("adviser after link: %v", err)
	}
	// An adviser cannot remove the link; the candidate can.
	_, err = e.svc.UnlinkAdviser(adv, candA, adviserOrg)
	wantErr(t, err, passerelle.EFORBIDDEN, "error.profile.caseload_candidate_only")
	p, err = e.svc.UnlinkAdviser(candidateCtx(candA), candA, adviserOrg)
	if err != nil || len(p.AdviserOrgs) != 0 {
		t.Fatalf("unlink: %+v %v", p.AdviserOrgs, err)
	}
	if _, err := e.svc.Get(adv, candA); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		t.Fatalf("adviser after unlink: %v", err)
	}
	// An admin may link on the candidate's behalf (support).
	if _, err := e.svc.LinkAdviser(as(auth.RoleAdmin, hexID(0xad0), ""), candA, otherOrg); err != nil {
		t.Fatal(err)
	}
	for i := range candidate.MaxAdviserOrgs - 1 {
		if _, err := e.svc.LinkAdviser(candidateCtx(candA), candA, hexID(0xb00+i)); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.svc.LinkAdviser(candidateCtx(candA), candA, hexID(0xbff))
	wantErr(t, err, passerelle.EINVALID, "")
}

// TestLinkOnRequestAndCaseload: an adviser links their own organisation
// (the caseload service checked the candidate's request) and lists it.
func TestLinkOnRequestAndCaseload(t *testing.T) {
	e := newEnv(t)
	mine(t, e, candA)
	mine(t, e, candB)
	adv := adviserCtx(adviserOrg)
	for _, ctx := range []context.Context{candidateCtx(candA), as(auth.RoleEmployer, hexID(0xe1), companyOrg), as(auth.RoleAdmin, hexID(0xad0), "")} {
		_, err := e.svc.LinkOnRequest(ctx, candA)
		wantErr(t, err, passerelle.EFORBIDDEN, "error.profile.caseload_candidate_only")
		_, err = e.svc.Caseload(ctx, "", 10)
		wantErr(t, err, passerelle.EFORBIDDEN, "")
	}
	_, err := e.svc.LinkOnRequest(adv, hexID(0xdead))
	wantErr(t, err, passerelle.ENOTFOUND, "")
	p, err := e.svc.LinkOnRequest(adv, candA)
	if err != nil || !slices.Equal(p.AdviserOrgs, []string{adviserOrg}) {
		t.Fatalf("LinkOnRequest: %+v %v", p.AdviserOrgs, err)
	}
	if _, err := e.svc.Get(adv, candA); err != nil {
		t.Fatalf("adviser after link on request: %v", err)
	}
	list, err := e.svc.Caseload(adv, "", 10)
	if err != nil || len(list) != 1 || list[0].ID != candA {
		t.Fatalf("Caseload = %v, %v; want candA only", list, err)
	}
	if list, err := e.svc.Caseload(adviserCtx(otherOrg), "", 10); err != nil || len(list) != 0 {
		t.Fatalf("other organisation's caseload = %v, %v; want empty", list, err)
	}
}

func TestOptimisticConcurrency(t *testing.T) {
	e := newEnv(t)
	p := filled(t, e, candA)
	ctx := candidateCtx(candA)

	in := p.Input()
	in.Headline = "Première version"
	if _, err := e.svc.Update(ctx, candA, in, p.Revision); err != nil {
		t.Fatal(err)
	}
	stored, _ := e.repo.Profile(context.Background(), candA)
	in.Headline = "Écrase la première sans l'avoir lue"
	_, err := e.svc.Update(ctx, candA, in, p.Revision)
	wantErr(t, err, passerelle.ECONFLICT, "error.profile.stale")
	after, _ := e.repo.Profile(context.Background(), candA)
	sameProfile(t, after, stored)

	// The store itself refuses a stale replace, whatever the service checked.
	_, err = e.repo.ReplaceProfile(context.Background(), after, p.Revision)
	wantErr(t, err, passerelle.ECONFLICT, "error.profile.stale")

	// Racing writers from one revision: exactly one wins.
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			in := after.Input()
			in.Headline = "Version " + string(rune('A'+i))
			_, errs[i] = e.svc.Update(ctx, candA, in, after.Revision)
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch passerelle.ErrorCode(err) {
		case "":
			wins++
		case passerelle.ECONFLICT:
		default:
			t.Errorf("racing update: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d racing updates won, want exactly 1 (%v)", wins, errs)
	}
}

func TestRevisionsAndChanged(t *testing.T) {
	e := newEnv(t)
	a := mine(t, e, candA)
	b := mine(t, e, candB)
	c := mine(t, e, hexID(0xca3))
	if !(a.Revision < b.Revision && b.Revision < c.Revision) {
		t.Fatalf("revisions %d %d %d, want increasing", a.Revision, b.Revision, c.Revision)
	}
	a2, err := e.svc.Update(candidateCtx(candA), candA, validInput(), a.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if a2.Revision <= c.Revision {
		t.Fatalf("update revision %d, want above %d", a2.Revision, c.Revision)
	}
	ids := func(ps []candidate.Profile) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	tests := []struct {
		since int64
		limit int
		want  []string
	}{
		{0, 100, []string{candB, hexID(0xca3), candA}},
		{b.Revision, 100, []string{hexID(0xca3), candA}},
		{c.Revision, 100, []string{candA}},
		{a2.Revision, 100, nil},
		{0, 2, []string{candB, hexID(0xca3)}},
	}
	for _, tt := range tests {
		got, err := e.svc.Changed(context.Background(), tt.since, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !equal(ids(got), tt.want) {
			t.Errorf("Changed(%d, %d) = %v, want %v", tt.since, tt.limit, ids(got), tt.want)
		}
	}
}

func TestFlagMissing(t *testing.T) {
	e := newEnv(t)
	p := filled(t, e, candA)
	mine(t, e, candB)
	tax := skill.Builtin()
	gone := map[skill.Code]bool{"tag:go": true, "tag:react": true}
	knownSkill := func(c skill.Code) bool { return !gone[c] && tax.Known(c) }
	knownOcc := func(r skill.RomeCode) bool { _, ok := tax.Occupation(r); return ok && r != "M1203" }

	_, err := e.svc.FlagMissing(candidateCtx(candA), knownSkill, knownOcc)
	wantErr(t, err, passerelle.EFORBIDDEN, "")

	n, err := e.svc.FlagMissing(context.Background(), knownSkill, knownOcc)
	if err != nil || n != 1 {
		t.Fatalf("FlagMissing = %d, %v; want 1 profile rewritten", n, err)
	}
	got, err := e.svc.Get(candidateCtx(candA), candA)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Skills[0]; !s.Missing || s.Label != "Go" || got.Skills[1].Missing {
		t.Errorf("skills after import: %+v", got.Skills)
	}
	if r := got.Trainings[0].Skills[1]; !r.Missing || r.Label != "React" {
		t.Errorf("training skill after import: %+v", r)
	}
	if f := got.FormerOccupations[0]; !f.Missing || f.Label != "Comptable" {
		t.Errorf("former occupation after import: %+v", f)
	}
	if got.Revision <= p.Revision || got.LastEditedBy != p.LastEditedBy {
		t.Errorf("revision %d (was %d), editor %+v: want a new revision and no editor change", got.Revision, p.Revision, got.LastEditedBy)
	}
	if n, err := e.svc.FlagMissing(context.Background(), knownSkill, knownOcc); err != nil || n != 0 {
		t.Fatalf("second FlagMissing = %d, %v; want nothing to do", n, err)
	}

	// The profile still saves with its vanished codes, but a new unknown
	// code is refused. (The service's taxonomy is the built-in one, where
	// the codes exist; so simulate with a service on the reduced taxonomy.)
	reduced := candidate.NewService(e.repo, reducedTaxonomy{tax, gone}, place.Builtin(), func() time.Time { return now })
	in := got.Input()
	in.Headline = "Toujours modifiable"
	saved, err := reduced.Update(candidateCtx(candA), candA, in, got.Revision)
	if err != nil {
		t.Fatalf("saving a profile with flagged codes: %v", err)
	}
	if !saved.Skills[0].Missing || saved.Skills[0].Label != "Go" {
		t.Errorf("flagged skill after save: %+v", saved.Skills[0])
	}
	in = saved.Input()
	in.Trainings[1].Skills = []skill.Code{"tag:go"} // held elsewhere in the profile: kept
	in.Skills = append(in.Skills, candidate.SkillInput{Code: "tag:rust", Level: 1})
	if _, err := reduced.Update(candidateCtx(candA), candA, in, saved.Revision); err != nil {
		t.Fatalf("reusing a flagged code of the profile: %v", err)
	}

	// The codes come back in a later release: flags clear.
	cur, _ := e.repo.Profile(context.Background(), candA)
	n, err = e.svc.FlagMissing(as(auth.RoleAdmin, hexID(0xad0), ""), tax.Known, func(r skill.RomeCode) bool { _, ok := tax.Occupation(r); return ok })
	if err != nil || n != 1 {
		t.Fatalf("FlagMissing after restore = %d, %v", n, err)
	}
	got, _ = e.repo.Profile(context.Background(), candA)
	if got.Skills[0].Missing || got.Trainings[0].Skills[1].Missing || got.FormerOccupations[0].Missing || got.Revision <= cur.Revision {
		t.Errorf("flags not cleared: %+v", got)
	}
}

// reducedTaxonomy is the built-in taxonomy without some codes: what a
// later import that dropped them looks like.
type reducedTaxonomy struct {
	*skill.Taxonomy
	gone map[skill.Code]bool
}

func (r reducedTaxonomy) Known(c skill.Code) bool { return !r.gone[c] && r.Taxonomy.Known(c) }

func TestMatchProfile(t *testing.T) {
	e := newEnv(t)
	p := filled(t, e, candA)
	in := p.Input()
	in.Skills[2].Evidence = skill.EvidenceAdviserValidated
	p, err := e.svc.Update(adviserCtx(adviserOrg), candA, in, p.Revision)
	if err != nil {
		t.Fatal(err)
	}
	in = p.Input()
	in.Trainings = append(in.Trainings,
		candidate.TrainingInput{Title: "Prévue", End: day(2026, 12, 1), Status: candidate.TrainingPlanned, Skills: []skill.Code{"tag:docker"}},
		candidate.TrainingInput{Title: "Abandonnée", Status: candidate.TrainingAbandoned, Skills: []skill.Code{"tag:php"}})
	p, err = e.svc.Update(candidateCtx(candA), candA, in, p.Revision)
	if err != nil {
		t.Fatal(err)
	}

	m := p.MatchProfile()
	if m.ID != candA || m.RadiusKm != 25 || m.Remote != match.RemoteHybrid || !m.Consent || m.Visibility != match.VisibilityAnonymous {
		t.Errorf("scalars: %+v", m)
	}
	if m.Contracts != match.ContractCDI|match.ContractAlternance {
		t.Errorf("contracts = %b", m.Contracts)
	}
	if m.Place != (match.Place{Commune: "Nantes", Lat: 47.2316356767, Lon: -1.54831008605}) || !m.AvailableFrom.Equal(day(2026, 7, 1)) {
		t.Errorf("place %+v available %v", m.Place, m.AvailableFrom)
	}
	wantSkills := []match.HeldSkill{
		{Code: "tag:go", Level: 2, Evidence: match.EvidenceDeclared},
		{Code: "tag:sql", Level: 3, Evidence: match.EvidenceExperience},
		{Code: "ogr:113798", Level: 1, Evidence: match.EvidenceValidated},
	}
	if !equal(m.Skills, wantSkills) {
		t.Errorf("skills = %+v, want %+v", m.Skills, wantSkills)
	}
	if len(m.Trainings) != 3 || m.Trainings[0].Status != match.TrainingInProgress || m.Trainings[1].Status != match.TrainingCompleted ||
		m.Trainings[2].Status != match.TrainingInProgress || m.Trainings[2].Skills[0] != "tag:docker" || !m.Trainings[0].End.Equal(day(2026, 6, 30)) {
		t.Errorf("trainings = %+v (planned counts as in progress, abandoned is dropped)", m.Trainings)
	}
	if len(m.Former) != 1 || m.Former[0] != (match.FormerOccupation{ROME: "M1203", Years: 8}) {
		t.Errorf("former = %+v", m.Former)
	}
	if m.Revision != uint64(p.Revision) {
		t.Errorf("revision %d, want %d", m.Revision, p.Revision)
	}
	// The engine accepts it as it is.
	ix, err := match.New(nil, match.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(m); err != nil {
		t.Fatalf("index refuses the converted profile: %v", err)
	}
	// So does it a new, empty profile.
	empty := mine(t, e, candB)
	if err := ix.Upsert(empty.MatchProfile()); err != nil {
		t.Fatalf("index refuses an empty profile: %v", err)
	}
}

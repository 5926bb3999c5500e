package candidate_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/contract"
	"passerelle/internal/place"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The built-in taxonomy and directory are what the service runs on without
// imports; they must satisfy the interfaces the package declares.
var (
	_ candidate.Taxonomy = skill.Builtin()
	_ candidate.Places   = place.Builtin()
)

// hexID returns a 24-hex-digit id, the form of account ids.
func hexID(n int) string { return fmt.Sprintf("%024x", n) }

var (
	candA      = hexID(0xca1)
	candB      = hexID(0xca2)
	adviserOrg = hexID(0xad1)
	otherOrg   = hexID(0xad2)
	companyOrg = hexID(0xe01)
)

// now is the tests' fixed clock: date rules (a completed training cannot
// end in the future) must not depend on the day the tests run.
var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

type env struct {
	svc  *candidate.Service
	repo *candidatedb.Store
	st   *store.Store
}

func newEnv(t *testing.T) env {
	t.Helper()
	st := storetest.MustOpen(t)
	if err := candidatedb.EnsureIndexes(context.Background(), st); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	repo := candidatedb.New(st)
	return env{svc: candidate.NewService(repo, skill.Builtin(), place.Builtin(), func() time.Time { return now }), repo: repo, st: st}
}

func as(role auth.Role, user, org string) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: user, Role: role, OrgID: org, SessionID: "s"})
}

func candidateCtx(user string) context.Context { return as(auth.RoleCandidate, user, "") }
func adviserCtx(org string) context.Context    { return as(auth.RoleAdviser, hexID(0xadd), org) }

// mine creates (or returns) the profile of candidate user.
func mine(t *testing.T, e env, user string) candidate.Profile {
	t.Helper()
	p, err := e.svc.Mine(candidateCtx(user), "Awa Diallo")
	if err != nil {
		t.Fatalf("Mine(%s): %v", user, err)
	}
	return p
}

// filled creates candidate user's profile with validInput and links it to
// adviserOrg.
func filled(t *testing.T, e env, user string) candidate.Profile {
	t.Helper()
	p := mine(t, e, user)
	p, err := e.svc.Update(candidateCtx(user), user, validInput(), p.Revision)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	p, err = e.svc.LinkAdviser(candidateCtx(user), user, adviserOrg)
	if err != nil {
		t.Fatalf("LinkAdviser: %v", err)
	}
	return p
}

// validInput is a complete, valid profile: a former accountant retraining
// as a web developer in Nantes.
func validInput() candidate.ProfileInput {
	return candidate.ProfileInput{
		DisplayName: "Awa Diallo",
		Headline:    "Ancienne comptable, en reconversion vers le développement web",
		Skills: []candidate.SkillInput{
			{Code: "tag:go", Level: 2, Evidence: skill.EvidenceDeclared},
			{Code: "tag:sql", Level: 3, Evidence: skill.EvidenceExperience},
			{Code: "ogr:113798", Level: 1, Evidence: skill.EvidenceTraining},
		},
		Trainings: []candidate.TrainingInput{{
			Title: "Développeur web et web mobile", Provider: "AFPA Nantes",
			Start: day(2025, 9, 1), End: day(2026, 6, 30), Status: candidate.TrainingInProgress,
			Skills: []skill.Code{"tag:javascript", "tag:react"},
		}, {
			Title: "Initiation à la programmation", Provider: "OpenClassrooms",
			Start: day(2025, 1, 6), End: day(2025, 3, 28), Status: candidate.TrainingCompleted,
		}},
		FormerOccupations: []candidate.FormerOccupationInput{{Rome: "M1203", Years: 8}},
		CommuneID:         "44109",
		MobilityKm:        25,
		Remote:            candidate.RemoteHybrid,
		Contracts:         []contract.Type{contract.Alternance, contract.CDI},
		AvailableFrom:     day(2026, 7, 1),
		Languages:         []candidate.Language{{Code: "fr", Level: candidate.LanguageNative}, {Code: "en", Level: candidate.LanguageB1}},
		Visibility:        candidate.VisibilityAnonymous,
		MatchingConsent:   true,
	}
}

// wantErr fails unless err is a *passerelle.Error with code (and key, when
// not empty).
func wantErr(t *testing.T, err error, code, key string) {
	t.Helper()
	var perr *passerelle.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error = %v, want a *passerelle.Error %s %s", err, code, key)
	}
	if perr.Code != code || (key != "" && perr.Key != key) {
		t.Fatalf("error = %s %s (%v), want %s %s", perr.Code, perr.Key, err, code, key)
	}
}

// fields returns the field errors of err by field.
func fields(t *testing.T, err error) map[string]passerelle.FieldError {
	t.Helper()
	var perr *passerelle.Error
	if !errors.As(err, &perr) || perr.Code != passerelle.EINVALID {
		t.Fatalf("error = %v, want EINVALID", err)
	}
	out := map[string]passerelle.FieldError{}
	for _, f := range perr.Fields {
		if _, dup := out[f.Field]; dup {
			continue // the first error of a field is the one a form shows first
		}
		out[f.Field] = f
	}
	return out
}

// sameProfile fails when got and want differ, naming the first differing
// field.
func sameProfile(t *testing.T, got, want candidate.Profile) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	var diffs []string
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			diffs = append(diffs, fmt.Sprintf("%s: got %+v, want %+v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface()))
		}
	}
	t.Fatalf("profile mismatch:\n%s", strings.Join(diffs, "\n"))
}

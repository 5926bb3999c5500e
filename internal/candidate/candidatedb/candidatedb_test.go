package candidatedb_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/contract"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func open(t *testing.T) (*store.Store, *candidatedb.Store) {
	t.Helper()
	st := storetest.MustOpen(t)
	// Twice: the migration list may run it again after a crash.
	for range 2 {
		if err := candidatedb.EnsureIndexes(context.Background(), st); err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	return st, candidatedb.New(st)
}

func code(err error) string { return passerelle.ErrorCode(err) }

// full is a profile with every field set, so that a lost field shows.
func full(id string) candidate.Profile {
	at := time.Date(2026, 3, 2, 10, 0, 0, 123_000_000, time.UTC)
	return candidate.Profile{
		ID: id, DisplayName: "Awa Diallo", Headline: "En reconversion",
		Skills: []candidate.Skill{
			{Code: "tag:go", Label: "Go", Level: 2, Evidence: skill.EvidenceDeclared},
			{Code: "tag:sql", Label: "SQL", Level: 3, Evidence: skill.EvidenceAdviserValidated, ValidatedBy: "org1", Missing: true},
		},
		Trainings: []candidate.Training{
			{Title: "DWWM", Provider: "AFPA", Start: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
				Status: candidate.TrainingInProgress, Skills: []candidate.SkillRef{{Code: "tag:react", Label: "React", Missing: true}}},
			{Title: "Sans dates", Status: candidate.TrainingAbandoned},
		},
		FormerOccupations: []candidate.FormerOccupation{{Rome: "M1203", Label: "Comptable", Years: 8, Missing: true}},
		Place:             candidate.Place{CommuneID: "44109", Name: "Nantes", Lat: 47.23, Lon: -1.55},
		MobilityKm:        25,
		Remote:            candidate.RemoteHybrid,
		Contracts:         []contract.Type{contract.CDI, contract.Alternance},
		AvailableFrom:     time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		Languages:         []candidate.Language{{Code: "fr", Level: candidate.LanguageNative}},
		Visibility:        candidate.VisibilityAnonymous,
		MatchingConsent:   true,
		AdviserOrgs:       []string{"org1", "org2"},
		LastEditedBy:      candidate.Editor{UserID: "u1", Role: auth.RoleAdviser},
		CreatedAt:         at,
		UpdatedAt:         at,
	}
}

func TestRoundTrip(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	for name, p := range map[string]candidate.Profile{
		"full":  full("a"),
		"empty": {ID: "b", Remote: candidate.RemoteOK, Visibility: candidate.VisibilityHidden, CreatedAt: time.Unix(0, 0).UTC(), UpdatedAt: time.Unix(0, 0).UTC()},
	} {
		t.Run(name, func(t *testing.T) {
			created, err := repo.CreateProfile(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if created.Revision <= 0 {
				t.Fatalf("revision %d", created.Revision)
			}
			got, err := repo.Profile(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			p.Revision = created.Revision
			if !reflect.DeepEqual(got, p) || !reflect.DeepEqual(created, p) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, p)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	if _, err := repo.Profile(ctx, "nobody"); code(err) != passerelle.ENOTFOUND {
		t.Errorf("missing profile: %v", err)
	}
	p, err := repo.CreateProfile(ctx, full("a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateProfile(ctx, full("a")); code(err) != passerelle.ECONFLICT {
		t.Errorf("second create: %v, want conflict", err)
	}
	if _, err := repo.ReplaceProfile(ctx, p, p.Revision-1); code(err) != passerelle.ECONFLICT {
		t.Errorf("stale replace: %v, want conflict", err)
	}
	ghost := full("ghost")
	if _, err := repo.ReplaceProfile(ctx, ghost, 1); code(err) != passerelle.ECONFLICT {
		t.Errorf("replace of a missing profile: %v, want conflict (the caller re-reads)", err)
	}
	q := p
	q.Headline = "Nouveau"
	q2, err := repo.ReplaceProfile(ctx, q, p.Revision)
	if err != nil || q2.Revision <= p.Revision || q2.Headline != "Nouveau" {
		t.Fatalf("replace: %+v %v", q2, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := repo.Profile(cancelled, "a"); err == nil {
		t.Error("a cancelled context still read")
	}
}

func TestIndexes(t *testing.T) {
	st, _ := open(t)
	cur, err := st.DB.Collection(candidatedb.Collection).Indexes().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var idx []struct {
		Name string `bson:"name"`
		Key  bson.D `bson:"key"`
	}
	if err := cur.All(context.Background(), &idx); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, i := range idx {
		names[i.Name] = true
	}
	for _, want := range []string{"revision", "adviserOrgs"} {
		if !names[want] {
			t.Errorf("index %q missing (have %v)", want, names)
		}
	}
}

func TestScanAndChanged(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	var revs []int64
	for _, id := range []string{"c", "a", "d", "b"} {
		p, err := repo.CreateProfile(ctx, full(id))
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, p.Revision)
	}
	var ids []string
	after := ""
	for {
		page, err := repo.ScanProfiles(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			ids = append(ids, p.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	if fmt.Sprint(ids) != "[a b c d]" {
		t.Errorf("scan = %v, want every profile once, by id", ids)
	}
	ch, err := repo.ChangedProfiles(ctx, revs[1], 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 2 || ch[0].ID != "d" || ch[1].ID != "b" {
		t.Errorf("changed since %d = %v", revs[1], ch)
	}
}

// TestConcurrentWrites runs writers in parallel, as request handlers do:
// every write either lands or reports a conflict, none is lost silently.
func TestConcurrentWrites(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	const writers, rounds = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Go(func() {
			p, err := repo.CreateProfile(ctx, full(fmt.Sprintf("w%d", w)))
			if err != nil {
				errs <- err
				return
			}
			for i := range rounds {
				p.MobilityKm = i + 1
				if p, err = repo.ReplaceProfile(ctx, p, p.Revision); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	for w := range writers {
		p, err := repo.Profile(ctx, fmt.Sprintf("w%d", w))
		if err != nil || p.MobilityKm != rounds {
			t.Errorf("writer %d: %+v %v, want its last write", w, p.MobilityKm, err)
		}
	}
}

func TestCaseloadProfiles(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	for id, orgs := range map[string][]string{"a": {"org1", "org2"}, "b": {"org2"}, "c": nil, "d": {"org1"}} {
		p := full(id)
		p.AdviserOrgs = orgs
		if _, err := repo.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(ps []candidate.Profile) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		org, after string
		limit      int
		want       []string
	}{
		{"org1", "", 10, []string{"a", "d"}},
		{"org2", "", 10, []string{"a", "b"}},
		{"org1", "a", 10, []string{"d"}},
		{"org2", "", 1, []string{"a"}},
		{"org3", "", 10, nil},
	} {
		got, err := repo.CaseloadProfiles(ctx, tc.org, tc.after, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), tc.want) {
			t.Errorf("CaseloadProfiles(%s, after %q, %d) = %v, want %v", tc.org, tc.after, tc.limit, ids(got), tc.want)
		}
	}
	for _, tc := range []struct {
		org  string
		ids  []string
		want []string
	}{
		{"org1", []string{"d", "b", "c", "a", "zz"}, []string{"a", "d"}},
		{"org2", []string{"d", "b"}, []string{"b"}},
		{"org1", nil, []string{}},
		{"org3", []string{"a", "b", "c", "d"}, []string{}},
	} {
		got, err := repo.CaseloadMembers(ctx, tc.org, tc.ids)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("CaseloadMembers(%s, %v) = %v, %v, want %v", tc.org, tc.ids, got, err, tc.want)
		}
	}
	if _, err := repo.CaseloadMembers(ctx, "org1", make([]string, candidatedb.MaxMembersRead+1)); err == nil {
		t.Error("CaseloadMembers read more ids than MaxMembersRead")
	}
}

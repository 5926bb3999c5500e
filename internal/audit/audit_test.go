package audit_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/audit"
	"passerelle/internal/audit/auditdb"
	"passerelle/internal/auth"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func hexID(n int) string { return fmt.Sprintf("%024x", n) }

func as(role auth.Role, user string) context.Context {
	return auth.NewContext(context.Background(), auth.Identity{UserID: user, Role: role, SessionID: "s"})
}

var (
	bg      = context.Background()
	cand    = hexID(0xca1)
	start   = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	company = hexID(0xc01)
	advOrg  = hexID(0xad1)
)

func newLog(t *testing.T) (*audit.Log, *auditdb.Store, *time.Time) {
	t.Helper()
	st := storetest.MustOpen(t)
	for range 2 {
		if err := auditdb.EnsureIndexes(bg, st); err != nil {
			t.Fatal(err)
		}
	}
	now := start
	repo := auditdb.New(st)
	return audit.New(repo, func() time.Time { return now }), repo, &now
}

func TestRecordAndList(t *testing.T) {
	log, _, now := newLog(t)
	entries := []audit.Entry{
		{ActorID: hexID(0xe01), Role: auth.RoleEmployer, OrgID: company, CandidateID: cand, Reason: audit.ReasonApplication, RequestID: "req-1"},
		{ActorID: hexID(0xad0), Role: auth.RoleAdviser, OrgID: advOrg, CandidateID: cand, Reason: audit.ReasonCaseload, RequestID: "req-2"},
		{ActorID: hexID(0xe02), Role: auth.RoleEmployer, OrgID: company, CandidateID: cand, Reason: audit.ReasonMatch, RequestID: "req-3"},
		{ActorID: hexID(0xe01), Role: auth.RoleEmployer, OrgID: company, CandidateID: hexID(0xca2), Reason: audit.ReasonProfile},
	}
	for _, e := range entries {
		if err := log.Record(bg, e); err != nil {
			t.Fatal(err)
		}
		*now = now.Add(time.Minute)
	}
	// A given time is kept (the caller knows when the page was opened).
	if err := log.Record(bg, audit.Entry{ActorID: hexID(0xa0), Role: auth.RoleAdmin, CandidateID: cand, Reason: audit.ReasonProfile, At: start.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}

	mine, err := log.ForCandidate(as(auth.RoleCandidate, cand), cand, audit.PageRequest{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if mine.Total != 4 || len(mine.Entries) != 2 {
		t.Fatalf("page = %+v", mine)
	}
	want := audit.Entry{ID: mine.Entries[0].ID, Role: auth.RoleEmployer, OrgID: company, CandidateID: cand, Reason: audit.ReasonMatch, At: start.Add(2 * time.Minute)}
	if mine.Entries[0] != want {
		t.Fatalf("newest entry, as the candidate reads it:\n got %+v\nwant %+v", mine.Entries[0], want)
	}
	if mine.Entries[1].Reason != audit.ReasonCaseload || mine.Entries[1].OrgID != advOrg || mine.Entries[1].Role != auth.RoleAdviser {
		t.Fatalf("second entry = %+v", mine.Entries[1])
	}
	last, _ := log.ForCandidate(as(auth.RoleCandidate, cand), cand, audit.PageRequest{Number: 2, Size: 2})
	if len(last.Entries) != 2 || last.Entries[1].Role != auth.RoleAdmin || !last.Entries[1].At.Equal(start.Add(-time.Hour)) {
		t.Fatalf("last page = %+v", last)
	}
	for _, e := range append(mine.Entries, last.Entries...) {
		if e.ActorID != "" || e.RequestID != "" {
			t.Errorf("the candidate reads a user or request id: %+v", e)
		}
	}
	all, err := log.ForCandidate(as(auth.RoleAdmin, hexID(0xa0)), cand, audit.PageRequest{Size: 1000})
	if err != nil || all.Size != audit.MaxPageSize || len(all.Entries) != 4 || all.Entries[0].ActorID != hexID(0xe02) || all.Entries[0].RequestID != "req-3" {
		t.Fatalf("admin reads %+v %v", all, err)
	}
	for name, ctx := range map[string]context.Context{
		"another candidate": as(auth.RoleCandidate, hexID(0xca2)),
		"employer":          as(auth.RoleEmployer, hexID(0xe01)),
		"adviser":           as(auth.RoleAdviser, hexID(0xad0)),
	} {
		if _, err := log.ForCandidate(ctx, cand, audit.PageRequest{}); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Errorf("%s reads the trail: %v", name, err)
		}
	}
	if _, err := log.ForCandidate(bg, cand, audit.PageRequest{}); passerelle.ErrorCode(err) != passerelle.EUNAUTHORIZED {
		t.Errorf("anonymous reads the trail: %v", err)
	}
}

func TestRecordRejectsIncompleteEntries(t *testing.T) {
	log, _, _ := newLog(t)
	ok := audit.Entry{ActorID: hexID(0xe01), Role: auth.RoleEmployer, OrgID: company, CandidateID: cand, Reason: audit.ReasonMatch}
	for name, edit := range map[string]func(*audit.Entry){
		"no actor":       func(e *audit.Entry) { e.ActorID = "" },
		"candidate role": func(e *audit.Entry) { e.Role = auth.RoleCandidate },
		"no role":        func(e *audit.Entry) { e.Role = "" },
		"bad candidate":  func(e *audit.Entry) { e.CandidateID = "someone" },
		"unknown reason": func(e *audit.Entry) { e.Reason = "curiosity" },
		"request id too long": func(e *audit.Entry) {
			e.RequestID = string(make([]byte, 200))
		},
	} {
		e := ok
		edit(&e)
		if err := log.Record(bg, e); passerelle.ErrorCode(err) != passerelle.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestNoWayToChangeEntries: the package and its storage offer insert and
// list, nothing else; passing an existing id to Record does not overwrite
// the entry, and inserting an existing id fails.
func TestNoWayToChangeEntries(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for i := range typ.NumMethod() {
			out = append(out, typ.Method(i).Name)
		}
		return out
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[*audit.Log](), reflect.TypeFor[audit.Repository](), reflect.TypeFor[*auditdb.Store]()} {
		want := []string{"ForCandidate", "Record"}
		if typ != reflect.TypeFor[*audit.Log]() {
			want = []string{"ForCandidate", "Insert"}
		}
		if got := names(typ); !slices.Equal(got, want) {
			t.Errorf("%v has methods %v, want only %v", typ, got, want)
		}
	}

	log, repo, _ := newLog(t)
	first := audit.Entry{ActorID: hexID(0xe01), Role: auth.RoleEmployer, OrgID: company, CandidateID: cand, Reason: audit.ReasonMatch, RequestID: "r1"}
	if err := log.Record(bg, first); err != nil {
		t.Fatal(err)
	}
	admin := as(auth.RoleAdmin, hexID(0xa0))
	stored := trail(t, log, admin).Entries[0]
	forged := stored
	forged.ActorID, forged.Reason = hexID(0xbad), audit.ReasonProfile
	if err := log.Record(bg, forged); err != nil {
		t.Fatal(err)
	}
	if err := repo.Insert(bg, forged); err == nil {
		t.Fatal("inserting an existing id succeeded")
	}
	page := trail(t, log, admin)
	if page.Total != 2 || !slices.Contains(page.Entries, stored) {
		t.Fatalf("after the attempts: %+v (want the original %+v kept)", page.Entries, stored)
	}
}

func trail(t *testing.T, log *audit.Log, ctx context.Context) audit.Page {
	t.Helper()
	p, err := log.ForCandidate(ctx, cand, audit.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

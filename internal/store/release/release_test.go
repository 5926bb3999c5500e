package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var t0 = time.Date(2025, 9, 15, 10, 0, 0, 0, time.UTC)

const docsCollection = "items"

// item is a document of the test data set.
type item struct {
	ID       string    `bson:"_id"`
	Release  string    `bson:"release"`
	Revision int64     `bson:"revision"`
	Stamp    time.Time `bson:"stamp"`
	Value    string    `bson:"value"`
}

// tag is what the pointer records about a release of the test data set.
type tag struct {
	Label string `bson:"label"`
}

func newSet(st *store.Store, now time.Time) *Set[item, tag] {
	return New[item, tag](st, docsCollection, "item_releases", "test data", now)
}

// build lays values out as items, one each.
func build(values []string) func(id string, rev int64, now time.Time) []item {
	return func(id string, rev int64, now time.Time) []item {
		out := make([]item, len(values))
		for i, v := range values {
			out[i] = item{ID: fmt.Sprintf("%s/%06d", id, i), Release: id, Revision: rev, Stamp: now, Value: v}
		}
		return out
	}
}

// valuesOf returns the values of items, sorted: the store returns them in no
// particular order.
func valuesOf(items []item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Value
	}
	slices.Sort(out)
	return out
}

// replace imports values with label through s, replacing the release when
// the stored values differ.
func replace(ctx context.Context, s *Set[item, tag], values []string, label string) (bool, error) {
	want := slices.Sorted(slices.Values(values))
	return s.Replace(ctx, "v1", tag{Label: label},
		func(stored []item, active bool) bool { return !active || !slices.Equal(valuesOf(stored), want) },
		build(values))
}

func mustReplace(tb testing.TB, s *Set[item, tag], values []string, label string) bool {
	tb.Helper()
	committed, err := replace(context.Background(), s, values, label)
	if err != nil {
		tb.Fatalf("Replace: %v", err)
	}
	return committed
}

// mustActive returns the pointer, which must exist.
func mustActive(tb testing.TB, st *store.Store) Pointer[tag] {
	tb.Helper()
	p, ok, err := newSet(st, t0).Active(context.Background())
	if err != nil || !ok {
		tb.Fatalf("Active = %v, %v", ok, err)
	}
	return p
}

// mustLoad returns the active release's pointer and sorted values.
func mustLoad(tb testing.TB, st *store.Store) (Pointer[tag], []string) {
	tb.Helper()
	p, docs, ok, err := newSet(st, t0).Load(context.Background())
	if err != nil || !ok {
		tb.Fatalf("Load = %v, %v", ok, err)
	}
	return p, valuesOf(docs)
}

// storedReleases lists the distinct release ids of the stored documents.
func storedReleases(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	var ids []string
	if err := st.DB.Collection(docsCollection).Distinct(context.Background(), "release", bson.D{}).Decode(&ids); err != nil {
		tb.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func values(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", prefix, i)
	}
	slices.Sort(out)
	return out
}

func TestNothingActive(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	s := newSet(st, t0)
	if p, ok, err := s.Active(ctx); ok || err != nil || p != (Pointer[tag]{}) {
		t.Fatalf("Active on an empty store = %+v, %v, %v; want nothing", p, ok, err)
	}
	if p, docs, ok, err := s.Load(ctx); ok || err != nil || docs != nil || p != (Pointer[tag]{}) {
		t.Fatalf("Load on an empty store = %+v, %v, %v, %v; want nothing", p, docs, ok, err)
	}
}

func TestNewID(t *testing.T) {
	for _, tt := range []struct {
		name    string
		version string
		want    string // pattern
	}{
		{"with version", "v461", `^v461-20250915T100000-[0-9a-f]{8}$`},
		{"without version", "", `^20250915T100000-[0-9a-f]{8}$`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := NewID(tt.version, t0.In(time.FixedZone("CEST", 2*3600))), NewID(tt.version, t0)
			for _, id := range []string{a, b} {
				if !regexp.MustCompile(tt.want).MatchString(id) {
					t.Errorf("NewID(%q) = %q, want it to match %s", tt.version, id, tt.want)
				}
			}
			if a == b {
				t.Errorf("two NewID(%q) = %q: want distinct ids", tt.version, a)
			}
		})
	}
}

// TestReplaceSequence runs imports one after another on one data set; each
// step says what it must have done to the pointer.
func TestReplaceSequence(t *testing.T) {
	st := storetest.MustOpen(t)
	first, second := values("a", 3), append(values("a", 2), "b")
	var prev Pointer[tag]
	for i, step := range []struct {
		name          string
		values        []string
		label         string
		wantCommitted bool
		wantSwitch    bool // to a new release
		wantUpdate    bool // of the pointer: new revision and time
	}{
		{"first import", first, "one", true, true, true},
		{"same data", first, "one", false, false, false},
		{"same data, new info", first, "two", false, false, true},
		{"new data", second, "two", true, true, true},
		{"back to the first", first, "three", true, true, true},
	} {
		t.Run(step.name, func(t *testing.T) {
			at := t0.Add(time.Duration(i) * time.Hour)
			if got := mustReplace(t, newSet(st, at), step.values, step.label); got != step.wantCommitted {
				t.Fatalf("Replace committed = %v, want %v", got, step.wantCommitted)
			}
			p, got := mustLoad(t, st)
			if !reflect.DeepEqual(got, step.values) {
				t.Fatalf("Load = %v, want %v", got, step.values)
			}
			if p.ID != "active" || p.Docs != len(step.values) || p.Info.Label != step.label || p.Lock != nil || !p.CreatedAt.Equal(t0) {
				t.Fatalf("pointer = %+v: want %d documents, info %q, no lock, created at %v", p, len(step.values), step.label, t0)
			}
			if switched := p.Release != prev.Release; switched != step.wantSwitch {
				t.Errorf("release %s, was %s: switched = %v, want %v", p.Release, prev.Release, switched, step.wantSwitch)
			}
			if updated := p.Revision > prev.Revision; updated != step.wantUpdate {
				t.Errorf("revision %d, was %d: updated = %v, want %v", p.Revision, prev.Revision, updated, step.wantUpdate)
			}
			if step.wantUpdate && !p.UpdatedAt.Equal(at) || !step.wantUpdate && !p.UpdatedAt.Equal(prev.UpdatedAt) {
				t.Errorf("pointer updated at %v (was %v), want %v when updated", p.UpdatedAt, prev.UpdatedAt, at)
			}
			if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{p.Release}) {
				t.Errorf("stored releases = %v, want only the active %s", got, p.Release)
			}
			if !strings.HasPrefix(p.Release, "v1-") {
				t.Errorf("release id %q: want the version first", p.Release)
			}
			prev = p
		})
	}
}

// build gets the release id, a revision taken before the switch's and the
// Set's now; the documents keep them.
func TestReplaceStampsDocuments(t *testing.T) {
	st := storetest.MustOpen(t)
	mustReplace(t, newSet(st, t0), values("a", 2), "one")
	p, docs, _, err := newSet(st, t0.Add(time.Hour)).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Release != p.Release || d.Revision <= 0 || d.Revision >= p.Revision || !d.Stamp.Equal(t0) {
			t.Errorf("document %+v of pointer %+v: want its release, a revision before the switch's, stamped %v", d, p, t0)
		}
	}
}

// More documents than one batch holds, by count and by size, are all
// written and read back.
func TestReplaceManyBatches(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for name, vals := range map[string][]string{
		"by count": values("a", 2*batchDocs+1),
		"by size":  values(big, batchBytes/len(big)+1),
	} {
		t.Run(name, func(t *testing.T) {
			st := storetest.MustOpen(t)
			mustReplace(t, newSet(st, t0), vals, "one")
			p, got := mustLoad(t, st)
			if p.Docs != len(vals) || !slices.Equal(got, vals) {
				t.Fatalf("Load: %d documents (pointer says %d), want the %d written", len(got), p.Docs, len(vals))
			}
		})
	}
}

// An import that fails after writing its documents and before the switch
// leaves the previous release active, deletes what it wrote and gives the
// lease up.
func TestReplaceFailureBeforeSwitch(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	first := values("a", 3)
	mustReplace(t, newSet(st, t0), first, "one")
	before := mustActive(t, st)

	s := newSet(st, t0.Add(time.Hour))
	boom := errors.New("injected failure")
	wrote := false
	s.BeforeSwitch = func() error {
		wrote = len(storedReleases(t, st)) == 2
		return boom
	}
	committed, err := replace(ctx, s, values("b", 3), "two")
	if !errors.Is(err, boom) || committed {
		t.Fatalf("Replace = %v, %v; want not committed and the injected error", committed, err)
	}
	if !wrote {
		t.Fatal("the new release's documents were not written before the switch")
	}
	if p, got := mustLoad(t, st); p != before || !reflect.DeepEqual(got, first) {
		t.Fatalf("Load = %+v, %v; want %+v, %v", p, got, before, first)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{before.Release}) {
		t.Fatalf("stored releases after the failure = %v, want only %s", got, before.Release)
	}
	// The lease was given up: the next import runs at once.
	mustReplace(t, newSet(st, t0.Add(time.Hour)), values("b", 3), "two")
}

func TestAcquire(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	s := newSet(st, t0)
	p, takenOver, err := s.Acquire(ctx, "a")
	if err != nil || takenOver || p.Lock == nil || p.Lock.Owner != "a" || !p.Lock.Until.After(t0.Add(LeaseTTL-time.Second)) {
		t.Fatalf("Acquire(a) on an empty store = %+v, %v, %v; want a's lease for LeaseTTL", p, takenOver, err)
	}
	_, _, err = newSet(st, t0.Add(LeaseTTL-time.Second)).Acquire(ctx, "b")
	if passerelle.ErrorCode(err) != passerelle.ECONFLICT || !strings.Contains(err.Error(), "held by import a") {
		t.Fatalf("Acquire(b) under a's lease: %v, want ECONFLICT naming a", err)
	}
	if err := s.Insert(ctx, "b", []item{{ID: "b/0", Release: "b"}}); passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		t.Fatalf("Insert by b under a's lease: %v, want ECONFLICT", err)
	}
	p, takenOver, err = newSet(st, t0.Add(LeaseTTL+time.Second)).Acquire(ctx, "b")
	if err != nil || !takenOver || p.Lock == nil || p.Lock.Owner != "b" {
		t.Fatalf("Acquire(b) once a's lease expired = %+v, %v, %v; want b's lease, taken over", p, takenOver, err)
	}
}

// A crash part-way through writing leaves the previous release active and
// its lease held; once the lease expires, the next import collects the
// partial release and completes.
func TestReplaceAfterCrashMidWrite(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	first, second := values("a", 4), values("b", 4)
	mustReplace(t, newSet(st, t0), first, "one")
	before := mustActive(t, st)

	// The crashed import: lease taken, half of its documents written, then
	// nothing more — no switch, no clean-up, no unlock.
	crashAt := t0.Add(time.Hour)
	crashed := newSet(st, crashAt)
	owner := NewID("v1", crashAt)
	if _, _, err := crashed.Acquire(ctx, owner); err != nil {
		t.Fatal(err)
	}
	if err := crashed.Insert(ctx, owner, build(second)(owner, 1, crashAt)[:2]); err != nil {
		t.Fatal(err)
	}
	if _, got := mustLoad(t, st); !reflect.DeepEqual(got, first) {
		t.Fatalf("Load during the crashed import = %v, want %v", got, first)
	}
	if got := storedReleases(t, st); len(got) != 2 {
		t.Fatalf("stored releases during the crashed import = %v, want the active and the partial one", got)
	}

	// While the lease holds, another import is refused.
	if committed, err := replace(ctx, newSet(st, crashAt.Add(time.Minute)), second, "two"); committed || passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		t.Fatalf("Replace during the lease = %v, %v; want ECONFLICT", committed, err)
	}
	if !mustReplace(t, newSet(st, crashAt.Add(LeaseTTL+time.Minute)), second, "two") {
		t.Fatal("Replace after the lease expired did not switch")
	}
	p, got := mustLoad(t, st)
	if !reflect.DeepEqual(got, second) || p.Release == before.Release || p.Release == owner || p.Lock != nil {
		t.Fatalf("Load = %+v, %v; want a new release of %v, unlocked", p, got, second)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{p.Release}) {
		t.Fatalf("stored releases = %v, want only the new, complete %s", got, p.Release)
	}
}

// A lease taken over without changes to write still collects what the
// crashed import left, and is given up.
func TestReplaceTakesOverExpiredLeaseWithoutChanges(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	first := values("a", 3)
	mustReplace(t, newSet(st, t0), first, "one")
	crashed := newSet(st, t0)
	if _, _, err := crashed.Acquire(ctx, "crashed"); err != nil {
		t.Fatal(err)
	}
	if err := crashed.Insert(ctx, "crashed", build(values("b", 2))("crashed", 1, t0)); err != nil {
		t.Fatal(err)
	}
	before := mustActive(t, st)
	if mustReplace(t, newSet(st, t0.Add(LeaseTTL+time.Second)), first, "one") {
		t.Fatal("Replace of the same data switched")
	}
	p := mustActive(t, st)
	if p.Lock != nil || p.Release != before.Release || p.Revision != before.Revision {
		t.Fatalf("pointer after the import = %+v, was %+v: want the same release, the lease given up", p, before)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{p.Release}) {
		t.Fatalf("stored releases = %v, want only the active %s", got, p.Release)
	}
}

// An import so slow that its lease expired is overtaken: the one that took
// the lease over wins, and the slow one can no longer switch.
func TestReplaceLeaseLostToAnother(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	first, second := values("a", 3), values("b", 3)
	mustReplace(t, newSet(st, t0), first, "one")

	slow := newSet(st, t0.Add(time.Hour))
	slow.BeforeSwitch = func() error {
		// Meanwhile, another import finds the slow one's lease expired.
		mustReplace(t, newSet(st, t0.Add(time.Hour+LeaseTTL+time.Minute)), second, "two")
		return nil
	}
	if committed, err := replace(ctx, slow, values("c", 3), "three"); committed || passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		t.Fatalf("slow Replace = %v, %v; want ECONFLICT", committed, err)
	}
	p, got := mustLoad(t, st)
	if !reflect.DeepEqual(got, second) || p.Info.Label != "two" {
		t.Fatalf("Load = %+v, %v; want the overtaking import's %v", p, got, second)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{p.Release}) {
		t.Fatalf("stored releases = %v, want only the active %s", got, p.Release)
	}
	mustReplace(t, newSet(st, t0.Add(2*time.Hour)), first, "one") // the lease is free again
}

// Documents missing from the active release, with no switch to explain it,
// fail both reads rather than pass for the release.
func TestMissingDocuments(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mustReplace(t, newSet(st, t0), values("a", 3), "one")
	p := mustActive(t, st)
	if _, err := st.DB.Collection(docsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: p.Release + "/000000"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := newSet(st, t0).Load(ctx); ok || err == nil || !strings.Contains(err.Error(), "2 documents, want 3") {
		t.Fatalf("Load = %v, %v; want an error counting 2 documents of 3", ok, err)
	}
	if committed, err := replace(ctx, newSet(st, t0.Add(time.Hour)), values("b", 3), "two"); committed || err == nil || !strings.Contains(err.Error(), "2 documents, want 3") {
		t.Fatalf("Replace = %v, %v; want an error counting 2 documents of 3", committed, err)
	}
	if got := mustActive(t, st); got.Lock != nil || got.Release != p.Release {
		t.Fatalf("pointer after the failed Replace = %+v: want %s still active, the lease given up", got, p.Release)
	}
}

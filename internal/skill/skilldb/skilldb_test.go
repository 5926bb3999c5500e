package skilldb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/release"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var t0 = time.Date(2025, 9, 15, 10, 0, 0, 0, time.UTC)

// miniDir is the hand-written fixture of the skill package.
var miniDir = filepath.Join("..", "testdata", "rome-mini")

func mustParse(tb testing.TB, dir string) *skill.ROME {
	tb.Helper()
	r, err := skill.ParseROME(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// modifiedMini copies rome-mini with three edits: an occupation renamed, a
// plain link become emerging, a mobility link removed.
func modifiedMini(tb testing.TB) *skill.ROME {
	tb.Helper()
	dir := tb.TempDir()
	edits := map[string][2]string{
		"unix_referentiel_code_rome_v461_utf8.csv": {`"Data engineer"`, `"Ingénieur / Ingénieure data"`},
		"unix_coherence_item_v461_utf8.csv":        {`"M1811","930001",""`, `"M1811","930001","Émergente"`},
		"unix_rubrique_mobilite_v461_utf8.csv":     {`"M1203","M1403","1"` + "\n", ``},
	}
	entries, err := os.ReadDir(miniDir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(miniDir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		s := string(b)
		if ed, ok := edits[e.Name()]; ok {
			if !strings.Contains(s, ed[0]) {
				tb.Fatalf("fixture %s no longer holds %q", e.Name(), ed[0])
			}
			s = strings.Replace(s, ed[0], ed[1], 1)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(s), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return mustParse(tb, dir)
}

func mustImport(tb testing.TB, st *store.Store, r *skill.ROME, now time.Time) skill.ROMEDiff {
	tb.Helper()
	d, err := Import(context.Background(), st, r, now)
	if err != nil {
		tb.Fatalf("Import: %v", err)
	}
	return d
}

// mustLoadEqual checks that Load returns want.
func mustLoadEqual(tb testing.TB, st *store.Store, want *skill.ROME) {
	tb.Helper()
	got, ok, err := Load(context.Background(), st)
	if err != nil || !ok {
		tb.Fatalf("Load = %v, %v", ok, err)
	}
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("Load differs from the imported release: %s (version %q/%q, skipped %d/%d)",
			skill.Diff(want, got), got.Version, want.Version, got.SkippedLinks, want.SkippedLinks)
	}
}

// storedReleases lists the distinct release ids of the stored documents.
func storedReleases(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	ctx := context.Background()
	var ids []string
	if err := st.DB.Collection(docsCollection).Distinct(ctx, "release", bson.D{}).Decode(&ids); err != nil {
		tb.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func TestLoadNothingImported(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	if r, ok, err := Load(ctx, st); r != nil || ok || err != nil {
		t.Fatalf("Load on an empty store = %v, %v, %v; want nil, false, nil", r, ok, err)
	}
	if _, ok, err := Active(ctx, st); ok || err != nil {
		t.Fatalf("Active on an empty store = %v, %v", ok, err)
	}
	if err := EnsureIndexes(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := EnsureIndexes(ctx, st); err != nil {
		t.Fatalf("EnsureIndexes twice: %v", err)
	}
}

func TestImportIdempotent(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini := mustParse(t, miniDir)

	d := mustImport(t, st, mini, t0)
	if want := skill.Diff(nil, mini); !reflect.DeepEqual(d, want) {
		t.Fatalf("first import diff = %s, want %s", d, want)
	}
	mustLoadEqual(t, st, mini)
	first, ok, err := Active(ctx, st)
	if err != nil || !ok || first.Version != "v461" || !first.ImportedAt.Equal(t0) {
		t.Fatalf("Active = %+v, %v, %v", first, ok, err)
	}

	d = mustImport(t, st, mustParse(t, miniDir), t0.Add(time.Hour))
	if !d.Empty() {
		t.Fatalf("second import of the same release: diff %s, want empty", d)
	}
	again, _, err := Active(ctx, st)
	if err != nil || again != first {
		t.Fatalf("second import changed the active release: %+v, want %+v (%v)", again, first, err)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{first.ID}) {
		t.Fatalf("stored releases = %v, want only %s", got, first.ID)
	}
	mustLoadEqual(t, st, mini)
}

func TestImportNewerRelease(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini, modified := mustParse(t, miniDir), modifiedMini(t)
	mustImport(t, st, mini, t0)
	first, _, _ := Active(ctx, st)

	d := mustImport(t, st, modified, t0.Add(time.Hour))
	want := skill.ROMEDiff{
		Occupations: skill.KeyChanges{Changed: []string{"M1811"}},
		Links:       skill.KeyChanges{Changed: []string{"M1811 ogr:930001"}},
		Mobility:    skill.KeyChanges{Removed: []string{"M1203>M1403"}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("diff = %+v\nwant %+v", d, want)
	}
	mustLoadEqual(t, st, modified)
	second, _, _ := Active(ctx, st)
	if second.ID == first.ID || second.Revision <= first.Revision {
		t.Fatalf("active release after update = %+v, was %+v: want a new id and a higher revision", second, first)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{second.ID}) {
		t.Fatalf("stored releases = %v, want only the new %s", got, second.ID)
	}

	// Back to the first: the diff is the reverse.
	d = mustImport(t, st, mini, t0.Add(2*time.Hour))
	if d.Occupations.Len() != 1 || d.Links.Len() != 1 || !reflect.DeepEqual(d.Mobility.Added, []string{"M1203>M1403"}) {
		t.Fatalf("diff back to the first release = %s", d)
	}
	mustLoadEqual(t, st, mini)
}

// A new version tag with the same records is recorded without rewriting
// the documents.
func TestImportSameDataNewVersion(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini := mustParse(t, miniDir)
	mustImport(t, st, mini, t0)
	first, _, _ := Active(ctx, st)

	renamed := *mini
	renamed.Version = "v462"
	if d := mustImport(t, st, &renamed, t0.Add(time.Hour)); !d.Empty() {
		t.Fatalf("diff = %s, want empty", d)
	}
	got, _, _ := Active(ctx, st)
	if got.ID != first.ID || got.Version != "v462" || got.Revision <= first.Revision {
		t.Fatalf("Active = %+v, want release %s relabelled v462 with a new revision", got, first.ID)
	}
	mustLoadEqual(t, st, &renamed)
}

func TestImportBuiltinRoundTrip(t *testing.T) {
	st := storetest.MustOpen(t)
	mustImport(t, st, skill.BuiltinROME(), t0)
	mustLoadEqual(t, st, skill.BuiltinROME())
}

func TestImportRejectsInvalid(t *testing.T) {
	st := storetest.MustOpen(t)
	occ := []skill.Occupation{{Code: "M1805", Label: "Développeur"}}
	for name, r := range map[string]*skill.ROME{
		"empty":                  {Version: "v1"},
		"duplicate occupation":   {Occupations: append(slices.Clone(occ), occ...)},
		"link to unknown":        {Occupations: occ, Links: []skill.Link{{Rome: "M1806", Item: "ogr:1"}}},
		"appellation of unknown": {Occupations: occ, Appellations: []skill.Appellation{{ID: "1", Label: "x", Rome: "M1806"}}},
		"mobility from unknown":  {Occupations: occ, Mobility: []skill.Mobility{{From: "M1806", To: "M1805", Order: 1}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Import(context.Background(), st, r, t0)
			if passerelle.ErrorCode(err) != passerelle.EINVALID {
				t.Fatalf("Import: %v, want EINVALID", err)
			}
		})
	}
	if _, ok, err := Load(context.Background(), st); ok || err != nil {
		t.Fatalf("Load after refused imports = %v, %v; want nothing", ok, err)
	}
}

// An import that fails after writing its documents and before the switch
// leaves the previous release active, and deletes what it wrote.
func TestImportFailureBeforeSwitch(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini := mustParse(t, miniDir)
	mustImport(t, st, mini, t0)
	first, _, _ := Active(ctx, st)

	rs := newROMEReleases(st, t0.Add(time.Hour))
	boom := errors.New("injected failure")
	wrote := false
	rs.BeforeSwitch = func() error {
		wrote = len(storedReleases(t, st)) == 2
		return boom
	}
	d, err := importROME(ctx, rs, modifiedMini(t))
	if !errors.Is(err, boom) || !d.Empty() {
		t.Fatalf("import = %s, %v; want an empty diff and the injected error", d, err)
	}
	if !wrote {
		t.Fatal("the new release's documents were not written before the switch")
	}
	mustLoadEqual(t, st, mini)
	if got, _, _ := Active(ctx, st); got != first {
		t.Fatalf("Active = %+v, want %+v", got, first)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{first.ID}) {
		t.Fatalf("stored releases after the failure = %v, want only %s", got, first.ID)
	}
	// The lease was given up: the next import runs at once.
	mustImport(t, st, modifiedMini(t), t0.Add(time.Hour))
}

// A crash part-way through writing leaves the previous release active and
// its lease held; once the lease expires, the next import collects the
// partial release and completes.
func TestImportCrashMidWrite(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini, modified := mustParse(t, miniDir), modifiedMini(t)
	mustImport(t, st, mini, t0)
	first, _, _ := Active(ctx, st)

	// The crashed import: lease taken, half of its documents written, then
	// nothing more — no switch, no clean-up, no unlock.
	crashAt := t0.Add(time.Hour)
	rs := newROMEReleases(st, crashAt)
	owner := release.NewID(modified.Version, crashAt)
	if _, _, err := rs.Acquire(ctx, owner); err != nil {
		t.Fatal(err)
	}
	docs := toDocs(modified, owner, 1, crashAt)
	if err := rs.Insert(ctx, owner, docs[:len(docs)/2]); err != nil {
		t.Fatal(err)
	}

	mustLoadEqual(t, st, mini)
	if got := storedReleases(t, st); len(got) != 2 {
		t.Fatalf("stored releases during the crashed import = %v, want the active and the partial one", got)
	}

	// While the lease holds, another import is refused.
	if _, err := Import(ctx, st, modified, crashAt.Add(time.Minute)); passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		t.Fatalf("import during the lease: %v, want ECONFLICT", err)
	}
	mustLoadEqual(t, st, mini)

	d := mustImport(t, st, modified, crashAt.Add(release.LeaseTTL+time.Minute))
	if want := skill.Diff(mini, modified); !reflect.DeepEqual(d, want) {
		t.Fatalf("diff after the crash = %s, want %s", d, want)
	}
	mustLoadEqual(t, st, modified)
	second, _, _ := Active(ctx, st)
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{second.ID}) || second.ID == first.ID || second.ID == owner {
		t.Fatalf("stored releases = %v, active %s: want only the new, complete release", got, second.ID)
	}
}

// An import so slow that its lease expired is overtaken: the one that took
// the lease over wins, and the slow one can no longer switch.
func TestImportLeaseLostToAnother(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini, modified := mustParse(t, miniDir), modifiedMini(t)
	mustImport(t, st, mini, t0)

	slow := newROMEReleases(st, t0.Add(time.Hour))
	slow.BeforeSwitch = func() error {
		// Meanwhile, another import finds the slow one's lease expired.
		mustImport(t, st, modified, t0.Add(time.Hour+release.LeaseTTL+time.Minute))
		return nil
	}
	renamed := *mini
	renamed.Occupations = slices.Clone(mini.Occupations)
	renamed.Occupations[0].Label = "Renamed"
	if _, err := importROME(ctx, slow, &renamed); passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		t.Fatalf("slow import: %v, want ECONFLICT", err)
	}
	mustLoadEqual(t, st, modified)
	active, _, _ := Active(ctx, st)
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{active.ID}) {
		t.Fatalf("stored releases = %v, want only the active %s", got, active.ID)
	}
	mustImport(t, st, mini, t0.Add(2*time.Hour)) // the lease is free again
}

// A crashed import's lease keeps Load working and is taken over only once
// expired, also by an import of the same data.
func TestImportTakesOverExpiredLeaseWithoutChanges(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	mini := mustParse(t, miniDir)
	mustImport(t, st, mini, t0)
	rs := newROMEReleases(st, t0)
	if _, _, err := rs.Acquire(ctx, "crashed"); err != nil {
		t.Fatal(err)
	}
	if d := mustImport(t, st, mini, t0.Add(release.LeaseTTL+time.Second)); !d.Empty() {
		t.Fatalf("diff = %s", d)
	}
	p, _, err := rs.Active(ctx)
	if err != nil || p.Lock != nil {
		t.Fatalf("pointer after the import = %+v, %v: want the lease given up", p, err)
	}
}

// releaseDir is the official release: PASSERELLE_ROME_DIR, or the copy beside
// the repository.
func releaseDir() string {
	if d := os.Getenv("PASSERELLE_ROME_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared", "data", "rome-4.0")
}

func mustRelease(tb testing.TB) *skill.ROME {
	tb.Helper()
	dir := releaseDir()
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("official ROME release not found in %s (set PASSERELLE_ROME_DIR): %v", dir, err)
	}
	return mustParse(tb, dir)
}

// TestImportOfficialRelease imports the full release: about 8 s in all
// (parse, import, load, re-import) on the embedded store of an idle 2-core
// machine, 30 s on a busy one, so -short skips it.
func TestImportOfficialRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the full ROME release (8-30 s on the embedded store); run without -short")
	}
	r := mustRelease(t)
	st := storetest.MustOpen(t)
	start := time.Now()
	d := mustImport(t, st, r, t0)
	imported := time.Since(start)
	if d.Occupations.Len() != len(r.Occupations) || d.Links.Len() != len(r.Links) {
		t.Fatalf("first import diff = %s", d)
	}
	start = time.Now()
	mustLoadEqual(t, st, r)
	loaded := time.Since(start)
	start = time.Now()
	if d := mustImport(t, st, r, t0.Add(time.Hour)); !d.Empty() {
		t.Fatalf("re-import diff = %s", d)
	}
	t.Logf("%s: import %v, load %v, re-import (no change) %v; %s",
		r.Version, imported.Round(time.Millisecond), loaded.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond), d)
}

func BenchmarkLoadOfficialRelease(b *testing.B) {
	r := mustRelease(b)
	st := storetest.MustOpen(b)
	mustImport(b, st, r, t0)
	ctx := context.Background()
	for b.Loop() {
		if _, ok, err := Load(ctx, st); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkImportOfficialRelease measures an import that changes the
// release: read and compare the stored one, write the new one, switch,
// delete the old one. Iterations alternate between the release and a copy
// with one occupation renamed.
func BenchmarkImportOfficialRelease(b *testing.B) {
	r := mustRelease(b)
	renamed := *r
	renamed.Occupations = slices.Clone(r.Occupations)
	renamed.Occupations[0].Label += " (renamed)"
	st := storetest.MustOpen(b)
	mustImport(b, st, r, t0)
	releases := []*skill.ROME{&renamed, r}
	for i := 0; b.Loop(); i++ {
		if d := mustImport(b, st, releases[i%2], t0.Add(time.Duration(i)*time.Minute)); d.Empty() {
			b.Fatal("import changed nothing")
		}
	}
}

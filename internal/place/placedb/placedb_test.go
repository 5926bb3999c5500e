package placedb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/place"
	"passerelle/internal/store"
	"passerelle/internal/store/release"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var t0 = time.Date(2025, 9, 15, 10, 0, 0, 0, time.UTC)

func mustParse(tb testing.TB, text string) *place.Directory {
	tb.Helper()
	d, err := place.Parse(strings.NewReader(text))
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func mustParseFile(tb testing.TB, path string) *place.Directory {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return mustParse(tb, string(b))
}

func mustImport(tb testing.TB, st *store.Store, d *place.Directory) ImportReport {
	tb.Helper()
	r, err := Import(context.Background(), st, d)
	if err != nil {
		tb.Fatalf("Import: %v", err)
	}
	return r
}

// mustLoadEqual checks that Load returns a directory with want's communes
// and statistics.
func mustLoadEqual(tb testing.TB, st *store.Store, want *place.Directory) *place.Directory {
	tb.Helper()
	got, ok, err := Load(context.Background(), st)
	if err != nil || !ok {
		tb.Fatalf("Load = %v, %v", ok, err)
	}
	if got.Stats() != want.Stats() {
		tb.Fatalf("Load: stats %+v, want %+v", got.Stats(), want.Stats())
	}
	if g, w := got.All(), want.All(); !reflect.DeepEqual(g, w) {
		tb.Fatalf("Load: %d communes differ from the %d imported (%s)", len(g), len(w), compare(w, g))
	}
	return got
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

func activeRelease(tb testing.TB, st *store.Store) string {
	tb.Helper()
	a, _, err := Active(context.Background(), st)
	if err != nil {
		tb.Fatal(err)
	}
	return a.ID
}

func TestLoadNothingImported(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	if d, ok, err := Load(ctx, st); d != nil || ok || err != nil {
		t.Fatalf("Load on an empty store = %v, %v, %v; want nil, false, nil", d, ok, err)
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

func TestImportRoundTrip(t *testing.T) {
	for name, d := range map[string]*place.Directory{
		"reduced":  mustParseFile(t, filepath.Join("..", "testdata", "reduced.csv")),
		"official": mustParseFile(t, filepath.Join("..", "testdata", "official.csv")),
		"builtin":  place.Builtin(),
	} {
		t.Run(name, func(t *testing.T) {
			st := storetest.MustOpen(t)
			r := mustImport(t, st, d)
			if want := (ImportReport{Added: d.Len()}); r != want {
				t.Fatalf("first import = %s, want %s", r, want)
			}
			got := mustLoadEqual(t, st, d)
			// The loaded directory answers like the parsed one.
			for _, q := range []string{"nantes", "st herblain", "aja"} {
				if g, w := got.Search(q, 5), d.Search(q, 5); !reflect.DeepEqual(g, w) {
					t.Errorf("Search(%q) = %v, want %v", q, g, w)
				}
			}
		})
	}
}

func TestImportIdempotent(t *testing.T) {
	st := storetest.MustOpen(t)
	d := place.Builtin()
	mustImport(t, st, d)
	first := activeRelease(t, st)
	if r := mustImport(t, st, d); !r.Empty() {
		t.Fatalf("second import = %s, want no change", r)
	}
	if got := activeRelease(t, st); got != first {
		t.Fatalf("second import switched release: %s, was %s", got, first)
	}
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{first}) {
		t.Fatalf("stored releases = %v, want only %s", got, first)
	}
	mustLoadEqual(t, st, d)
}

// The same communes from a file with other statistics: the statistics are
// recorded, the communes are not rewritten.
func TestImportSameCommunesNewStats(t *testing.T) {
	st := storetest.MustOpen(t)
	reduced, err := os.ReadFile(filepath.Join("..", "testdata", "reduced.csv"))
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, string(reduced))
	mustImport(t, st, d)
	first := activeRelease(t, st)
	// A repeated row: one more row read, the same communes.
	lines := strings.SplitAfter(string(reduced), "\n")
	again := mustParse(t, string(reduced)+lines[1])
	if again.Stats() == d.Stats() {
		t.Fatal("test data: the statistics did not change")
	}
	if r := mustImport(t, st, again); !r.Empty() {
		t.Fatalf("import = %s, want no change", r)
	}
	if got := activeRelease(t, st); got != first {
		t.Fatalf("release switched: %s, was %s", got, first)
	}
	mustLoadEqual(t, st, again)
}

const header = "code_postal;libelle_acheminement;latitude;longitude;nom_commune;nom_commune_complet;code_departement;nom_departement;nom_region\n"

func TestImportChanges(t *testing.T) {
	st := storetest.MustOpen(t)
	before := mustParse(t, header+
		"44000;NANTES;47.2316356767;-1.54831008605;Nantes;Nantes;44;Loire-Atlantique;Pays de la Loire\n"+
		"44400;REZE;47.1762338904;-1.54966399893;Rezé;Rezé;44;Loire-Atlantique;Pays de la Loire\n"+
		"44800;ST HERBLAIN;47.2243762412;-1.63434818692;Saint-Herblain;Saint-Herblain;44;Loire-Atlantique;Pays de la Loire\n")
	after := mustParse(t, header+
		"44000;NANTES;47.2316356767;-1.54831008605;Nantes;Nantes;44;Loire-Atlantique;Pays de la Loire\n"+
		"44100;NANTES;47.2316356767;-1.54831008605;Nantes;Nantes;44;Loire-Atlantique;Pays de la Loire\n"+
		"44400;REZE;47.1762338904;-1.54966399893;Rezé;Rezé;44;Loire-Atlantique;Pays de la Loire\n"+
		"44230;ST SEBASTIEN SUR LOIRE;47.2081287353;-1.50223490235;St-Sébastien-sur-Loire;Saint-Sébastien-sur-Loire;44;Loire-Atlantique;Pays de la Loire\n")
	mustImport(t, st, before)
	first := activeRelease(t, st)
	r := mustImport(t, st, after)
	if want := (ImportReport{Added: 1, Changed: 1, Removed: 1}); r != want {
		t.Fatalf("import = %s, want %s", r, want)
	}
	mustLoadEqual(t, st, after)
	second := activeRelease(t, st)
	if got := storedReleases(t, st); second == first || !reflect.DeepEqual(got, []string{second}) {
		t.Fatalf("stored releases = %v, active %s (was %s): want only the new one", got, second, first)
	}
}

func TestImportRejectsEmpty(t *testing.T) {
	st := storetest.MustOpen(t)
	if _, err := Import(context.Background(), st, nil); passerelle.ErrorCode(err) != passerelle.EINVALID {
		t.Fatalf("Import(nil) = %v, want EINVALID", err)
	}
}

// An import that fails after writing its documents and before the switch
// leaves the previous directory active, and deletes what it wrote.
func TestImportFailureBeforeSwitch(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	small := mustParseFile(t, filepath.Join("..", "testdata", "reduced.csv"))
	mustImport(t, st, small)
	first := activeRelease(t, st)

	rs := newCommuneReleases(st, t0)
	boom := errors.New("injected failure")
	wrote := false
	rs.BeforeSwitch = func() error {
		wrote = len(storedReleases(t, st)) == 2
		return boom
	}
	r, err := importDirectory(ctx, rs, place.Builtin())
	if !errors.Is(err, boom) || !r.Empty() {
		t.Fatalf("import = %s, %v; want no change and the injected error", r, err)
	}
	if !wrote {
		t.Fatal("the new release's documents were not written before the switch")
	}
	mustLoadEqual(t, st, small)
	if got := storedReleases(t, st); !reflect.DeepEqual(got, []string{first}) {
		t.Fatalf("stored releases after the failure = %v, want only %s", got, first)
	}
}

// A crash part-way through writing leaves the previous directory active; the
// next import, once the lease expired, collects the partial release.
func TestImportCrashMidWrite(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	small := mustParseFile(t, filepath.Join("..", "testdata", "reduced.csv"))
	mustImport(t, st, small)

	// Enough communes for several documents, of which the crash writes one.
	var b bytes.Buffer
	b.WriteString(header)
	for i := range 3 * communesPerChunk {
		fmt.Fprintf(&b, "44000;X;47.2;-1.5;Commune %[1]d;Commune %[1]d;44;Loire-Atlantique;Pays de la Loire\n", i)
	}
	big := mustParse(t, b.String())
	rs := newCommuneReleases(st, t0)
	owner := release.NewID("", t0)
	if _, _, err := rs.Acquire(ctx, owner); err != nil {
		t.Fatal(err)
	}
	docs := toDocs(big.All(), owner, 1, t0)
	if len(docs) < 2 {
		t.Fatalf("%d documents, want several", len(docs))
	}
	if err := rs.Insert(ctx, owner, docs[:1]); err != nil {
		t.Fatal(err)
	}
	mustLoadEqual(t, st, small)

	if _, err := importDirectory(ctx, newCommuneReleases(st, t0.Add(time.Minute)), big); passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		t.Fatalf("import during the lease: %v, want ECONFLICT", err)
	}
	r, err := importDirectory(ctx, newCommuneReleases(st, t0.Add(release.LeaseTTL+time.Minute)), big)
	if err != nil || r.Added != big.Len() {
		t.Fatalf("import after the lease expired = %s, %v", r, err)
	}
	mustLoadEqual(t, st, big)
	if got, active := storedReleases(t, st), activeRelease(t, st); !reflect.DeepEqual(got, []string{active}) || active == owner {
		t.Fatalf("stored releases = %v, active %s: want only the new, complete release", got, active)
	}
}

// sharedFile is the reduced form of the whole of France:
// PASSERELLE_COMMUNES_CSV, or the shared copy.
func sharedFile(tb testing.TB) string {
	tb.Helper()
	path := os.Getenv("PASSERELLE_COMMUNES_CSV")
	if path == "" {
		path = filepath.Join("..", "..", "..", "..", "shared", "data", "communes", "communes-departement-region.csv")
	}
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("communes file not available (%v); set PASSERELLE_COMMUNES_CSV to run this test", err)
	}
	return path
}

// TestImportSharedFile imports the communes of France: about 8 s in all
// (parse, import, load, re-import) on the embedded store of an idle 2-core
// machine, 30 s on a busy one, so -short skips it.
func TestImportSharedFile(t *testing.T) {
	if testing.Short() {
		t.Skip("imports all communes (8-30 s on the embedded store); run without -short")
	}
	d := mustParseFile(t, sharedFile(t))
	st := storetest.MustOpen(t)
	start := time.Now()
	r := mustImport(t, st, d)
	imported := time.Since(start)
	if r.Added != d.Len() {
		t.Fatalf("import = %s, want +%d", r, d.Len())
	}
	start = time.Now()
	mustLoadEqual(t, st, d)
	loaded := time.Since(start)
	start = time.Now()
	if r := mustImport(t, st, d); !r.Empty() {
		t.Fatalf("re-import = %s, want no change", r)
	}
	t.Logf("%d communes: import %v, load %v, re-import (no change) %v", d.Len(),
		imported.Round(time.Millisecond), loaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

func BenchmarkLoadSharedFile(b *testing.B) {
	d := mustParseFile(b, sharedFile(b))
	st := storetest.MustOpen(b)
	mustImport(b, st, d)
	ctx := context.Background()
	for b.Loop() {
		if _, ok, err := Load(ctx, st); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkImportSharedFile measures an import that changes the directory:
// read and compare the stored one, write the new one, switch, delete the
// old one. Iterations alternate between the file and the file less one
// commune.
func BenchmarkImportSharedFile(b *testing.B) {
	d := mustParseFile(b, sharedFile(b))
	less, err := place.NewDirectory(d.All()[1:], d.Stats())
	if err != nil {
		b.Fatal(err)
	}
	st := storetest.MustOpen(b)
	mustImport(b, st, d)
	dirs := []*place.Directory{less, d}
	for i := 0; b.Loop(); i++ {
		if r := mustImport(b, st, dirs[i%2]); r.Empty() {
			b.Fatal("import changed nothing")
		}
	}
}

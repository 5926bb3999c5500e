package skill

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestParseROMEMini(t *testing.T) {
	r := mustMini(t)
	if r.Version != "v461" {
		t.Errorf("Version = %q, want v461", r.Version)
	}
	counts := map[string][2]int{
		"occupations":  {len(r.Occupations), 6},
		"appellations": {len(r.Appellations), 7},
		"skills":       {len(r.Skills), 11},
		"knowledge":    {len(r.Knowledge), 8},
		"links":        {len(r.Links), 28},
		"mobility":     {len(r.Mobility), 8},
		"skipped":      {r.SkippedLinks, 1},
	}
	for name, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: got %d, want %d", name, c[0], c[1])
		}
	}
	// Sorted by code even though M1811 comes before M1802 in the file.
	var codes []RomeCode
	for _, o := range r.Occupations {
		codes = append(codes, o.Code)
	}
	if want := []RomeCode{"M1203", "M1403", "M1802", "M1805", "M1806", "M1811"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("occupations = %v, want %v", codes, want)
	}
	want := Occupation{Code: "M1811", Label: "Data engineer", TransitionNum: true, Parent: "M1802"}
	if got := r.Occupations[5]; got != want {
		t.Errorf("M1811 = %+v, want %+v", got, want)
	}
	if r.Occupations[0].TransitionNum {
		t.Error("M1203 TransitionNum = true, want false")
	}
	if got, want := r.Skills[0], (Item{Code: "ogr:920001", Kind: ItemSkill, Label: "Développer une application", Category: "Savoir-faire"}); got != want {
		t.Errorf("first skill = %+v, want %+v", got, want)
	}
	if !r.Skills[9].Macro || r.Skills[9].Code != "ogr:920010" {
		t.Errorf("skill 920010 = %+v, want a macro-skill", r.Skills[9])
	}
	if got, want := r.Knowledge[3], (Item{Code: "ogr:930004", Kind: ItemKnowledge, Label: "Analyse de données", Category: "Domaines d'expertise"}); got != want {
		t.Errorf("knowledge 930004 = %+v, want %+v", got, want)
	}
	flags := map[string]LinkFlag{}
	for _, l := range r.Links {
		flags[string(l.Rome)+" "+string(l.Item)] = l.Flag
	}
	for k, want := range map[string]LinkFlag{
		"M1805 ogr:920001": LinkCore, "M1805 ogr:930008": LinkEmerging, "M1805 ogr:930001": LinkPlain,
	} {
		if got, ok := flags[k]; !ok || got != want {
			t.Errorf("link %s = %v (present %v), want %v", k, got, ok, want)
		}
	}
	if _, ok := flags["M1805 ogr:940001"]; ok {
		t.Error("link to unknown plain item 940001 kept, want skipped")
	}
	if got, want := r.Mobility[0], (Mobility{From: "M1203", To: "M1403", Order: 1}); got != want {
		t.Errorf("first mobility = %+v, want %+v", got, want)
	}
	if got, want := r.Appellations[0], (Appellation{ID: "910001", Label: "Développeur / Développeuse web", Rome: "M1805"}); got != want {
		t.Errorf("first appellation = %+v, want %+v", got, want)
	}
}

// TestParseROMEMalformed overlays one defective file (testdata/rome-bad/<case>)
// on the valid fixture and checks that the error names the file and the line.
func TestParseROMEMalformed(t *testing.T) {
	const (
		occ  = "unix_referentiel_code_rome_v461_utf8.csv"
		app  = "unix_referentiel_appellation_v461_utf8.csv"
		comp = "unix_referentiel_competence_v461_utf8.csv"
		sav  = "unix_referentiel_savoir_v461_utf8.csv"
		coh  = "unix_coherence_item_v461_utf8.csv"
		mob  = "unix_rubrique_mobilite_v461_utf8.csv"
	)
	tests := []struct {
		name   string
		remove []string
		file   string
		line   int
		reason string
	}{
		{name: "missing-file", remove: []string{mob}, file: "unix_rubrique_mobilite_v*_utf8.csv", reason: "missing file"},
		{name: "two-files", file: "unix_rubrique_mobilite_v461_utf8.csv", reason: "two files for unix_rubrique_mobilite"},
		{name: "mixed-versions", remove: []string{mob}, file: "unix_rubrique_mobilite_v460_utf8.csv", reason: "version v460 differs from v461"},
		{name: "empty-file", file: sav, line: 1, reason: "empty file"},
		{name: "missing-column", file: occ, line: 1, reason: `missing column "libelle_rome"`},
		{name: "wrong-field-count", file: occ, line: 3, reason: "malformed CSV"},
		{name: "bad-rome-code", file: occ, line: 4, reason: `bad code_rome "M18O5"`},
		{name: "duplicate-occupation", file: occ, line: 5, reason: "duplicate code_rome M1805"},
		{name: "unknown-parent", file: occ, line: 6, reason: "code_rome_parent M1899 of M1811: unknown occupation"},
		{name: "bad-transition", file: occ, line: 3, reason: `bad transition_num "P"`},
		{name: "empty-label", file: app, line: 6, reason: "empty libelle_appellation_long"},
		{name: "appellation-unknown-occupation", file: app, line: 8, reason: "code_rome M9999: unknown occupation"},
		{name: "malformed-quote", file: app, line: 4, reason: "malformed CSV"},
		// Line 4 comes after a record spanning lines 2-3: the line is the file's, not the record's.
		{name: "bad-ogr", file: comp, line: 4, reason: `bad code_ogr "92a002"`},
		{name: "duplicate-item", file: sav, line: 3, reason: "duplicate code_ogr_savoir 920001: already a skill item"},
		{name: "link-unknown-occupation", file: coh, line: 11, reason: "code_rome M1899: unknown occupation"},
		{name: "link-core-unknown-item", file: coh, line: 4, reason: "code_ogr 949999 is a core item of M1805 but is in neither"},
		{name: "bad-flag", file: coh, line: 2, reason: `bad coeur_metier "Principal"`},
		{name: "duplicate-link", file: coh, line: 9, reason: "duplicate link M1805 → 920001 (first on line 2)"},
		{name: "mobility-unknown-target", file: mob, line: 3, reason: "code_rome_cible M1899: unknown occupation"},
		{name: "mobility-self", file: mob, line: 4, reason: "mobility from M1811 to itself"},
		{name: "bad-order", file: mob, line: 6, reason: `bad numero_ordre "premier"`},
		{name: "duplicate-mobility", file: mob, line: 9, reason: "duplicate mobility M1805 → M1811 (first on line 2)"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			fsys := overlay(t, filepath.Join("testdata", "rome-mini"), filepath.Join("testdata", "rome-bad", tt.name), tt.remove)
			r, err := ParseROMEFS(fsys)
			if err == nil {
				t.Fatalf("ParseROMEFS succeeded, want an error")
			}
			if r != nil {
				t.Errorf("ParseROMEFS returned a partial ROME with its error")
			}
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *ImportError", err, err)
			}
			if ie.File != tt.file || ie.Line != tt.line {
				t.Errorf("error at %s:%d, want %s:%d (%v)", ie.File, ie.Line, tt.file, tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not contain %q", err, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "parse ROME release: ") {
				t.Errorf("error %q is not wrapped with the operation", err)
			}
		})
	}
	// Every fixture folder has its case, so that none is silently untested.
	dirs, err := os.ReadDir(filepath.Join("testdata", "rome-bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !seen[d.Name()] {
			t.Errorf("testdata/rome-bad/%s has no test case", d.Name())
		}
	}
}

// overlay returns base's files, minus remove, with patch's CSV files on top.
func overlay(t *testing.T, base, patch string, remove []string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, dir := range []string{base, patch} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".csv") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = &fstest.MapFile{Data: b}
		}
		if dir == base {
			for _, r := range remove {
				delete(m, r)
			}
		}
	}
	return m
}

func TestParseROMEMissingDir(t *testing.T) {
	_, err := ParseROME(filepath.Join("testdata", "no-such-release"))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *ImportError", err)
	}
	if !strings.Contains(err.Error(), "no-such-release") {
		t.Errorf("error %q does not name the folder", err)
	}
}

func TestParseROMEBOMAndExtraColumns(t *testing.T) {
	fsys := overlay(t, filepath.Join("testdata", "rome-mini"), filepath.Join("testdata", "rome-mini"), nil).(fstest.MapFS)
	// A byte order mark and reordered, extra columns must not matter.
	fsys["unix_rubrique_mobilite_v461_utf8.csv"] = &fstest.MapFile{Data: []byte(
		"\uFEFF\"numero_ordre\",\"extra\",\"code_rome_cible\",\"code_rome\"\n\"1\",\"x\",\"M1811\",\"M1805\"\n")}
	r, err := ParseROMEFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Mobility{{From: "M1805", To: "M1811", Order: 1}}; !reflect.DeepEqual(r.Mobility, want) {
		t.Errorf("Mobility = %v, want %v", r.Mobility, want)
	}
}

func TestParseROMERelease(t *testing.T) {
	start := time.Now()
	r, _ := mustRelease(t)
	t.Logf("release parsed and indexed in %v (shared with the other tests)", time.Since(start))
	if r.Version != "v460" {
		t.Errorf("Version = %q, want v460", r.Version)
	}
	counts := map[string][2]int{
		"occupations":  {len(r.Occupations), 1584},
		"appellations": {len(r.Appellations), 13120},
		"skills":       {len(r.Skills), 18317},
		"knowledge":    {len(r.Knowledge), 15354},
		"links":        {len(r.Links), 104219 - 13663},
		"skipped":      {r.SkippedLinks, 13663},
		"mobility":     {len(r.Mobility), 14912},
	}
	for name, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: got %d, want %d", name, c[0], c[1])
		}
	}
	tax := New(nil, r)
	o, ok := tax.Occupation("M1805")
	if want := (Occupation{Code: "M1805", Label: "Développeur / Développeuse informatique", TransitionNum: true, Parent: "M1805"}); !ok || o != want {
		t.Errorf("M1805 = %+v, want %+v", o, want)
	}
	if o, _ := tax.Occupation("M1811"); o.Parent != "M1802" {
		t.Errorf("M1811 parent = %q, want M1802", o.Parent)
	}
	core := map[Code]string{}
	for _, it := range tax.CoreItems("M1805") {
		core[it.Code] = it.Label
	}
	for c, label := range map[Code]string{"ogr:400261": "Coder", "ogr:126535": "Réaliser des études et développements informatiques", "ogr:109846": "Concevoir une application web"} {
		if core[c] != label {
			t.Errorf("core item %s of M1805 = %q, want %q", c, core[c], label)
		}
	}
	if len(core) != 10 {
		t.Errorf("M1805 has %d core items, want 10", len(core))
	}
	if m := tax.Mobility("M1805"); len(m) == 0 || m[0] != (Mobility{From: "M1805", To: "M1802", Order: 1}) {
		t.Errorf("first mobility of M1805 = %v, want M1805 → M1802 order 1", m)
	}
	if it, ok := tax.Item("ogr:109870"); !ok || it.Label != "Java" || it.Kind != ItemKnowledge {
		t.Errorf("item 109870 = %+v, want the knowledge item Java", it)
	}
}

func TestDiff(t *testing.T) {
	old := mustMini(t)
	if d := Diff(old, mustMini(t)); !d.Empty() {
		t.Errorf("Diff of the same release = %v, want empty", d)
	}
	cur := mustMini(t)
	cur.Occupations[0].Label = "Comptable général"                                              // M1203 changed
	cur.Occupations = append(cur.Occupations, Occupation{Code: "M1814", Label: "Scrum Master"}) // added
	cur.Knowledge = cur.Knowledge[1:]                                                           // ogr:930001 removed
	cur.Links[0].Flag = LinkEmerging                                                            // M1203 ogr:920006 changed
	cur.Mobility[0].Order = 3                                                                   // M1203>M1403 changed
	d := Diff(old, cur)
	want := ROMEDiff{
		Occupations: KeyChanges{Added: []string{"M1814"}, Changed: []string{"M1203"}},
		Knowledge:   KeyChanges{Removed: []string{"ogr:930001"}},
		Links:       KeyChanges{Changed: []string{"M1203 ogr:920006"}},
		Mobility:    KeyChanges{Changed: []string{"M1203>M1403"}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Diff mismatch:\n got %+v\nwant %+v", d, want)
	}
	if got, want := d.String(), "occupations +1 ~1 -0, appellations +0 ~0 -0, skills +0 ~0 -0, knowledge +0 ~0 -1, links +0 ~1 -0, mobility +0 ~1 -0"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	first := Diff(nil, old)
	if len(first.Occupations.Added) != 6 || len(first.Links.Added) != 28 {
		t.Errorf("Diff(nil, mini) = %v, want everything added", first)
	}
}

func TestBuiltinROME(t *testing.T) {
	sub, err := fs.Sub(builtinROMEFiles, "data/rome")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseROMEFS(sub)
	if err != nil {
		t.Fatalf("built-in ROME does not parse: %v", err)
	}
	if len(r.Occupations) < 20 || len(r.Links) < 500 || len(r.Mobility) < 20 {
		t.Errorf("built-in ROME looks too small: %d occupations, %d links, %d mobility links",
			len(r.Occupations), len(r.Links), len(r.Mobility))
	}
	for _, c := range []RomeCode{"M1805", "M1811", "M1403", "M1802", "M1810", "M1806", "M1803", "M1814",
		"M1801", "M1812", "E1205", "E1104", "E1206", "M1203", "D1106", "K2111", "H2102", "N4101"} {
		if !slicesContainsFunc(r.Occupations, func(o Occupation) bool { return o.Code == c }) {
			t.Errorf("built-in ROME lacks %s", c)
		}
	}
}

// TestBuiltinROMEMatchesRelease checks that the committed subset is what the
// generator would produce from the release: same labels, items and flags.
func TestBuiltinROMEMatchesRelease(t *testing.T) {
	full, _ := mustRelease(t)
	b := BuiltinROME()
	if b.Version != full.Version {
		t.Errorf("built-in version %s, release %s: regenerate with go generate", b.Version, full.Version)
	}
	inRelease := func(list []Item) map[Code]Item {
		m := map[Code]Item{}
		for _, it := range list {
			m[it.Code] = it
		}
		return m
	}
	skills, know := inRelease(full.Skills), inRelease(full.Knowledge)
	for _, it := range b.Skills {
		if skills[it.Code] != it {
			t.Errorf("built-in skill %+v differs from the release's %+v", it, skills[it.Code])
		}
	}
	for _, it := range b.Knowledge {
		if know[it.Code] != it {
			t.Errorf("built-in knowledge item %+v differs from the release's %+v", it, know[it.Code])
		}
	}
	links := map[Link]bool{}
	for _, l := range full.Links {
		links[l] = true
	}
	for _, l := range b.Links {
		if !links[l] {
			t.Errorf("built-in link %+v is not in the release", l)
		}
	}
}

func slicesContainsFunc[T any](s []T, f func(T) bool) bool {
	for _, v := range s {
		if f(v) {
			return true
		}
	}
	return false
}

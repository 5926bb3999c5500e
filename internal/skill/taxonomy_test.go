package skill

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// miniTaxonomy is the fixture release with a few tags linked to its items.
func miniTaxonomy(t *testing.T) *Taxonomy {
	t.Helper()
	tags, err := ParseTags("mini-tags", strings.NewReader(`
[language]
python | Python | | py | sql:0.5 | 930001
sql | SQL | | langage sql | | 930002
[project]
agile | Méthodes agiles | Agile methods | agilité | | 930008, 999999
`))
	if err != nil {
		t.Fatal(err)
	}
	return New(tags, mustMini(t))
}

func TestTaxonomyLookups(t *testing.T) {
	tax := miniTaxonomy(t)
	st := tax.Stats()
	want := Stats{Version: "v461", Tags: 3, Occupations: 6, Appellations: 7, Skills: 11, Knowledge: 8,
		Links: 28, Mobility: 8, TagLinks: 3, DanglingTagLinks: 1, SearchKeys: st.SearchKeys}
	if st != want {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}

	labels := []struct {
		code Code
		lang string
		want string
		ok   bool
	}{
		{"tag:agile", "fr", "Méthodes agiles", true},
		{"tag:agile", "en", "Agile methods", true},
		{"tag:python", "en", "Python", true},
		{"ogr:930004", "fr", "Analyse de données", true},
		{"ogr:930004", "en", "Analyse de données", true}, // ROME has French labels only
		{"tag:rust", "fr", "", false},
		{"ogr:1", "fr", "", false},
	}
	for _, tt := range labels {
		got, ok := tax.Label(tt.code, tt.lang)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Label(%s, %s) = %q, %v; want %q, %v", tt.code, tt.lang, got, ok, tt.want, tt.ok)
		}
		if tax.Known(tt.code) != tt.ok {
			t.Errorf("Known(%s) = %v, want %v", tt.code, !tt.ok, tt.ok)
		}
	}

	if o, ok := tax.Occupation("M1811"); !ok || o.Label != "Data engineer" {
		t.Errorf("Occupation(M1811) = %+v, %v", o, ok)
	}
	if _, ok := tax.Occupation("M1899"); ok {
		t.Error("Occupation(M1899) found")
	}
	if n := len(tax.Occupations()); n != 6 {
		t.Errorf("Occupations() has %d, want 6", n)
	}

	var core []string
	for _, it := range tax.CoreItems("M1805") {
		core = append(core, it.Label)
	}
	if want := []string{"Concevoir des solutions informatiques", "Développer une application", "Écrire des tests automatisés"}; !reflect.DeepEqual(core, want) {
		t.Errorf("CoreItems(M1805) = %q, want %q", core, want)
	}
	var items []string
	for _, it := range tax.OccupationItems("M1805") {
		items = append(items, it.Flag.String()+":"+it.Code.ID())
	}
	if want := []string{"core:920010", "core:920001", "core:920002", "emerging:930008",
		"plain:930001", "plain:930002", "plain:930003", "plain:920011"}; !reflect.DeepEqual(items, want) {
		t.Errorf("OccupationItems(M1805) = %v, want %v", items, want)
	}
	if got, want := tax.Mobility("M1805"), []Mobility{{"M1805", "M1811", 1}, {"M1805", "M1802", 2}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Mobility(M1805) = %v, want %v", got, want)
	}
	var apps []string
	for _, a := range tax.Appellations("M1805") {
		apps = append(apps, a.ID)
	}
	if want := []string{"910001", "910002"}; !reflect.DeepEqual(apps, want) {
		t.Errorf("Appellations(M1805) = %v, want %v", apps, want)
	}
	if tax.CoreItems("M1899") != nil || tax.Mobility("M1899") != nil || tax.OccupationItems("M1899") != nil {
		t.Error("lookups of an unknown occupation returned data")
	}
}

func TestRelated(t *testing.T) {
	tax := miniTaxonomy(t)
	// Python (930001) is in M1805, M1811 and M1403; SQL (930002) in M1805 and
	// M1811: cosine 2/√6. Git (930003) in M1805, M1811, M1802: 2/√9.
	cosSQL, cosGit := 2/math.Sqrt(6), 2/math.Sqrt(9)
	tests := []struct {
		code Code
		want []Relation
	}{
		{"ogr:930001", []Relation{
			{Code: "tag:python", Strength: StrengthROMELink, Kind: RelationROMELink},
			{Code: "tag:sql", Strength: 0.5 * StrengthROMELink, Kind: RelationCurated, Via: "tag:python"},
			{Code: "ogr:930002", Strength: StrengthCoOccurrence * cosSQL, Kind: RelationCoOccurrence},
			{Code: "ogr:930004", Strength: StrengthCoOccurrence * cosSQL, Kind: RelationCoOccurrence},
			{Code: "ogr:930003", Strength: StrengthCoOccurrence * cosGit, Kind: RelationCoOccurrence},
		}},
		{"tag:python", []Relation{
			{Code: "ogr:930001", Strength: StrengthROMELink, Kind: RelationROMELink},
			{Code: "tag:sql", Strength: 0.5, Kind: RelationCurated},
			{Code: "ogr:930002", Strength: StrengthROMELink * StrengthCoOccurrence * cosSQL, Kind: RelationCoOccurrence, Via: "ogr:930001"},
			{Code: "ogr:930004", Strength: StrengthROMELink * StrengthCoOccurrence * cosSQL, Kind: RelationCoOccurrence, Via: "ogr:930001"},
			{Code: "ogr:930003", Strength: StrengthROMELink * StrengthCoOccurrence * cosGit, Kind: RelationCoOccurrence, Via: "ogr:930001"},
		}},
		// Core items of the same occupation; 920001 is in one occupation only,
		// too few for co-occurrence.
		{"ogr:920001", []Relation{
			{Code: "ogr:920002", Strength: StrengthSameCore, Kind: RelationSameCore},
			{Code: "ogr:920010", Strength: StrengthSameCore, Kind: RelationSameCore},
		}},
		{"tag:unknown", nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			got := tax.Related(tt.code)
			if len(got) != len(tt.want) {
				t.Fatalf("Related(%s) = %+v\nwant %+v", tt.code, got, tt.want)
			}
			for i := range got {
				w := tt.want[i]
				if got[i].Code != w.Code || got[i].Kind != w.Kind || got[i].Via != w.Via || math.Abs(got[i].Strength-w.Strength) > 0.001 {
					t.Errorf("Related(%s)[%d] = %+v, want %+v", tt.code, i, got[i], w)
				}
			}
		})
	}
}

func TestBuiltinTaxonomy(t *testing.T) {
	tax := Builtin()
	if tax != Builtin() {
		t.Error("Builtin() built twice")
	}
	if o, ok := tax.Occupation("M1805"); !ok || o.Label != "Développeur / Développeuse informatique" || !o.TransitionNum {
		t.Errorf("M1805 = %+v, %v", o, ok)
	}
	found := false
	for _, it := range tax.CoreItems("M1805") {
		found = found || it.Code == "ogr:400261" && it.Label == "Coder"
	}
	if !found {
		t.Errorf("CoreItems(M1805) lacks ogr:400261 Coder: %v", tax.CoreItems("M1805"))
	}
	if m := tax.Mobility("M1805"); len(m) == 0 || m[0].To != "M1802" {
		t.Errorf("Mobility(M1805) = %v, want M1802 first", m)
	}
	if r := tax.Related("tag:typescript"); len(r) == 0 || r[0] != (Relation{Code: "tag:javascript", Strength: 0.8, Kind: RelationCurated}) {
		t.Errorf("Related(tag:typescript)[0] = %+v, want tag:javascript 0.8", r)
	}
	rel := map[Code]Relation{}
	for _, r := range tax.Related("tag:docker") {
		rel[r.Code] = r
	}
	if r := rel["ogr:403031"]; r.Strength != StrengthROMELink || r.Kind != RelationROMELink {
		t.Errorf("tag:docker → ogr:403031 = %+v, want the ROME link", r)
	}
	if r := rel["tag:kubernetes"]; r.Strength != 0.5 {
		t.Errorf("tag:docker → tag:kubernetes = %+v, want 0.5", r)
	}
	for _, c := range []RomeCode{"M1203", "D1106", "K2111", "H2102", "N4101"} {
		if len(tax.CoreItems(c)) == 0 {
			t.Errorf("former occupation %s has no core items", c)
		}
	}
}

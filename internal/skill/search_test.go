package skill

import (
	"reflect"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	tax := Builtin()
	tests := []struct {
		in   string
		want Code
	}{
		{"golang", "tag:go"},
		{"Go", "tag:go"},
		{"React.JS", "tag:react"},
		{"ReactJS", "tag:react"},
		{"react js", "tag:react"},
		{"Power BI", "tag:power-bi"},
		{"PowerBI", "tag:power-bi"},
		{"power-bi", "tag:power-bi"},
		{"postgres", "tag:postgresql"},
		{"Postgres", "tag:postgresql"},
		{"k8s", "tag:kubernetes"},
		{"JS", "tag:javascript"},
		{"ECMAScript", "tag:javascript"},
		{"C++", "tag:cpp"},
		{"c plus plus", "tag:cpp"},
		{"C#", "tag:csharp"},
		{"C", "tag:c"},
		{".NET", "tag:dotnet"},
		{"ASP.NET", "tag:aspnet"},
		{"Node.js", "tag:node"},
		{"ANALYSE DE DONNEES", "tag:data-analysis"},
		{"Analyse de Données", "tag:data-analysis"},
		{"Java", "tag:java"}, // the tag wins over the ROME knowledge item "Java"
		{"tag:go", "tag:go"},
		{" ogr:400261 ", "ogr:400261"},
		{"Coder", "ogr:400261"},                   // a ROME skill label
		{"programmation en python", "ogr:113798"}, // a ROME knowledge label
		{"tag:golang", ""},                        // a code must exist as written
		{"ogr:1", ""},
		{"astrophysique quantique", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := tax.Resolve(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Resolve(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestResolveOccupation(t *testing.T) {
	tax := Builtin()
	tests := []struct {
		in   string
		want RomeCode
	}{
		{"M1805", "M1805"},
		{"m1805", "M1805"},
		{"developpeur developpeuse informatique", "M1805"},
		{"Data engineer", "M1811"},
		{"Comptable", "M1203"},
		{"Développeur / Développeuse web", "M1855"},
		{"M1899", ""},
		{"astronaute", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := tax.ResolveOccupation(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("ResolveOccupation(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

// tierOf recomputes the ranking tier of a suggestion for query q, to check
// that Suggest orders exact > tag > label prefix > later word.
func tierOf(s Suggestion, q string) int {
	key := Normalize(s.Label)
	if s.Matched != "" {
		key = Normalize(s.Matched)
	}
	qk := Normalize(q)
	switch {
	case key == qk:
		return tierExact
	case s.Kind == KindTag:
		return tierTag
	case strings.HasPrefix(key, qk):
		return tierPrefix
	}
	return tierWord
}

func checkRanking(t *testing.T, tax *Taxonomy, q string, kinds ...EntryKind) []Suggestion {
	t.Helper()
	got := tax.Suggest(q, "fr", MaxSuggestions, kinds...)
	prev := -1
	seen := map[string]bool{}
	for i, s := range got {
		if s.Fuzzy {
			continue
		}
		tier := tierOf(s, q)
		if tier < prev {
			t.Errorf("Suggest(%q)[%d] = %+v has tier %d after tier %d", q, i, s, tier, prev)
		}
		prev = tier
		id := string(s.Code) + string(s.Rome) + s.ID
		if seen[id] {
			t.Errorf("Suggest(%q) lists %s twice", q, id)
		}
		seen[id] = true
	}
	if again := tax.Suggest(q, "fr", MaxSuggestions, kinds...); !reflect.DeepEqual(got, again) {
		t.Errorf("Suggest(%q) is not deterministic", q)
	}
	return got
}

func TestSuggestRanking(t *testing.T) {
	tax := Builtin()
	for _, q := range []string{"donn", "java", "go", "c", "dev", "dév web", "analyse", "sql", "test", "ges", "a", "réseau"} {
		t.Run(q, func(t *testing.T) { checkRanking(t, tax, q) })
	}
	tests := []struct {
		q     string
		first Code
	}{
		{"sql", "tag:sql"},
		{"Java", "tag:java"},
		{"react js", "tag:react"},
		{"React.", "tag:react"},
		{"power b", "tag:power-bi"},
		{"k8", "tag:kubernetes"},
		{"C++", "tag:cpp"},
		{"c#", "tag:csharp"},
		{"net", "tag:dotnet"},
	}
	for _, tt := range tests {
		t.Run("first/"+tt.q, func(t *testing.T) {
			got := tax.Suggest(tt.q, "fr", 5)
			if len(got) == 0 || got[0].Code != tt.first {
				t.Errorf("Suggest(%q) = %+v, want %s first", tt.q, got, tt.first)
			}
		})
	}
}

func TestSuggestBehaviour(t *testing.T) {
	tax := Builtin()
	t.Run("word start", func(t *testing.T) {
		got := tax.Suggest("donn", "fr", 20)
		if !hasCode(got, "tag:data-analysis") {
			t.Errorf("Suggest(donn) = %+v, want Analyse de données", got)
		}
		// Among ROME items, a label starting with the query comes first.
		items := checkRanking(t, tax, "donn", KindSkill, KindKnowledge)
		if len(items) == 0 || !strings.HasPrefix(Normalize(items[0].Label), "donn") {
			t.Errorf("Suggest(donn, items) = %+v, want a label starting with Donn… first", items)
		}
	})
	t.Run("alias shown", func(t *testing.T) {
		got := tax.Suggest("golang", "fr", 3)
		if len(got) == 0 || got[0] != (Suggestion{Kind: KindTag, Code: "tag:go", Label: "Go", Matched: "golang"}) {
			t.Errorf("Suggest(golang) = %+v", got)
		}
	})
	t.Run("hidden duplicate item", func(t *testing.T) {
		// The knowledge item "Java" (109870) is linked to tag:java and only
		// repeats it.
		if got := tax.Suggest("java", "fr", 50); hasCode(got, "ogr:109870") || !hasCode(got, "tag:javascript") {
			t.Errorf("Suggest(java) = %+v", got)
		}
	})
	t.Run("words in any order", func(t *testing.T) {
		if got := tax.Suggest("données analyse", "fr", 10); !hasCode(got, "tag:data-analysis") {
			t.Errorf("Suggest(données analyse) = %+v", got)
		}
	})
	t.Run("language", func(t *testing.T) {
		fr, en := tax.Suggest("ux design", "fr", 1), tax.Suggest("ux design", "en", 1)
		if len(fr) != 1 || len(en) != 1 || fr[0].Label != "Design UX" || en[0].Label != "UX design" {
			t.Errorf("Suggest(ux design) fr %+v en %+v", fr, en)
		}
	})
	t.Run("kinds", func(t *testing.T) {
		got := tax.Suggest("dév", "fr", 20, KindOccupation, KindAppellation)
		if len(got) == 0 {
			t.Fatal("no occupations for dév")
		}
		for _, s := range got {
			if s.Kind != KindOccupation && s.Kind != KindAppellation || s.Rome == "" || s.Code != "" {
				t.Errorf("Suggest(dév, occupations) returned %+v", s)
			}
			if s.Kind == KindAppellation && s.ID == "" {
				t.Errorf("appellation without ID: %+v", s)
			}
		}
		if got := tax.Suggest("m1805", "fr", 1, KindOccupation); len(got) != 1 || got[0].Rome != "M1805" {
			t.Errorf("Suggest(m1805) = %+v", got)
		}
	})
	t.Run("limits", func(t *testing.T) {
		if n := len(tax.Suggest("a", "fr", 1000)); n != MaxSuggestions {
			t.Errorf("Suggest(a, 1000) gave %d, want %d", n, MaxSuggestions)
		}
		if n := len(tax.Suggest("a", "fr", 0)); n != DefaultSuggestions {
			t.Errorf("Suggest(a, 0) gave %d, want %d", n, DefaultSuggestions)
		}
		if got := tax.Suggest("  ", "fr", 5); got != nil {
			t.Errorf("Suggest(blank) = %+v, want nil", got)
		}
	})
	t.Run("did you mean", func(t *testing.T) {
		tests := []struct {
			in   string
			want Code
		}{
			{"pyhton", "tag:python"},
			{"kubernets", "tag:kubernetes"},
			{"Postgress", "tag:postgresql"},
			{"tag:golnag", "tag:go"},
			{"javscript", "tag:javascript"},
		}
		for _, tt := range tests {
			got := tax.DidYouMean(tt.in, "fr", 3)
			if len(got) == 0 || got[0].Code != tt.want || !got[0].Fuzzy {
				t.Errorf("DidYouMean(%q) = %+v, want %s first", tt.in, got, tt.want)
			}
		}
		if got := tax.Suggest("pyhton", "fr", 3); len(got) == 0 || got[0].Code != "tag:python" || !got[0].Fuzzy {
			t.Errorf("Suggest(pyhton) = %+v, want the fuzzy Python", got)
		}
		if got := tax.DidYouMean("zzzzzzzz", "fr", 3); len(got) != 0 {
			t.Errorf("DidYouMean(zzzzzzzz) = %+v, want nothing", got)
		}
		if got := tax.Suggest("pyhton", "fr", 3, KindOccupation); got != nil {
			t.Errorf("Suggest(pyhton, occupations) = %+v, want nothing: did-you-mean only knows tags", got)
		}
	})
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"python", "python", 0},
		{"pyhton", "python", 1}, // swap
		{"kubernets", "kubernetes", 1},
		{"go", "rust", 4},
		{"", "abc", 3},
	}
	var rows [3][]int
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, 5, &rows); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := editDistance("abcdefgh", "zzzzzzzz", 2, &rows); got != 3 {
		t.Errorf("editDistance with limit 2 = %d, want 3 (stopped early)", got)
	}
}

func TestSuggestRelease(t *testing.T) {
	_, tax := mustRelease(t)
	for _, q := range []string{"donn", "d", "dev web", "analyse donn", "java", "gestion"} {
		t.Run(q, func(t *testing.T) { checkRanking(t, tax, q) })
	}
	got := tax.Suggest("donn", "fr", 50, KindSkill, KindKnowledge)
	if len(got) != 50 {
		t.Fatalf("Suggest(donn, items) gave %d answers, want 50", len(got))
	}
	if got := tax.Suggest("développeur web", "fr", 5, KindOccupation); len(got) == 0 || got[0].Rome != "M1855" {
		t.Errorf("Suggest(développeur web, occupations) = %+v, want M1855 first", got)
	}
	if c, ok := tax.Resolve("Kubernetes"); !ok || c != "tag:kubernetes" {
		t.Errorf("Resolve(Kubernetes) = %q, %v", c, ok)
	}
	if c, ok := tax.Resolve("Réaliser des études et développements informatiques"); !ok || c != "ogr:126535" {
		t.Errorf("Resolve(a ROME skill label) = %q, %v", c, ok)
	}
}

func hasCode(list []Suggestion, c Code) bool {
	for _, s := range list {
		if s.Code == c {
			return true
		}
	}
	return false
}

package skill

import (
	"os"
	"reflect"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"React.JS", "reactjs"},
		{"react js", "reactjs"},
		{"ReactJS", "reactjs"},
		{"  Power   BI ", "powerbi"},
		{"PowerBI", "powerbi"},
		{"Données", "donnees"},
		{"DONNÉES", "donnees"},
		{"Analyse de données", "analysededonnees"},
		{"d'information", "dinformation"},
		{"Maîtrise d’œuvre", "maitrisedoeuvre"},
		{"C++", "cplusplus"},
		{"c plus plus", "cplusplus"},
		{"C#", "csharp"},
		{"c sharp", "csharp"},
		{"F#", "fsharp"},
		{"C", "c"},
		{".NET", "dotnet"},
		{".net core", "dotnetcore"},
		{"ASP.NET", "aspnet"},
		{"Node.js", "nodejs"},
		{"node js", "nodejs"},
		{"Notepad++", "notepadplusplus"},
		{"CI/CD", "cicd"},
		{"T-SQL", "tsql"},
		{"ﬁchier", "fichier"},   // ligature
		{"ＰＹＴＨＯＮ", "python"},    // full-width
		{"#hashtag", "hashtag"}, // '#' only means "sharp" after a letter
		{"+ de 5 ans", "de5ans"},
		{"Straße", "strasse"},
		{"", ""},
		{" -/- ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// The keys that must stay apart.
	distinct := []string{"C", "C++", "C#", ".NET", "Node.js", "F#", "R"}
	seen := map[string]string{}
	for _, s := range distinct {
		k := Normalize(s)
		if prev, dup := seen[k]; dup {
			t.Errorf("Normalize(%q) = Normalize(%q) = %q, want distinct keys", s, prev, k)
		}
		seen[k] = s
	}
}

func TestFoldWordStarts(t *testing.T) {
	tests := []struct {
		in     string
		key    string
		starts []int
	}{
		{"Analyse de données", "analysededonnees", []int{0, 7, 9}},
		{"React.JS", "reactjs", []int{0, 5}},
		{".NET Core", "dotnetcore", []int{0, 3, 6}},
		{"C++ moderne", "cplusplusmoderne", []int{0, 9}},
		{"Développeur / Développeuse", "developpeurdeveloppeuse", []int{0, 11}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			key, starts := fold(tt.in, nil)
			if key != tt.key || !reflect.DeepEqual(starts, tt.starts) {
				t.Errorf("fold(%q) = %q %v, want %q %v", tt.in, key, starts, tt.key, tt.starts)
			}
		})
	}
}

// TestFoldFastPath checks that the latinFold shortcut folds exactly like NFKD
// over every label of the release (or of the built-in data without it).
func TestFoldFastPath(t *testing.T) {
	var labels []string
	add := func(r *ROME) {
		for _, o := range r.Occupations {
			labels = append(labels, o.Label)
		}
		for _, a := range r.Appellations {
			labels = append(labels, a.Label)
		}
		for _, list := range [][]Item{r.Skills, r.Knowledge} {
			for _, it := range list {
				labels = append(labels, it.Label, it.Category)
			}
		}
	}
	add(BuiltinROME())
	if _, err := os.Stat(releaseDir()); err == nil {
		full, _ := mustRelease(t)
		add(full)
	}
	for _, tag := range BuiltinTags().All() {
		labels = append(labels, tag.LabelFR, tag.LabelEN)
		labels = append(labels, tag.Aliases...)
	}
	labels = append(labels, "« guillemets » — tiret… ½ ² ™ Æsir ĳ ǆ")
	for _, l := range labels {
		fk, fs := foldString(l, nil, true)
		sk, ss := foldString(l, nil, false)
		if fk != sk || !reflect.DeepEqual(fs, ss) {
			t.Errorf("fold(%q): fast %q %v, NFKD %q %v", l, fk, fs, sk, ss)
		}
	}
}

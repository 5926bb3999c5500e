package skill

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestBuiltinTags(t *testing.T) {
	s, err := ParseTags(builtinTagsName, bytes.NewReader(builtinTagsFile))
	if err != nil {
		t.Fatalf("the shipped tags file does not load: %v", err)
	}
	if n := s.Len(); n < 250 || n > 350 {
		t.Errorf("%d tags, want a curated few hundred (250-350)", n)
	}
	t.Logf("%d tags", s.Len())
	for _, c := range Categories() {
		if n := len(s.InCategory(c)); n < 10 {
			t.Errorf("category %s has %d tags, want at least 10", c, n)
		}
		if c.Label("fr") == string(c) || c.Label("en") == string(c) {
			t.Errorf("category %s has no labels", c)
		}
	}
	for _, tag := range s.All() {
		if err := tag.Code().Validate(); err != nil {
			t.Errorf("tag %s: %v", tag.Slug, err)
		}
		for _, r := range tag.Related {
			other, ok := s.Get(r.Slug)
			if !ok {
				t.Errorf("tag %s related to unknown %s", tag.Slug, r.Slug)
				continue
			}
			back := false
			for _, rr := range other.Related {
				back = back || rr.Slug == tag.Slug && rr.Strength == r.Strength
			}
			if !back {
				t.Errorf("relation %s → %s (%v) is not symmetric", tag.Slug, r.Slug, r.Strength)
			}
		}
	}
}

// TestBuiltinTagRelations pins the relations the brief and the demo rely on.
func TestBuiltinTagRelations(t *testing.T) {
	s := BuiltinTags()
	tests := []struct {
		a, b     string
		strength float64
	}{
		{"typescript", "javascript", 0.8},
		{"javascript", "typescript", 0.8},
		{"mysql", "postgresql", 0.6},
		{"docker", "kubernetes", 0.5},
		{"kubernetes", "docker", 0.5},
		{"power-bi", "tableau", 0.6},
	}
	for _, tt := range tests {
		t.Run(tt.a+"-"+tt.b, func(t *testing.T) {
			tag, ok := s.Get(tt.a)
			if !ok {
				t.Fatalf("no tag %s", tt.a)
			}
			for _, r := range tag.Related {
				if r.Slug == tt.b {
					if r.Strength != tt.strength {
						t.Errorf("strength %v, want %v", r.Strength, tt.strength)
					}
					return
				}
			}
			t.Errorf("%s not related to %s", tt.a, tt.b)
		})
	}
}

// TestBuiltinTagLinks checks every tag → ROME link against the built-in
// subset, which the generator fills with every linked item.
func TestBuiltinTagLinks(t *testing.T) {
	tax := Builtin()
	links := 0
	for _, tag := range tax.Tags().All() {
		for _, c := range tag.ROME {
			links++
			it, ok := tax.Item(c)
			if !ok {
				t.Errorf("tag %s links %s, absent from the built-in ROME: run go generate", tag.Slug, c)
			} else if it.Kind != ItemKnowledge {
				t.Errorf("tag %s links %s (%q), a %s item; want a knowledge item", tag.Slug, c, it.Label, it.Kind)
			}
		}
	}
	if st := tax.Stats(); st.DanglingTagLinks != 0 || st.TagLinks != links {
		t.Errorf("Stats: %d tag links, %d dangling; want %d and 0", st.TagLinks, st.DanglingTagLinks, links)
	}
	for slug, want := range map[string]Code{"java": "ogr:109870", "docker": "ogr:403031", "kubernetes": "ogr:403038",
		"react": "ogr:403870", "python": "ogr:113798"} {
		tag, _ := tax.Tag(slug)
		if len(tag.ROME) == 0 || tag.ROME[0] != want {
			t.Errorf("tag %s ROME = %v, want %s", slug, tag.ROME, want)
		}
	}
}

// TestTagLinksInRelease checks the links against the full release, and logs
// them (go test -v) so that a reviewer can read label against label.
func TestTagLinksInRelease(t *testing.T) {
	_, tax := mustRelease(t)
	for _, tag := range tax.Tags().All() {
		for _, c := range tag.ROME {
			it, ok := tax.Item(c)
			if !ok || it.Kind != ItemKnowledge {
				t.Errorf("tag %s links %s: not a knowledge item of the release (%+v)", tag.Slug, c, it)
				continue
			}
			t.Logf("%-24s %-12s %s", tag.Slug, c, it.Label)
		}
	}
}

func TestParseTagsErrors(t *testing.T) {
	const head = "[language]\n"
	tests := []struct {
		name, file string
		line       int
		reason     string
	}{
		{"no category", "go | Go\n", 1, "before any [category]"},
		{"unknown category", "[cooking]\n", 1, `unknown category "cooking"`},
		{"bad slug", head + "Go | Go\n", 2, `bad slug "Go"`},
		{"too many fields", head + "go | Go | | | | | x\n", 2, "7 fields"},
		{"duplicate slug", head + "go | Go\n\ngo | Golang\n", 4, `duplicate slug "go" (first on line 2)`},
		{"empty label", head + "go | \n", 2, "empty French label"},
		{"empty alias", head + "go | Go | | golang,,go lang\n", 2, "empty alias"},
		{"alias taken", head + "go | Go\njavascript | JavaScript | | js, Go\n", 3, `"Go" matches the same key "go" as tag "go" (line 2)`},
		{"alias folds to an alias", head + "react | React | | ReactJS\nreact-native | React Native | | React.JS\n", 3, `"React.JS" matches the same key "reactjs" as tag "react"`},
		{"alias without letters", head + "go | Go | | ++\n", 2, "has no letters or digits"},
		{"unknown related", head + "go | Go | | | rust:0.4\n", 2, `related tag "rust" does not exist`},
		{"related to itself", head + "go | Go | | | go:0.4\n", 2, "related to itself"},
		{"strength zero", head + "go | Go\nrust | Rust | | | go:0\n", 3, "strength must be a number in (0, 1]"},
		{"strength above one", head + "go | Go\nrust | Rust | | | go:1.5\n", 3, "strength must be a number in (0, 1]"},
		{"strength NaN", head + "go | Go\nrust | Rust | | | go:NaN\n", 3, "strength must be a number in (0, 1]"},
		{"missing strength", head + "go | Go\nrust | Rust | | | go\n", 3, "want slug:strength"},
		{"related twice", head + "go | Go\nrust | Rust | | | go:0.4, go:0.4\n", 3, "listed twice"},
		{"conflicting strengths", head + "go | Go | | | rust:0.4\nrust | Rust | | | go:0.5\n", 3, "is 0.5 here but 0.4 on line 2"},
		{"bad rome code", head + "go | Go | | | | 12a\n", 2, `rome "12a"`},
		{"no tags", "# nothing\n", 0, "no tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTags("tags.txt", strings.NewReader(tt.file))
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("ParseTags error = %v, want an *ImportError", err)
			}
			if ie.File != "tags.txt" || ie.Line != tt.line || !strings.Contains(ie.Reason, tt.reason) {
				t.Errorf("error %q at line %d, want line %d containing %q", err, ie.Line, tt.line, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "parse tags: tags.txt:") {
				t.Errorf("error %q is not wrapped with the operation and file", err)
			}
		})
	}
}

func TestParseTagsSymmetric(t *testing.T) {
	s, err := ParseTags("t", strings.NewReader(`
# a comment
[language]
typescript | TypeScript | | ts | javascript:0.8
javascript | JavaScript | | js, ECMAScript | typescript:0.8
[framework]
react | React | | ReactJS, React.JS | javascript:0.6 | 403870
`))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := s.Get("javascript")
	want := []TagRelation{{"typescript", 0.8}, {"react", 0.6}}
	if len(js.Related) != 2 || js.Related[0] != want[0] || js.Related[1] != want[1] {
		t.Errorf("javascript.Related = %v, want %v", js.Related, want)
	}
	react, _ := s.Get("react")
	if react.Category != CategoryFramework || react.LabelEN != "React" || len(react.ROME) != 1 || react.ROME[0] != "ogr:403870" {
		t.Errorf("react = %+v", react)
	}
	if got := react.Label("en"); got != "React" {
		t.Errorf("react.Label(en) = %q", got)
	}
}

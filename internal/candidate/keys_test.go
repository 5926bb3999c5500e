package candidate_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"passerelle/internal/i18n"
)

// TestMessageKeys checks that every message key the package and its
// storage adapter return is in both catalogues (French and English), so
// that no page ever shows a raw key.
func TestMessageKeys(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"base.fr.json", "base.en.json", "profile.fr.json", "profile.en.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "i18n", name))
		if err != nil {
			t.Fatal(err)
		}
		fsys["i18n/"+name] = &fstest.MapFile{Data: b}
	}
	cat, err := i18n.Load(fsys, "i18n")
	if err != nil {
		t.Fatalf("catalogues: %v", err)
	}
	key := regexp.MustCompile(`"((?:error|profile)\.[a-z_.]+)"`)
	files, _ := filepath.Glob("*.go")
	db, _ := filepath.Glob("candidatedb/*.go")
	n := 0
	for _, f := range append(files, db...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s: key %q is not in the catalogues", f, m[1])
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d keys: is the pattern still right?", n)
	}
}

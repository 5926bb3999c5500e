package offer_test

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
	for _, name := range []string{"base.fr.json", "base.en.json", "offer.fr.json", "offer.en.json"} {
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
	// Keys built from parts, in text() and offerdb's mapErr.
	keys := []string{"offer.text.invalid", "offer.text.too_long", "company.text.invalid", "company.text.too_long",
		"error.offer.not_found", "error.offer.exists", "error.company.not_found", "error.company.exists"}
	pattern := regexp.MustCompile(`"((?:error|offer|company)\.[a-z_.]+)"`)
	files, _ := filepath.Glob("*.go")
	db, _ := filepath.Glob("offerdb/*.go")
	for _, f := range append(files, db...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pattern.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1])
		}
	}
	if len(keys) < 40 {
		t.Fatalf("found only %d keys: is the pattern still right?", len(keys))
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("key %q is not in the catalogues", k)
		}
	}
}

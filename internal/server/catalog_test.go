package server_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"passerelle/internal/i18n"
	"passerelle/web"
)

// TestEveryMessageKeyExists reads the templates and the server's code for
// message keys and checks that the catalogues define each one, so that no
// page ever shows a raw key.
func TestEveryMessageKeyExists(t *testing.T) {
	cat, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`\.T "([a-z_.]+)"`),
		regexp.MustCompile(`\.Field(?:Hint)? "[^"]+" "([a-z_.]+)"`),
		regexp.MustCompile(`" true "([a-z_.]+)"\)`),
	}
	check := func(name, text string, res ...*regexp.Regexp) {
		for _, re := range res {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				if !cat.Has(m[1]) {
					t.Errorf("%s uses message key %q, missing from the catalogues", name, m[1])
				}
			}
		}
	}
	_ = fs.WalkDir(web.FS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(web.FS, path)
			check(path, string(b), patterns...)
		}
		return nil
	})
	code := regexp.MustCompile(`"((?:login|logout|register|verify|password|invitation|members|account|nav|form|error|home|validation)\.[a-z_.]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		check(f, string(b), code)
	}
	for _, k := range []string{"org.kind.company", "org.kind.adviser", "role.candidate", "role.employer", "role.adviser", "role.admin"} {
		if !cat.Has(k) {
			t.Errorf("dynamic key %s is missing", k)
		}
	}
}

package caseload_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"passerelle/internal/caseload"
	"passerelle/internal/i18n"
	"passerelle/web"
)

// TestCaseloadCatalogue: every message key of the caseload packages exists
// in both languages (the catalogue refuses a key missing from one), and so
// do the status labels the HTTP layer composes.
func TestCaseloadCatalogue(t *testing.T) {
	cat, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`"((?:error\.)?caseload\.[a-z_.]+)"`)
	seen := 0
	for _, dir := range []string{".", "caseloaddb"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
				seen++
				if !cat.Has(m[1]) {
					t.Errorf("%s uses %q, missing from the catalogue", f, m[1])
				}
			}
		}
	}
	if seen < 15 {
		t.Fatalf("found only %d keys: is the pattern still right?", seen)
	}
	for _, st := range []caseload.Status{caseload.Pending, caseload.Accepted, caseload.Declined} {
		for _, k := range []string{"caseload.status." + string(st), "caseload.request_status." + string(st)} {
			for _, lang := range []string{"fr", "en"} {
				if got := cat.T(lang, k); got == k || got == "" {
					t.Errorf("%s has no %s text", k, lang)
				}
			}
		}
	}
}

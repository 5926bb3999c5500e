package skill

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// releaseDir is the official ROME 4.0 release used by the tests that need real
// data: PASSERELLE_ROME_DIR, or the copy beside the repository.
func releaseDir() string {
	if d := os.Getenv("PASSERELLE_ROME_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "data", "rome-4.0")
}

var release struct {
	once sync.Once
	rome *ROME
	tax  *Taxonomy
	err  error
}

// mustRelease returns the parsed official release and its taxonomy, parsed
// once for all tests and benchmarks; it skips when the release is absent.
func mustRelease(tb testing.TB) (*ROME, *Taxonomy) {
	tb.Helper()
	dir := releaseDir()
	if _, err := os.Stat(filepath.Join(dir, "unix_referentiel_code_rome_v460_utf8.csv")); err != nil {
		tb.Skipf("official ROME release not found in %s (set PASSERELLE_ROME_DIR): %v", dir, err)
	}
	release.once.Do(func() {
		release.rome, release.err = ParseROME(dir)
		if release.err == nil {
			release.tax = New(BuiltinTags(), release.rome)
		}
	})
	if release.err != nil {
		tb.Fatalf("ParseROME(%s): %v", dir, release.err)
	}
	return release.rome, release.tax
}

// mustMini parses the hand-written fixture testdata/rome-mini.
func mustMini(tb testing.TB) *ROME {
	tb.Helper()
	r, err := ParseROME(filepath.Join("testdata", "rome-mini"))
	if err != nil {
		tb.Fatalf("ParseROME(rome-mini): %v", err)
	}
	return r
}

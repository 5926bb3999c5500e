package i18n_test

import (
	"testing"
	"testing/fstest"

	"passerelle/internal/i18n"
	"passerelle/web"
)

func TestShippedCataloguesAgree(t *testing.T) {
	c, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("fr", "home.title"); got == "home.title" || got == c.T("en", "home.title") {
		t.Fatalf("home.title is not translated: fr %q en %q", got, c.T("en", "home.title"))
	}
}

func TestLoadRejectsMissingKey(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/base.fr.json": {Data: []byte(`{"a":"A","b":"B"}`)},
		"i18n/base.en.json": {Data: []byte(`{"a":"A"}`)},
	}
	if _, err := i18n.Load(fsys, "i18n"); err == nil {
		t.Fatal("Load accepted an English catalogue without key b")
	}
}

func TestLoadRejectsDuplicateKey(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/a.fr.json": {Data: []byte(`{"k":"A"}`)},
		"i18n/b.fr.json": {Data: []byte(`{"k":"B"}`)},
		"i18n/a.en.json": {Data: []byte(`{"k":"A"}`)},
	}
	if _, err := i18n.Load(fsys, "i18n"); err == nil {
		t.Fatal("Load accepted key k defined in two French files")
	}
}

func TestT(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/base.fr.json": {Data: []byte(`{"n":"%d offres"}`)},
		"i18n/base.en.json": {Data: []byte(`{"n":"%d offers"}`)},
	}
	c, err := i18n.Load(fsys, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, key, want string }{
		{"fr", "n", "3 offres"},
		{"en", "n", "3 offers"},
		{"de", "n", "3 offres"},
		{"fr", "missing", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.key, func(t *testing.T) {
			if got := c.T(tt.lang, tt.key, 3); got != tt.want {
				t.Errorf("T = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct{ choice, accept, want string }{
		{"en", "fr-FR", "en"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE, fr;q=0.5", "fr"},
		{"", "", "fr"},
		{"xx", "", "fr"},
	}
	for _, tt := range tests {
		if got := i18n.Match(tt.choice, tt.accept); got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.choice, tt.accept, got, tt.want)
		}
	}
}

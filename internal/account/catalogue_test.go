package account_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"passerelle/internal/i18n"
)

// TestCatalogueCoversEveryKey finds every "account.…" key the package's
// code uses and checks that both languages define it, so that a person never
// sees a raw key. Keys used as prefixes (account.name + ".required"…) must
// have all their suffixes.
func TestCatalogueCoversEveryKey(t *testing.T) {
	cat := mustCatalog(t)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`"(account\.[a-z_.]+)"`)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	if len(seen) < 20 {
		t.Fatalf("found only %d keys: is the pattern still right?", len(seen))
	}
	for key := range seen {
		if cat.Has(key) {
			continue
		}
		for _, suffix := range []string{".required", ".too_short", ".too_long", ".invalid"} {
			if !cat.Has(key + suffix) {
				t.Errorf("key %s%s is used but not in the catalogue", key, suffix)
			}
		}
	}
}

// TestCatalogueVerbsMatch checks that French and English messages take the
// same arguments, and that the messages with arguments render cleanly.
func TestCatalogueVerbsMatch(t *testing.T) {
	read := func(lang string) map[string]string {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "i18n", "account."+lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	verbRE := regexp.MustCompile(`%(\[\d\])?[a-z]`)
	verbs := func(s string) []string {
		v := verbRE.FindAllString(s, -1)
		slices.Sort(v)
		return v
	}
	fr, en := read("fr"), read("en")
	for k, f := range fr {
		if !slices.Equal(verbs(f), verbs(en[k])) {
			t.Errorf("%s: French verbs %v, English verbs %v", k, verbs(f), verbs(en[k]))
		}
	}

	cat := mustCatalog(t)
	samples := map[string][]any{
		"account.too_many_attempts":   {42},
		"account.mail.verify.body":    {"Camille", "https://x/verify?token=t", 7},
		"account.mail.exists.body":    {"Camille", "https://x/password/reset?token=t", 60},
		"account.mail.reset.body":     {"Camille", "https://x/password/reset?token=t", 60},
		"account.mail.invite.subject": {"Atelier"},
		"account.mail.invite.body":    {"Dominique", "Atelier", "https://x/invitations/accept?token=t", 7},
		"account.password.too_short":  {"8"},
	}
	for _, lang := range i18n.Languages {
		for k, args := range samples {
			if got := cat.T(lang, k, args...); strings.Contains(got, "%!") || got == k {
				t.Errorf("%s %s renders %q", lang, k, got)
			}
		}
		for _, k := range []string{"account.mail.verify.subject", "account.mail.exists.subject", "account.mail.reset.subject"} {
			if got := cat.T(lang, k); strings.Contains(got, "%") {
				t.Errorf("%s %s has a verb but is sent without arguments: %q", lang, k, got)
			}
		}
	}
}

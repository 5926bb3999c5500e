package application_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"passerelle/internal/application"
	"passerelle/internal/audit"
	"passerelle/internal/i18n"
	"passerelle/internal/notify"
	"passerelle/web"
)

// TestWorkflowCatalogue checks the workflow catalogue (web/i18n/workflow.*)
// against the code of the three packages it serves: every message key they
// use exists in both languages, every dynamic family is complete, and French
// and English messages take the same arguments. It loads the product's
// whole catalogue, so that a key defined twice across areas fails here.
func TestWorkflowCatalogue(t *testing.T) {
	cat, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{".", "applicationdb", "../notify", "../notify/notifydb", "../audit", "../audit/auditdb"}
	keyRE := regexp.MustCompile(`"((?:error\.)?(?:application|notify|audit)\.[a-z_.]+)"`)
	seen := 0
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
				k := m[1]
				seen++
				// Prefixes completed at run time are checked below.
				if cat.Has(k) || strings.HasSuffix(k, ".") || strings.HasPrefix(k, "notify.mail.") {
					continue
				}
				if k == "application.invitation" || k == "application.endorsement" || k == "application.pool" || k == "application.settings" {
					continue // applicationdb's stems of error.<stem>.not_found / .exists
				}
				t.Errorf("%s uses %q, missing from the catalogue", f, k)
			}
		}
	}
	if seen < 60 {
		t.Fatalf("found only %d keys: is the pattern still right?", seen)
	}

	var dynamic []string
	for _, s := range application.Statuses() {
		dynamic = append(dynamic, "application.status."+string(s))
	}
	for _, r := range application.RejectReasons() {
		dynamic = append(dynamic, "application.reason."+string(r))
	}
	for _, s := range []string{"pending", "accepted", "declined"} {
		dynamic = append(dynamic, "application.invitation.status."+s)
	}
	for _, s := range []application.PoolStatus{application.PoolPending, application.PoolActive, application.PoolDeclined} {
		dynamic = append(dynamic, "application.pool.status."+string(s))
	}
	for _, d := range []application.Decision{application.DecisionEndorsed, application.DecisionRejected} {
		dynamic = append(dynamic, "application.decision."+string(d))
	}
	for _, stem := range []string{"application.invitation", "application.endorsement", "application.pool", "application.settings"} {
		dynamic = append(dynamic, "error."+stem+".not_found", "error."+stem+".exists")
	}
	for _, r := range audit.Reasons() {
		dynamic = append(dynamic, "audit.reason."+string(r))
	}
	for _, k := range notify.Kinds() {
		dynamic = append(dynamic, "notify.kind."+string(k), "notify."+string(k)+".text",
			"notify.mail."+string(k)+".subject", "notify.mail."+string(k)+".body")
	}
	dynamic = append(dynamic, "notify.mail.greeting", "notify.mail.open", "notify.mail.footer")
	for _, k := range dynamic {
		if !cat.Has(k) {
			t.Errorf("dynamic key %s is missing", k)
		}
	}

	read := func(lang string) map[string]string {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "i18n", "workflow."+lang+".json"))
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
		return slices.Compact(v)
	}
	fr, en := read("fr"), read("en")
	for k, f := range fr {
		if !slices.Equal(verbs(f), verbs(en[k])) {
			t.Errorf("%s: French verbs %v, English verbs %v", k, verbs(f), verbs(en[k]))
		}
	}
}

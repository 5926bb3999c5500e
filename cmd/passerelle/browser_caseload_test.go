//go:build e2e

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/demo"
)

// TestBrowserCaseload: in the demo world, the seeded adviser invites a new
// candidate by e-mail, the candidate accepts on /account/advisers, and the
// adviser sees them on /caseload with the outcomes chart. Both pages are
// checked with axe, in French.
func TestBrowserCaseload(t *testing.T) {
	dataDir := t.TempDir()
	seed := exec.Command(binary, "seed")
	seed.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PASSERELLE_DATA_DIR=" + dataDir}
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	p := startServer(t, dataDir)
	const password = "une-passerelle-vers-le-numerique"
	matchAccount(t, p, dataDir, "candidate", map[string]any{"email": "lina@example.fr", "password": password, "name": "Lina Moreau"})

	login := func(b *browser, email, pw string) {
		b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"),
			fill("f-email", email), fill("f-password", pw))
		b.submit(t, `form[action="/login"]`)
	}

	adv := newBrowser(t)
	login(adv, "sandrine.legoff@passerelle.test", demo.DemoPassword)
	adv.do(t, chromedp.Navigate(p.base+"/caseload"), chromedp.WaitVisible("main h1"))
	before := get(t, adv, chromedp.Text(chromedp.CSS("main")))
	if strings.Contains(before, "Lina Moreau") || !strings.Contains(before, "Personnes suivies :") {
		t.Fatalf("dashboard before the invitation: %q", before)
	}
	adv.do(t, chromedp.Navigate(p.base+"/caseload/requests"), chromedp.WaitVisible("#f-email"), fill("f-email", "lina@example.fr"))
	adv.submit(t, `form[action="/caseload/invitations"]`)
	if text := get(t, adv, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "lina@example.fr") || !strings.Contains(text, "Invitation enregistrée") {
		t.Fatalf("requests page after inviting: %q", text)
	}
	adv.checkAxe(t)
	adv.screenshot(t, "caseload-requests")

	cand := newBrowser(t)
	login(cand, "lina@example.fr", password)
	cand.do(t, chromedp.Navigate(p.base+"/account/advisers"), chromedp.WaitVisible("main h1"))
	if text := get(t, cand, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Invitations reçues") || !strings.Contains(text, "Accepter") {
		t.Fatalf("advisers page: %q", text)
	}
	cand.checkAxe(t)
	cand.screenshot(t, "advisers-invited")
	cand.submit(t, `form[action^="/account/advisers/invitations/"][action$="/accept"]`)
	text := get(t, cand, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(text, "Invitation acceptée") || !strings.Contains(text, "Arrêter le suivi") {
		t.Fatalf("advisers page after accepting: %q", text)
	}
	cand.checkAxe(t)
	cand.screenshot(t, "advisers-linked")

	adv.do(t, chromedp.Navigate(p.base+"/caseload"), chromedp.WaitVisible("main h1"))
	text = get(t, adv, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(text, "Lina Moreau") || !strings.Contains(text, "Candidatures par statut") {
		t.Fatalf("dashboard after the acceptance: %q", text)
	}
	role := get(t, adv, chromedp.Evaluate[string](`document.querySelector(".caseload-chart svg").getAttribute("role")`))
	bars := get(t, adv, chromedp.Evaluate[int](`document.querySelectorAll(".caseload-chart rect").length`))
	if role != "img" || bars != 7 {
		t.Fatalf("chart: role %q, %d bars", role, bars)
	}
	adv.checkAxe(t)
	adv.screenshot(t, "caseload-dashboard")
	// The filters are plain GET parameters.
	adv.do(t, chromedp.Navigate(p.base+"/caseload?q=Lina&noApplication=1"), chromedp.WaitVisible("main h1"))
	if rows := get(t, adv, chromedp.Evaluate[int](`document.querySelectorAll(".caseload-table tbody tr").length`)); rows != 1 {
		t.Fatalf("filtered dashboard: %d rows, want 1", rows)
	}
	adv.checkAxe(t)
}

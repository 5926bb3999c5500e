//go:build e2e

package main

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// seedDemo writes the demo world into dataDir with `passerelle seed`,
// before the server opens the folder.
func seedDemo(t *testing.T, dataDir string) {
	t.Helper()
	cmd := exec.Command(binary, "seed")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PASSERELLE_DATA_DIR=" + dataDir}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
}

// TestBrowserReview is the adviser's journey on the demo world: Sandrine
// Le Goff (Maison de l'emploi Nantes-Erdre) endorses, with a note, the
// match between Isabelle Fournier of her caseload and Loire Data
// Conseil's "Data analyst junior" offer; Claire Moreau, who recruits for
// the company, then sees the anonymous candidate "recommended by an
// adviser" with the note. Every page changed is checked with axe in
// French: the adviser's list with its forms, the employer's list, and the
// profile with its validation forms.
func TestBrowserReview(t *testing.T) {
	dataDir := t.TempDir()
	seedDemo(t, dataDir)
	p := startServer(t, dataDir)
	const password = "passerelle-demo-2026"
	const offerTitle = "Data analyst junior (H/F)"
	const note = "Immersion de deux semaines réussie : tableaux de bord et requêtes SQL en autonomie."

	var tok struct{ AccessToken string }
	apiCall(t, p, "POST", "/api/v1/auth/login", "", map[string]string{"email": "isabelle.fournier@passerelle.test", "password": password}, &tok, http.StatusOK)
	var me struct{ ID string }
	apiCall(t, p, "GET", "/api/v1/me", tok.AccessToken, nil, &me, http.StatusOK)

	login := func(b *browser, email string) {
		b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"),
			fill("f-email", email), fill("f-password", password))
		b.submit(t, `form[action="/login"]`)
	}
	unfold := chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`)

	adv := newBrowser(t)
	login(adv, "sandrine.legoff@passerelle.test")
	matches := p.base + "/candidates/" + me.ID + "/matches"
	adv.do(t, chromedp.Navigate(matches), chromedp.WaitVisible("main h1"))
	offerID := get(t, adv, chromedp.Evaluate[string](`(() => {
		for (const li of document.querySelectorAll("li.offer-card")) {
			if (li.querySelector("h2").textContent.includes(`+"`"+offerTitle+"`"+`)) {
				return li.querySelector('section.review input[name="offerId"]').value;
			}
		}
		return "";
	})()`))
	if offerID == "" {
		t.Fatalf("%q is not among Isabelle Fournier's matches, or has no review form:\n%s", offerTitle, get(t, adv, chromedp.Text(chromedp.CSS("main"))))
	}
	if text := get(t, adv, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Postuler pour ce candidat") || !strings.Contains(text, "n'a pas autorisé ses conseillers") {
		t.Errorf("the adviser's list does not say why applying is not offered: %q", text)
	}
	adv.do(t, unfold)
	adv.checkAxe(t)
	adv.do(t, chromedp.Click(chromedp.CSS("#f-decision-endorsed-"+offerID)), fill("f-note-"+offerID, note))
	adv.submit(t, "#review-"+offerID+" form")
	adv.do(t, chromedp.WaitVisible("#review-"+offerID))
	if text := get(t, adv, chromedp.Text(chromedp.CSS("#review-"+offerID))); !strings.Contains(text, "Avis de votre structure : Recommandée") {
		t.Fatalf("after the endorsement the card says %q", text)
	}
	adv.checkAxe(t)
	adv.screenshot(t, "review-adviser-matches")

	// The profile with the validation forms, and the candidate's own view.
	adv.do(t, chromedp.Navigate(p.base+"/candidates/"+me.ID+"/profile"), chromedp.WaitVisible("#validation-title"))
	if text := get(t, adv, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Valider cette compétence") || !strings.Contains(text, "Validée par Maison de l'emploi Nantes-Erdre") {
		t.Errorf("the adviser's view of the profile: %q", text)
	}
	adv.checkAxe(t)
	adv.screenshot(t, "review-adviser-profile")

	cand := newBrowser(t)
	login(cand, "isabelle.fournier@passerelle.test")
	cand.do(t, chromedp.Navigate(p.base+"/profile"), chromedp.WaitVisible("main h1"))
	if text := get(t, cand, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "Validée par Maison de l'emploi Nantes-Erdre") {
		t.Errorf("the candidate's profile does not say who validated a skill: %q", text)
	}
	cand.checkAxe(t)

	emp := newBrowser(t)
	login(emp, "claire.moreau@passerelle.test")
	emp.do(t, chromedp.Navigate(p.base+"/company/offers/"+offerID+"/matches"), chromedp.WaitVisible("main h1"), unfold)
	text := get(t, emp, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Recommandé par un conseiller", note, "Maison de l'emploi Nantes-Erdre"} {
		if !strings.Contains(text, want) {
			t.Errorf("the employer's list lacks %q: %q", want, text)
		}
	}
	if strings.Contains(text, "Isabelle") || strings.Contains(text, "Fournier") {
		t.Errorf("the employer's list names the candidate: %q", text)
	}
	emp.checkAxe(t)
	emp.screenshot(t, "review-employer-matches")
}

//go:build e2e

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// profileCSS is the selector of the element with id. The profile form's ids
// follow the JSON paths of the API ("f-skills[0].skill"), whose brackets and
// dots CSS needs escaped.
func profileCSS(id string) chromedp.CSS {
	return chromedp.CSS("#" + strings.NewReplacer("[", `\[`, "]", `\]`, ".", `\.`).Replace(id))
}

// profileType types value into the input with id, as a person does.
func profileType(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(profileCSS(id), value)
}

// profileSet sets a select or date input, whose typing depends on the locale.
func profileSet(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(profileCSS(id), value)
}

func profileClick(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(profileCSS(id))
}

// TestBrowserProfile: a candidate registers, fills in their profile (a
// skill, a training in progress, a former occupation, a commune, who may
// see it), first with a mistake, and reads the saved profile. Every page is
// checked with axe.
func TestBrowserProfile(t *testing.T) {
	dataDir := t.TempDir()
	p := startServer(t, dataDir)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.base+"/?lang=fr"), chromedp.Navigate(p.base+"/register/candidate"), chromedp.WaitVisible("main h1"))
	b.do(t, fill("f-name", "Camille Martin"), fill("f-email", "camille@example.fr"), fill("f-password", "une-passerelle-vers-le-numerique"))
	b.submit(t, `form[action="/register/candidate"]`)
	b.do(t, chromedp.Navigate(p.base+outboxLink(t, dataDir, "camille@example.fr")), chromedp.WaitVisible("main h1"))
	b.do(t, chromedp.Navigate(p.base+"/login"), chromedp.WaitVisible("main h1"),
		fill("f-email", "camille@example.fr"), fill("f-password", "une-passerelle-vers-le-numerique"))
	b.submit(t, `form[action="/login"]`)

	// The first visit creates an empty, hidden profile and says who sees it.
	b.do(t, chromedp.Navigate(p.base+"/profile"), chromedp.WaitVisible("main h1"))
	if h := b.h1(t); h != "Mon profil" {
		t.Fatalf("profile page title %q", h)
	}
	if who := get(t, b, chromedp.Text(chromedp.CSS(".profile-who"))); !strings.Contains(who, "Masqué") || !strings.Contains(who, "Employeurs") {
		t.Fatalf("visibility summary: %q", who)
	}
	b.checkAxe(t)
	b.screenshot(t, "profile-empty")

	b.do(t, chromedp.Navigate(p.base+"/profile/edit"), chromedp.WaitVisible("main h1"))
	b.checkAxe(t)
	b.screenshot(t, "profile-edit")

	// A mistake: an unknown skill and a training without its end date.
	b.do(t,
		profileType("f-skills[0].skill", "Pythonn"), profileSet("f-skills[0].level", "2"),
		profileType("f-trainings[0].title", "Développeur web et web mobile"), profileSet("f-trainings[0].status", "in_progress"))
	b.submit(t, `form[action="/profile/edit"]`)
	if n := get(t, b, chromedp.Evaluate[int](`document.querySelectorAll('[aria-invalid="true"]').length`)); n != 2 {
		t.Fatalf("%d fields marked invalid, want 2", n)
	}
	msg := get(t, b, chromedp.Text(profileCSS("f-skills[0].skill-error")))
	if !strings.Contains(msg, "Python") {
		t.Fatalf("skill error %q, want a suggestion of Python", msg)
	}
	if v := get(t, b, chromedp.Value(profileCSS("f-skills[0].skill"))); v != "Pythonn" {
		t.Fatalf("the skill input shows %q, want what was typed", v)
	}
	// The error summary's links reach the inputs, brackets and all.
	b.do(t, chromedp.Click(chromedp.CSS(`.error-summary a[href*="skills"]`)))
	if target := get(t, b, chromedp.Evaluate[string](`(document.querySelector(':target') || {}).id || ''`)); target != "f-skills[0].skill" {
		t.Fatalf("the summary link leads to %q", target)
	}
	b.checkAxe(t)
	b.screenshot(t, "profile-edit-errors")

	// The corrections, and the rest of the profile.
	end := time.Now().AddDate(0, 6, 0).Format("2006-01-02")
	b.do(t,
		chromedp.Clear(profileCSS("f-skills[0].skill")), profileType("f-skills[0].skill", "golang"), profileSet("f-skills[0].level", "3"), profileSet("f-skills[0].evidence", "training"),
		profileType("f-trainings[0].provider", "AFPA Nantes"), profileSet("f-trainings[0].start", "2025-10-06"), profileSet("f-trainings[0].end", end),
		profileType("f-trainings[0].skills[0]", "JavaScript"),
		profileType("f-formerOccupations[0].occupation", "Vendeur / Vendeuse en épicerie (D1106)"), profileType("f-formerOccupations[0].years", "8"),
		profileType("f-commune", "Nantes"), profileSet("f-mobilityKm", "20"), profileClick("f-remote-hybrid"),
		profileClick("f-contracts-cdi"), profileClick("f-contracts-alternance"),
		profileSet("f-languages[0].code", "en"), profileSet("f-languages[0].level", "B1"),
		profileClick("f-visibility-anonymous"), profileClick("f-matchingConsent"))
	b.screenshot(t, "profile-edit-filled")
	b.submit(t, `form[action="/profile/edit"]`)
	if path := b.path(t); path != "/profile" {
		t.Fatalf("after saving the browser is on %s", path)
	}
	page := get(t, b, chromedp.Text(chromedp.CSS("main")))
	for _, want := range []string{"Profil enregistré", "Go", "Maîtrise", "Développeur web et web mobile", "AFPA Nantes", "En cours", "JavaScript",
		"Vendeur / Vendeuse en épicerie", "8 ans", "Nantes", "Jusqu'à 20 km", "Hybride", "CDI, Alternance", "Anglais", "Anonyme pour les employeurs",
		"Accord donné"} {
		if !strings.Contains(page, want) {
			t.Errorf("saved profile page lacks %q", want)
		}
	}
	b.checkAxe(t)
	b.screenshot(t, "profile")

	b.do(t, chromedp.Navigate(p.base+"/profile?lang=en"), chromedp.WaitVisible("main h1"))
	if h := b.h1(t); h != "My profile" {
		t.Fatalf("English title %q", h)
	}
	b.checkAxe(t)
	b.screenshot(t, "profile-en")
	b.do(t, chromedp.Navigate(p.base+"/profile/edit"), chromedp.WaitVisible("main h1"))
	b.checkAxe(t)
	b.screenshot(t, "profile-edit-en")
}

package server_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	tags   = regexp.MustCompile(`<[^>]*>`)
	spaces = regexp.MustCompile(`\s+`)
)

// text reads a page's text as a person does: no tags, entities decoded,
// spaces (also the non-breaking ones of French typography) collapsed.
func (p page) text() string {
	return spaces.ReplaceAllString(strings.ReplaceAll(html.UnescapeString(tags.ReplaceAllString(p.body, " ")), "\u00a0", " "), " ")
}

func (p page) says(parts ...string) page {
	p.t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.text(), s) {
			p.t.Errorf("the page does not say %q", s)
		}
	}
	return p
}

func (p page) omits(parts ...string) page {
	p.t.Helper()
	for _, s := range parts {
		if strings.Contains(p.text(), s) {
			p.t.Errorf("the page says %q", s)
		}
	}
	return p
}

// TestApplyPages: a candidate applies from their matches with a message,
// then the list and the offer page show the status instead of the button,
// and applying again says why not.
func TestApplyPages(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	offerID := publishedGoOffer(t, e, owner)
	b := e.signedIn(t, cand)

	b.page(t, "GET", "/matches?lang=fr", nil).status(200).contains(`action="/offers/`+offerID+`/apply"`, "Postuler")
	r := b.post(t, "/matches", "/offers/"+offerID+"/apply", url.Values{"message": {"Disponible dès lundi."}, "next": {"/matches"}})
	if r.status != 303 || r.header.Get("Location") != "/matches" {
		t.Fatalf("apply: %d → %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	b.page(t, "GET", "/matches", nil).status(200).lacks(`action="/offers/`+offerID+`/apply"`).says("Votre candidature est envoyée", "Vous avez postulé — étape : Reçue")
	b.page(t, "GET", "/offers/"+offerID, nil).status(200).lacks(`action="/offers/` + offerID + `/apply"`).says("Vous avez postulé — étape : Reçue")

	b.postFrom(t, "/offers/"+offerID+"/apply", "/offers/"+offerID+"/apply", url.Values{"message": {"encore"}}).
		status(409).says("Vous avez déjà postulé à cette offre")
	b.postFrom(t, "/offers/"+offerID+"/apply", "/offers/"+offerID+"/apply", url.Values{"message": {strings.Repeat("é", 2001)}}).
		status(422).says("Texte trop long (au plus 2000 caractères).")

	b.page(t, "GET", "/applications", nil).status(200).
		says("Développeur·se Go", "Atelier 732829320", "Reçue", "Disponible dès lundi.", "par vous").
		contains(`action="/applications/` + cand.id + ":" + offerID + `/withdraw"`)

	// An anonymous visitor sees no apply form on the offer page.
	e.browser().page(t, "GET", "/offers/"+offerID, nil).status(200).lacks("/apply")
}

// TestPipelinePages: the employer reaches the pipeline from their offers,
// opens the application and moves it; refusals come back with a message;
// the candidate reads the new status; another company finds nothing.
func TestPipelinePages(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")
	offerID := publishedGoOffer(t, e, owner)
	a := e.apply(t, cand, offerID, "Je connais bien Go.")
	b := e.signedIn(t, owner)

	b.page(t, "GET", "/company/offers", nil).status(200).contains(`href="/company/offers/` + offerID + `/applications"`)
	b.page(t, "GET", "/company/offers/"+offerID+"/applications", nil).status(200).
		says("Awa Diallo", "Toutes (1)", "Reçue (1)", "Entretien (0)").contains(`href="/company/applications/` + a.ID + `"`)
	b.page(t, "GET", "/company/offers/"+offerID+"/applications?status=interview", nil).status(200).
		omits("Awa Diallo").says("Aucune candidature à cette étape.")

	detail := "/company/applications/" + a.ID
	p := b.page(t, "GET", detail, nil).status(200).says("Candidature de Awa Diallo", "Je connais bien Go.", "Correspondance avec l'offre", "Le poste a été pourvu")
	sel := regexp.MustCompile(`(?s)<select id="f-to".*?</select>`).FindString(p.body)
	if strings.Contains(sel, `value="received"`) || !strings.Contains(sel, `value="in_review"`) || !strings.Contains(sel, `value="hired"`) {
		t.Errorf("next statuses offered: %s", sel)
	}

	b.postFrom(t, detail, detail, url.Values{"to": {"rejected"}}).status(422).says("Indiquez la raison pour laquelle la candidature n'est pas retenue.")
	b.postFrom(t, detail, detail, url.Values{"to": {"withdrawn"}}).status(403).says("seule la personne candidate peut la retirer")
	r := b.post(t, detail, detail, url.Values{"to": {"interview"}, "note": {"Entretien mardi"}})
	if r.status != 303 {
		t.Fatalf("move: %d\n%s", r.status, r.body)
	}
	b.page(t, "GET", detail, nil).status(200).says("L'étape de la candidature est enregistrée", "Étape : Entretien")
	b.postFrom(t, detail, detail, url.Values{"to": {"in_review"}}).status(409).says("sans revenir en arrière")

	e.signedIn(t, cand).page(t, "GET", "/applications", nil).status(200).says("Entretien", "Entretien mardi", "par l'entreprise").omits("Sam Durand")

	o := e.signedIn(t, other)
	o.page(t, "GET", detail, nil).status(404)
	o.page(t, "GET", "/company/offers/"+offerID+"/applications", nil).status(404)
	o.postFrom(t, "/company/pool", detail, url.Values{"to": {"hired"}}).status(404)

	// Rejected with a reason: the candidate reads it.
	if r := b.post(t, detail, detail, url.Values{"to": {"rejected"}, "reason": {"position_filled"}, "reject_note": {"Poste pourvu en interne."}}); r.status != 303 {
		t.Fatalf("reject: %d\n%s", r.status, r.body)
	}
	e.signedIn(t, cand).page(t, "GET", "/applications", nil).status(200).says("Non retenue", "Le poste a été pourvu", "Poste pourvu en interne.").lacks("/withdraw")
}

// TestInvitationAndPoolPages: from the list of matches the employer
// invites a candidate and asks them into the pool; the candidate accepts
// the invitation and the pool on /applications; only then does the
// company see the name.
func TestInvitationAndPoolPages(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	w := e.matchedCandidate(t, owner, "ines@example.fr")
	b := e.signedIn(t, owner)
	list := "/company/offers/" + w.offerID + "/matches"

	b.page(t, "GET", list, nil).status(200).says("Inviter à postuler", "Proposer d'entrer dans le vivier").contains(`value="` + w.pseudonym + `"`)
	if r := b.post(t, list, "/company/offers/"+w.offerID+"/invitations", url.Values{"pseudonym": {w.pseudonym}, "message": {"Venez nous voir"}, "next": {list}}); r.status != 303 {
		t.Fatalf("invite: %d\n%s", r.status, r.body)
	}
	if r := b.post(t, list, "/company/pool", url.Values{"offerId": {w.offerID}, "pseudonym": {w.pseudonym}, "next": {list}}); r.status != 303 {
		t.Fatalf("ask to pool: %d\n%s", r.status, r.body)
	}
	b.page(t, "GET", list, nil).status(200).says("Invitation : En attente de réponse", "Vivier : En attente de l'accord de la personne")
	b.postFrom(t, list, "/company/offers/"+w.offerID+"/invitations", url.Values{"pseudonym": {w.pseudonym}}).status(409).says("déjà invitée")
	b.page(t, "GET", "/company/pool", nil).status(200).says(w.pseudonym).omits("Inès")
	e.signedIn(t, other).page(t, "GET", "/company/pool", nil).status(200).omits(w.pseudonym).says("Le vivier est vide")

	c := e.signedIn(t, w.cand)
	p := c.page(t, "GET", "/applications", nil).status(200).says("Invitations à postuler", "Venez nous voir", "Atelier 732829320", "Demandes d'entrée dans un vivier")
	ids := regexp.MustCompile(`action="/applications/invitations/([0-9a-f]+)/accept"`).FindStringSubmatch(p.body)
	pools := regexp.MustCompile(`action="/applications/pools/([0-9a-f]+)/accept"`).FindStringSubmatch(p.body)
	if ids == nil || pools == nil {
		t.Fatalf("no accept forms on /applications")
	}
	if r := c.post(t, "/applications", "/applications/invitations/"+ids[1]+"/accept", url.Values{"message": {"Avec plaisir"}}); r.status != 303 {
		t.Fatalf("accept: %d\n%s", r.status, r.body)
	}
	if r := c.post(t, "/applications", "/applications/pools/"+pools[1]+"/accept", url.Values{}); r.status != 303 {
		t.Fatalf("accept pool: %d\n%s", r.status, r.body)
	}
	c.page(t, "GET", "/applications", nil).status(200).says("Vous avez rejoint le vivier", "Avec plaisir", "Viviers dont je fais partie", "Quitter ce vivier").lacks("/applications/invitations/" + ids[1] + "/accept")

	b.page(t, "GET", "/company/offers/"+w.offerID+"/applications", nil).status(200).says("Inès ines")
	b.page(t, "GET", "/company/pool", nil).status(200).says("Inès ines", "Dans le vivier")

	if r := c.post(t, "/applications", "/applications/pools/"+pools[1]+"/leave", url.Values{}); r.status != 303 {
		t.Fatalf("leave pool: %d\n%s", r.status, r.body)
	}
	c.page(t, "GET", "/applications", nil).status(200).says("Vous avez quitté ce vivier.").omits("Quitter ce vivier")
}

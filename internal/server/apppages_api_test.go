package server_test

import (
	"strconv"
	"strings"
	"testing"

	"passerelle/internal/application"
	"passerelle/internal/auth"
)

func init() {
	// Invitations to apply: the offer's company invites and lists; the
	// invited candidate lists, accepts and declines. Talent pool: employers
	// ask and list their own company's pool; the candidate answers and
	// leaves. Each :id route gets objects of its own (apppagesMatrixParams).
	addMatrix(map[string][6]string{
		"POST /api/v1/offers/:id/invitations":     {deny, forb, ok2xx, hide, forb, forb},
		"GET /api/v1/offers/:id/invitations":      {deny, forb, ok2xx, forb, forb, ok2xx},
		"GET /api/v1/me/invitations":              {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/invitations/:id/accept":  {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/invitations/:id/decline": {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/pool":                       {deny, forb, ok2xx, hide, forb, forb},
		"GET /api/v1/pool":                        {deny, forb, ok2xx, ok2xx, forb, forb},
		"DELETE /api/v1/pool/:id":                 {deny, forb, ok2xx, hide, forb, forb},
		"GET /api/v1/me/pools":                    {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/pools/:id/accept":        {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/pools/:id/decline":       {deny, ok2xx, forb, forb, forb, forb},
		"POST /api/v1/me/pools/:id/leave":         {deny, ok2xx, forb, forb, forb, forb},

		"GET /offers/:id/apply":                      {deny, ok2xx, forb, forb, forb, forb},
		"POST /offers/:id/apply":                     {deny, ok, forb, forb, forb, forb},
		"GET /applications":                          {deny, ok2xx, forb, forb, forb, forb},
		"POST /applications/:id/withdraw":            {deny, ok, forb, forb, forb, forb},
		"POST /applications/invitations/:id/accept":  {deny, ok, forb, forb, forb, forb},
		"POST /applications/invitations/:id/decline": {deny, ok, forb, forb, forb, forb},
		"POST /applications/pools/:id/accept":        {deny, ok, forb, forb, forb, forb},
		"POST /applications/pools/:id/decline":       {deny, ok, forb, forb, forb, forb},
		"POST /applications/pools/:id/leave":         {deny, ok, forb, forb, forb, forb},
		"GET /company/offers/:id/applications":       {deny, forb, ok2xx, hide, forb, forb},
		"GET /company/applications/:id":              {deny, forb, ok2xx, hide, forb, forb},
		"POST /company/applications/:id":             {deny, forb, ok, hide, forb, forb},
		"POST /company/offers/:id/invitations":       {deny, forb, ok, hide, forb, forb},
		"GET /company/pool":                          {deny, forb, ok2xx, ok2xx, forb, forb},
		"POST /company/pool":                         {deny, forb, ok, ok, forb, forb},
		"POST /company/pool/:id/remove":              {deny, forb, ok, hide, forb, forb},
	})
	pathParams = append([]func(*matrixEnv, string) (string, bool){apppagesMatrixParams}, pathParams...)
	matrixBodies["POST /api/v1/offers/:id/invitations"] = func(m *matrixEnv, _ string) any {
		w := m.matched("matrix:invite")
		return map[string]string{"pseudonym": w.pseudonym, "message": "Votre profil nous intéresse."}
	}
	matrixBodies["POST /api/v1/pool"] = func(m *matrixEnv, _ string) any {
		w := m.matched("matrix:pool")
		return map[string]string{"offerId": w.offerID, "pseudonym": w.pseudonym, "note": "à recontacter"}
	}
}

// matchedCandidate is a discoverable candidate in the list of candidates of
// a published offer of company A, with the pseudonym A reads there.
type matchedCandidate struct {
	cand               user
	offerID, pseudonym string
}

// matched creates (once per key) a matched candidate for the matrix.
func (m *matrixEnv) matched(key string) matchedCandidate {
	var w matchedCandidate
	m.once(key, func() string {
		w = m.env.matchedCandidate(m.t, m.people["employer"], strings.ReplaceAll(key, ":", "-")+"@example.fr")
		return w.cand.id + " " + w.offerID + " " + w.pseudonym
	})
	f := strings.SplitN(m.cache[key], " ", 3)
	return matchedCandidate{cand: user{id: f[0]}, offerID: f[1], pseudonym: f[2]}
}

// matchedCandidate registers a candidate with a Go profile (anonymous,
// consenting), publishes a Go offer of owner's company and returns the
// pseudonym under which the company sees the candidate in its list.
func (e *testEnv) matchedCandidate(t *testing.T, owner user, email string) matchedCandidate {
	t.Helper()
	c := e.candidate(t, email)
	e.goProfile(t, c, "Inès "+strings.Split(email, "@")[0], "anonymous")
	offerID := publishedGoOffer(t, e, owner)
	return matchedCandidate{cand: c, offerID: offerID, pseudonym: e.pseudonymOf(t, owner, offerID, c.id)}
}

// pseudonymOf finds, in offerID's list as owner reads it, the pseudonym of
// candidateID.
func (e *testEnv) pseudonymOf(t *testing.T, owner user, offerID, candidateID string) string {
	t.Helper()
	r := e.api(t, "GET", "/api/v1/offers/"+offerID+"/matches?k=200", nil, owner.access)
	if r.status != 200 {
		t.Fatalf("matches: %d %s", r.status, r.body)
	}
	var page struct{ Results []struct{ Pseudonym string } }
	r.json(t, &page)
	ctx := identity(owner, auth.RoleEmployer)
	for _, res := range page.Results {
		if id, err := e.matches.CandidateByPseudonym(ctx, offerID, res.Pseudonym); err == nil && id == candidateID {
			return res.Pseudonym
		}
	}
	t.Fatalf("candidate %s is not in the list of %s", candidateID, offerID)
	return ""
}

// knownCompany is a new company to which c applied, so that it knows c
// (and may ask them into its pool whatever their visibility).
func (e *testEnv) knownCompany(t *testing.T, c user, email, siren string) user {
	t.Helper()
	emp := e.employer(t, email, siren)
	e.apply(t, c, publishedGoOffer(t, e, emp), "")
	return emp
}

// askToPool asks c into emp's company pool through the service and returns
// the entry's id.
func (e *testEnv) askToPool(t *testing.T, emp user, c user) string {
	t.Helper()
	entry, err := e.apps.AskToPool(identity(emp, auth.RoleEmployer), application.PoolInput{CandidateID: c.id, Pseudonym: "Profil ABCDEF"})
	if err != nil {
		t.Fatal(err)
	}
	return entry.ID
}

// inviteMatrixCandidate invites the matrix candidate to a new offer of
// company A through the service (made discoverable first).
func (m *matrixEnv) inviteMatrixCandidate() string {
	cand, owner := m.people["candidate"], m.people["employer"]
	m.env.goProfile(m.t, cand, "Camille Martin", "anonymous")
	offerID := publishedGoOffer(m.t, m.env, owner)
	inv, err := m.env.apps.Invite(identity(owner, auth.RoleEmployer), application.InviteInput{OfferID: offerID, CandidateID: cand.id, Pseudonym: "Profil 123ABC"})
	if err != nil {
		m.t.Fatal(err)
	}
	return inv.ID
}

func apppagesMatrixParams(m *matrixEnv, route string) (string, bool) {
	_, path, _ := strings.Cut(route, " ")
	owner, cand := m.people["employer"], m.people["candidate"]
	var id string
	switch route {
	case "POST /api/v1/offers/:id/invitations":
		id = m.matched("matrix:invite").offerID
	case "GET /api/v1/offers/:id/invitations":
		id = m.once(route, func() string { return publishedGoOffer(m.t, m.env, owner) })
	case "POST /api/v1/me/invitations/:id/accept", "POST /applications/invitations/:id/accept":
		id = m.once("apppages:invitation:accept", m.inviteMatrixCandidate)
	case "POST /api/v1/me/invitations/:id/decline", "POST /applications/invitations/:id/decline":
		id = m.once("apppages:invitation:decline", m.inviteMatrixCandidate)
	case "DELETE /api/v1/pool/:id", "POST /company/pool/:id/remove":
		id = m.once(route, func() string {
			c := m.env.candidate(m.t, "pool-removed-"+strconv.Itoa(len(route))+"@example.fr")
			m.env.apply(m.t, c, publishedGoOffer(m.t, m.env, owner), "")
			return m.env.askToPool(m.t, owner, c)
		})
	case "POST /api/v1/me/pools/:id/accept", "POST /applications/pools/:id/accept":
		id = m.once("apppages:pool:accept", func() string {
			return m.env.askToPool(m.t, m.env.knownCompany(m.t, cand, "pool-accept@x.fr", "100000009"), cand)
		})
	case "POST /api/v1/me/pools/:id/decline", "POST /applications/pools/:id/decline":
		id = m.once("apppages:pool:decline", func() string {
			return m.env.askToPool(m.t, m.env.knownCompany(m.t, cand, "pool-decline@x.fr", "100000017"), cand)
		})
	case "POST /api/v1/me/pools/:id/leave", "POST /applications/pools/:id/leave":
		id = m.once("apppages:pool:leave", func() string {
			return m.env.askToPool(m.t, m.env.knownCompany(m.t, cand, "pool-leave@x.fr", "100000025"), cand)
		})
	case "GET /offers/:id/apply", "POST /offers/:id/apply", "POST /company/offers/:id/invitations":
		id = m.once(route, func() string { return publishedGoOffer(m.t, m.env, owner) })
	case "GET /company/offers/:id/applications":
		id = m.once(route, func() string { return m.env.apply(m.t, cand, publishedGoOffer(m.t, m.env, owner), "").OfferID })
	case "POST /applications/:id/withdraw", "GET /company/applications/:id", "POST /company/applications/:id":
		id = m.once(route, func() string { return m.env.apply(m.t, cand, publishedGoOffer(m.t, m.env, owner), "Bonjour").ID })
	default:
		return "", false
	}
	return strings.Replace(path, ":id", id, 1), true
}

// invitationJSON is the part of an invitation answer the tests read.
type invitationJSON struct {
	ID, OfferID, Pseudonym, Message, Status, ApplicationID string
	Candidate                                              *struct {
		Anonymous         bool
		CandidateID, Name string
	}
}

type invitationPageJSON struct {
	Items []invitationJSON
	Total int
}

func TestApplicationTransitionsAPI(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")
	e.goProfile(t, cand, "Awa Diallo", "anonymous")

	a := e.apply(t, cand, publishedGoOffer(t, e, owner), "")
	// Steps may be skipped forward: received → interview is allowed.
	if r := e.move(t, owner, a.ID, map[string]string{"to": "interview"}); r.status != 200 {
		t.Fatalf("received → interview: %d %s", r.status, r.body)
	}
	tests := []struct {
		name   string
		who    user
		body   map[string]string
		status int
		field  string
	}{
		{"backwards", owner, map[string]string{"to": "in_review"}, 409, ""},
		{"same status", owner, map[string]string{"to": "interview"}, 409, ""},
		{"unknown status", owner, map[string]string{"to": "promoted"}, 422, "to"},
		{"candidate advances", cand, map[string]string{"to": "offer_made"}, 403, ""},
		{"another company", other, map[string]string{"to": "offer_made"}, 404, ""},
		{"employer withdraws", owner, map[string]string{"to": "withdrawn"}, 403, ""},
		{"reject without reason", owner, map[string]string{"to": "rejected"}, 422, "reason"},
		{"reject, other reason without note", owner, map[string]string{"to": "rejected", "reason": "other"}, 422, "note"},
		{"reason without rejection", owner, map[string]string{"to": "offer_made", "reason": "other"}, 422, "reason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.move(t, tc.who, a.ID, tc.body)
			if r.status != tc.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, tc.status)
			}
			if tc.field != "" {
				if _, ok := r.problem(t).field(tc.field); !ok {
					t.Errorf("no error on field %s: %s", tc.field, r.body)
				}
			}
		})
	}
	for _, to := range []string{"offer_made", "hired"} {
		if r := e.move(t, owner, a.ID, map[string]string{"to": to}); r.status != 200 {
			t.Fatalf("move to %s: %d %s", to, r.status, r.body)
		}
	}
	t.Run("after hire", func(t *testing.T) {
		if r := e.move(t, owner, a.ID, map[string]string{"to": "rejected", "reason": "position_filled"}); r.status != 409 {
			t.Errorf("reject after hire: %d %s, want 409", r.status, r.body)
		}
		if r := e.api(t, "POST", "/api/v1/applications/"+a.ID+"/withdraw", nil, cand.access); r.status != 409 {
			t.Errorf("withdraw after hire: %d %s, want 409", r.status, r.body)
		}
	})
	t.Run("after withdrawal", func(t *testing.T) {
		b := e.apply(t, cand, publishedGoOffer(t, e, owner), "")
		if r := e.api(t, "POST", "/api/v1/applications/"+b.ID+"/withdraw", nil, cand.access); r.status != 200 {
			t.Fatalf("withdraw: %d %s", r.status, r.body)
		}
		if r := e.move(t, owner, b.ID, map[string]string{"to": "in_review"}); r.status != 409 && r.status != 404 {
			t.Errorf("move after withdrawal: %d %s, want 409 (or 404)", r.status, r.body)
		}
	})
}

func TestInvitationWorkflowAPI(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	w := e.matchedCandidate(t, owner, "ines@example.fr")
	stranger := e.candidate(t, "stranger@example.fr")
	invite := func(u user, offerID, pseudonym string) response {
		return e.api(t, "POST", "/api/v1/offers/"+offerID+"/invitations", map[string]string{"pseudonym": pseudonym, "message": "Votre profil nous plaît."}, u.access)
	}

	r := invite(owner, w.offerID, "Profil 000000")
	if r.status != 422 {
		t.Fatalf("unknown pseudonym: %d %s, want 422", r.status, r.body)
	}
	if _, ok := r.problem(t).field("pseudonym"); !ok {
		t.Errorf("unknown pseudonym: no error on the field: %s", r.body)
	}
	if r := invite(other, w.offerID, w.pseudonym); r.status != 404 {
		t.Errorf("another company invites from A's list: %d %s, want 404", r.status, r.body)
	}

	r = invite(owner, w.offerID, w.pseudonym)
	if r.status != 201 {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	var inv invitationJSON
	r.json(t, &inv)
	if inv.Status != "pending" || inv.Candidate == nil || !inv.Candidate.Anonymous || inv.Candidate.CandidateID != "" || strings.Contains(string(r.body), w.cand.id) {
		t.Fatalf("invitation = %s", r.body)
	}
	if r := invite(owner, w.offerID, w.pseudonym); r.status != 409 {
		t.Errorf("invite twice: %d %s, want 409", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/invitations", nil, other.access); r.status != 403 {
		t.Errorf("another company lists: %d %s, want 403", r.status, r.body)
	}

	var mine invitationPageJSON
	e.api(t, "GET", "/api/v1/me/invitations", nil, w.cand.access).json(t, &mine)
	if mine.Total != 1 || mine.Items[0].ID != inv.ID || mine.Items[0].Message != "Votre profil nous plaît." {
		t.Fatalf("my invitations = %+v", mine)
	}
	if r := e.api(t, "POST", "/api/v1/me/invitations/"+inv.ID+"/accept", nil, stranger.access); r.status != 404 {
		t.Errorf("another candidate accepts: %d %s, want 404", r.status, r.body)
	}

	t.Run("decline keeps the candidate hidden", func(t *testing.T) {
		offer2 := publishedGoOffer(t, e, owner)
		p2 := e.pseudonymOf(t, owner, offer2, w.cand.id)
		var inv2 invitationJSON
		invite(owner, offer2, p2).json(t, &inv2)
		if r := e.api(t, "POST", "/api/v1/me/invitations/"+inv2.ID+"/decline", nil, w.cand.access); r.status != 200 {
			t.Fatalf("decline: %d %s", r.status, r.body)
		}
		var list invitationPageJSON
		e.api(t, "GET", "/api/v1/offers/"+offer2+"/invitations", nil, owner.access).json(t, &list)
		if len(list.Items) != 1 || list.Items[0].Status != "declined" || !list.Items[0].Candidate.Anonymous || strings.Contains(list.Items[0].Candidate.Name, "Inès") {
			t.Errorf("declined invitation seen by the company = %+v", list.Items)
		}
		if r := e.api(t, "POST", "/api/v1/me/invitations/"+inv2.ID+"/accept", nil, w.cand.access); r.status != 409 {
			t.Errorf("accept after declining: %d %s, want 409", r.status, r.body)
		}
	})

	r = e.api(t, "POST", "/api/v1/me/invitations/"+inv.ID+"/accept", map[string]string{"message": "Avec plaisir."}, w.cand.access)
	if r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	var a applicationJSON
	r.json(t, &a)
	if a.Status != "received" || a.Message != "Avec plaisir." || a.OfferID != w.offerID {
		t.Fatalf("accepting made %+v", a)
	}
	var list invitationPageJSON
	e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/invitations", nil, owner.access).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Status != "accepted" || list.Items[0].Candidate.Anonymous ||
		list.Items[0].Candidate.CandidateID != w.cand.id || list.Items[0].Candidate.Name != "Inès ines" || list.Items[0].ApplicationID != a.ID {
		t.Errorf("accepted invitation seen by the company = %+v", list.Items)
	}
	var apps applicationPageJSON
	e.api(t, "GET", "/api/v1/offers/"+w.offerID+"/applications", nil, owner.access).json(t, &apps)
	if len(apps.Items) != 1 || apps.Items[0].Candidate.Name != "Inès ines" {
		t.Errorf("the offer's applications after acceptance = %+v", apps.Items)
	}
}

// poolEntryJSON is the part of a pool entry the tests read.
type poolEntryJSON struct {
	ID, Pseudonym, Note, Status string
	Candidate                   *struct {
		Anonymous         bool
		CandidateID, Name string
	}
}

func TestPoolWorkflowAPI(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@a.fr", "732829320")
	other := e.employer(t, "owner@b.fr", "552100554")
	w := e.matchedCandidate(t, owner, "ines@example.fr")
	pool := func(u user) []poolEntryJSON {
		t.Helper()
		r := e.api(t, "GET", "/api/v1/pool", nil, u.access)
		if r.status != 200 {
			t.Fatalf("pool: %d %s", r.status, r.body)
		}
		var p struct{ Items []poolEntryJSON }
		r.json(t, &p)
		return p.Items
	}

	if r := e.api(t, "POST", "/api/v1/pool", map[string]string{"offerId": w.offerID, "pseudonym": w.pseudonym}, other.access); r.status != 404 {
		t.Errorf("another company asks from A's list: %d %s, want 404", r.status, r.body)
	}
	r := e.api(t, "POST", "/api/v1/pool", map[string]string{"offerId": w.offerID, "pseudonym": w.pseudonym, "note": "junior prometteuse"}, owner.access)
	if r.status != 201 {
		t.Fatalf("ask to pool: %d %s", r.status, r.body)
	}
	var entry poolEntryJSON
	r.json(t, &entry)
	if entry.Status != "pending" || entry.Candidate == nil || !entry.Candidate.Anonymous {
		t.Fatalf("pool entry = %s", r.body)
	}
	if r := e.api(t, "POST", "/api/v1/pool", map[string]string{"offerId": w.offerID, "pseudonym": w.pseudonym}, owner.access); r.status != 409 {
		t.Errorf("ask twice: %d %s, want 409", r.status, r.body)
	}
	// Consent first: pending entries name nobody.
	if got := pool(owner); len(got) != 1 || !got[0].Candidate.Anonymous || got[0].Note != "junior prometteuse" {
		t.Fatalf("pool before consent = %+v", got)
	}
	if got := pool(other); len(got) != 0 {
		t.Errorf("another company reads %+v", got)
	}
	if r := e.api(t, "DELETE", "/api/v1/pool/"+entry.ID, nil, other.access); r.status != 404 {
		t.Errorf("another company removes: %d %s, want 404", r.status, r.body)
	}
	var mine struct{ Items []poolEntryJSON }
	e.api(t, "GET", "/api/v1/me/pools", nil, w.cand.access).json(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Note != "" || mine.Items[0].Status != "pending" {
		t.Fatalf("my pools = %+v", mine.Items)
	}
	if r := e.api(t, "POST", "/api/v1/me/pools/"+entry.ID+"/accept", nil, w.cand.access); r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if got := pool(owner); len(got) != 1 || got[0].Candidate.Anonymous || got[0].Candidate.Name != "Inès ines" {
		t.Fatalf("pool after consent = %+v", got)
	}
	if r := e.api(t, "POST", "/api/v1/me/pools/"+entry.ID+"/leave", nil, w.cand.access); r.status != 200 {
		t.Fatalf("leave: %d %s", r.status, r.body)
	}
	if got := pool(owner); len(got) != 1 || !got[0].Candidate.Anonymous || got[0].Status != "declined" {
		t.Fatalf("pool after leaving = %+v", got)
	}
	if r := e.api(t, "POST", "/api/v1/pool", map[string]string{"offerId": w.offerID, "pseudonym": w.pseudonym}, owner.access); r.status != 409 {
		t.Errorf("ask again after leaving: %d %s, want 409", r.status, r.body)
	}
	if r := e.api(t, "DELETE", "/api/v1/pool/"+entry.ID, nil, owner.access); r.status != 409 {
		t.Errorf("remove a refused entry: %d %s, want 409", r.status, r.body)
	}

	t.Run("from an application, then removed", func(t *testing.T) {
		c := e.candidate(t, "applicant@example.fr")
		a := e.apply(t, c, publishedGoOffer(t, e, owner), "")
		r := e.api(t, "POST", "/api/v1/pool", map[string]string{"applicationId": a.ID}, other.access)
		if r.status != 404 {
			t.Errorf("another company asks an applicant of A: %d %s, want 404", r.status, r.body)
		}
		r = e.api(t, "POST", "/api/v1/pool", map[string]string{"applicationId": a.ID}, owner.access)
		if r.status != 201 {
			t.Fatalf("ask an applicant: %d %s", r.status, r.body)
		}
		var entry poolEntryJSON
		r.json(t, &entry)
		if r := e.api(t, "DELETE", "/api/v1/pool/"+entry.ID, nil, owner.access); r.status != 204 {
			t.Errorf("remove: %d %s, want 204", r.status, r.body)
		}
	})
}

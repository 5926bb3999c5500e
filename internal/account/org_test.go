package account_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

func TestInvitations(t *testing.T) {
	e := newEnv(t)
	owner, org := e.employer(t, "owner@atelier.fr", siren(11111111))
	rival, rivalOrg := e.employer(t, "owner@concurrent.fr", siren(22222222))
	cand := e.candidate(t, "cand@example.fr")
	admin := e.admin(t)

	var token string
	t.Run("the owner invites; the e-mail carries the link", func(t *testing.T) {
		inv, tok, err := e.svc.Invite(as(owner), org.ID, " Collegue@Atelier.fr ")
		if err != nil {
			t.Fatal(err)
		}
		token = tok
		if inv.Email != "collegue@atelier.fr" || inv.OrgID != org.ID || inv.InvitedBy != owner.ID || !inv.AcceptedAt.IsZero() ||
			!inv.ExpiresAt.Equal(e.clock.Now().Add(account.DefaultInvitationTTL)) {
			t.Fatalf("invitation = %+v", inv)
		}
		if got := e.mail.token(t, "collegue@atelier.fr", "/invitations/accept"); got != tok {
			t.Fatalf("mailed token %q, returned %q", got, tok)
		}
		msg := e.mail.to("collegue@atelier.fr")[0]
		if !strings.Contains(msg.Subject, org.Name) || !strings.Contains(msg.Text, owner.Name) {
			t.Fatalf("invitation e-mail = %+v", msg)
		}
	})

	t.Run("who may invite", func(t *testing.T) {
		member := e.acceptInvite(t, owner, org, "membre@atelier.fr")
		tests := []struct {
			name      string
			ctx       context.Context
			org       string
			code, key string
		}{
			{"anonymous", bg(), org.ID, passerelle.EUNAUTHORIZED, "account.login_required"},
			{"member, not owner", as(member), org.ID, passerelle.EFORBIDDEN, "account.owner_only"},
			{"owner of another organisation", as(rival), org.ID, passerelle.ENOTFOUND, "account.org_not_found"},
			{"candidate", as(cand), org.ID, passerelle.ENOTFOUND, "account.org_not_found"},
			{"unknown organisation", as(owner), "0123456789abcdef01234567", passerelle.ENOTFOUND, "account.org_not_found"},
			{"admin, unknown organisation", as(admin), "0123456789abcdef01234567", passerelle.ENOTFOUND, "account.org_not_found"},
			{"malformed organisation id", as(admin), `{"$gt":""}`, passerelle.ENOTFOUND, "account.org_not_found"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := e.svc.Invite(tc.ctx, tc.org, "x@atelier.fr")
				wantErr(t, err, tc.code, tc.key)
			})
		}
		if _, _, err := e.svc.Invite(as(admin), rivalOrg.ID, "par-admin@concurrent.fr"); err != nil {
			t.Fatalf("admin invites: %v", err)
		}
		_, _, err := e.svc.Invite(as(owner), org.ID, "pas-une-adresse")
		wantFields(t, err, "email=account.email.invalid")
	})

	t.Run("info and acceptance", func(t *testing.T) {
		inv, o, err := e.svc.InvitationInfo(bg(), token)
		if err != nil || o.ID != org.ID || inv.Email != "collegue@atelier.fr" {
			t.Fatalf("InvitationInfo = %+v, %+v, %v", inv, o, err)
		}
		_, err = e.svc.AcceptInvitation(bg(), token, account.AcceptInvitation{Name: "", Password: "court"})
		wantFields(t, err, "name=account.name.required", "password=account.password.too_short")

		u, err := e.svc.AcceptInvitation(bg(), token, account.AcceptInvitation{Name: "Claude Collègue", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != auth.RoleEmployer || u.OrgID != org.ID || u.OrgOwner || !u.Verified || u.Email != "collegue@atelier.fr" || u.Lang != "fr" {
			t.Fatalf("member = %+v", u)
		}
		if _, err := e.svc.Authenticate(bg(), u.Email, password, "192.0.2.1"); err != nil {
			t.Fatalf("member logs in: %v", err)
		}
	})

	t.Run("single use", func(t *testing.T) {
		_, err := e.svc.AcceptInvitation(bg(), token, account.AcceptInvitation{Name: "Encore", Password: password})
		wantErr(t, err, passerelle.ENOTFOUND, "account.invitation_invalid")
		_, _, err = e.svc.InvitationInfo(bg(), token)
		wantErr(t, err, passerelle.ENOTFOUND, "account.invitation_invalid")
	})

	t.Run("expired", func(t *testing.T) {
		_, tok, err := e.svc.Invite(as(owner), org.ID, "tard@atelier.fr")
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(account.DefaultInvitationTTL)
		_, err = e.svc.AcceptInvitation(bg(), tok, account.AcceptInvitation{Name: "Tard", Password: password})
		wantErr(t, err, passerelle.ENOTFOUND, "account.invitation_expired")
		if _, err := e.repo.UserByEmail(bg(), "tard@atelier.fr"); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Fatalf("account created from an expired invitation: %v", err)
		}
	})

	t.Run("re-inviting replaces the pending invitation", func(t *testing.T) {
		old, oldTok, err := e.svc.Invite(as(owner), org.ID, "hesite@atelier.fr")
		if err != nil {
			t.Fatal(err)
		}
		renewed, newTok, err := e.svc.Invite(as(owner), org.ID, "hesite@atelier.fr")
		if err != nil {
			t.Fatal(err)
		}
		if renewed.ID != old.ID || newTok == oldTok {
			t.Fatalf("old %+v, new %+v", old, renewed)
		}
		_, err = e.svc.AcceptInvitation(bg(), oldTok, account.AcceptInvitation{Name: "Hésite", Password: password})
		wantErr(t, err, passerelle.ENOTFOUND, "account.invitation_invalid")
		_, pending, err := e.svc.Members(as(owner), org.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range pending {
			if p.Email == "hesite@atelier.fr" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d pending invitations for the address, want 1: %+v", n, pending)
		}
		if _, err := e.svc.AcceptInvitation(bg(), newTok, account.AcceptInvitation{Name: "Hésite", Password: password}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("an address with an account cannot accept", func(t *testing.T) {
		_, tok, err := e.svc.Invite(as(owner), org.ID, cand.Email)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AcceptInvitation(bg(), tok, account.AcceptInvitation{Name: "Cand", Password: password})
		wantErr(t, err, passerelle.ECONFLICT, "account.email_taken")
		after, _ := e.repo.User(bg(), cand.ID)
		if after.OrgID != "" || after.Role != auth.RoleCandidate {
			t.Fatalf("candidate changed: %+v", after)
		}
	})

	t.Run("unknown tokens", func(t *testing.T) {
		for _, tok := range []string{"", "x", auth.NewToken(), strings.Repeat("a", 1000)} {
			_, _, err := e.svc.InvitationInfo(bg(), tok)
			wantErr(t, err, passerelle.ENOTFOUND, "account.invitation_invalid")
		}
	})

	t.Run("the mail fails: the invitation is kept and the error says so", func(t *testing.T) {
		e.mail.fail = errors.New("smtp down")
		defer func() { e.mail.fail = nil }()
		inv, tok, err := e.svc.Invite(as(owner), org.ID, "panne@atelier.fr")
		wantErr(t, err, passerelle.EUNAVAILABLE, "account.mail_failed")
		if inv.ID == "" || tok == "" {
			t.Fatalf("invitation %+v, token %q", inv, tok)
		}
	})
}

// acceptInvite has owner invite email into o and accepts it.
func (e *env) acceptInvite(t *testing.T, owner account.User, o account.Organisation, email string) account.User {
	t.Helper()
	_, tok, err := e.svc.Invite(as(owner), o.ID, email)
	if err != nil {
		t.Fatalf("invite %s: %v", email, err)
	}
	u, err := e.svc.AcceptInvitation(bg(), tok, account.AcceptInvitation{Name: "Membre " + email, Password: password})
	if err != nil {
		t.Fatalf("accept %s: %v", email, err)
	}
	return u
}

func TestMembersAndOrganisation(t *testing.T) {
	e := newEnv(t)
	owner, org := e.employer(t, "owner@atelier.fr", siren(33333333))
	e.clock.Advance(time.Minute)
	member := e.acceptInvite(t, owner, org, "membre@atelier.fr")
	if _, _, err := e.svc.Invite(as(owner), org.ID, "attente@atelier.fr"); err != nil {
		t.Fatal(err)
	}
	rival, _ := e.employer(t, "owner@concurrent.fr", siren(44444444))
	admin := e.admin(t)
	adviser := e.adviserOrgMember(t, admin)

	for _, who := range []struct {
		name string
		u    account.User
	}{{"owner", owner}, {"member", member}, {"admin", admin}} {
		t.Run(who.name+" sees members and invitations", func(t *testing.T) {
			members, invs, err := e.svc.Members(as(who.u), org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != 2 || members[0].UserID != owner.ID || !members[0].Owner || members[1].UserID != member.ID || members[1].Owner {
				t.Fatalf("members = %+v", members)
			}
			if len(invs) != 1 || invs[0].Email != "attente@atelier.fr" {
				t.Fatalf("invitations = %+v", invs)
			}
			o, err := e.svc.Organisation(as(who.u), org.ID)
			if err != nil || o.ID != org.ID {
				t.Fatalf("Organisation = %+v, %v", o, err)
			}
		})
	}
	for _, who := range []struct {
		name string
		ctx  context.Context
		code string
	}{
		{"owner of another company", as(rival), passerelle.ENOTFOUND},
		{"adviser", as(adviser), passerelle.ENOTFOUND},
		{"anonymous", bg(), passerelle.EUNAUTHORIZED},
	} {
		t.Run(who.name+" sees nothing", func(t *testing.T) {
			_, _, err := e.svc.Members(who.ctx, org.ID)
			wantErr(t, err, who.code, "")
			_, err = e.svc.Organisation(who.ctx, org.ID)
			wantErr(t, err, who.code, "")
		})
	}
}

// adviserOrgMember has admin create an adviser organisation and returns its owner.
func (e *env) adviserOrgMember(t *testing.T, admin account.User) account.User {
	t.Helper()
	_, tok, err := e.svc.CreateAdviserOrganisation(as(admin), "Mission locale Nantes", account.AdviserPublicEmployment, "Nantes", "conseil@ml.fr")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.svc.AcceptInvitation(bg(), tok, account.AcceptInvitation{Name: "Conseillère", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAdviserOrganisation(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t)
	employer, _ := e.employer(t, "rh@atelier.fr", siren(55555555))

	t.Run("admins only", func(t *testing.T) {
		_, _, err := e.svc.CreateAdviserOrganisation(as(employer), "Asso", account.AdviserAssociation, "Rezé", "a@asso.fr")
		wantErr(t, err, passerelle.EFORBIDDEN, "account.admin_only")
		_, _, err = e.svc.CreateAdviserOrganisation(bg(), "Asso", account.AdviserAssociation, "Rezé", "a@asso.fr")
		wantErr(t, err, passerelle.EUNAUTHORIZED, "")
	})
	t.Run("every invalid field", func(t *testing.T) {
		_, _, err := e.svc.CreateAdviserOrganisation(as(admin), "A", "school", "", "nope")
		wantFields(t, err, "name=account.org_name.too_short", "adviserType=account.adviser_type.invalid", "city=account.city.required", "ownerEmail=account.email.invalid")
	})

	o, tok, err := e.svc.CreateAdviserOrganisation(as(admin), "France Travail Nantes Est", account.AdviserPublicEmployment, "Nantes", "Directrice@FT.fr")
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind != account.KindAdviser || o.OwnerID != "" || o.SIREN != "" || o.AdviserType != account.AdviserPublicEmployment {
		t.Fatalf("organisation = %+v", o)
	}
	if e.mail.token(t, "directrice@ft.fr", "/invitations/accept") != tok {
		t.Fatal("the owner's invitation was not mailed")
	}
	// A second organisation without SIREN: no uniqueness on the missing number.
	if _, _, err := e.svc.CreateAdviserOrganisation(as(admin), "Greta Atlantique", account.AdviserTrainingBody, "Saint-Nazaire", "g@greta.fr"); err != nil {
		t.Fatalf("second adviser organisation: %v", err)
	}

	var first account.User
	t.Run("the first to accept becomes the owner", func(t *testing.T) {
		first, err = e.svc.AcceptInvitation(bg(), tok, account.AcceptInvitation{Name: "Directrice", Password: password, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := e.repo.Organisation(bg(), o.ID)
		if first.Role != auth.RoleAdviser || !first.OrgOwner || stored.OwnerID != first.ID || first.Lang != "en" {
			t.Fatalf("user %+v, organisation %+v", first, stored)
		}
	})
	t.Run("the owner invites advisers, who are not owners", func(t *testing.T) {
		second := e.acceptInvite(t, first, o, "conseiller@ft.fr")
		stored, _ := e.repo.Organisation(bg(), o.ID)
		if second.Role != auth.RoleAdviser || second.OrgOwner || stored.OwnerID != first.ID {
			t.Fatalf("second %+v, organisation %+v", second, stored)
		}
		_, _, err := e.svc.Invite(as(second), o.ID, "x@ft.fr")
		wantErr(t, err, passerelle.EFORBIDDEN, "account.owner_only")
	})
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "oubli@example.fr")
	tok, claims := e.apiSession(t, u)

	t.Run("unknown address: nil and no e-mail", func(t *testing.T) {
		if err := e.svc.RequestPasswordReset(bg(), "personne@example.fr"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.mail.to("personne@example.fr")); n != 0 {
			t.Fatalf("%d e-mails to an unknown address", n)
		}
	})
	t.Run("malformed address", func(t *testing.T) {
		wantFields(t, e.svc.RequestPasswordReset(bg(), "pas-une-adresse"), "email=account.email.invalid")
	})

	if err := e.svc.RequestPasswordReset(bg(), "OUBLI@example.fr"); err != nil {
		t.Fatal(err)
	}
	link := e.mail.token(t, u.Email, "/password/reset")

	t.Run("a refused password does not spend the link", func(t *testing.T) {
		wantFields(t, e.svc.ResetPassword(bg(), link, "court"), "password=account.password.too_short")
	})
	t.Run("reset ends sessions and the old password", func(t *testing.T) {
		const next = "tout-nouveau-mot-de-passe"
		if err := e.svc.ResetPassword(bg(), link, next); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Identify(bg(), claims)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.RefreshAPISession(bg(), tok.Refresh)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.Authenticate(bg(), u.Email, password, "192.0.2.1")
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
		if _, err := e.svc.Authenticate(bg(), u.Email, next, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("single use", func(t *testing.T) {
		wantErr(t, e.svc.ResetPassword(bg(), link, "encore-un-mot-de-passe"), passerelle.ENOTFOUND, "account.link_invalid")
	})
	t.Run("expired", func(t *testing.T) {
		if err := e.svc.RequestPasswordReset(bg(), u.Email); err != nil {
			t.Fatal(err)
		}
		link := e.mail.token(t, u.Email, "/password/reset")
		e.clock.Advance(account.DefaultResetTTL)
		wantErr(t, e.svc.ResetPassword(bg(), link, "encore-un-mot-de-passe"), passerelle.ENOTFOUND, "account.link_expired")
	})
	t.Run("verifies the address of an unverified account", func(t *testing.T) {
		if err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: "perdu@example.fr", Password: password, Name: "Perdu"}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RequestPasswordReset(bg(), "perdu@example.fr"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ResetPassword(bg(), e.mail.token(t, "perdu@example.fr", "/password/reset"), "mot-de-passe-retrouve"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(bg(), "perdu@example.fr", "mot-de-passe-retrouve", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a failing mailer does not reveal the account", func(t *testing.T) {
		e.mail.fail = errors.New("smtp down")
		defer func() { e.mail.fail = nil }()
		if err := e.svc.RequestPasswordReset(bg(), u.Email); err != nil {
			t.Fatalf("existing account: %v", err)
		}
		if err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: "panne@example.fr", Password: password, Name: "Panne"}); err != nil {
			t.Fatalf("registration: %v", err)
		}
	})
}

func TestUpdateMe(t *testing.T) {
	e := newEnv(t)
	_, org := e.employer(t, "moi@atelier.fr", siren(66666666))
	before, _ := e.repo.UserByEmail(bg(), "moi@atelier.fr")
	name, lang := "  Nouveau Nom ", "en"

	after, err := e.svc.UpdateMe(as(before), account.UpdateMe{Name: &name, Lang: &lang})
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != "Nouveau Nom" || after.Lang != "en" {
		t.Fatalf("after = %+v", after)
	}
	// Everything else is as it was: role, organisation, owner flag,
	// verification, password, token version…
	stored, _ := e.repo.User(bg(), before.ID)
	want := before
	want.Name, want.Lang, want.UpdatedAt, want.Revision = stored.Name, stored.Lang, stored.UpdatedAt, stored.Revision
	if stored.Revision <= before.Revision || stored.OrgID != org.ID {
		t.Fatalf("stored = %+v", stored)
	}
	if !reflect.DeepEqual(want, stored) {
		t.Fatalf("UpdateMe changed more than name and language\nwant %+v\n got %+v", want, stored)
	}

	t.Run("nil fields are left alone", func(t *testing.T) {
		got, err := e.svc.UpdateMe(as(before), account.UpdateMe{})
		if err != nil || got.Name != "Nouveau Nom" || got.Lang != "en" {
			t.Fatalf("UpdateMe{} = %+v, %v", got, err)
		}
	})
	t.Run("invalid values", func(t *testing.T) {
		long, bad, empty := strings.Repeat("n", 101), "de", ""
		_, err := e.svc.UpdateMe(as(before), account.UpdateMe{Name: &long, Lang: &bad})
		wantFields(t, err, "name=account.name.too_long", "lang=account.lang.invalid")
		_, err = e.svc.UpdateMe(as(before), account.UpdateMe{Name: &empty, Lang: &empty})
		wantFields(t, err, "name=account.name.required", "lang=account.lang.invalid")
	})
	t.Run("anonymous", func(t *testing.T) {
		_, err := e.svc.UpdateMe(bg(), account.UpdateMe{Name: &name})
		wantErr(t, err, passerelle.EUNAUTHORIZED, "")
	})
}

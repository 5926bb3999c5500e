package account_test

import (
	"testing"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

func TestProvision(t *testing.T) {
	e := newEnv(t)

	cand, err := e.svc.Provision(bg(), account.ProvisionInput{Email: "Lea.Moreau@Exemple.fr", Password: password, Name: "Léa Moreau", Role: auth.RoleCandidate})
	if err != nil {
		t.Fatalf("provision candidate: %v", err)
	}
	if !cand.Verified || cand.Role != auth.RoleCandidate || cand.Email != "lea.moreau@exemple.fr" || cand.Lang != "fr" || cand.OrgID != "" {
		t.Errorf("candidate = %+v", cand)
	}
	// Verified: logs in at once, and no e-mail was sent.
	if _, err := e.svc.Authenticate(bg(), "lea.moreau@exemple.fr", password, "192.0.2.1"); err != nil {
		t.Errorf("authenticate provisioned candidate: %v", err)
	}
	if msgs := e.mail.to("lea.moreau@exemple.fr"); len(msgs) != 0 {
		t.Errorf("provisioning sent %d e-mails", len(msgs))
	}

	owner, err := e.svc.Provision(bg(), account.ProvisionInput{Email: "owner@atelier.fr", Password: password, Name: "Owner", Role: auth.RoleEmployer,
		NewOrg: &account.ProvisionOrg{Name: "Atelier Nantais", SIREN: siren(12345678), City: "Nantes"}})
	if err != nil {
		t.Fatalf("provision employer: %v", err)
	}
	org, err := e.repo.Organisation(bg(), owner.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if !owner.OrgOwner || org.OwnerID != owner.ID || org.Kind != account.KindCompany || org.SIREN != siren(12345678) {
		t.Errorf("owner %+v of %+v", owner, org)
	}
	member, err := e.svc.Provision(bg(), account.ProvisionInput{Email: "member@atelier.fr", Password: password, Name: "Member", Role: auth.RoleEmployer, OrgID: org.ID})
	if err != nil {
		t.Fatalf("provision member: %v", err)
	}
	if member.OrgID != org.ID || member.OrgOwner {
		t.Errorf("member = %+v", member)
	}

	adv, err := e.svc.Provision(bg(), account.ProvisionInput{Email: "adv@ml.fr", Password: password, Name: "Adviser", Role: auth.RoleAdviser,
		NewOrg: &account.ProvisionOrg{Name: "Mission locale", City: "Nantes", AdviserType: account.AdviserPublicEmployment}})
	if err != nil {
		t.Fatalf("provision adviser: %v", err)
	}
	if o, _ := e.repo.Organisation(bg(), adv.OrgID); o.Kind != account.KindAdviser || o.OwnerID != adv.ID || o.AdviserType != account.AdviserPublicEmployment {
		t.Errorf("adviser organisation = %+v", o)
	}

	t.Run("errors", func(t *testing.T) {
		_, err := e.svc.Provision(bg(), account.ProvisionInput{Email: "lea.moreau@exemple.fr", Password: password, Name: "Again", Role: auth.RoleCandidate})
		wantErr(t, err, passerelle.ECONFLICT, "account.email_taken")
		_, err = e.svc.Provision(bg(), account.ProvisionInput{Email: "x@atelier.fr", Password: password, Name: "X", Role: auth.RoleEmployer,
			NewOrg: &account.ProvisionOrg{Name: "Autre", SIREN: siren(12345678), City: "Nantes"}})
		wantErr(t, err, passerelle.ECONFLICT, "account.company_exists")
		// An employer cannot join an adviser organisation.
		_, err = e.svc.Provision(bg(), account.ProvisionInput{Email: "y@atelier.fr", Password: password, Name: "Y", Role: auth.RoleEmployer, OrgID: adv.OrgID})
		wantErr(t, err, passerelle.ENOTFOUND, "account.org_not_found")
		_, err = e.svc.Provision(bg(), account.ProvisionInput{Email: "bad", Password: "court", Name: "", Role: auth.RoleAdviser,
			NewOrg: &account.ProvisionOrg{Name: "M", City: "Nantes", AdviserType: "club"}})
		wantFields(t, err, "email=account.email.invalid", "password=account.password.too_short", "name=account.name.required",
			"org.name=account.org_name.too_short", "org.adviserType=account.adviser_type.invalid")
		for _, in := range []account.ProvisionInput{
			{Email: "z@x.fr", Password: password, Name: "Z", Role: auth.RoleCandidate, OrgID: org.ID},
			{Email: "z@x.fr", Password: password, Name: "Z", Role: auth.RoleEmployer},
			{Email: "z@x.fr", Password: password, Name: "Z", Role: "boss"},
		} {
			_, err := e.svc.Provision(bg(), in)
			wantErr(t, err, passerelle.EINVALID, "")
		}
	})
}

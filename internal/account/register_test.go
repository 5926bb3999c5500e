package account_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

func TestRegisterCandidate(t *testing.T) {
	e := newEnv(t)

	t.Run("new e-mail creates an unverified account and mails a link", func(t *testing.T) {
		err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: "  Alex.Dupont@Example.FR ", Password: password, Name: " Alex Dupont ", Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.repo.UserByEmail(bg(), "alex.dupont@example.fr")
		if err != nil {
			t.Fatal(err)
		}
		if u.Verified || u.Role != auth.RoleCandidate || u.Name != "Alex Dupont" || u.Lang != "en" || u.OrgID != "" || u.Revision == 0 {
			t.Fatalf("user = %+v", u)
		}
		if u.PasswordHash == "" || strings.Contains(u.PasswordHash, password) {
			t.Fatalf("password hash = %q", u.PasswordHash)
		}
		msgs := e.mail.withLink(u.Email, "/verify")
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "https://passerelle.test/verify?token=") || !strings.Contains(msgs[0].Subject, "Confirm") {
			t.Fatalf("verification e-mail = %+v", msgs)
		}
	})

	t.Run("existing e-mail creates nothing and warns the owner", func(t *testing.T) {
		before, _ := e.st.DB.Collection("users").CountDocuments(bg(), bson.D{})
		err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: "ALEX.DUPONT@example.fr", Password: "autre-mot-de-passe-9", Name: "Intrus"})
		if err != nil {
			t.Fatalf("registration of an existing e-mail: %v, want nil (no disclosure)", err)
		}
		after, _ := e.st.DB.Collection("users").CountDocuments(bg(), bson.D{})
		if after != before {
			t.Fatalf("users: %d → %d", before, after)
		}
		u, _ := e.repo.UserByEmail(bg(), "alex.dupont@example.fr")
		if u.Name != "Alex Dupont" {
			t.Fatalf("existing account changed: %+v", u)
		}
		msgs := e.mail.withLink("alex.dupont@example.fr", "/password/reset")
		if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Registration attempt") {
			t.Fatalf("someone-tried e-mail = %+v", e.mail.to("alex.dupont@example.fr"))
		}
		if n := len(e.mail.withLink("alex.dupont@example.fr", "/verify")); n != 1 {
			t.Fatalf("%d verification e-mails, want still 1", n)
		}
	})

	tests := []struct {
		name string
		in   account.RegisterCandidate
		want []string
	}{
		{"every invalid field at once", account.RegisterCandidate{Email: "pas-une-adresse", Password: "court", Name: "  ", Lang: "de"},
			[]string{"email=account.email.invalid", "password=account.password.too_short", "name=account.name.required", "lang=account.lang.invalid"}},
		{"empty e-mail, common password", account.RegisterCandidate{Email: "", Password: "motdepasse", Name: "Ok"},
			[]string{"email=account.email.required", "password=account.password.common"}},
		{"overlong name and password", account.RegisterCandidate{Email: "a@b.fr", Password: strings.Repeat("x", 129), Name: strings.Repeat("é", 101)},
			[]string{"password=account.password.too_long", "name=account.name.too_long"}},
		{"display-name address, control character", account.RegisterCandidate{Email: "Bob <bob@x.fr>", Password: password, Name: "Bob\x00"},
			[]string{"email=account.email.invalid", "name=account.name.invalid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantFields(t, e.svc.RegisterCandidate(bg(), tc.in), tc.want...)
		})
	}
	t.Run("field error parameters", func(t *testing.T) {
		pe := wantErr(t, e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: "a@b.fr", Password: "court", Name: "A"}), passerelle.EINVALID, "")
		if len(pe.Fields) != 1 || pe.Fields[0].Param != "8" {
			t.Fatalf("fields = %+v", pe.Fields)
		}
	})
}

func TestRegisterEmployer(t *testing.T) {
	e := newEnv(t)
	valid := func() account.RegisterEmployer {
		return account.RegisterEmployer{Email: "rh@atelier.fr", Password: password, Name: "Dominique Leroy", Lang: "fr",
			CompanyName: "Atelier Numérique", SIREN: "732 829 320", City: "Nantes"}
	}

	t.Run("creates the company with the employer as owner", func(t *testing.T) {
		if err := e.svc.RegisterEmployer(bg(), valid()); err != nil {
			t.Fatal(err)
		}
		u, err := e.repo.UserByEmail(bg(), "rh@atelier.fr")
		if err != nil {
			t.Fatal(err)
		}
		o, err := e.repo.Organisation(bg(), u.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != auth.RoleEmployer || !u.OrgOwner || u.Verified {
			t.Fatalf("user = %+v", u)
		}
		if o.Kind != account.KindCompany || o.OwnerID != u.ID || o.SIREN != "732829320" || o.Name != "Atelier Numérique" || o.City != "Nantes" {
			t.Fatalf("organisation = %+v", o)
		}
		if len(e.mail.withLink(u.Email, "/verify")) != 1 {
			t.Fatal("no verification e-mail")
		}
	})

	t.Run("a registered SIREN is a conflict", func(t *testing.T) {
		in := valid()
		in.Email, in.SIREN = "autre@atelier.fr", "732829320"
		wantErr(t, e.svc.RegisterEmployer(bg(), in), passerelle.ECONFLICT, "account.company_exists")
		if _, err := e.repo.UserByEmail(bg(), "autre@atelier.fr"); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Fatalf("user created despite the conflict: %v", err)
		}
	})

	t.Run("existing e-mail with a new company creates nothing", func(t *testing.T) {
		in := valid()
		in.SIREN = siren(12345678)
		if err := e.svc.RegisterEmployer(bg(), in); err != nil {
			t.Fatal(err)
		}
		taken, err := e.repo.SIRENTaken(bg(), in.SIREN, e.clock.Now())
		if err != nil || taken {
			t.Fatalf("SIREN of a refused registration taken = %v, %v", taken, err)
		}
		if len(e.mail.withLink("rh@atelier.fr", "/password/reset")) != 1 {
			t.Fatal("no someone-tried e-mail")
		}
	})

	tests := []struct {
		name string
		edit func(*account.RegisterEmployer)
		want []string
	}{
		{"Luhn check", func(r *account.RegisterEmployer) { r.SIREN = "732829321" }, []string{"company.siren=account.siren.checksum"}},
		{"SIREN shape", func(r *account.RegisterEmployer) { r.SIREN = "73282932" }, []string{"company.siren=account.siren.format"}},
		{"SIREN letters", func(r *account.RegisterEmployer) { r.SIREN = "ABC829320" }, []string{"company.siren=account.siren.format"}},
		{"every company field", func(r *account.RegisterEmployer) { r.CompanyName, r.SIREN, r.City = "A", "", " " },
			[]string{"company.name=account.company_name.too_short", "company.siren=account.siren.required", "company.city=account.city.required"}},
		{"person and company at once", func(r *account.RegisterEmployer) {
			r.Email, r.Password, r.CompanyName = "x", "", strings.Repeat("a", 121)
		},
			[]string{"email=account.email.invalid", "password=account.password.too_short", "company.name=account.company_name.too_long"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			in.Email = "nouveau@atelier.fr"
			tc.edit(&in)
			wantFields(t, e.svc.RegisterEmployer(bg(), in), tc.want...)
		})
	}
}

func TestVerifyEmail(t *testing.T) {
	e := newEnv(t)
	const email = "sam@example.fr"
	if err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: email, Password: password, Name: "Sam"}); err != nil {
		t.Fatal(err)
	}
	first := e.mail.token(t, email, "/verify")

	t.Run("an unverified account cannot log in and gets a new link", func(t *testing.T) {
		_, err := e.svc.Authenticate(bg(), email, password, "192.0.2.1")
		wantErr(t, err, passerelle.EFORBIDDEN, "account.email_not_verified")
		if n := len(e.mail.withLink(email, "/verify")); n != 2 {
			t.Fatalf("%d verification e-mails, want 2", n)
		}
	})
	t.Run("a wrong password on an unverified account says nothing more", func(t *testing.T) {
		_, err := e.svc.Authenticate(bg(), email, "mauvais-mot-de-passe", "192.0.2.1")
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
	})
	t.Run("the link verifies, once", func(t *testing.T) {
		if err := e.svc.VerifyEmail(bg(), first); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(bg(), email, password, "192.0.2.1"); err != nil {
			t.Fatalf("login after verification: %v", err)
		}
		wantErr(t, e.svc.VerifyEmail(bg(), first), passerelle.ENOTFOUND, "account.link_invalid")
	})
	t.Run("unknown and malformed tokens", func(t *testing.T) {
		for _, tok := range []string{"", "nope", strings.Repeat("a", 5000)} {
			wantErr(t, e.svc.VerifyEmail(bg(), tok), passerelle.ENOTFOUND, "account.link_invalid")
		}
	})
	t.Run("expired link", func(t *testing.T) {
		const other = "lou@example.fr"
		if err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: other, Password: password, Name: "Lou"}); err != nil {
			t.Fatal(err)
		}
		tok := e.mail.token(t, other, "/verify")
		e.clock.Advance(account.DefaultVerifyTTL + time.Second)
		wantErr(t, e.svc.VerifyEmail(bg(), tok), passerelle.ENOTFOUND, "account.link_expired")
	})
	t.Run("a reset token is not a verification token", func(t *testing.T) {
		if err := e.svc.RequestPasswordReset(bg(), email); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.VerifyEmail(bg(), e.mail.token(t, email, "/password/reset")), passerelle.ENOTFOUND, "account.link_invalid")
	})
}

func TestAllowUnverifiedLogin(t *testing.T) {
	e := newEnv(t, func(o *account.Options) { o.AllowUnverifiedLogin = true })
	if err := e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: "vite@example.fr", Password: password, Name: "Vite"}); err != nil {
		t.Fatal(err)
	}
	u, err := e.svc.Authenticate(bg(), "vite@example.fr", password, "192.0.2.1")
	if err != nil || u.Verified {
		t.Fatalf("Authenticate = %+v, %v; want an unverified user", u, err)
	}
	if n := len(e.mail.withLink(u.Email, "/verify")); n != 1 {
		t.Fatalf("%d verification e-mails, want 1 (no resend on login)", n)
	}
}

func TestCreateAdmin(t *testing.T) {
	e := newEnv(t)
	a := e.admin(t)
	if a.Role != auth.RoleAdmin || !a.Verified || a.OrgID != "" {
		t.Fatalf("admin = %+v", a)
	}
	_, err := e.svc.CreateAdmin(bg(), "ADMIN@passerelle.test", password, "Encore")
	wantErr(t, err, passerelle.ECONFLICT, "account.email_taken")
	_, err = e.svc.CreateAdmin(bg(), "x", "court", "")
	wantFields(t, err, "email=account.email.invalid", "password=account.password.too_short", "name=account.name.required")
}

func TestConcurrentRegistration(t *testing.T) {
	e := newEnv(t)
	users := e.st.DB.Collection("users")

	t.Run("16 distinct registrations all succeed", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			wg.Go(func() {
				errs[i] = e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: fmt.Sprintf("c%02d@example.fr", i), Password: password, Name: "Candidat"})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("registration %d: %v", i, err)
			}
		}
		for i := range errs {
			addr := fmt.Sprintf("c%02d@example.fr", i)
			if _, err := e.repo.UserByEmail(bg(), addr); err != nil {
				t.Errorf("%s: %v", addr, err)
			}
			if n := len(e.mail.withLink(addr, "/verify")); n != 1 {
				t.Errorf("%s: %d verification e-mails", addr, n)
			}
		}
	})

	t.Run("8 registrations of one e-mail create one account", func(t *testing.T) {
		const addr = "meme@example.fr"
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				errs[i] = e.svc.RegisterCandidate(bg(), account.RegisterCandidate{Email: addr, Password: password, Name: fmt.Sprint("Candidat ", i)})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("registration %d: %v", i, err)
			}
		}
		n, err := users.CountDocuments(bg(), bson.D{{Key: "email", Value: addr}})
		if err != nil || n != 1 {
			t.Fatalf("%d accounts for %s (%v), want 1", n, addr, err)
		}
		verify, tried := len(e.mail.withLink(addr, "/verify")), len(e.mail.withLink(addr, "/password/reset"))
		if verify != 1 || tried != 7 {
			t.Fatalf("%d verification and %d someone-tried e-mails, want 1 and 7", verify, tried)
		}
	})

	t.Run("8 employers racing for one SIREN create one company", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				errs[i] = e.svc.RegisterEmployer(bg(), account.RegisterEmployer{Email: fmt.Sprintf("e%d@atelier.fr", i), Password: password,
					Name: "Employeur", CompanyName: "Atelier", SIREN: "732829320", City: "Nantes"})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch passerelle.ErrorCode(err) {
			case "":
				ok++
			case passerelle.ECONFLICT:
			default:
				t.Errorf("registration: %v", err)
			}
		}
		orgs, _ := e.st.DB.Collection("organisations").CountDocuments(bg(), bson.D{{Key: "siren", Value: "732829320"}})
		employers, _ := users.CountDocuments(bg(), bson.D{{Key: "role", Value: "employer"}})
		if ok != 1 || orgs != 1 || employers != 1 {
			t.Fatalf("%d successes, %d organisations, %d employers; want 1 each", ok, orgs, employers)
		}
	})
}

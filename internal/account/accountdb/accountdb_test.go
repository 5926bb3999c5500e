package accountdb_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	"passerelle/internal/auth"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// ids are fixed ObjectIDs, easier to read in failures than random ones.
const (
	u1   = "aaaaaaaaaaaaaaaaaaaaaaa1"
	u2   = "aaaaaaaaaaaaaaaaaaaaaaa2"
	org1 = "bbbbbbbbbbbbbbbbbbbbbbb1"
	org2 = "bbbbbbbbbbbbbbbbbbbbbbb2"
	org3 = "bbbbbbbbbbbbbbbbbbbbbbb3"
)

// mustStore returns a Store on a fresh database with its indexes.
func mustStore(t *testing.T) *accountdb.Store {
	t.Helper()
	st := storetest.MustOpen(t)
	if err := accountdb.EnsureIndexes(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return accountdb.New(st)
}

func ctx() context.Context { return context.Background() }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var pe *passerelle.Error
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

func user(id, email, org string) account.User {
	return account.User{ID: id, Email: email, Name: "N", Role: auth.RoleEmployer, OrgID: org, PasswordHash: "h", Lang: "fr", CreatedAt: t0, UpdatedAt: t0}
}

func TestEnsureIndexesIsIdempotent(t *testing.T) {
	st := storetest.MustOpen(t)
	for i := range 2 {
		if err := accountdb.EnsureIndexes(ctx(), st); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
}

func TestUsers(t *testing.T) {
	s := mustStore(t)
	created, err := s.CreateUser(ctx(), user(u1, "a@x.fr", org1))
	if err != nil {
		t.Fatal(err)
	}
	if created.Revision == 0 {
		t.Fatal("no revision")
	}

	t.Run("round trip", func(t *testing.T) {
		got, err := s.User(ctx(), u1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "a@x.fr" || got.OrgID != org1 || got.Role != auth.RoleEmployer || !got.CreatedAt.Equal(t0) || got.Revision != created.Revision {
			t.Fatalf("user = %+v", got)
		}
	})
	t.Run("unique e-mail", func(t *testing.T) {
		_, err := s.CreateUser(ctx(), user(u2, "a@x.fr", ""))
		wantCode(t, err, passerelle.ECONFLICT)
	})
	t.Run("not found, malformed ids and operator-looking input", func(t *testing.T) {
		for _, id := range []string{u2, "", "nope", `{"$ne":null}`} {
			_, err := s.User(ctx(), id)
			wantCode(t, err, passerelle.ENOTFOUND)
		}
		for _, email := range []string{"b@x.fr", `{"$ne":null}`, "$where"} {
			_, err := s.UserByEmail(ctx(), email)
			wantCode(t, err, passerelle.ENOTFOUND)
		}
	})
	t.Run("conditional update on revision", func(t *testing.T) {
		u, _ := s.User(ctx(), u1)
		u.Name, u.TokenVersion = "Nouveau", 3
		u.RevokedSessions = []account.RevokedSession{{ID: "sid", Until: t0.Add(time.Hour)}}
		// Fields that must not change through UpdateUser:
		u.Email, u.Role, u.OrgID = "evil@x.fr", auth.RoleAdmin, org2
		saved, err := s.UpdateUser(ctx(), u)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Revision <= u.Revision {
			t.Fatalf("revision %d → %d", u.Revision, saved.Revision)
		}
		got, _ := s.User(ctx(), u1)
		if got.Name != "Nouveau" || got.TokenVersion != 3 || len(got.RevokedSessions) != 1 || !got.RevokedSessions[0].Until.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after update = %+v", got)
		}
		if got.Email != "a@x.fr" || got.Role != auth.RoleEmployer || got.OrgID != org1 {
			t.Fatalf("immutable fields changed: %+v", got)
		}
		_, err = s.UpdateUser(ctx(), u) // u.Revision is now stale
		wantCode(t, err, passerelle.ECONFLICT)
	})
	t.Run("organisation users, oldest first", func(t *testing.T) {
		later := user(u2, "b@x.fr", org1)
		later.CreatedAt = t0.Add(time.Minute)
		if _, err := s.CreateUser(ctx(), later); err != nil {
			t.Fatal(err)
		}
		got, err := s.OrgUsers(ctx(), org1, 10)
		if err != nil || len(got) != 2 || got[0].ID != u1 || got[1].ID != u2 {
			t.Fatalf("OrgUsers = %+v, %v", got, err)
		}
		if got, _ := s.OrgUsers(ctx(), org1, 1); len(got) != 1 {
			t.Fatalf("limit ignored: %d", len(got))
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := s.DeleteUser(ctx(), u2); err != nil {
			t.Fatal(err)
		}
		_, err := s.User(ctx(), u2)
		wantCode(t, err, passerelle.ENOTFOUND)
	})
}

func company(id, siren string, created time.Time) account.Organisation {
	return account.Organisation{ID: id, Kind: account.KindCompany, Name: "Atelier", SIREN: siren, City: "Nantes", OwnerID: u1, CreatedAt: created, UpdatedAt: created}
}

func TestSIRENUniqueness(t *testing.T) {
	s := mustStore(t)
	if _, err := s.CreateOrganisation(ctx(), company(org1, "732829320", t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx(), user(u1, "a@x.fr", org1)); err != nil {
		t.Fatal(err)
	}

	t.Run("a second company with the SIREN is refused, even much later", func(t *testing.T) {
		_, err := s.CreateOrganisation(ctx(), company(org2, "732829320", t0.Add(48*time.Hour)))
		wantCode(t, err, passerelle.ECONFLICT)
		if _, err := s.Organisation(ctx(), org2); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Fatalf("refused organisation stored: %v", err)
		}
		taken, err := s.SIRENTaken(ctx(), "732829320", t0.Add(48*time.Hour))
		if err != nil || !taken {
			t.Fatalf("SIRENTaken = %v, %v", taken, err)
		}
	})
	t.Run("adviser organisations have no SIREN and no uniqueness on it", func(t *testing.T) {
		for _, id := range []string{org2, org3} {
			o := account.Organisation{ID: id, Kind: account.KindAdviser, Name: "Mission locale", City: "Nantes", AdviserType: account.AdviserPublicEmployment, CreatedAt: t0, UpdatedAt: t0}
			if _, err := s.CreateOrganisation(ctx(), o); err != nil {
				t.Fatalf("adviser organisation %s: %v", id, err)
			}
		}
	})
	t.Run("a claim left by a crashed registration is taken over after the grace period", func(t *testing.T) {
		const sirenB = "552100554"
		abandoned := company("cccccccccccccccccccccccc", sirenB, t0) // its user was never written
		if _, err := s.CreateOrganisation(ctx(), abandoned); err != nil {
			t.Fatal(err)
		}
		soon := t0.Add(time.Minute)
		if taken, _ := s.SIRENTaken(ctx(), sirenB, soon); !taken {
			t.Fatal("a registration in progress lost its claim")
		}
		_, err := s.CreateOrganisation(ctx(), company("cccccccccccccccccccccccd", sirenB, soon))
		wantCode(t, err, passerelle.ECONFLICT)

		later := t0.Add(time.Hour)
		if taken, _ := s.SIRENTaken(ctx(), sirenB, later); taken {
			t.Fatal("abandoned claim still counts")
		}
		if _, err := s.CreateOrganisation(ctx(), company("ccccccccccccccccccccccce", sirenB, later)); err != nil {
			t.Fatalf("take over: %v", err)
		}
		if _, err := s.Organisation(ctx(), abandoned.ID); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Fatalf("abandoned organisation not removed: %v", err)
		}
	})
	t.Run("deleting an organisation frees its SIREN", func(t *testing.T) {
		o := company("dddddddddddddddddddddddd", "443061841", t0)
		if _, err := s.CreateOrganisation(ctx(), o); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteOrganisation(ctx(), o); err != nil {
			t.Fatal(err)
		}
		if taken, _ := s.SIRENTaken(ctx(), "443061841", t0); taken {
			t.Fatal("SIREN still taken")
		}
	})
}

func TestOwnership(t *testing.T) {
	s := mustStore(t)
	o := account.Organisation{ID: org1, Kind: account.KindAdviser, Name: "Asso", City: "Rezé", AdviserType: account.AdviserAssociation, CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.CreateOrganisation(ctx(), o); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimOwnership(ctx(), org1, u1, t0)
	if err != nil || got.OwnerID != u1 {
		t.Fatalf("first claim = %+v, %v", got, err)
	}
	_, err = s.ClaimOwnership(ctx(), org1, u2, t0)
	wantCode(t, err, passerelle.ECONFLICT)
	_, err = s.ClaimOwnership(ctx(), org2, u2, t0)
	wantCode(t, err, passerelle.ENOTFOUND)

	// Releasing by someone else does nothing; by the owner frees it.
	if err := s.ReleaseOwnership(ctx(), org1, u2, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Organisation(ctx(), org1); got.OwnerID != u1 {
		t.Fatalf("owner = %q", got.OwnerID)
	}
	if err := s.ReleaseOwnership(ctx(), org1, u1, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClaimOwnership(ctx(), org1, u2, t0); err != nil || got.OwnerID != u2 {
		t.Fatalf("claim after release = %+v, %v", got, err)
	}
}

func TestInvitations(t *testing.T) {
	s := mustStore(t)
	inv := account.Invitation{ID: "eeeeeeeeeeeeeeeeeeeeeee1", OrgID: org1, Email: "x@y.fr", InvitedBy: u1, ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}
	first, err := s.SaveInvitation(ctx(), inv, "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	inv.ID, inv.CreatedAt = "eeeeeeeeeeeeeeeeeeeeeee2", t0.Add(time.Minute)
	second, err := s.SaveInvitation(ctx(), inv, "hash-2")
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID || !second.CreatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("re-invitation: first %+v, second %+v", first, second)
	}
	_, err = s.InvitationByToken(ctx(), "hash-1")
	wantCode(t, err, passerelle.ENOTFOUND)
	wantCode(t, s.MarkInvitationAccepted(ctx(), first.ID, "hash-1", t0), passerelle.ENOTFOUND)

	pending, err := s.PendingInvitations(ctx(), org1, 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	if err := s.MarkInvitationAccepted(ctx(), first.ID, "hash-2", t0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.MarkInvitationAccepted(ctx(), first.ID, "hash-2", t0), passerelle.ENOTFOUND)
	got, err := s.InvitationByToken(ctx(), "hash-2")
	if err != nil || !got.AcceptedAt.Equal(t0) {
		t.Fatalf("accepted invitation = %+v, %v", got, err)
	}
	if pending, _ := s.PendingInvitations(ctx(), org1, 10); len(pending) != 0 {
		t.Fatalf("pending after acceptance = %+v", pending)
	}
	// Another organisation may invite the same address.
	other := inv
	other.ID, other.OrgID = "eeeeeeeeeeeeeeeeeeeeeee3", org2
	if _, err := s.SaveInvitation(ctx(), other, "hash-3"); err != nil {
		t.Fatal(err)
	}
}

func TestOneTimeTokens(t *testing.T) {
	s := mustStore(t)
	tok := account.OneTimeToken{Hash: "h1", Purpose: account.PurposeResetPassword, UserID: u1, ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}
	if err := s.CreateOneTimeToken(ctx(), tok); err != nil {
		t.Fatal(err)
	}
	_, err := s.ConsumeOneTimeToken(ctx(), account.PurposeVerifyEmail, "h1")
	wantCode(t, err, passerelle.ENOTFOUND)
	got, err := s.ConsumeOneTimeToken(ctx(), account.PurposeResetPassword, "h1")
	if err != nil || got != tok {
		t.Fatalf("consume = %+v, %v", got, err)
	}
	_, err = s.ConsumeOneTimeToken(ctx(), account.PurposeResetPassword, "h1")
	wantCode(t, err, passerelle.ENOTFOUND)

	for _, h := range []string{"h2", "h3"} {
		tok.Hash = h
		if err := s.CreateOneTimeToken(ctx(), tok); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteOneTimeTokens(ctx(), u1, account.PurposeResetPassword); err != nil {
		t.Fatal(err)
	}
	_, err = s.ConsumeOneTimeToken(ctx(), account.PurposeResetPassword, "h2")
	wantCode(t, err, passerelle.ENOTFOUND)
}

func TestRefreshTokens(t *testing.T) {
	s := mustStore(t)
	rec := account.RefreshToken{Hash: "r1", Family: "fam", UserID: u1, TokenVersion: 2, FamilyStartedAt: t0, ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}
	for _, h := range []string{"r1", "r2"} {
		rec.Hash = h
		if err := s.CreateRefreshToken(ctx(), rec); err != nil {
			t.Fatal(err)
		}
	}
	used, err := s.UseRefreshToken(ctx(), "r1", t0)
	if err != nil || !used {
		t.Fatalf("first use = %v, %v", used, err)
	}
	if used, _ := s.UseRefreshToken(ctx(), "r1", t0); used {
		t.Fatal("second use succeeded")
	}
	got, err := s.RefreshToken(ctx(), "r1")
	if err != nil || !got.UsedAt.Equal(t0) || got.TokenVersion != 2 || got.Family != "fam" {
		t.Fatalf("record = %+v, %v", got, err)
	}
	// Another user's identity cannot revoke the family.
	if err := s.RevokeRefreshFamily(ctx(), u2, "fam", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RefreshToken(ctx(), "r2"); got.Revoked {
		t.Fatal("revoked through another user")
	}
	if err := s.RevokeRefreshFamily(ctx(), u1, "fam", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RefreshToken(ctx(), "r2"); !got.Revoked {
		t.Fatal("family not revoked")
	}
	if used, _ := s.UseRefreshToken(ctx(), "r2", t0); used {
		t.Fatal("revoked token used")
	}
}

func TestSessions(t *testing.T) {
	s := mustStore(t)
	sess := account.Session{ID: "s1", UserID: u1, TokenVersion: 1, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), LastSeenAt: t0}
	if err := s.CreateSession(ctx(), sess); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchSession(ctx(), "s1", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx(), "s1")
	if err != nil || !got.LastSeenAt.Equal(t0.Add(time.Minute)) || got.UserID != u1 {
		t.Fatalf("session = %+v, %v", got, err)
	}
	if err := s.DeleteSession(ctx(), u2, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(), "s1"); err != nil {
		t.Fatalf("deleted through another user: %v", err)
	}
	if err := s.DeleteUserSessions(ctx(), u1); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx(), "s1")
	wantCode(t, err, passerelle.ENOTFOUND)
}

func TestPurgeExpired(t *testing.T) {
	st := storetest.MustOpen(t)
	if err := accountdb.EnsureIndexes(ctx(), st); err != nil {
		t.Fatal(err)
	}
	s := accountdb.New(st)
	_ = s.CreateSession(ctx(), account.Session{ID: "old", UserID: u1, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), LastSeenAt: t0})
	_ = s.CreateSession(ctx(), account.Session{ID: "new", UserID: u1, CreatedAt: t0, ExpiresAt: t0.Add(3 * time.Hour), LastSeenAt: t0})
	_ = s.CreateOneTimeToken(ctx(), account.OneTimeToken{Hash: "t", Purpose: account.PurposeVerifyEmail, UserID: u1, ExpiresAt: t0.Add(time.Hour), CreatedAt: t0})
	_ = s.CreateRefreshToken(ctx(), account.RefreshToken{Hash: "r", Family: "f", UserID: u1, FamilyStartedAt: t0, ExpiresAt: t0.Add(time.Hour), CreatedAt: t0})
	n, err := s.PurgeExpired(ctx(), t0.Add(2*time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("purged %d, %v; want 3", n, err)
	}
	left, _ := st.DB.Collection("sessions").CountDocuments(ctx(), bson.D{})
	if left != 1 {
		t.Fatalf("%d sessions left", left)
	}
}

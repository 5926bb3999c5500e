package account_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
)

func TestAuthenticate(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "ines@example.fr")

	t.Run("success", func(t *testing.T) {
		got, err := e.svc.Authenticate(bg(), " INES@example.fr", password, "192.0.2.1")
		if err != nil || got.ID != u.ID {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
	})

	t.Run("unknown e-mail, wrong password and disabled account look the same", func(t *testing.T) {
		disabled := e.candidate(t, "off@example.fr")
		admin := e.admin(t)
		if err := e.svc.SetDisabled(as(admin), disabled.ID, true); err != nil {
			t.Fatal(err)
		}
		var errs []error
		for _, c := range []struct{ email, pw string }{
			{"ines@example.fr", "mauvais-mot-de-passe"},
			{"personne@example.fr", password},
			{"pas une adresse", password},
			{"off@example.fr", password},
		} {
			_, err := e.svc.Authenticate(bg(), c.email, c.pw, "192.0.2.2")
			wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
			errs = append(errs, err)
		}
		for i := 1; i < len(errs); i++ {
			if !reflect.DeepEqual(errs[0], errs[i]) {
				t.Fatalf("errors differ: %#v vs %#v", errs[0], errs[i])
			}
		}
	})

	t.Run("throttled per account, correct password included, until the window passes", func(t *testing.T) {
		u := e.candidate(t, "throttle@example.fr")
		for i := range account.DefaultAccountFailures {
			_, err := e.svc.Authenticate(bg(), u.Email, "mauvais-mot-de-passe", fmt.Sprint("198.51.100.", i))
			wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
		}
		_, err := e.svc.Authenticate(bg(), u.Email, password, "198.51.100.200")
		pe := wantErr(t, err, passerelle.ETOOMANY, "account.too_many_attempts")
		secs, ok := pe.Args[0].(int)
		if !ok || secs < 1 || secs > int(account.DefaultThrottleWindow.Seconds()) {
			t.Fatalf("retry after = %#v", pe.Args)
		}
		e.clock.Advance(time.Duration(secs) * time.Second)
		if _, err := e.svc.Authenticate(bg(), u.Email, password, "198.51.100.200"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})

	t.Run("success resets the account counter", func(t *testing.T) {
		u := e.candidate(t, "reset-counter@example.fr")
		for range 2 {
			for range account.DefaultAccountFailures - 1 {
				_, _ = e.svc.Authenticate(bg(), u.Email, "mauvais-mot-de-passe", "203.0.113.9")
			}
			if _, err := e.svc.Authenticate(bg(), u.Email, password, "203.0.113.9"); err != nil {
				t.Fatalf("login after %d failures: %v", account.DefaultAccountFailures-1, err)
			}
		}
	})

	t.Run("throttled per address across accounts", func(t *testing.T) {
		const addr = "203.0.113.50"
		for i := range account.DefaultAddressFailures {
			_, err := e.svc.Authenticate(bg(), fmt.Sprintf("spray%d@example.fr", i), "mot-de-passe-au-hasard", addr)
			wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
		}
		u := e.candidate(t, "office@example.fr")
		_, err := e.svc.Authenticate(bg(), u.Email, password, addr)
		wantErr(t, err, passerelle.ETOOMANY, "account.too_many_attempts")
		if _, err := e.svc.Authenticate(bg(), u.Email, password, "203.0.113.51"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

func TestRehashOnLogin(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "old@example.fr")
	stronger := testParams
	stronger.Iterations = 2
	h2, err := auth.NewHasher(2, auth.WithParams(stronger))
	if err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(e.repo, h2, e.tokens, e.mail, e.opts)
	if _, err := svc.Authenticate(bg(), u.Email, password, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	after, _ := e.repo.User(bg(), u.ID)
	if after.PasswordHash == u.PasswordHash || h2.NeedsRehash(after.PasswordHash) || after.TokenVersion != u.TokenVersion {
		t.Fatalf("hash not upgraded: %q → %q", u.PasswordHash, after.PasswordHash)
	}
	if _, err := svc.Authenticate(bg(), u.Email, password, "192.0.2.1"); err != nil {
		t.Fatalf("login with the new hash: %v", err)
	}
}

func TestRefreshRotation(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "rota@example.fr")

	t.Run("each token works once; reuse revokes the family", func(t *testing.T) {
		first, _ := e.apiSession(t, u)
		other, otherClaims := e.apiSession(t, u) // another device

		second, err := e.svc.RefreshAPISession(bg(), first.Refresh)
		if err != nil {
			t.Fatal(err)
		}
		if second.Refresh == first.Refresh || second.ExpiresIn != 900 {
			t.Fatalf("tokens = %+v", second)
		}
		secondClaims := e.claims(t, second)
		if _, err := e.svc.Identify(bg(), secondClaims); err != nil {
			t.Fatalf("identify rotated: %v", err)
		}

		_, err = e.svc.RefreshAPISession(bg(), first.Refresh) // stolen copy replayed
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.RefreshAPISession(bg(), second.Refresh)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.Identify(bg(), secondClaims)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")

		if _, err := e.svc.Identify(bg(), otherClaims); err != nil {
			t.Fatalf("other device's access token: %v", err)
		}
		if _, err := e.svc.RefreshAPISession(bg(), other.Refresh); err != nil {
			t.Fatalf("other device's refresh: %v", err)
		}
	})

	t.Run("concurrent use of one token rotates once", func(t *testing.T) {
		tok, _ := e.apiSession(t, u)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { _, errs[i] = e.svc.RefreshAPISession(bg(), tok.Refresh) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
			}
		}
		if ok > 1 {
			t.Fatalf("%d concurrent refreshes succeeded", ok)
		}
	})

	t.Run("unknown and malformed tokens", func(t *testing.T) {
		for _, tok := range []string{"", "inconnu", auth.NewToken()} {
			_, err := e.svc.RefreshAPISession(bg(), tok)
			wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		}
	})

	t.Run("expired token", func(t *testing.T) {
		tok, _ := e.apiSession(t, u)
		e.clock.Advance(account.DefaultRefreshTTL)
		_, err := e.svc.RefreshAPISession(bg(), tok.Refresh)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	})
}

func TestRefreshMaxAge(t *testing.T) {
	e := newEnv(t, func(o *account.Options) { o.RefreshTTL, o.RefreshMaxAge = 30*24*time.Hour, 40*24*time.Hour })
	u := e.candidate(t, "age@example.fr")
	tok, _ := e.apiSession(t, u)
	e.clock.Advance(29 * 24 * time.Hour)
	tok, err := e.svc.RefreshAPISession(bg(), tok.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	// Active, but the family is 41 days old: its last token ended at day 40.
	e.clock.Advance(12 * 24 * time.Hour)
	_, err = e.svc.RefreshAPISession(bg(), tok.Refresh)
	wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
}

func TestBrowserSession(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "web@example.fr")
	cookie, s, err := e.svc.StartBrowserSession(bg(), u)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == cookie || s.ID != auth.HashToken(cookie) || !s.ExpiresAt.Equal(s.CreatedAt.Add(account.DefaultSessionTTL)) {
		t.Fatalf("session = %+v", s)
	}
	got, gs, err := e.svc.BrowserSession(bg(), cookie)
	if err != nil || got.ID != u.ID || gs.ID != s.ID {
		t.Fatalf("BrowserSession = %+v, %+v, %v", got, gs, err)
	}

	t.Run("activity is recorded now and then", func(t *testing.T) {
		e.clock.Advance(10 * time.Minute)
		_, gs, err := e.svc.BrowserSession(bg(), cookie)
		if err != nil || !gs.LastSeenAt.Equal(e.clock.Now()) {
			t.Fatalf("last seen = %v, %v", gs.LastSeenAt, err)
		}
		stored, _ := e.repo.Session(bg(), s.ID)
		if !stored.LastSeenAt.Equal(e.clock.Now()) {
			t.Fatalf("stored last seen = %v", stored.LastSeenAt)
		}
	})
	t.Run("unknown cookies", func(t *testing.T) {
		for _, c := range []string{"", "x", auth.NewToken(), s.ID} {
			_, _, err := e.svc.BrowserSession(bg(), c)
			wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		}
	})
	t.Run("absolute expiry, however active", func(t *testing.T) {
		e.clock.Advance(account.DefaultSessionTTL)
		_, _, err := e.svc.BrowserSession(bg(), cookie)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		if _, err := e.repo.Session(bg(), s.ID); passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
			t.Fatalf("expired session still stored: %v", err)
		}
	})
}

func TestLogoutEndsOneSession(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "bye@example.fr")
	a, aClaims := e.apiSession(t, u)
	b, bClaims := e.apiSession(t, u)
	cookie, sess, err := e.svc.StartBrowserSession(bg(), u)
	if err != nil {
		t.Fatal(err)
	}

	if err := e.svc.Logout(bg(), aClaims.Identity); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Identify(bg(), aClaims)
	wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	_, err = e.svc.RefreshAPISession(bg(), a.Refresh)
	wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	if _, err := e.svc.Identify(bg(), bClaims); err != nil {
		t.Fatalf("other API session: %v", err)
	}
	if _, err := e.svc.RefreshAPISession(bg(), b.Refresh); err != nil {
		t.Fatalf("other API session's refresh: %v", err)
	}
	if _, _, err := e.svc.BrowserSession(bg(), cookie); err != nil {
		t.Fatalf("browser session: %v", err)
	}

	cur, _ := e.repo.User(bg(), u.ID)
	if err := e.svc.Logout(bg(), cur.Identity(sess.ID)); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.BrowserSession(bg(), cookie)
	wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	if _, err := e.svc.Identify(bg(), bClaims); err != nil {
		t.Fatalf("API session after browser logout: %v", err)
	}
	wantErr(t, e.svc.Logout(bg(), auth.Identity{}), passerelle.EUNAUTHORIZED, "")

	t.Run("revoked sessions are pruned once their tokens expired", func(t *testing.T) {
		e.clock.Advance(auth.MaxAccessTTL + auth.AccessLeeway + time.Second)
		c, _ := e.apiSession(t, u)
		if err := e.svc.Logout(bg(), e.claims(t, c).Identity); err != nil {
			t.Fatal(err)
		}
		after, _ := e.repo.User(bg(), u.ID)
		if len(after.RevokedSessions) != 1 {
			t.Fatalf("revoked sessions = %+v, want only the last one", after.RevokedSessions)
		}
	})
}

func TestConcurrentLogouts(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "many@example.fr")
	claims := make([]auth.Claims, 8)
	for i := range claims {
		_, claims[i] = e.apiSession(t, u)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(claims))
	for i := range claims {
		wg.Go(func() { errs[i] = e.svc.Logout(bg(), claims[i].Identity) })
	}
	wg.Wait()
	for i := range claims {
		if errs[i] != nil {
			t.Fatalf("logout %d: %v", i, errs[i])
		}
		// No logout overwrote another's entry: every session is refused.
		_, err := e.svc.Identify(bg(), claims[i])
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	}
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "pw@example.fr")
	tok, claims := e.apiSession(t, u)
	cookie, _, err := e.svc.StartBrowserSession(bg(), u)
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth.NewContext(bg(), claims.Identity)

	t.Run("wrong current and weak new password, both reported", func(t *testing.T) {
		wantFields(t, e.svc.ChangePassword(ctx, "pas-le-bon-mot", "motdepasse"),
			"currentPassword=account.password.current_wrong", "newPassword=account.password.common")
	})
	t.Run("anonymous", func(t *testing.T) {
		wantErr(t, e.svc.ChangePassword(bg(), password, "nouveau-mot-de-passe-7"), passerelle.EUNAUTHORIZED, "")
	})
	t.Run("change ends every earlier session", func(t *testing.T) {
		const next = "nouveau-mot-de-passe-7"
		if err := e.svc.ChangePassword(ctx, password, next); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Identify(bg(), claims)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, _, err = e.svc.BrowserSession(bg(), cookie)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.RefreshAPISession(bg(), tok.Refresh)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.Authenticate(bg(), u.Email, password, "192.0.2.1")
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
		nu, err := e.svc.Authenticate(bg(), u.Email, next, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		_, c2 := e.apiSession(t, nu)
		if _, err := e.svc.Identify(bg(), c2); err != nil {
			t.Fatalf("new session: %v", err)
		}
	})
	t.Run("guessing the current password is throttled", func(t *testing.T) {
		cur, _ := e.repo.User(bg(), u.ID)
		ctx := as(cur)
		var err error
		for range account.DefaultAccountFailures + 1 {
			err = e.svc.ChangePassword(ctx, "devinette-au-hasard", "encore-un-autre-mot-9")
		}
		wantErr(t, err, passerelle.ETOOMANY, "account.too_many_attempts")
	})
}

func TestSetDisabled(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t)
	u := e.candidate(t, "bad@example.fr")
	tok, claims := e.apiSession(t, u)
	cookie, _, err := e.svc.StartBrowserSession(bg(), u)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, code, key string
		ctx             func() any
		user            string
	}{
		{"anonymous", passerelle.EUNAUTHORIZED, "account.login_required", nil, u.ID},
		{"not an admin", passerelle.EFORBIDDEN, "account.admin_only", nil, u.ID},
		{"oneself", passerelle.EFORBIDDEN, "account.cannot_disable_self", nil, admin.ID},
		{"unknown user", passerelle.ENOTFOUND, "account.user_not_found", nil, "0123456789abcdef01234567"},
		{"malformed id", passerelle.ENOTFOUND, "account.user_not_found", nil, `{"$ne":null}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := as(admin)
			switch tc.name {
			case "anonymous":
				ctx = bg()
			case "not an admin":
				ctx = as(u)
			}
			wantErr(t, e.svc.SetDisabled(ctx, tc.user, true), tc.code, tc.key)
		})
	}

	t.Run("disabling ends sessions and logins", func(t *testing.T) {
		if err := e.svc.SetDisabled(as(admin), u.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Identify(bg(), claims)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, _, err = e.svc.BrowserSession(bg(), cookie)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.RefreshAPISession(bg(), tok.Refresh)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		_, err = e.svc.Authenticate(bg(), u.Email, password, "192.0.2.1")
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.invalid_credentials")
		_, err = e.svc.StartAPISession(bg(), u)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	})
	t.Run("enabling lets the user log in again", func(t *testing.T) {
		if err := e.svc.SetDisabled(as(admin), u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(bg(), u.Email, password, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Identify(bg(), claims)
		wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
	})
}

func TestIdentifyChecksClaims(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "claims@example.fr")
	_, c := e.apiSession(t, u)
	tests := []struct {
		name string
		edit func(*auth.Claims)
	}{
		{"other version", func(c *auth.Claims) { c.Version++ }},
		{"other role", func(c *auth.Claims) { c.Role = auth.RoleAdmin }},
		{"other organisation", func(c *auth.Claims) { c.OrgID = "0123456789abcdef01234567" }},
		{"unknown user", func(c *auth.Claims) { c.UserID = "0123456789abcdef01234567" }},
		{"malformed user", func(c *auth.Claims) { c.UserID = "nope" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := c
			tc.edit(&x)
			_, err := e.svc.Identify(bg(), x)
			wantErr(t, err, passerelle.EUNAUTHORIZED, "account.session_invalid")
		})
	}
}

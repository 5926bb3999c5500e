package server_test

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestRegisterVerifyLoginMe(t *testing.T) {
	e := newEnv(t)
	body := map[string]string{"email": "camille@example.fr", "password": goodPassword, "name": "Camille Martin"}
	if r := e.api(t, "POST", "/api/v1/auth/register/candidate", body, ""); r.status != 202 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	// Before the address is confirmed, the right password is not enough.
	if r := e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": body["email"], "password": goodPassword}, ""); r.status != 403 {
		t.Fatalf("login before verification: %d, want 403", r.status)
	}
	tok := linkToken(t, e.mail.last(t, body["email"]))
	if r := e.api(t, "POST", "/api/v1/auth/verify", map[string]string{"token": tok}, ""); r.status != 204 {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	access, _ := e.login(t, body["email"], goodPassword)
	me := e.me(t, access)
	if me["email"] != "camille@example.fr" || me["role"] != "candidate" || me["verified"] != true || me["name"] != "Camille Martin" {
		t.Fatalf("me = %v", me)
	}
	if r := e.api(t, "POST", "/api/v1/auth/verify", map[string]string{"token": tok}, ""); r.status != 404 {
		t.Fatalf("second use of a verification link: %d, want 404", r.status)
	}
}

func TestRegistrationDoesNotRevealAccounts(t *testing.T) {
	e := newEnv(t)
	body := map[string]string{"email": "lea@example.fr", "password": goodPassword, "name": "Léa"}
	first := e.api(t, "POST", "/api/v1/auth/register/candidate", body, "")
	body["password"] = "another-long-password-2026"
	second := e.api(t, "POST", "/api/v1/auth/register/candidate", body, "")
	if first.status != 202 || second.status != 202 || string(first.body) != string(second.body) {
		t.Fatalf("new and existing e-mail answered differently: %d %s / %d %s", first.status, first.body, second.status, second.body)
	}
	if n := e.mail.count("lea@example.fr"); n != 2 {
		t.Fatalf("%d e-mails to the address, want 2 (welcome, then someone-tried)", n)
	}
	// The second registration changed nothing: the first password still works.
	e.mail.mu.Lock()
	welcome := e.mail.msgs[0]
	e.mail.mu.Unlock()
	if r := e.api(t, "POST", "/api/v1/auth/verify", map[string]string{"token": linkToken(t, welcome)}, ""); r.status != 204 {
		t.Fatalf("verify: %d", r.status)
	}
	e.login(t, "lea@example.fr", goodPassword)

	forgot := func(email string) response {
		return e.api(t, "POST", "/api/v1/auth/password/forgot", map[string]string{"email": email}, "")
	}
	a, b := forgot("lea@example.fr"), forgot("nobody@example.fr")
	if a.status != 202 || b.status != 202 || string(a.body) != string(b.body) {
		t.Fatalf("password reset answered differently: %d %s / %d %s", a.status, a.body, b.status, b.body)
	}
}

func TestRegistrationValidation(t *testing.T) {
	e := newEnv(t)
	r := e.api(t, "POST", "/api/v1/auth/register/employer", map[string]any{
		"email": "not-an-email", "password": "short", "name": "",
		"company": map[string]string{"name": "A", "siren": "123456789", "city": "Nantes"},
	}, "", "Accept-Language", "en")
	if r.status != 422 {
		t.Fatalf("status %d, want 422: %s", r.status, r.body)
	}
	p := r.problem(t)
	for field, code := range map[string]string{"email": "validation.email", "password": "validation.min", "name": "validation.required", "company.name": "validation.min", "company.siren": "validation.siren"} {
		if got, ok := p.field(field); !ok || got != code {
			t.Errorf("field %s: code %q, want %q (errors %+v)", field, got, code, p.Errors)
		}
	}
	for _, fe := range p.Errors {
		if fe.Message == "" || strings.HasPrefix(fe.Message, "validation.") {
			t.Errorf("field %s has no human message: %q", fe.Field, fe.Message)
		}
	}
	r = e.api(t, "POST", "/api/v1/auth/register/candidate", map[string]string{"email": "x@example.fr", "password": "motdepasse", "name": "X"}, "")
	if r.status != 422 {
		t.Fatalf("common password: %d %s", r.status, r.body)
	}
	if _, ok := r.problem(t).field("password"); !ok {
		t.Fatalf("common password: no error on the password field: %s", r.body)
	}
}

func TestLoginAnswersAlike(t *testing.T) {
	e := newEnv(t)
	e.candidate(t, "nina@example.fr")
	wrong := e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": "nina@example.fr", "password": "not-the-password"}, "")
	unknown := e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": "ghost@example.fr", "password": "not-the-password"}, "")
	if wrong.status != 401 || unknown.status != 401 {
		t.Fatalf("statuses %d and %d, want 401", wrong.status, unknown.status)
	}
	if a, b := wrong.problem(t), unknown.problem(t); a.Detail != b.Detail || a.Code != b.Code {
		t.Fatalf("unknown e-mail and wrong password differ: %+v / %+v", a, b)
	}
}

func TestLoginThrottling(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "max@example.fr")
	var last response
	for i := 0; i < 8; i++ {
		last = e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": u.email, "password": "wrong-password-" + strconv.Itoa(i)}, "")
		if last.status == 429 {
			break
		}
	}
	if last.status != 429 {
		t.Fatalf("after 8 failures: %d, want 429", last.status)
	}
	secs, err := strconv.Atoi(last.header.Get("Retry-After"))
	if err != nil || secs <= 0 {
		t.Fatalf("Retry-After = %q", last.header.Get("Retry-After"))
	}
	// Even the right password is refused while throttled.
	if r := e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": u.email, "password": u.password}, ""); r.status != 429 {
		t.Fatalf("right password while throttled: %d, want 429", r.status)
	}
}

// forge signs claims with key and method, for the token tests.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAccessTokensRefused(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "token@example.fr")
	good, _, _ := jwt.NewParser().ParseUnverified(u.access, jwt.MapClaims{})
	claims := good.Claims.(jwt.MapClaims)
	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		change(c)
		return c
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	b64 := base64.RawURLEncoding.EncodeToString
	parts := strings.Split(u.access, ".")
	tampered := parts[0] + "." + parts[1] + "." + b64([]byte("not the signature of this token!"))
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	elevated := parts[0] + "." + b64([]byte(strings.Replace(string(payload), `"candidate"`, `"admin"`, 1))) + "." + parts[2]

	tests := map[string]string{
		"alg none":         b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".",
		"HS512":            forge(t, jwt.SigningMethodHS512, testKey, claims, nil),
		"RS256":            forge(t, jwt.SigningMethodRS256, rsaKey, claims, nil),
		"no exp":           forge(t, jwt.SigningMethodHS256, testKey, with(func(c jwt.MapClaims) { delete(c, "exp") }), nil),
		"expired":          forge(t, jwt.SigningMethodHS256, testKey, with(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), nil),
		"wrong iss":        forge(t, jwt.SigningMethodHS256, testKey, with(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), nil),
		"wrong aud":        forge(t, jwt.SigningMethodHS256, testKey, with(func(c jwt.MapClaims) { c["aud"] = "another-api" }), nil),
		"wrong typ":        forge(t, jwt.SigningMethodHS256, testKey, claims, map[string]any{"typ": "at+jwt"}),
		"other key":        forge(t, jwt.SigningMethodHS256, []byte("another-key-of-at-least-32-bytes!!"), claims, nil),
		"tampered sig":     tampered,
		"elevated payload": elevated,
		"garbage":          "not.a.token",
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			r := e.api(t, "GET", "/api/v1/me", nil, tok)
			if r.status != 401 {
				t.Fatalf("status %d, want 401: %s", r.status, r.body)
			}
			r.problem(t)
		})
	}
	if r := e.api(t, "GET", "/api/v1/me", nil, u.access); r.status != 200 {
		t.Fatalf("the genuine token: %d", r.status)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "rot@example.fr")
	refresh := func(tok string) response {
		return e.api(t, "POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": tok}, "")
	}
	r := refresh(u.refresh)
	if r.status != 200 {
		t.Fatalf("first refresh: %d %s", r.status, r.body)
	}
	var next struct{ AccessToken, RefreshToken string }
	r.json(t, &next)
	if next.RefreshToken == u.refresh {
		t.Fatal("refresh token not rotated")
	}
	// Replaying the used token revokes the whole family…
	if r := refresh(u.refresh); r.status != 401 {
		t.Fatalf("reused refresh token: %d, want 401", r.status)
	}
	// …so the token issued by the rotation dies too, and so does the access token.
	if r := refresh(next.RefreshToken); r.status != 401 {
		t.Fatalf("rotated token after reuse: %d, want 401", r.status)
	}
	if r := e.api(t, "GET", "/api/v1/me", nil, next.AccessToken); r.status != 401 {
		t.Fatalf("access token of the revoked family: %d, want 401", r.status)
	}
}

func TestLogoutPasswordChangeAndDisablingRevokeTokens(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "root@example.fr")

	t.Run("logout ends this session only", func(t *testing.T) {
		u := e.candidate(t, "out@example.fr")
		other, _ := e.login(t, u.email, u.password)
		if r := e.api(t, "POST", "/api/v1/auth/logout", nil, u.access); r.status != 204 {
			t.Fatalf("logout: %d %s", r.status, r.body)
		}
		if r := e.api(t, "GET", "/api/v1/me", nil, u.access); r.status != 401 {
			t.Fatalf("after logout: %d, want 401", r.status)
		}
		if r := e.api(t, "GET", "/api/v1/me", nil, other); r.status != 200 {
			t.Fatalf("other session after logout: %d, want 200", r.status)
		}
	})
	t.Run("password change", func(t *testing.T) {
		u := e.candidate(t, "pw@example.fr")
		r := e.api(t, "POST", "/api/v1/me/password", map[string]string{"currentPassword": u.password, "newPassword": "a-brand-new-passphrase"}, u.access)
		if r.status != 204 {
			t.Fatalf("change password: %d %s", r.status, r.body)
		}
		if r := e.api(t, "GET", "/api/v1/me", nil, u.access); r.status != 401 {
			t.Fatalf("old token after password change: %d, want 401", r.status)
		}
		e.login(t, u.email, "a-brand-new-passphrase")
	})
	t.Run("disabling", func(t *testing.T) {
		u := e.candidate(t, "dis@example.fr")
		if r := e.api(t, "POST", "/api/v1/admin/users/"+u.id+"/disable", nil, admin.access); r.status != 204 {
			t.Fatalf("disable: %d %s", r.status, r.body)
		}
		if r := e.api(t, "GET", "/api/v1/me", nil, u.access); r.status != 401 {
			t.Fatalf("token of a disabled account: %d, want 401", r.status)
		}
		if r := e.api(t, "POST", "/api/v1/auth/login", map[string]string{"email": u.email, "password": u.password}, ""); r.status != 401 {
			t.Fatalf("login of a disabled account: %d, want 401", r.status)
		}
	})
}

func TestHostileInput(t *testing.T) {
	e := newEnv(t)
	u := e.candidate(t, "victim@example.fr")

	t.Run("operator injection", func(t *testing.T) {
		r := e.api(t, "POST", "/api/v1/auth/login", `{"email": {"$ne": null}, "password": {"$ne": null}}`, "")
		if r.status != 422 {
			t.Fatalf("status %d, want 422: %s", r.status, r.body)
		}
		if code, _ := r.problem(t).field("email"); code != "validation.type" {
			t.Fatalf("email error = %q", code)
		}
	})
	t.Run("mass assignment", func(t *testing.T) {
		for _, body := range []string{`{"role":"admin"}`, `{"name":"Eve","orgId":"0123456789abcdef01234567"}`, `{"verified":false}`, `{"email":"other@example.fr"}`} {
			r := e.api(t, "PATCH", "/api/v1/me", body, u.access)
			if r.status != 422 {
				t.Fatalf("PATCH /me %s: %d, want 422", body, r.status)
			}
		}
		me := e.me(t, u.access)
		if me["role"] != "candidate" || me["name"] != "Camille Martin" || me["verified"] != true || me["orgId"] != nil {
			t.Fatalf("profile changed by refused updates: %v", me)
		}
		r := e.api(t, "PATCH", "/api/v1/me", `{"name":"Camille M."}`, u.access)
		if r.status != 200 || e.me(t, u.access)["name"] != "Camille M." {
			t.Fatalf("allowed update: %d %s", r.status, r.body)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		// The limit is enforced by the HTTP server while reading, which
		// app.Test bypasses: serve on a loopback port for this one.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go e.app.Listener(ln)
		defer ln.Close()
		big := `{"email":"` + strings.Repeat("a", 100<<10) + `"}`
		// The server may answer and close before the whole body is sent:
		// write on a raw connection, ignore a failed write, read the answer.
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		go fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(big), big)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 413 {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
		e.spec.check(t, "POST", "/api/v1/auth/login", res.StatusCode, res.Header.Get("Content-Type"), body)
	})
	t.Run("not JSON", func(t *testing.T) {
		r := e.api(t, "POST", "/api/v1/auth/login", nil, "", "Content-Type", "text/plain")
		if r.status != 415 {
			t.Fatalf("status %d, want 415", r.status)
		}
		if r := e.api(t, "POST", "/api/v1/auth/login", `{"email":`, ""); r.status != 422 {
			t.Fatalf("truncated JSON: %d, want 422", r.status)
		}
		if r := e.api(t, "POST", "/api/v1/auth/login", `{"email":"a@b.fr","password":"x"} {}`, ""); r.status != 422 {
			t.Fatalf("two JSON values: %d, want 422", r.status)
		}
	})
}

func TestInvitations(t *testing.T) {
	e := newEnv(t)
	owner := e.employer(t, "owner@atelier.fr", "732829320")
	other := e.employer(t, "boss@autre.fr", "552100554")
	cand := e.candidate(t, "cand@example.fr")

	invite := func(by user, org, email string) response {
		return e.api(t, "POST", "/api/v1/organisations/"+org+"/invitations", map[string]string{"email": email}, by.access)
	}
	if r := invite(other, owner.orgID, "x@example.fr"); r.status != 404 {
		t.Fatalf("another company's owner invites: %d, want 404", r.status)
	}
	if r := invite(cand, owner.orgID, "x@example.fr"); r.status != 403 {
		t.Fatalf("a candidate invites: %d, want 403", r.status)
	}
	r := invite(owner, owner.orgID, "colleague@atelier.fr")
	if r.status != 201 {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	tok := linkToken(t, e.mail.last(t, "colleague@atelier.fr"))
	accept := func() response {
		return e.api(t, "POST", "/api/v1/invitations/accept", map[string]string{"token": tok, "name": "Inès", "password": goodPassword}, "")
	}
	if r := accept(); r.status != 201 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if r := accept(); r.status != 404 {
		t.Fatalf("second acceptance: %d, want 404", r.status)
	}
	access, _ := e.login(t, "colleague@atelier.fr", goodPassword)
	if me := e.me(t, access); me["orgId"] != owner.orgID || me["role"] != "employer" || me["orgOwner"] != false {
		t.Fatalf("colleague = %v", me)
	}
	r = e.api(t, "GET", "/api/v1/organisations/"+owner.orgID+"/members", nil, access)
	var members struct{ Members []struct{ Email string } }
	r.json(t, &members)
	if r.status != 200 || len(members.Members) != 2 {
		t.Fatalf("members: %d %s", r.status, r.body)
	}
	if r := e.api(t, "GET", "/api/v1/organisations/"+owner.orgID+"/members", nil, other.access); r.status != 404 {
		t.Fatalf("members seen by another company: %d, want 404", r.status)
	}
	// A member who is not the owner cannot invite.
	if r := e.api(t, "POST", "/api/v1/organisations/"+owner.orgID+"/invitations", map[string]string{"email": "y@atelier.fr"}, access); r.status != 403 && r.status != 404 {
		t.Fatalf("non-owner invites: %d, want 403", r.status)
	}
}

func TestPagesCSRF(t *testing.T) {
	e := newEnv(t)
	e.candidate(t, "page@example.fr")
	b := e.browser()
	form := url.Values{"email": {"page@example.fr"}, "password": {goodPassword}}
	if r := b.do(t, "POST", "/login", form); r.status != 403 {
		t.Fatalf("login form without a token: %d, want 403", r.status)
	}
	form.Set("csrf", "forged-token")
	if r := b.do(t, "POST", "/login", form); r.status != 403 {
		t.Fatalf("login form with a forged token: %d, want 403", r.status)
	}
	r := b.post(t, "/login", "/login", url.Values{"email": {"page@example.fr"}, "password": {goodPassword}, "next": {"/account"}})
	if r.status != 303 || r.header.Get("Location") != "/account" {
		t.Fatalf("login form: %d → %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if r := b.do(t, "GET", "/account", nil); r.status != 200 || !strings.Contains(string(r.body), "page@example.fr") {
		t.Fatalf("account page after login: %d", r.status)
	}
	// Logging out needs the token too.
	if r := b.do(t, "POST", "/logout", url.Values{}); r.status != 403 {
		t.Fatalf("logout without a token: %d, want 403", r.status)
	}
	if r := b.post(t, "/account", "/logout", url.Values{}); r.status != 303 {
		t.Fatalf("logout: %d", r.status)
	}
	if r := b.do(t, "GET", "/account", nil); r.status != 303 {
		t.Fatalf("account page after logout: %d, want 303 to login", r.status)
	}
	// next= never leaves the site.
	r = b.post(t, "/login", "/login", url.Values{"email": {"page@example.fr"}, "password": {goodPassword}, "next": {"//evil.example/x"}})
	if loc := r.header.Get("Location"); loc != "/" {
		t.Fatalf("open redirect: Location %q", loc)
	}
}

func TestLoginFormShowsErrorsBesideFields(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	r := b.post(t, "/register/candidate", "/register/candidate", url.Values{"name": {"Zoé"}, "email": {"pas-une-adresse"}, "password": {"court"}})
	body := string(r.body)
	if r.status != 422 {
		t.Fatalf("status %d, want 422", r.status)
	}
	for _, want := range []string{`id="f-email-error"`, `id="f-password-error"`, `aria-invalid="true"`, `value="Zoé"`, `class="error-summary"`} {
		if !strings.Contains(body, want) {
			t.Errorf("form page lacks %s", want)
		}
	}
	if strings.Contains(body, `value="court"`) {
		t.Error("the password was sent back in the page")
	}
}

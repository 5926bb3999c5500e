package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// Expected outcomes in the authorization matrix.
const (
	ok    = "ok"     // passes authorization: any answer but 401, 403, 404 and 5xx
	ok2xx = "2xx"    // succeeds
	deny  = "401"    // anonymous: 401 on the API, a redirect to the login page on pages
	forb  = "403"    // authenticated with the wrong role
	hide  = "404"    // another organisation's object: as if it did not exist
	pub   = "public" // like ok, for everyone
	anyOK = "any"    // public, and 404 is a possible answer (an unknown token)
)

// callers of the matrix, in the order of the expectation strings.
var callers = []string{"anonymous", "candidate", "employer", "other-employer", "adviser", "admin"}

// matrix lists, for every route the app registers, the outcome expected for
// each caller: anonymous, a candidate, the owner of company A (whose ids the
// paths use), the owner of company B, an adviser, an admin. A route the app
// registers without an entry fails TestAuthorizationMatrix. Each area of the
// product adds its routes with addMatrix from an init function of its own
// test file.
var matrix = map[string][6]string{}

// pathParams gives the value of a path parameter for a route, by area; each
// area registers how to fill its routes' parameters.
var pathParams []func(env *matrixEnv, route string) (string, bool)

// matrixBodies gives a route a request body that passes validation, so that
// what answers is the authorization; routes without one get {}.
var matrixBodies = map[string]func(env *matrixEnv, caller string) any{}

func addMatrix(m map[string][6]string) {
	for k, v := range m {
		if _, dup := matrix[k]; dup {
			panic("authorization matrix: " + k + " listed twice")
		}
		matrix[k] = v
	}
}

func init() { addMatrix(accountMatrix) }

var accountMatrix = map[string][6]string{
	"GET /healthz":                               {pub, pub, pub, pub, pub, pub},
	"GET /readyz":                                {pub, pub, pub, pub, pub, pub},
	"GET /api/v1/openapi.json":                   {ok2xx, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"POST /api/v1/auth/register/candidate":       {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/auth/register/employer":        {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/auth/verify":                   {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/auth/login":                    {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/auth/refresh":                  {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/auth/logout":                   {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"POST /api/v1/auth/password/forgot":          {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/auth/password/reset":           {pub, pub, pub, pub, pub, pub},
	"GET /api/v1/me":                             {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"PATCH /api/v1/me":                           {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"POST /api/v1/me/password":                   {deny, ok, ok, ok, ok, ok},
	"GET /api/v1/organisations/:id":              {deny, hide, ok2xx, hide, hide, ok2xx},
	"GET /api/v1/organisations/:id/members":      {deny, hide, ok2xx, hide, hide, ok2xx},
	"POST /api/v1/organisations/:id/invitations": {deny, forb, ok, hide, hide, ok},
	"POST /api/v1/invitations/accept":            {pub, pub, pub, pub, pub, pub},
	"POST /api/v1/admin/organisations":           {deny, forb, forb, forb, forb, ok},
	"POST /api/v1/admin/users/:id/disable":       {deny, forb, forb, forb, forb, ok2xx},
	"POST /api/v1/admin/users/:id/enable":        {deny, forb, forb, forb, forb, ok2xx},

	"GET /":                          {pub, pub, pub, pub, pub, pub},
	"GET /login":                     {pub, pub, pub, pub, pub, pub},
	"POST /login":                    {pub, pub, pub, pub, pub, pub},
	"POST /logout":                   {deny, ok, ok, ok, ok, ok},
	"GET /register/candidate":        {pub, pub, pub, pub, pub, pub},
	"POST /register/candidate":       {pub, pub, pub, pub, pub, pub},
	"GET /register/employer":         {pub, pub, pub, pub, pub, pub},
	"POST /register/employer":        {pub, pub, pub, pub, pub, pub},
	"GET /verify":                    {pub, pub, pub, pub, pub, pub},
	"GET /password/forgot":           {pub, pub, pub, pub, pub, pub},
	"POST /password/forgot":          {pub, pub, pub, pub, pub, pub},
	"GET /password/reset":            {pub, pub, pub, pub, pub, pub},
	"POST /password/reset":           {pub, pub, pub, pub, pub, pub},
	"GET /invitations/accept":        {anyOK, anyOK, anyOK, anyOK, anyOK, anyOK},
	"POST /invitations/accept":       {anyOK, anyOK, anyOK, anyOK, anyOK, anyOK},
	"GET /organisation":              {deny, forb, ok2xx, ok2xx, ok2xx, forb},
	"POST /organisation/invitations": {deny, forb, ok, ok, ok, forb},
	"GET /account":                   {deny, ok2xx, ok2xx, ok2xx, ok2xx, ok2xx},
	"POST /account/password":         {deny, ok, ok, ok, ok, ok},
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	admin := e.admin(t, "admin@passerelle.test")
	people := map[string]user{
		"candidate":      e.candidate(t, "cand@example.fr"),
		"employer":       e.employer(t, "owner@a.fr", "732829320"),
		"other-employer": e.employer(t, "owner@b.fr", "552100554"),
		"adviser":        e.adviser(t, admin, "adviser@ml.fr"),
		"admin":          admin,
	}
	victim := e.candidate(t, "victim@example.fr")
	menv := &matrixEnv{t: t, env: e, people: people, victim: victim}
	params := func(route string) string {
		path := strings.SplitN(route, " ", 2)[1]
		if !strings.Contains(path, ":") {
			return path
		}
		for _, f := range pathParams {
			if p, ok := f(menv, route); ok {
				return p
			}
		}
		if strings.Contains(path, "/admin/users/") {
			return strings.Replace(path, ":id", victim.id, 1)
		}
		return strings.Replace(path, ":id", people["employer"].orgID, 1)
	}

	seen := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "CONNECT" || r.Method == "OPTIONS" || r.Method == "TRACE" {
			continue
		}
		key := r.Method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		want, listed := matrix[key]
		if !listed {
			t.Errorf("route %s is not in the authorization matrix: add what each caller may do", key)
			continue
		}
		method, path := r.Method, params(key)
		for i, caller := range callers {
			t.Run(key+"/"+caller, func(t *testing.T) {
				var status int
				var location string
				if strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" {
					token := ""
					if caller != "anonymous" {
						p := people[caller]
						token, _ = e.login(t, p.email, p.password)
					}
					var body any
					if method != "GET" {
						body = map[string]string{}
					}
					// A valid body, so that what answers is the authorization.
					if strings.HasSuffix(path, "/invitations") {
						body = map[string]string{"email": "new-" + caller + "@example.fr"}
					}
					if f, ok := matrixBodies[key]; ok {
						body = f(menv, caller)
					}
					res := e.api(t, method, path, body, token)
					status = res.status
				} else {
					b := e.browser()
					if caller != "anonymous" {
						p := people[caller]
						res := b.post(t, "/login", "/login", url.Values{"email": {p.email}, "password": {p.password}})
						if res.status != 303 {
							t.Fatalf("page login of %s: %d", caller, res.status)
						}
					}
					var res response
					if method == "GET" {
						res = b.do(t, method, path, nil)
					} else {
						res = b.post(t, "/password/forgot", path, url.Values{})
					}
					status, location = res.status, res.header.Get("Location")
				}
				check(t, want[i], status, location, strings.HasPrefix(path, "/api/"))
			})
		}
	}
	for key := range matrix {
		if !seen[key] {
			t.Errorf("matrix entry %s matches no registered route: remove it", key)
		}
	}
}

// matrixEnv is what path parameter functions may use to create the objects
// their routes address (an offer of company A, the candidate's profile…).
type matrixEnv struct {
	t      *testing.T
	env    *testEnv
	people map[string]user
	victim user
	cache  map[string]string
}

// once computes a value the first time it is asked for, so that parameter
// functions create their objects once for all callers.
func (m *matrixEnv) once(key string, f func() string) string {
	if m.cache == nil {
		m.cache = map[string]string{}
	}
	if v, ok := m.cache[key]; ok {
		return v
	}
	v := f()
	m.cache[key] = v
	return v
}

func check(t *testing.T, want string, status int, location string, api bool) {
	t.Helper()
	switch want {
	case ok, pub:
		if status == 401 || status == 403 || status == 404 || status >= 500 || (!api && status == 303 && strings.HasPrefix(location, "/login?next=")) {
			t.Fatalf("status %d (→ %q), want an authorised answer", status, location)
		}
	case anyOK:
		if status == 401 || status == 403 || status >= 500 || (!api && status == 303 && strings.HasPrefix(location, "/login?next=")) {
			t.Fatalf("status %d (→ %q), want a public answer", status, location)
		}
	case ok2xx:
		if status < 200 || status > 399 {
			t.Fatalf("status %d, want success", status)
		}
	case deny:
		if api && status != 401 {
			t.Fatalf("status %d, want 401", status)
		}
		if !api && (status != 303 || !strings.HasPrefix(location, "/login?next=")) {
			t.Fatalf("status %d → %q, want a redirect to the login page", status, location)
		}
	case forb:
		if status != 403 {
			t.Fatalf("status %d, want 403", status)
		}
	case hide:
		if status != 404 {
			t.Fatalf("status %d, want 404", status)
		}
	}
}

// TestOpenAPICoversRoutes: every /api/v1 route is documented, and every
// documented operation exists.
func TestOpenAPICoversRoutes(t *testing.T) {
	e := newEnv(t)
	documented := map[string]bool{}
	for _, op := range e.spec.operations() {
		documented[op] = true
	}
	registered := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" {
			continue
		}
		path := r.Path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		registered[r.Method+" "+path] = true
		if !documented[r.Method+" "+path] {
			t.Errorf("%s %s is registered but not in openapi.json", r.Method, path)
		}
	}
	for op := range documented {
		if !registered[op] {
			t.Errorf("%s is documented but not registered", op)
		}
	}
}

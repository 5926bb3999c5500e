package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"passerelle/internal/server"
	"passerelle/web"
)

// apiSpec holds the served OpenAPI document compiled for response checks:
// every response a test receives under /api/v1 must be documented (path,
// method, status, content type) and its body must match the schema.
type apiSpec struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	paths    []specPath
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

type specPath struct {
	template string
	re       *regexp.Regexp
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	raw, err := server.OpenAPI(web.FS)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		return nil, fmt.Errorf("openapi.json: version %q, want 3.1.x", v)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	var inst any
	_ = json.Unmarshal(raw, &inst)
	if err := c.AddResource("https://passerelle.test/openapi.json", inst); err != nil {
		return nil, err
	}
	s := &apiSpec{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	for p := range doc["paths"].(map[string]any) {
		pattern := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		s.paths = append(s.paths, specPath{template: p, re: regexp.MustCompile(pattern)})
	}
	// Literal segments win over parameters (/a/me before /a/{id}).
	sort.Slice(s.paths, func(i, j int) bool {
		return strings.Count(s.paths[i].template, "{") < strings.Count(s.paths[j].template, "{")
	})
	return s, nil
})

func (s *apiSpec) match(path string) (string, bool) {
	for _, p := range s.paths {
		if p.re.MatchString(path) {
			return p.template, true
		}
	}
	return "", false
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// check holds one response against the document.
func (s *apiSpec) check(t *testing.T, method, path string, status int, contentType string, body []byte) {
	t.Helper()
	tmpl, ok := s.match(path)
	if !ok {
		if status == http.StatusNotFound && strings.HasPrefix(contentType, "application/problem+json") {
			return // an unknown path: the generic 404 problem, checked elsewhere
		}
		t.Errorf("openapi: %s %s (%d) is not a documented path", method, path, status)
		return
	}
	op, ok := s.doc["paths"].(map[string]any)[tmpl].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		if status == http.StatusMethodNotAllowed || status == http.StatusNotFound {
			return
		}
		t.Errorf("openapi: %s %s is not documented", method, tmpl)
		return
	}
	responses := op["responses"].(map[string]any)
	resp, ok := responses[strconv.Itoa(status)].(map[string]any)
	if !ok {
		t.Errorf("openapi: %s %s answered %d, which is not documented (documented: %v)", method, tmpl, status, keys(responses))
		return
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			t.Errorf("openapi: %s %s %d has a body but documents none", method, tmpl, status)
		}
		return
	}
	mediaType := strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0])
	if _, ok := content[mediaType]; !ok {
		t.Errorf("openapi: %s %s %d has Content-Type %q, documented: %v", method, tmpl, status, contentType, keys(content))
		return
	}
	loc := "https://passerelle.test/openapi.json#/paths/" + pointerEscape(tmpl) + "/" + strings.ToLower(method) +
		"/responses/" + strconv.Itoa(status) + "/content/" + pointerEscape(mediaType) + "/schema"
	s.mu.Lock()
	sch, ok := s.schemas[loc]
	if !ok {
		var err error
		sch, err = s.compiler.Compile(loc)
		if err != nil {
			s.mu.Unlock()
			t.Fatalf("openapi: compile %s: %v", loc, err)
		}
		s.schemas[loc] = sch
	}
	s.mu.Unlock()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("openapi: %s %s %d: body is not JSON: %v", method, tmpl, status, err)
		return
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("openapi: %s %s %d: body does not match the schema: %v\nbody: %s", method, tmpl, status, err, body)
	}
}

// operations lists "METHOD /path/{param}" for every documented operation.
func (s *apiSpec) operations() []string {
	var out []string
	for p, item := range s.doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			switch m {
			case "get", "post", "put", "patch", "delete":
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

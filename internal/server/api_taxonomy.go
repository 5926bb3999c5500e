package server

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Taxonomy is the skills language the pages and the autocomplete speak.
// *skill.Taxonomy implements it.
type Taxonomy interface {
	Suggest(prefix, lang string, limit int, kinds ...skill.EntryKind) []skill.Suggestion
	Label(code skill.Code, lang string) (string, bool)
	// Resolve and ResolveOccupation turn what a person typed in a form
	// ("golang", "Développeur web") into a code; the API takes codes only.
	Resolve(text string) (skill.Code, bool)
	ResolveOccupation(text string) (skill.RomeCode, bool)
	Occupation(r skill.RomeCode) (skill.Occupation, bool)
	// Occupations and Tags fill the datalists that serve the autocomplete
	// fields when JavaScript does not run.
	Occupations() []skill.Occupation
	Tags() *skill.TagSet
}

// Places is the communes directory.
type Places interface {
	ByID(id string) (place.Commune, bool)
	Search(query string, limit int) []place.Commune
}

// defaultSuggestion is how many answers an autocomplete gets unless it asks;
// the request types bound the query (60 characters) and the answer (20), so
// that nobody can ask for the whole taxonomy.
const defaultSuggestion = 10

// suggestRequest is the query of GET /skills/suggest.
type suggestRequest struct {
	Q     string   `form:"q" validate:"required,notblank,max=60"`
	Lang  string   `form:"lang" validate:"omitempty,oneof=fr en"`
	Limit int      `form:"limit" validate:"gte=1,lte=20"`
	Kinds []string `form:"kinds" validate:"max=5,dive,oneof=tag knowledge skill occupation appellation"`
}

// communesRequest is the query of GET /communes.
type communesRequest struct {
	Q     string `form:"q" validate:"required,notblank,max=60"`
	Limit int    `form:"limit" validate:"gte=1,lte=20"`
}

type suggestionResponse struct {
	// Code is the skill code (tags, ROME skills and knowledge items) or the
	// ROME occupation code (occupations and job titles).
	Code  string `json:"code"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	// Matched is the spelling that matched when it is not the label
	// ("golang" for Go), so that a list can say why an entry is there.
	Matched string `json:"matched,omitempty"`
	// Fuzzy marks a "did you mean" answer to a query nothing starts with.
	Fuzzy bool `json:"fuzzy,omitempty"`
}

func toSuggestionResponse(sg skill.Suggestion) suggestionResponse {
	code := string(sg.Code)
	if sg.Kind == skill.KindOccupation || sg.Kind == skill.KindAppellation {
		code = string(sg.Rome)
	}
	return suggestionResponse{Code: code, Label: sg.Label, Kind: sg.Kind.String(), Matched: sg.Matched, Fuzzy: sg.Fuzzy}
}

type communeResponse struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	PostalCodes []string `json:"postalCodes"`
	Department  string   `json:"department"`
}

func toCommuneResponse(cm place.Commune) communeResponse {
	return communeResponse{ID: cm.ID, Name: cm.Name, PostalCodes: append([]string{}, cm.PostalCodes...), Department: cm.Department}
}

func (s *Server) mountTaxonomyAPI(api fiber.Router) {
	api.Get("/skills/suggest", s.apiSuggest)
	api.Get("/communes", s.apiCommunes)
}

// suggestSkillKinds are the kinds a skill field suggests when the caller names none.
var suggestSkillKinds = []skill.EntryKind{skill.KindTag, skill.KindKnowledge, skill.KindSkill}

// parseSuggestKinds reads a comma-separated list of kind names.
func parseSuggestKinds(names []string) []skill.EntryKind {
	var kinds []skill.EntryKind
	for _, n := range names {
		for _, k := range []skill.EntryKind{skill.KindTag, skill.KindKnowledge, skill.KindSkill, skill.KindOccupation, skill.KindAppellation} {
			if k.String() == n && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	return kinds
}

// queryListParam reads a comma-separated query value, dropping blanks.
func queryListParam(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// queryIntParam reads an integer query parameter; a value that is not one is a
// field error named after the parameter, never a 500.
func queryIntParam(c *fiber.Ctx, name string, def int, errs *[]passerelle.FieldError) int {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		*errs = append(*errs, passerelle.FieldError{Field: name, Key: "validation.type", Param: "integer"})
		return def
	}
	return n
}

// validateQuery validates a query request after its integers were read.
func validateQuery(req any, errs []passerelle.FieldError) error {
	if len(errs) > 0 {
		return passerelle.Invalid(errs...)
	}
	return validateStruct(req)
}

// apiSuggest answers the autocomplete fields from the in-memory taxonomy:
// no store access, a few microseconds per query.
func (s *Server) apiSuggest(c *fiber.Ctx) error {
	var errs []passerelle.FieldError
	req := suggestRequest{Q: c.Query("q"), Lang: c.Query("lang"), Kinds: queryListParam(c.Query("kinds"))}
	req.Limit = queryIntParam(c, "limit", defaultSuggestion, &errs)
	if err := validateQuery(req, errs); err != nil {
		return err
	}
	kinds := parseSuggestKinds(req.Kinds)
	if len(kinds) == 0 {
		kinds = suggestSkillKinds
	}
	lang := cmp.Or(req.Lang, langOf(c))
	out := struct {
		Items []suggestionResponse `json:"items"`
	}{Items: []suggestionResponse{}}
	for _, sg := range s.taxonomy.Suggest(req.Q, lang, req.Limit, kinds...) {
		out.Items = append(out.Items, toSuggestionResponse(sg))
	}
	// The taxonomy changes only with an import, so the browser may keep an
	// answer a while; privately, since the labels follow the visitor's
	// language (cookie or Accept-Language).
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	return c.JSON(out)
}

func (s *Server) apiCommunes(c *fiber.Ctx) error {
	var errs []passerelle.FieldError
	req := communesRequest{Q: c.Query("q")}
	req.Limit = queryIntParam(c, "limit", defaultSuggestion, &errs)
	if err := validateQuery(req, errs); err != nil {
		return err
	}
	out := struct {
		Items []communeResponse `json:"items"`
	}{Items: []communeResponse{}}
	for _, cm := range s.places.Search(req.Q, req.Limit) {
		out.Items = append(out.Items, toCommuneResponse(cm))
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(out)
}

package server

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Pages of offers and company pages: the public search and offer page, and
// the employer's list, offer form and company form. Every form works without
// JavaScript: autocomplete fields are text inputs with a datalist, resolved
// on the server ("golang" → Go, "Saint-Herblain (44)" → its commune);
// web/static/autocomplete.js only makes their lists follow the typing.

func (s *Server) mountOfferPages(r fiber.Router) {
	employer := requirePage(auth.RoleEmployer)
	r.Get("/offers", s.pageOffers)
	r.Get("/offers/:id", s.pageOffer)
	r.Get("/companies/:id", s.pageCompany)
	r.Get("/company/offers", employer, s.pageCompanyOffers)
	r.Get("/company/offers/new", employer, s.pageOfferNew)
	r.Post("/company/offers/new", employer, s.pageOfferCreate)
	r.Get("/company/offers/:id/edit", employer, s.pageOfferEdit)
	r.Post("/company/offers/:id/edit", employer, s.pageOfferUpdate)
	r.Post("/company/offers/:id/publish", employer, s.pageOfferPublish)
	r.Get("/company/offers/:id/close", employer, s.pageOfferClose)
	r.Post("/company/offers/:id/close", employer, s.pageOfferClosePost)
	r.Get("/company/edit", employer, s.pageCompanyEdit)
	r.Post("/company/edit", employer, s.pageCompanyEditPost)
}

// Where the autocomplete fields ask for suggestions.
const (
	suggestSkills   = "/api/v1/skills/suggest"
	suggestCommunes = "/api/v1/communes"
	kindsSkill      = "tag,knowledge,skill"
	kindsOccupation = "occupation,appellation"
)

// offerFormRows is how many skill rows the offer form offers without
// JavaScript (blank rows are ignored); an offer with more skills gets two
// spare rows after its own.
const offerFormRows = 8

// SkillFieldView is what the "skill-field" template (templates/_skill_field.html)
// needs to draw one autocomplete field: a labelled text input, the hidden
// input that carries the chosen code, a datalist and the error beside it.
// Build it with offerFormViews.autocomplete.
type SkillFieldView struct {
	// Name is the text input's name; its id is "f-"+Name, so that the
	// error summary links to it.
	Name string
	// CodeName is the hidden input holding the code of the choice.
	CodeName                 string
	Label, Hint, Value, Code string
	Error, ErrorPrefix       string
	Required                 bool
	Source                   string // the suggest endpoint
	Kinds                    string // for the skills endpoint: kinds, comma-separated
	ListID                   string // the datalist the input uses
	Options                  []SkillFieldOption
	StatusMany, StatusNone   string // what the live region says, for the script
}

// Describedby ties the input to its hint and error message.
func (f SkillFieldView) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, "f-"+f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, "f-"+f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// OwnList is the field's own datalist, shown when the server has
// suggestions for what was typed.
func (f SkillFieldView) OwnList() SkillDatalist {
	return SkillDatalist{ID: f.ListID, Options: f.Options}
}

// SkillFieldOption is one choice of an autocomplete datalist.
type SkillFieldOption struct {
	Value string // what the input receives
	Code  string // what the hidden input receives
}

// SkillDatalist is a datalist shared by several fields (every tag, every
// occupation) so that a page carries it once.
type SkillDatalist struct {
	ID      string
	Options []SkillFieldOption
}

// offerFormViews builds field views from a form as it stands when the page is
// drawn, so that errors added by showFormError show beside the fields.
type offerFormViews struct {
	f       *Form
	lang    string
	t       func(key string, args ...any) string
	suggest map[string][]SkillFieldOption // per field: suggestions for what was typed
}

func (v offerFormViews) form() *Form { return v.f }

func (s *Server) newOfferFormViews(c *fiber.Ctx, f *Form) offerFormViews {
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	lang := langOf(c)
	return offerFormViews{f: f, lang: lang, t: func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }, suggest: map[string][]SkillFieldOption{}}
}

// skillFieldSpec describes an autocomplete field.
type skillFieldSpec struct {
	name, codeName, labelKey, hintKey string
	source, kinds, sharedList         string
	required                          bool
}

func (v offerFormViews) autocomplete(sp skillFieldSpec) SkillFieldView {
	f := SkillFieldView{Name: sp.name, CodeName: sp.codeName, Label: v.t(sp.labelKey), Value: v.f.Value(sp.name), Code: v.f.Value(sp.codeName),
		Error: v.f.Errors[sp.name], ErrorPrefix: v.t("form.error_prefix"), Required: sp.required, Source: sp.source, Kinds: sp.kinds,
		ListID: sp.sharedList, StatusMany: v.t("skillfield.status_many"), StatusNone: v.t("skillfield.status_none")}
	if sp.hintKey != "" {
		f.Hint = v.t(sp.hintKey)
	}
	if opts := v.suggest[sp.name]; len(opts) > 0 {
		f.ListID, f.Options = "f-"+sp.name+"-list", opts
	}
	return f
}

// choice builds a select field whose options are values with labels under
// keyPrefix; blankKey, when set, adds a first empty choice.
func (v offerFormViews) choice(name, labelKey string, required bool, blankKey, keyPrefix string, values []string) FieldView {
	cur := v.f.Value(name)
	fv := FieldView{Name: name, Label: v.t(labelKey), Type: "select", Required: required, Value: cur, Error: v.f.Errors[name], ErrorPrefix: v.t("form.error_prefix")}
	if blankKey != "" {
		fv.Options = append(fv.Options, Option{Value: "", Label: v.t(blankKey), Selected: cur == ""})
	}
	for _, val := range values {
		fv.Options = append(fv.Options, Option{Value: val, Label: v.t(keyPrefix + val), Selected: cur == val})
	}
	return fv
}

// Checked reports whether checkbox name was ticked.
func (v offerFormViews) Checked(name string) bool {
	switch v.f.Value(name) {
	case "on", "true", "1":
		return true
	}
	return false
}

// ErrorOf is the error of a field without its own view (a radio group).
func (v offerFormViews) ErrorOf(name string) string { return v.f.Errors[name] }

// Resolution of what people type into autocomplete fields.

// foldForMatch folds text for comparisons: case, accents and punctuation ignored.
func foldForMatch(s string) string { return skill.Normalize(s) }

// resolveOfferSkill returns the skill code a row means: the code the script
// chose when its label is still what the input says, else what the text
// names ("golang", "Analyse de données", "tag:go"). Unresolved text is
// returned as is, for the service to reject with a suggestion.
func (s *Server) resolveOfferSkill(text, code string) (string, bool) {
	text = strings.TrimSpace(text)
	if c := skill.Code(strings.TrimSpace(code)); c != "" && c.Validate() == nil {
		for _, lang := range []string{skill.LangFR, skill.LangEN} {
			if l, ok := s.taxonomy.Label(c, lang); ok && foldForMatch(l) == foldForMatch(text) {
				return string(c), true
			}
		}
	}
	if c, ok := s.taxonomy.Resolve(text); ok {
		return string(c), true
	}
	return text, false
}

var offerRomeText = regexp.MustCompile(`\(([A-Za-z][0-9]{4})\)\s*$`)

// resolveOfferOccupation is resolveOfferSkill for the ROME occupation field, which
// also accepts "Label (M1855)" and a bare code.
func (s *Server) resolveOfferOccupation(text, code string) (string, bool) {
	text = strings.TrimSpace(text)
	if r := skill.RomeCode(strings.ToUpper(strings.TrimSpace(code))); r != "" {
		if occ, ok := s.taxonomy.Occupation(r); ok {
			if got, ok := s.taxonomy.ResolveOccupation(text); (ok && got == r) || foldForMatch(occ.Label) == foldForMatch(text) {
				return string(r), true
			}
		}
	}
	if m := offerRomeText.FindStringSubmatch(text); m != nil {
		if r := skill.RomeCode(strings.ToUpper(m[1])); r.Validate() == nil {
			if _, ok := s.taxonomy.Occupation(r); ok {
				return string(r), true
			}
		}
	}
	if r, ok := s.taxonomy.ResolveOccupation(text); ok {
		return string(r), true
	}
	return text, false
}

// offerCommuneText is how a commune is written in a field: its name and
// département, which tell apart the communes of the same name.
func offerCommuneText(cm place.Commune) string { return cm.Name + " (" + cm.Department + ")" }

var offerDeptText = regexp.MustCompile(`^(.*\S)\s*\(([0-9AB]{2,3})\)\s*$`)

// resolveOfferCommune returns the id of the commune a field names: the id the
// script chose while the text still names it, or the only commune whose
// name (and département, if given) is the text. Anything else is returned
// as is, for the service to call unknown.
func (s *Server) resolveOfferCommune(text, id string) (string, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", false
	}
	if cm, ok := s.places.ByID(strings.TrimSpace(id)); ok && (foldForMatch(text) == foldForMatch(cm.Name) || foldForMatch(text) == foldForMatch(offerCommuneText(cm))) {
		return cm.ID, true
	}
	if cm, ok := s.places.ByID(text); ok {
		return cm.ID, true
	}
	name, dept := text, ""
	if m := offerDeptText.FindStringSubmatch(text); m != nil {
		name, dept = m[1], strings.ToUpper(m[2])
	}
	var found []place.Commune
	for _, cm := range s.places.Search(name, 50) {
		if foldForMatch(cm.Name) == foldForMatch(name) && (dept == "" || cm.Department == dept) {
			found = append(found, cm)
		}
	}
	if len(found) == 1 {
		return found[0].ID, true
	}
	return text, false
}

func (s *Server) offerSkillSuggestions(text, lang string, kinds ...skill.EntryKind) []SkillFieldOption {
	var out []SkillFieldOption
	if strings.TrimSpace(text) == "" {
		return nil
	}
	for _, sg := range s.taxonomy.Suggest(text, lang, 10, kinds...) {
		r := toSuggestionResponse(sg)
		out = append(out, SkillFieldOption{Value: r.Label, Code: r.Code})
		if sg.Kind == skill.KindOccupation || sg.Kind == skill.KindAppellation {
			out[len(out)-1].Value = occupationFieldText(sg.Label, sg.Rome)
		}
	}
	return out
}

// occupationFieldText is how an occupation is written in a field: its label and
// ROME code, which resolveOfferOccupation reads back.
func occupationFieldText(label string, r skill.RomeCode) string {
	return label + " (" + string(r) + ")"
}

func (s *Server) offerCommuneSuggestions(text string) []SkillFieldOption {
	name := strings.TrimSpace(text)
	if m := offerDeptText.FindStringSubmatch(name); m != nil {
		name = m[1]
	}
	var out []SkillFieldOption
	for _, cm := range s.places.Search(name, 10) {
		out = append(out, SkillFieldOption{Value: offerCommuneText(cm), Code: cm.ID})
	}
	return out
}

// offerTagOptions lists every technology tag, by label in lang: the datalist of
// skill fields when JavaScript does not run.
func (s *Server) offerTagOptions(lang string) SkillDatalist {
	tags := s.taxonomy.Tags().All()
	out := SkillDatalist{ID: "skill-options", Options: make([]SkillFieldOption, 0, len(tags))}
	for _, t := range tags {
		out.Options = append(out.Options, SkillFieldOption{Value: t.Label(lang), Code: string(t.Code())})
	}
	slices.SortFunc(out.Options, func(a, b SkillFieldOption) int { return cmp.Compare(foldForMatch(a.Value), foldForMatch(b.Value)) })
	return out
}

func (s *Server) offerOccupationOptions() SkillDatalist {
	occs := s.taxonomy.Occupations()
	out := SkillDatalist{ID: "occupation-options", Options: make([]SkillFieldOption, 0, len(occs))}
	for _, o := range occs {
		out.Options = append(out.Options, SkillFieldOption{Value: occupationFieldText(o.Label, o.Code), Code: string(o.Code)})
	}
	return out
}

// Display helpers.

var blankLines = regexp.MustCompile(`\n\s*\n`)

// textParagraphs cuts plain text into paragraphs (at blank lines) of lines,
// so that a template shows line breaks without trusting any markup.
func textParagraphs(text string) [][]string {
	var out [][]string
	for _, p := range blankLines.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

// formatEuros writes an amount the way lang does: "35 000 €" or "€35,000".
func formatEuros(n int, lang string) string {
	digits := strconv.Itoa(n)
	sep := "\u202f"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if lang == "en" {
		return "€" + b.String()
	}
	return b.String() + "\u00a0€"
}

func (s *Server) offerSalaryText(sal offer.Salary, lang string) string {
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	switch {
	case sal.Min > 0 && sal.Max > 0 && sal.Min != sal.Max:
		return t("offers.salary.range", formatEuros(sal.Min, lang), formatEuros(sal.Max, lang))
	case sal.Min > 0:
		if sal.Max == sal.Min {
			return t("offers.salary.exact", formatEuros(sal.Min, lang))
		}
		return t("offers.salary.from", formatEuros(sal.Min, lang))
	case sal.Max > 0:
		return t("offers.salary.up_to", formatEuros(sal.Max, lang))
	}
	return t("offers.salary.none")
}

// offerSkillView is one skill of an offer as pages show it.
type offerSkillView struct {
	Label, Level                 string
	MinLevel                     int
	MustHave, Learnable, Missing bool
}

func (s *Server) offerSkillViews(skills []offer.Skill, lang string) []offerSkillView {
	out := make([]offerSkillView, 0, len(skills))
	for _, sk := range skills {
		out = append(out, offerSkillView{Label: s.offerSkillLabel(sk, lang), Level: sk.MinLevel.Label(lang), MinLevel: int(sk.MinLevel),
			MustHave: sk.MustHave, Learnable: sk.Learnable, Missing: sk.Missing})
	}
	// Must-haves first, as the employer ranks them; the sort is stable.
	slices.SortStableFunc(out, func(a, b offerSkillView) int {
		switch {
		case a.MustHave == b.MustHave:
			return 0
		case a.MustHave:
			return -1
		}
		return 1
	})
	return out
}

// The search page.

type offerResultView struct {
	ID, Title, CompanyName, CompanyID, Place, Distance string
	Contract, Remote, Published                        string
	Skills                                             []offerSkillView
	MoreSkills                                         int
	OpenToCareerChangers                               bool
}

type offerPageLink struct {
	Number  int
	Href    string
	Current bool
	Gap     bool // an ellipsis between distant page numbers
}

type offersPage struct {
	offerFormViews
	SkillOptions         SkillDatalist
	Searched             bool
	Failed               bool // the query was refused: no results to show
	Results              []offerResultView
	Total, Number, Pages int
	From, To             int
	PrevHref, NextHref   string
	Links                []offerPageLink
}

func (p offersPage) Skill() SkillFieldView {
	return p.autocomplete(skillFieldSpec{name: "skill", codeName: "skills", labelKey: "offers.search.skill", hintKey: "skillfield.hint",
		source: suggestSkills, kinds: kindsSkill, sharedList: p.SkillOptions.ID})
}

func (p offersPage) Commune() SkillFieldView {
	return p.autocomplete(skillFieldSpec{name: "commune", codeName: "near", labelKey: "offers.search.commune", hintKey: "offers.search.commune_hint",
		source: suggestCommunes})
}

func (p offersPage) Contract() FieldView {
	return p.choice("contract", "offers.field.contract", false, "offers.search.any", "offer.contract_type.", offerContractValues())
}

func (p offersPage) Remote() FieldView {
	return p.choice("remote", "offers.field.remote", false, "offers.search.any", "offer.remote_policy.", offerRemoteValues())
}

func (p offersPage) Radius() FieldView {
	fv := p.choice("radiusKm", "offers.search.radius", false, "", "", nil)
	cur := cmp.Or(p.f.Value("radiusKm"), strconv.Itoa(offer.DefaultRadiusKm))
	for _, r := range []int{5, 10, 20, 30, 50, 100, 200} {
		v := strconv.Itoa(r)
		fv.Options = append(fv.Options, Option{Value: v, Label: p.t("offers.search.km", r), Selected: v == cur})
	}
	return fv
}

func offerContractValues() []string {
	var out []string
	for _, c := range contract.All() {
		out = append(out, string(c))
	}
	return out
}

func offerRemoteValues() []string {
	var out []string
	for _, r := range offer.RemotePolicies() {
		out = append(out, string(r))
	}
	return out
}

// offerSearchFormFields are the search page's own query parameters.
var offerSearchFormFields = []string{"q", "skill", "skills", "contract", "remote", "commune", "near", "radiusKm"}

func (s *Server) pageOffers(c *fiber.Ctx) error {
	lang := langOf(c)
	f := &Form{Values: map[string]string{}}
	for _, n := range offerSearchFormFields {
		f.Values[n] = strings.TrimSpace(c.Query(n))
	}
	p := offersPage{offerFormViews: s.newOfferFormViews(c, f), SkillOptions: s.offerTagOptions(lang)}
	title := s.t(c, "offers.search.title")

	// The page's fields are people's words; the search speaks codes.
	var errs []passerelle.FieldError
	req := offerSearchRequest{Q: f.Values["q"], Page: 1, PageSize: offer.DefaultPageSize}
	if text := f.Values["skill"]; text != "" {
		code, ok := s.resolveOfferSkill(text, f.Values["skills"])
		if ok {
			f.Values["skills"] = code
			req.Skills = []string{code}
		} else {
			f.Values["skills"] = ""
			sug := s.offerSkillSuggestions(text, lang, suggestSkillKinds...)
			p.suggest["skill"] = sug
			fe := passerelle.FieldError{Field: "skill", Key: "offers.search.skill_unknown"}
			if len(sug) > 0 {
				fe = passerelle.FieldError{Field: "skill", Key: "offers.search.skill_did_you_mean", Param: sug[0].Value}
			}
			errs = append(errs, fe)
		}
	} else {
		f.Values["skills"] = ""
	}
	if v := f.Values["contract"]; v != "" {
		req.Contract = []string{v}
	}
	if v := f.Values["remote"]; v != "" {
		req.Remote = []string{v}
	}
	if text := f.Values["commune"]; text != "" {
		id, ok := s.resolveOfferCommune(text, f.Values["near"])
		if ok {
			f.Values["near"] = id
			req.Near = id
			req.RadiusKm = queryIntParam(c, "radiusKm", offer.DefaultRadiusKm, &errs)
		} else {
			f.Values["near"] = ""
			p.suggest["commune"] = s.offerCommuneSuggestions(text)
			errs = append(errs, passerelle.FieldError{Field: "commune", Key: "offer.place.unknown"})
		}
	} else {
		f.Values["near"] = ""
	}
	req.Page = queryIntParam(c, "page", 1, &errs)
	err := validateQuery(req, errs)
	var page offer.Page
	if err == nil {
		page, err = s.offers.Search(c.UserContext(), toOfferSearchQuery(req))
	}
	if err != nil {
		p.Failed = true
		return s.showFormError(c, "offers", title, f, p, renameFieldErrors(err, offerSearchPageField))
	}
	names, err := s.offerCompanyNames(c.UserContext(), page)
	if err != nil {
		return err
	}
	p.Searched = slices.ContainsFunc(offerSearchFormFields, func(n string) bool { return c.Query(n) != "" })
	p.Total, p.Number = page.Total, page.Number
	p.Pages = (page.Total + page.Size - 1) / page.Size
	if len(page.Results) > 0 {
		p.From = (page.Number-1)*page.Size + 1
		p.To = p.From + len(page.Results) - 1
	}
	for _, r := range page.Results {
		p.Results = append(p.Results, s.offerResult(r, names[r.Offer.CompanyID], lang))
	}
	paginateOffers(&p.Links, &p.PrevHref, &p.NextHref, "/offers", f, page.Number, p.Pages)
	return s.render(c, "offers", title, p)
}

// offerSearchPageField maps search field errors to the page's fields.
func offerSearchPageField(f string) string {
	switch f = offerSearchField(f); {
	case f == "near":
		return "commune"
	case strings.HasPrefix(f, "skills"):
		return "skill"
	case strings.HasPrefix(f, "contract"):
		return "contract"
	case strings.HasPrefix(f, "remote"):
		return "remote"
	}
	return f
}

func (s *Server) offerResult(r offer.Result, company, lang string) offerResultView {
	o := r.Offer
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	v := offerResultView{ID: o.ID, Title: o.Title, CompanyName: company, CompanyID: o.CompanyID, Place: o.Place.Name,
		Contract: t("offer.contract_type." + string(o.Contract)), Remote: t("offer.remote_policy." + string(o.Remote)),
		OpenToCareerChangers: o.OpenToCareerChangers}
	if r.HasDistance {
		v.Distance = t("offers.result.distance", int(math.Round(r.DistanceKm)))
	}
	if !o.PublishedAt.IsZero() {
		v.Published = (Page{Lang: lang}).Date(o.PublishedAt)
	}
	skills := s.offerSkillViews(o.Skills, lang)
	const shown = 6
	if len(skills) > shown {
		v.MoreSkills = len(skills) - shown
		skills = skills[:shown]
	}
	v.Skills = skills
	return v
}

// paginateOffers builds the links of a paginated list: previous, next, the
// first and last pages and those around the current one.
func paginateOffers(links *[]offerPageLink, prev, next *string, path string, f *Form, cur, pages int) {
	if pages <= 1 {
		return
	}
	href := func(n int) string {
		q := url.Values{}
		for k, v := range f.Values {
			if v != "" && k != "page" {
				q.Set(k, v)
			}
		}
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	if cur > 1 {
		*prev = href(min(cur-1, pages))
	}
	if cur < pages {
		*next = href(cur + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < cur-2 || n > cur+2) {
			continue
		}
		if last != 0 && n > last+1 {
			*links = append(*links, offerPageLink{Gap: true})
		}
		*links = append(*links, offerPageLink{Number: n, Href: href(n), Current: n == cur})
		last = n
	}
}

// The offer page.

type offerPage struct {
	ID, Title, CompanyID, CompanyName string
	Occupation, Rome                  string
	RomeMissing                       bool
	Paragraphs                        [][]string
	Skills                            []offerSkillView
	Place, Contract, Remote, Salary   string
	Start, Published                  string
	OpenToCareerChangers              bool
	Status, StatusLabel               string
	Closure                           string
	Member                            bool
	// Apply is the signed-in candidate's apply form (pages_application.go).
	Apply *applyAction
}

func (s *Server) pageOffer(c *fiber.Ctx) error {
	o, err := s.offers.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	lang := langOf(c)
	t := func(key string, args ...any) string { return s.t(c, key, args...) }
	pg := Page{Lang: lang}
	p := offerPage{ID: o.ID, Title: o.Title, CompanyID: o.CompanyID, Occupation: o.RomeLabel, Rome: string(o.Rome), RomeMissing: o.RomeMissing,
		Paragraphs: textParagraphs(o.Description), Skills: s.offerSkillViews(o.Skills, lang), Place: o.Place.Name,
		Contract: t("offer.contract_type." + string(o.Contract)), Remote: t("offer.remote_policy." + string(o.Remote)),
		Salary: s.offerSalaryText(o.Salary, lang), Start: t("offers.start.asap"), Published: pg.Date(o.PublishedAt),
		OpenToCareerChangers: o.OpenToCareerChangers, Status: string(o.Status), StatusLabel: t("offer.status." + string(o.Status)),
		Member: isCompanyMember(userOf(c), o.CompanyID)}
	if occ, ok := s.taxonomy.Occupation(o.Rome); ok {
		p.Occupation = occ.Label
	}
	if !o.StartDate.IsZero() {
		p.Start = pg.Date(o.StartDate)
	}
	if o.Closure.Reason != "" {
		p.Closure = t("offer.close_reason." + string(o.Closure.Reason))
	}
	if p.Apply, err = s.offerApplyAction(c, o); err != nil {
		return err
	}
	if co, err := s.offers.Company(c.UserContext(), o.CompanyID); err == nil {
		p.CompanyName = co.Name
	} else if passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		return err
	}
	return s.render(c, "offer", o.Title, p)
}

// The employer's offers.

type companyOfferRow struct {
	ID, Title, Status, StatusLabel, Updated string
	Place, Contract                         string
}

type companyOffersPage struct {
	CompanyID, CompanyName string
	HasPage                bool
	Offers                 []companyOfferRow
	Total                  int
	PrevHref, NextHref     string
	Links                  []offerPageLink
	f                      *Form
}

func (p companyOffersPage) form() *Form { return p.f }

func (s *Server) companyOffersData(c *fiber.Ctx) (companyOffersPage, error) {
	u := userOf(c)
	lang := langOf(c)
	p := companyOffersPage{CompanyID: u.OrgID, f: &Form{Values: map[string]string{}}}
	var errs []passerelle.FieldError
	pr := offer.PageRequest{Number: queryIntParam(c, "page", 1, &errs), Size: offer.DefaultPageSize}
	page, err := s.offers.ListCompany(c.UserContext(), u.OrgID, pr)
	if err != nil {
		return p, err
	}
	switch co, err := s.offers.Company(c.UserContext(), u.OrgID); {
	case err == nil:
		p.CompanyName, p.HasPage = co.Name, true
	case passerelle.ErrorCode(err) == passerelle.ENOTFOUND:
		if org, err := s.accounts.Organisation(c.UserContext(), u.OrgID); err == nil {
			p.CompanyName = org.Name
		}
	default:
		return p, err
	}
	pg := Page{Lang: lang}
	for _, r := range page.Results {
		o := r.Offer
		p.Offers = append(p.Offers, companyOfferRow{ID: o.ID, Title: o.Title, Status: string(o.Status), StatusLabel: s.t(c, "offer.status."+string(o.Status)),
			Updated: pg.Date(o.UpdatedAt), Place: o.Place.Name, Contract: s.t(c, "offer.contract_type."+string(o.Contract))})
	}
	p.Total = page.Total
	paginateOffers(&p.Links, &p.PrevHref, &p.NextHref, "/company/offers", &Form{}, page.Number, (page.Total+page.Size-1)/page.Size)
	return p, nil
}

func (s *Server) pageCompanyOffers(c *fiber.Ctx) error {
	p, err := s.companyOffersData(c)
	if err != nil {
		return err
	}
	return s.render(c, "company_offers", s.t(c, "offers.mine.title"), p)
}

// ownOffer reads an offer of the caller's company for its management
// pages: another company's offer is not among "my offers", even when it is
// public, so it is not found here.
func (s *Server) ownOffer(c *fiber.Ctx) (offer.Offer, error) {
	o, err := s.offers.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return offer.Offer{}, err
	}
	if !isCompanyMember(userOf(c), o.CompanyID) {
		return offer.Offer{}, passerelle.Errorf(passerelle.ENOTFOUND, "error.offer.not_found")
	}
	return o, nil
}

// The offer form.

type offerFormPage struct {
	offerFormViews
	Edit              bool
	ID, Action        string
	Status            string
	Rows              int
	SkillOptions      SkillDatalist
	OccupationOptions SkillDatalist
}

// offerFormRow is one skill row of the offer form.
type offerFormRow struct {
	Legend                      string
	Skill                       SkillFieldView
	Level                       FieldView
	MustHaveName, LearnableName string
	MustHave, Learnable         bool
}

func (p offerFormPage) Rome() SkillFieldView {
	return p.autocomplete(skillFieldSpec{name: "rome", codeName: "rome_code", labelKey: "offers.field.rome", hintKey: "offers.field.rome_hint",
		source: suggestSkills, kinds: kindsOccupation, sharedList: p.OccupationOptions.ID, required: true})
}

func (p offerFormPage) Commune() SkillFieldView {
	return p.autocomplete(skillFieldSpec{name: "commune", codeName: "communeId", labelKey: "offers.field.commune", hintKey: "offers.field.commune_hint",
		source: suggestCommunes, required: true})
}

func (p offerFormPage) Contract() FieldView {
	return p.choice("contract", "offers.field.contract", true, "offers.form.choose", "offer.contract_type.", offerContractValues())
}

func (p offerFormPage) Remote() FieldView {
	return p.choice("remote", "offers.field.remote", true, "offers.form.choose", "offer.remote_policy.", offerRemoteValues())
}

// SkillsError is the error about the skills as a whole.
func (p offerFormPage) SkillsError() string { return p.f.Errors["skills"] }

// SkillRows lists the rows of the skills fieldset.
func (p offerFormPage) SkillRows() []offerFormRow {
	rows := make([]offerFormRow, 0, p.Rows)
	for i := range p.Rows {
		base := "skills." + strconv.Itoa(i)
		r := offerFormRow{Legend: p.t("offers.form.skill_row", i+1), MustHaveName: base + ".mustHave", LearnableName: base + ".learnable",
			MustHave: p.Checked(base + ".mustHave"), Learnable: p.Checked(base + ".learnable")}
		r.Skill = p.autocomplete(skillFieldSpec{name: base + ".skill", codeName: base + ".code", labelKey: "offers.form.skill", source: suggestSkills,
			kinds: kindsSkill, sharedList: p.SkillOptions.ID})
		cur := cmp.Or(p.f.Value(base+".minLevel"), "2")
		r.Level = FieldView{Name: base + ".minLevel", Label: p.t("offers.form.min_level"), Type: "select", Value: cur,
			Error: p.f.Errors[base+".minLevel"], ErrorPrefix: p.t("form.error_prefix")}
		for _, l := range skill.Levels() {
			v := strconv.Itoa(int(l))
			r.Level.Options = append(r.Level.Options, Option{Value: v, Label: p.t("offers.level", int(l), l.Label(p.lang)), Selected: v == cur})
		}
		rows = append(rows, r)
	}
	return rows
}

// offerFormFields are the offer form's single fields, kept as typed.
var offerFormFields = []string{"title", "rome", "rome_code", "description", "contract", "commune", "communeId", "remote",
	"salary.min", "salary.max", "startDate", "openToCareerChangers", "revision"}

// offerFormInput is a submitted offer form turned into the API's request.
type offerFormInput struct {
	req      offerRequest
	revision int64
	// rowOf maps the request's skills (blank rows dropped) to form rows.
	rowOf []int
	errs  []passerelle.FieldError // already named after form fields
}

// offerFormField names a request field error after the form's input.
func (in offerFormInput) offerFormField(field string) string {
	if field == "communeId" {
		return "commune"
	}
	if rest, ok := strings.CutPrefix(field, "skills["); ok {
		idx, sub, _ := strings.Cut(rest, "]")
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || n >= len(in.rowOf) {
			return "skills"
		}
		row := "skills." + strconv.Itoa(in.rowOf[n])
		if sub == ".minLevel" {
			return row + ".minLevel"
		}
		return row + ".skill"
	}
	return field
}

// offerFormRowCount counts the skill rows a submitted form had.
func offerFormRowCount(c *fiber.Ctx) int {
	n := 0
	for n < offer.MaxSkills+offerFormRows && c.FormValue("skills."+strconv.Itoa(n)+".minLevel") != "" {
		n++
	}
	return max(n, offerFormRows)
}

var (
	amountNoise     = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "")
	amountThousands = regexp.MustCompile(`^[0-9]{1,3}([.,][0-9]{3})+$`)
)

// offerFormAmount reads a whole number of euros as people write it ("35000",
// "35 000 €", "35.000"); blank is 0. Anything else ("35k", "35000,50") is
// refused rather than guessed.
func offerFormAmount(v string) (int, bool) {
	v = amountNoise.Replace(strings.TrimSpace(v))
	if v == "" {
		return 0, true
	}
	if amountThousands.MatchString(v) {
		v = strings.NewReplacer(".", "", ",", "").Replace(v)
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0
}

// offerFormDate reads a date as a date input sends it (2026-09-01) or as a
// person types it where there is no date picker (01/09/2026).
func offerFormDate(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// readOfferForm copies the form into f (as typed) and builds the request,
// resolving what people typed into codes; the resolved codes go back into
// the hidden fields, so that a form shown again keeps them.
//
// cur is the stored offer when editing: a code a later taxonomy release
// dropped stays valid with its old label (the service flags it), so the
// row that still shows that label keeps it.
func (s *Server) readOfferForm(c *fiber.Ctx, v offerFormViews, rows int, cur *offer.Offer) offerFormInput {
	f := v.f
	kept := map[string]string{}
	if cur != nil {
		for _, sk := range cur.Skills {
			kept[string(sk.Code)] = sk.Label
		}
	}
	lang := langOf(c)
	for _, n := range offerFormFields {
		f.Values[n] = c.FormValue(n)
	}
	var in offerFormInput
	r := &in.req
	r.Title, r.Description = f.Values["title"], f.Values["description"]
	r.Contract, r.Remote = f.Values["contract"], f.Values["remote"]
	r.OpenToCareerChangers = v.Checked("openToCareerChangers")

	if text := strings.TrimSpace(f.Values["rome"]); text != "" {
		code, ok := s.resolveOfferOccupation(text, f.Values["rome_code"])
		if !ok && cur != nil && cur.Rome != "" && f.Values["rome_code"] == string(cur.Rome) {
			code, ok = string(cur.Rome), true
		}
		r.Rome = code
		if ok {
			f.Values["rome_code"] = code
		} else {
			f.Values["rome_code"] = ""
			v.suggest["rome"] = s.offerSkillSuggestions(text, lang, skill.KindOccupation, skill.KindAppellation)
		}
	}
	if text := strings.TrimSpace(f.Values["commune"]); text != "" {
		id, ok := s.resolveOfferCommune(text, f.Values["communeId"])
		r.CommuneID = id
		if ok {
			f.Values["communeId"] = id
		} else {
			f.Values["communeId"] = ""
			v.suggest["commune"] = s.offerCommuneSuggestions(text)
		}
	}

	for i := range rows {
		base := "skills." + strconv.Itoa(i)
		for _, sub := range []string{".skill", ".code", ".minLevel", ".mustHave", ".learnable"} {
			f.Values[base+sub] = c.FormValue(base + sub)
		}
		text := strings.TrimSpace(f.Values[base+".skill"])
		if text == "" {
			f.Values[base+".code"] = ""
			continue // a blank row
		}
		code, ok := s.resolveOfferSkill(text, f.Values[base+".code"])
		if old := f.Values[base+".code"]; !ok && old != "" && kept[old] == text {
			code, ok = old, true
		}
		if ok {
			f.Values[base+".code"] = code
		} else {
			f.Values[base+".code"] = ""
			v.suggest[base+".skill"] = s.offerSkillSuggestions(text, lang, suggestSkillKinds...)
		}
		level, _ := strconv.Atoi(f.Values[base+".minLevel"])
		r.Skills = append(r.Skills, offerSkillRequest{Code: code, MinLevel: level, MustHave: v.Checked(base + ".mustHave"), Learnable: v.Checked(base + ".learnable")})
		in.rowOf = append(in.rowOf, i)
	}

	// A value the form cannot read is sent as one the service refuses on
	// the same field (a negative amount, a date in year 1): the service then
	// writes nothing and reports every other mistake of the submission too,
	// while the form's own message for that field wins (it comes first).
	minSal, okMin := offerFormAmount(f.Values["salary.min"])
	maxSal, okMax := offerFormAmount(f.Values["salary.max"])
	if !okMin {
		minSal = -1
		in.errs = append(in.errs, passerelle.FieldError{Field: "salary.min", Key: "offers.form.amount_invalid"})
	}
	if !okMax {
		maxSal = -1
		in.errs = append(in.errs, passerelle.FieldError{Field: "salary.max", Key: "offers.form.amount_invalid"})
	}
	if minSal != 0 || maxSal != 0 {
		r.Salary = &offerSalaryRequest{Min: minSal, Max: maxSal}
	}
	if d, ok := offerFormDate(f.Values["startDate"]); ok {
		r.StartDate = d
	} else {
		r.StartDate = "0001-01-01"
		in.errs = append(in.errs, passerelle.FieldError{Field: "startDate", Key: "offers.form.date_invalid"})
	}
	in.revision, _ = strconv.ParseInt(f.Values["revision"], 10, 64)
	return in
}

// withFormErrors names err's field errors after the form's inputs and puts
// the form's own errors first. Any error but a validation one gives way to
// the form's errors, which the person must fix first anyway.
func (in offerFormInput) withFormErrors(err error) error {
	err = renameFieldErrors(err, in.offerFormField)
	if len(in.errs) == 0 {
		return err
	}
	fields := append([]passerelle.FieldError{}, in.errs...)
	var perr *passerelle.Error
	if errors.As(err, &perr) && perr.Code == passerelle.EINVALID {
		fields = append(fields, perr.Fields...)
	}
	return passerelle.Invalid(fields...)
}

// formOfOffer fills a form with a stored offer, as the edit page starts.
func (s *Server) formOfOffer(o offer.Offer, lang string) *Form {
	f := &Form{Values: map[string]string{
		"title": o.Title, "description": o.Description, "contract": string(o.Contract), "remote": string(o.Remote),
		"commune": o.Place.Name, "communeId": o.Place.CommuneID, "revision": strconv.FormatInt(o.Revision, 10),
	}}
	if o.Rome != "" {
		label := o.RomeLabel
		if occ, ok := s.taxonomy.Occupation(o.Rome); ok {
			label = occ.Label
		}
		f.Values["rome"], f.Values["rome_code"] = occupationFieldText(label, o.Rome), string(o.Rome)
	}
	if cm, ok := s.places.ByID(o.Place.CommuneID); ok {
		f.Values["commune"] = offerCommuneText(cm)
	}
	if o.Salary.Min > 0 {
		f.Values["salary.min"] = strconv.Itoa(o.Salary.Min)
	}
	if o.Salary.Max > 0 {
		f.Values["salary.max"] = strconv.Itoa(o.Salary.Max)
	}
	if !o.StartDate.IsZero() {
		f.Values["startDate"] = o.StartDate.Format(time.DateOnly)
	}
	if o.OpenToCareerChangers {
		f.Values["openToCareerChangers"] = "on"
	}
	for i, sk := range o.Skills {
		base := "skills." + strconv.Itoa(i)
		f.Values[base+".skill"], f.Values[base+".code"] = s.offerSkillLabel(sk, lang), string(sk.Code)
		f.Values[base+".minLevel"] = strconv.Itoa(int(sk.MinLevel))
		if sk.MustHave {
			f.Values[base+".mustHave"] = "on"
		}
		if sk.Learnable {
			f.Values[base+".learnable"] = "on"
		}
	}
	return f
}

func (s *Server) offerForm(c *fiber.Ctx, f *Form, o *offer.Offer, rows int) offerFormPage {
	lang := langOf(c)
	p := offerFormPage{offerFormViews: s.newOfferFormViews(c, f), Rows: rows, Action: "/company/offers/new",
		SkillOptions: s.offerTagOptions(lang), OccupationOptions: s.offerOccupationOptions()}
	if o != nil {
		p.Edit, p.ID, p.Status = true, o.ID, string(o.Status)
		p.Action = "/company/offers/" + o.ID + "/edit"
	}
	return p
}

func (s *Server) offerFormTitle(c *fiber.Ctx, edit bool) string {
	if edit {
		return s.t(c, "offers.edit.title")
	}
	return s.t(c, "offers.new.title")
}

func (s *Server) pageOfferNew(c *fiber.Ctx) error {
	f := &Form{Values: map[string]string{"openToCareerChangers": "on"}}
	return s.render(c, "offer_form", s.offerFormTitle(c, false), s.offerForm(c, f, nil, offerFormRows))
}

func (s *Server) pageOfferEdit(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	f := s.formOfOffer(o, langOf(c))
	return s.render(c, "offer_form", s.offerFormTitle(c, true), s.offerForm(c, f, &o, max(offerFormRows, len(o.Skills)+2)))
}

func (s *Server) pageOfferCreate(c *fiber.Ctx) error {
	return s.saveOfferForm(c, nil)
}

func (s *Server) pageOfferUpdate(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	return s.saveOfferForm(c, &o)
}

// saveOfferForm creates (cur nil) or updates an offer from the form, or
// shows the form again with every error beside its field.
func (s *Server) saveOfferForm(c *fiber.Ctx, cur *offer.Offer) error {
	rows := offerFormRowCount(c)
	p := s.offerForm(c, &Form{Values: map[string]string{}}, cur, rows)
	in := s.readOfferForm(c, p.offerFormViews, rows, cur)
	err := validateStruct(in.req)
	if err == nil {
		if cur == nil {
			_, err = s.offers.Create(c.UserContext(), toOfferInput(in.req))
		} else {
			_, err = s.offers.Update(c.UserContext(), cur.ID, toOfferInput(in.req), in.revision)
		}
	}
	if err == nil && len(in.errs) > 0 {
		// Unreachable while the service refuses the stand-in values; never
		// tell someone their form was saved with a field it could not read.
		return fmt.Errorf("offer form: saved despite unreadable fields %v", in.errs)
	}
	if err != nil {
		return s.showFormError(c, "offer_form", s.offerFormTitle(c, cur != nil), p.f, p, in.withFormErrors(err))
	}
	if cur == nil {
		s.flash(c, "offers.flash.created")
	} else {
		s.flash(c, "offers.flash.saved")
	}
	return c.Redirect("/company/offers", fiber.StatusSeeOther)
}

func (s *Server) pageOfferPublish(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	if _, err := s.offers.Publish(c.UserContext(), o.ID); err != nil {
		if passerelle.ErrorCode(err) == passerelle.EINVALID {
			// A code left the taxonomy since the offer was written: the
			// form shows which, beside the rows to change.
			rows := max(offerFormRows, len(o.Skills)+2)
			p := s.offerForm(c, s.formOfOffer(o, langOf(c)), &o, rows)
			in := offerFormInput{}
			for i := range o.Skills {
				in.rowOf = append(in.rowOf, i)
			}
			return s.showFormError(c, "offer_form", s.offerFormTitle(c, true), p.f, p, renameFieldErrors(err, in.offerFormField))
		}
		p, derr := s.companyOffersData(c)
		if derr != nil {
			return derr
		}
		return s.showFormError(c, "company_offers", s.t(c, "offers.mine.title"), p.f, p, err)
	}
	s.ensureCompanyPage(c)
	s.flash(c, "offers.flash.published")
	return c.Redirect("/company/offers", fiber.StatusSeeOther)
}

// The close form.

type offerClosePage struct {
	offerFormViews
	ID, Title string
}

// Reasons lists the close reasons as radio buttons.
func (p offerClosePage) Reasons() []Option {
	var out []Option
	for _, r := range offer.CloseReasons() {
		out = append(out, Option{Value: string(r), Label: p.t("offer.close_reason." + string(r)), Selected: p.f.Value("reason") == string(r)})
	}
	return out
}

func (s *Server) pageOfferClose(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	p := offerClosePage{offerFormViews: s.newOfferFormViews(c, &Form{}), ID: o.ID, Title: o.Title}
	return s.render(c, "offer_close", s.t(c, "offers.close.title"), p)
}

func (s *Server) pageOfferClosePost(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	f := formFrom(c, "reason", "note")
	p := offerClosePage{offerFormViews: s.newOfferFormViews(c, f), ID: o.ID, Title: o.Title}
	req := closeOfferRequest{Reason: f.Values["reason"], Note: f.Values["note"]}
	err = validateStruct(req)
	if err == nil {
		_, err = s.offers.Close(c.UserContext(), o.ID, offer.CloseReason(req.Reason), req.Note)
	}
	if err != nil {
		return s.showFormError(c, "offer_close", s.t(c, "offers.close.title"), f, p, err)
	}
	s.flash(c, "offers.flash.closed")
	return c.Redirect("/company/offers", fiber.StatusSeeOther)
}

// Company pages.

type companyPublicPage struct {
	ID, Name, SIREN, Sector, Size, City, Website string
	Paragraphs                                   [][]string
	Member                                       bool
}

func (s *Server) pageCompany(c *fiber.Ctx) error {
	co, err := s.offers.Company(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	p := companyPublicPage{ID: co.OrgID, Name: co.Name, SIREN: co.SIREN, Sector: co.Sector, City: co.City, Website: co.Website,
		Paragraphs: textParagraphs(co.Description), Member: isCompanyMember(userOf(c), co.OrgID)}
	if co.Size != "" {
		p.Size = s.t(c, "company.size."+string(co.Size))
	}
	return s.render(c, "company", co.Name, p)
}

type companyFormPage struct {
	offerFormViews
	ID     string
	Exists bool
}

func (p companyFormPage) Size() FieldView {
	var sizes []string
	for _, z := range offer.CompanySizes() {
		sizes = append(sizes, string(z))
	}
	return p.choice("size", "companies.field.size", false, "companies.size.unknown", "company.size.", sizes)
}

var companyFormFields = []string{"name", "siren", "sector", "size", "city", "description", "website", "revision"}

func (s *Server) pageCompanyEdit(c *fiber.Ctx) error {
	u := userOf(c)
	f := &Form{Values: map[string]string{}}
	p := companyFormPage{offerFormViews: s.newOfferFormViews(c, f), ID: u.OrgID}
	co, err := s.offers.Company(c.UserContext(), u.OrgID)
	switch {
	case err == nil:
		in := co.Input()
		f.Values = map[string]string{"name": in.Name, "siren": in.SIREN, "sector": in.Sector, "size": string(in.Size), "city": in.City,
			"description": in.Description, "website": in.Website, "revision": strconv.FormatInt(co.Revision, 10)}
		p.Exists = true
	case passerelle.ErrorCode(err) == passerelle.ENOTFOUND:
		// No page yet: start from what the company registered with.
		org, err := s.accounts.Organisation(c.UserContext(), u.OrgID)
		if err != nil {
			return err
		}
		f.Values = map[string]string{"name": org.Name, "siren": org.SIREN, "city": org.City, "revision": "0"}
	default:
		return err
	}
	return s.render(c, "company_form", s.t(c, "companies.edit.title"), p)
}

func (s *Server) pageCompanyEditPost(c *fiber.Ctx) error {
	u := userOf(c)
	f := formFrom(c, companyFormFields...)
	p := companyFormPage{offerFormViews: s.newOfferFormViews(c, f), ID: u.OrgID}
	rev, perr := strconv.ParseInt(cmp.Or(f.Values["revision"], "0"), 10, 64)
	p.Exists = rev > 0
	req := companyRequest{Name: f.Values["name"], SIREN: f.Values["siren"], Sector: f.Values["sector"], Size: f.Values["size"],
		City: f.Values["city"], Description: f.Values["description"], Website: f.Values["website"], Revision: rev}
	err := validateStruct(req)
	if perr != nil {
		err = passerelle.Errorf(passerelle.EINVALID, "error.invalid") // a tampered hidden field
	}
	if err == nil {
		_, err = s.offers.UpdateCompany(c.UserContext(), u.OrgID, toCompanyInput(req), req.Revision)
	}
	if err != nil {
		return s.showFormError(c, "company_form", s.t(c, "companies.edit.title"), f, p, err)
	}
	s.flash(c, "companies.flash.saved")
	return c.Redirect("/companies/"+u.OrgID, fiber.StatusSeeOther)
}

// ensure the views satisfy the page data interface.
var (
	_ formData = offersPage{}
	_ formData = offerFormPage{}
	_ formData = offerClosePage{}
	_ formData = companyFormPage{}
	_ formData = companyOffersPage{}
)

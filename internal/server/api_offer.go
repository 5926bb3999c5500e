package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// Offers is what the HTTP layer asks of the offer service.
type Offers interface {
	Create(ctx context.Context, in offer.OfferInput) (offer.Offer, error)
	Update(ctx context.Context, id string, in offer.OfferInput, expectedRevision int64) (offer.Offer, error)
	Publish(ctx context.Context, id string) (offer.Offer, error)
	Close(ctx context.Context, id string, reason offer.CloseReason, note string) (offer.Offer, error)
	Get(ctx context.Context, id string) (offer.Offer, error)
	ListCompany(ctx context.Context, companyID string, page offer.PageRequest) (offer.Page, error)
	Search(ctx context.Context, q offer.SearchQuery) (offer.Page, error)
	Company(ctx context.Context, orgID string) (offer.Company, error)
	UpdateCompany(ctx context.Context, orgID string, in offer.CompanyInput, expectedRevision int64) (offer.Company, error)
}

// Request and response shapes of the offer and company API. The validate
// tags bound what the edge accepts (sizes, formats, enumerations of query
// filters); the offer service judges the content (known codes, consistent
// salary, lifecycle) and names each broken rule with the same JSON paths.

type offerSkillRequest struct {
	// Code is a skill code ("tag:go", "ogr:123456"); anything else is
	// rejected by the service with a suggestion ("Golang" → Go).
	Code      string `json:"code" validate:"max=80"`
	MinLevel  int    `json:"minLevel"`
	MustHave  bool   `json:"mustHave"`
	Learnable bool   `json:"learnable"`
}

type offerSalaryRequest struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

type offerRequest struct {
	Title                string              `json:"title" validate:"max=120"`
	Rome                 string              `json:"rome" validate:"max=120"`
	Description          string              `json:"description" validate:"max=10000"`
	Skills               []offerSkillRequest `json:"skills" validate:"dive"`
	Contract             string              `json:"contract" validate:"max=20"`
	CommuneID            string              `json:"communeId" validate:"max=64"`
	Remote               string              `json:"remote" validate:"max=20"`
	Salary               *offerSalaryRequest `json:"salary"`
	StartDate            string              `json:"startDate" validate:"omitempty,datetime=2006-01-02"`
	OpenToCareerChangers bool                `json:"openToCareerChangers"`
}

// updateOfferRequest is an offer with the revision it was read at. The
// embedded fields are validated on their own (validateStruct would name
// them "offerRequest.title").
type updateOfferRequest struct {
	offerRequest `validate:"-"`
	Revision     int64 `json:"revision" validate:"required,gte=1"`
}

type closeOfferRequest struct {
	Reason string `json:"reason" validate:"max=20"`
	Note   string `json:"note" validate:"max=500"`
}

type companyRequest struct {
	Name        string `json:"name" validate:"max=120"`
	SIREN       string `json:"siren" validate:"max=20"`
	Sector      string `json:"sector" validate:"max=80"`
	Size        string `json:"size" validate:"max=10"`
	City        string `json:"city" validate:"max=80"`
	Description string `json:"description" validate:"max=5000"`
	Website     string `json:"website" validate:"max=200"`
	// Revision is the page's revision when read; 0 creates the page.
	Revision int64 `json:"revision" validate:"gte=0"`
}

// offerSearchRequest is the query of GET /offers. Lists are comma-separated.
type offerSearchRequest struct {
	Q        string   `form:"q" validate:"max=200"`
	Skills   []string `form:"skills" validate:"dive,max=80"`
	Contract []string `form:"contract" validate:"dive,oneof=cdi cdd alternance stage freelance"`
	Remote   []string `form:"remote" validate:"dive,oneof=onsite hybrid remote"`
	Near     string   `form:"near" validate:"max=64"`
	RadiusKm int      `form:"radiusKm" validate:"gte=0,lte=500"`
	Page     int      `form:"page" validate:"gte=1,lte=10000"`
	PageSize int      `form:"pageSize" validate:"gte=1,lte=100"`
}

// offerPageRequest is the paging of member lists.
type offerPageRequest struct {
	Page     int `form:"page" validate:"gte=1,lte=10000"`
	PageSize int `form:"pageSize" validate:"gte=1,lte=100"`
}

// toOfferInput converts a validated request into the service's input.
func toOfferInput(r offerRequest) offer.OfferInput {
	in := offer.OfferInput{
		Title:                r.Title,
		Rome:                 skill.RomeCode(r.Rome),
		Description:          r.Description,
		Contract:             contract.Type(r.Contract),
		CommuneID:            r.CommuneID,
		Remote:               offer.RemotePolicy(r.Remote),
		OpenToCareerChangers: r.OpenToCareerChangers,
	}
	for _, sk := range r.Skills {
		in.Skills = append(in.Skills, offer.SkillInput{Code: skill.Code(sk.Code), MinLevel: skill.Level(sk.MinLevel), MustHave: sk.MustHave, Learnable: sk.Learnable})
	}
	if r.Salary != nil {
		in.Salary = offer.Salary{Min: r.Salary.Min, Max: r.Salary.Max}
	}
	if r.StartDate != "" {
		in.StartDate, _ = time.Parse(time.DateOnly, r.StartDate) // validated: datetime=2006-01-02
	}
	return in
}

func toCompanyInput(r companyRequest) offer.CompanyInput {
	return offer.CompanyInput{Name: r.Name, SIREN: r.SIREN, Sector: r.Sector, Size: offer.CompanySize(r.Size), City: r.City, Description: r.Description, Website: r.Website}
}

type offerSkillResponse struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	MinLevel  int    `json:"minLevel"`
	MustHave  bool   `json:"mustHave"`
	Learnable bool   `json:"learnable"`
	// Missing flags a code a later taxonomy release dropped; Label keeps
	// what it was.
	Missing bool `json:"missing,omitempty"`
}

type offerPlaceResponse struct {
	CommuneID string `json:"communeId"`
	Name      string `json:"name"`
}

type offerSalaryResponse struct {
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
}

type offerClosureResponse struct {
	Reason string `json:"reason"`
	Note   string `json:"note,omitempty"`
}

// offerResponse is one offer. CreatedBy is shown to the company's members
// only: the public needs the company, not who typed the offer.
type offerResponse struct {
	ID                   string                `json:"id"`
	CompanyID            string                `json:"companyId"`
	Title                string                `json:"title"`
	Rome                 string                `json:"rome"`
	RomeLabel            string                `json:"romeLabel"`
	RomeMissing          bool                  `json:"romeMissing,omitempty"`
	Description          string                `json:"description"`
	Skills               []offerSkillResponse  `json:"skills"`
	Contract             string                `json:"contract"`
	Place                offerPlaceResponse    `json:"place"`
	Remote               string                `json:"remote"`
	Salary               *offerSalaryResponse  `json:"salary,omitempty"`
	StartDate            string                `json:"startDate,omitempty"`
	OpenToCareerChangers bool                  `json:"openToCareerChangers"`
	Status               string                `json:"status"`
	Closure              *offerClosureResponse `json:"closure,omitempty"`
	PublishedAt          *time.Time            `json:"publishedAt,omitempty"`
	ClosedAt             *time.Time            `json:"closedAt,omitempty"`
	CreatedBy            string                `json:"createdBy,omitempty"`
	CreatedAt            time.Time             `json:"createdAt"`
	UpdatedAt            time.Time             `json:"updatedAt"`
	Revision             int64                 `json:"revision"`
}

// offerSummaryResponse is an offer in a list: no description, so that a
// page of 100 stays small.
type offerSummaryResponse struct {
	ID                   string               `json:"id"`
	CompanyID            string               `json:"companyId"`
	CompanyName          string               `json:"companyName,omitempty"`
	Title                string               `json:"title"`
	Rome                 string               `json:"rome"`
	RomeLabel            string               `json:"romeLabel"`
	Skills               []offerSkillResponse `json:"skills"`
	Contract             string               `json:"contract"`
	Place                offerPlaceResponse   `json:"place"`
	Remote               string               `json:"remote"`
	Salary               *offerSalaryResponse `json:"salary,omitempty"`
	StartDate            string               `json:"startDate,omitempty"`
	OpenToCareerChangers bool                 `json:"openToCareerChangers"`
	Status               string               `json:"status"`
	PublishedAt          *time.Time           `json:"publishedAt,omitempty"`
	UpdatedAt            time.Time            `json:"updatedAt"`
	Revision             int64                `json:"revision"`
	// DistanceKm is the distance from the searched commune, when one was.
	DistanceKm *float64 `json:"distanceKm,omitempty"`
}

type offerPageResponse struct {
	Items    []offerSummaryResponse `json:"items"`
	Total    int                    `json:"total"`
	Page     int                    `json:"page"`
	PageSize int                    `json:"pageSize"`
}

type companyResponse struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	SIREN       string    `json:"siren,omitempty"`
	Sector      string    `json:"sector,omitempty"`
	Size        string    `json:"size,omitempty"`
	City        string    `json:"city,omitempty"`
	Description string    `json:"description,omitempty"`
	Website     string    `json:"website,omitempty"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Revision    int64     `json:"revision"`
}

func toCompanyResponse(c offer.Company) companyResponse {
	return companyResponse{ID: c.OrgID, Name: c.Name, SIREN: c.SIREN, Sector: c.Sector, Size: string(c.Size), City: c.City,
		Description: c.Description, Website: c.Website, UpdatedAt: c.UpdatedAt, Revision: c.Revision}
}

// offerSkillLabel is a skill's label in lang, or the label stored with the offer
// when the taxonomy no longer knows the code.
func (s *Server) offerSkillLabel(sk offer.Skill, lang string) string {
	if l, ok := s.taxonomy.Label(sk.Code, lang); ok {
		return l
	}
	return sk.Label
}

func (s *Server) toOfferSkills(skills []offer.Skill, lang string) []offerSkillResponse {
	out := make([]offerSkillResponse, 0, len(skills))
	for _, sk := range skills {
		out = append(out, offerSkillResponse{Code: string(sk.Code), Label: s.offerSkillLabel(sk, lang), MinLevel: int(sk.MinLevel),
			MustHave: sk.MustHave, Learnable: sk.Learnable, Missing: sk.Missing})
	}
	return out
}

func toOfferSalary(sal offer.Salary) *offerSalaryResponse {
	if sal.IsZero() {
		return nil
	}
	return &offerSalaryResponse{Min: sal.Min, Max: sal.Max}
}

func offerDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func offerTimePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// isCompanyMember reports whether u acts for company companyID.
func isCompanyMember(u *account.User, companyID string) bool {
	return u != nil && u.Role == auth.RoleEmployer && u.OrgID != "" && u.OrgID == companyID
}

func (s *Server) toOffer(o offer.Offer, lang string, member bool) offerResponse {
	r := offerResponse{
		ID: o.ID, CompanyID: o.CompanyID, Title: o.Title, Rome: string(o.Rome), RomeLabel: o.RomeLabel, RomeMissing: o.RomeMissing,
		Description: o.Description, Skills: s.toOfferSkills(o.Skills, lang), Contract: string(o.Contract),
		Place: offerPlaceResponse{CommuneID: o.Place.CommuneID, Name: o.Place.Name}, Remote: string(o.Remote),
		Salary: toOfferSalary(o.Salary), StartDate: offerDate(o.StartDate), OpenToCareerChangers: o.OpenToCareerChangers,
		Status: string(o.Status), PublishedAt: offerTimePtr(o.PublishedAt), ClosedAt: offerTimePtr(o.ClosedAt),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Revision: o.Revision,
	}
	if o.Closure.Reason != "" {
		r.Closure = &offerClosureResponse{Reason: string(o.Closure.Reason), Note: o.Closure.Note}
	}
	if member {
		r.CreatedBy = o.CreatedBy
	}
	return r
}

func (s *Server) toOfferSummary(res offer.Result, lang, companyName string) offerSummaryResponse {
	o := res.Offer
	r := offerSummaryResponse{
		ID: o.ID, CompanyID: o.CompanyID, CompanyName: companyName, Title: o.Title, Rome: string(o.Rome), RomeLabel: o.RomeLabel,
		Skills: s.toOfferSkills(o.Skills, lang), Contract: string(o.Contract),
		Place: offerPlaceResponse{CommuneID: o.Place.CommuneID, Name: o.Place.Name}, Remote: string(o.Remote),
		Salary: toOfferSalary(o.Salary), StartDate: offerDate(o.StartDate), OpenToCareerChangers: o.OpenToCareerChangers,
		Status: string(o.Status), PublishedAt: offerTimePtr(o.PublishedAt), UpdatedAt: o.UpdatedAt, Revision: o.Revision,
	}
	if res.HasDistance {
		d := float64(int(res.DistanceKm*10+0.5)) / 10
		r.DistanceKm = &d
	}
	return r
}

// offerCompanyNames returns the public names of the companies of a page of
// offers, one lookup per company. A company without a page yet has no name
// to show; that is not an error.
func (s *Server) offerCompanyNames(ctx context.Context, page offer.Page) (map[string]string, error) {
	names := map[string]string{}
	for _, r := range page.Results {
		id := r.Offer.CompanyID
		if _, done := names[id]; done {
			continue
		}
		co, err := s.offers.Company(ctx, id)
		switch {
		case err == nil:
			names[id] = co.Name
		case passerelle.ErrorCode(err) == passerelle.ENOTFOUND:
			names[id] = ""
		default:
			return nil, err
		}
	}
	return names, nil
}

func (s *Server) toOfferPage(ctx context.Context, p offer.Page, lang string) (offerPageResponse, error) {
	names, err := s.offerCompanyNames(ctx, p)
	if err != nil {
		return offerPageResponse{}, err
	}
	out := offerPageResponse{Items: make([]offerSummaryResponse, 0, len(p.Results)), Total: p.Total, Page: p.Number, PageSize: p.Size}
	for _, r := range p.Results {
		out.Items = append(out.Items, s.toOfferSummary(r, lang, names[r.Offer.CompanyID]))
	}
	return out, nil
}

// renameFieldErrors gives a service's field errors the names the client used
// (the search service says "nearCommuneId" where the query says "near").
func renameFieldErrors(err error, rename func(string) string) error {
	var perr *passerelle.Error
	if !errors.As(err, &perr) || len(perr.Fields) == 0 {
		return err
	}
	out := *perr
	out.Fields = make([]passerelle.FieldError, len(perr.Fields))
	for i, f := range perr.Fields {
		f.Field = rename(f.Field)
		out.Fields[i] = f
	}
	return &out
}

// offerSearchField maps the search service's field names to the query's.
func offerSearchField(f string) string {
	switch {
	case f == "text":
		return "q"
	case f == "nearCommuneId":
		return "near"
	case strings.HasPrefix(f, "contracts"):
		return "contract" + strings.TrimPrefix(f, "contracts")
	}
	return f
}

func (s *Server) mountOfferAPI(api fiber.Router) {
	employer := requireAPI(auth.RoleEmployer)
	api.Get("/offers", s.apiSearchOffers)
	api.Post("/offers", employer, s.apiCreateOffer)
	api.Get("/offers/:id", s.apiGetOffer)
	api.Put("/offers/:id", employer, s.apiUpdateOffer)
	api.Post("/offers/:id/publish", employer, s.apiPublishOffer)
	api.Post("/offers/:id/close", employer, s.apiCloseOffer)
	api.Get("/companies/:id", s.apiCompany)
	api.Put("/companies/:id", requireAPI(auth.RoleEmployer, auth.RoleAdmin), s.apiUpdateCompany)
	api.Get("/companies/:id/offers", requireAPI(), s.apiCompanyOffers)
}

// parseOfferSearch reads the search query of the API and of the search page.
func parseOfferSearch(c *fiber.Ctx) (offerSearchRequest, error) {
	var errs []passerelle.FieldError
	req := offerSearchRequest{
		Q:        strings.TrimSpace(c.Query("q")),
		Skills:   queryListParam(c.Query("skills")),
		Contract: queryListParam(c.Query("contract")),
		Remote:   queryListParam(c.Query("remote")),
		Near:     strings.TrimSpace(c.Query("near")),
	}
	req.RadiusKm = queryIntParam(c, "radiusKm", 0, &errs)
	req.Page = queryIntParam(c, "page", 1, &errs)
	req.PageSize = queryIntParam(c, "pageSize", offer.DefaultPageSize, &errs)
	return req, validateQuery(req, errs)
}

func toOfferSearchQuery(r offerSearchRequest) offer.SearchQuery {
	q := offer.SearchQuery{Text: r.Q, NearCommuneID: r.Near, RadiusKm: r.RadiusKm, Page: offer.PageRequest{Number: r.Page, Size: r.PageSize}}
	for _, c := range r.Skills {
		q.Skills = append(q.Skills, skill.Code(c))
	}
	for _, c := range r.Contract {
		q.Contracts = append(q.Contracts, contract.Type(c))
	}
	for _, rp := range r.Remote {
		q.Remote = append(q.Remote, offer.RemotePolicy(rp))
	}
	return q
}

func (s *Server) apiSearchOffers(c *fiber.Ctx) error {
	req, err := parseOfferSearch(c)
	if err != nil {
		return err
	}
	page, err := s.offers.Search(c.UserContext(), toOfferSearchQuery(req))
	if err != nil {
		return renameFieldErrors(err, offerSearchField)
	}
	out, err := s.toOfferPage(c.UserContext(), page, langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetOffer(c *fiber.Ctx) error {
	o, err := s.offers.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(s.toOffer(o, langOf(c), isCompanyMember(userOf(c), o.CompanyID)))
}

func (s *Server) apiCreateOffer(c *fiber.Ctx) error {
	var req offerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	o, err := s.offers.Create(c.UserContext(), toOfferInput(req))
	if err != nil {
		return err
	}
	c.Location("/api/v1/offers/" + o.ID)
	return c.Status(fiber.StatusCreated).JSON(s.toOffer(o, langOf(c), true))
}

func (s *Server) apiUpdateOffer(c *fiber.Ctx) error {
	var req updateOfferRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := validateStruct(req.offerRequest); err != nil {
		return err
	}
	o, err := s.offers.Update(c.UserContext(), c.Params("id"), toOfferInput(req.offerRequest), req.Revision)
	if err != nil {
		return err
	}
	return c.JSON(s.toOffer(o, langOf(c), true))
}

func (s *Server) apiPublishOffer(c *fiber.Ctx) error {
	o, err := s.offers.Publish(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.ensureCompanyPage(c)
	return c.JSON(s.toOffer(o, langOf(c), true))
}

func (s *Server) apiCloseOffer(c *fiber.Ctx) error {
	var req closeOfferRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	o, err := s.offers.Close(c.UserContext(), c.Params("id"), offer.CloseReason(req.Reason), req.Note)
	if err != nil {
		return err
	}
	return c.JSON(s.toOffer(o, langOf(c), true))
}

func parseOfferPage(c *fiber.Ctx) (offer.PageRequest, error) {
	var errs []passerelle.FieldError
	req := offerPageRequest{Page: queryIntParam(c, "page", 1, &errs), PageSize: queryIntParam(c, "pageSize", offer.DefaultPageSize, &errs)}
	if err := validateQuery(req, errs); err != nil {
		return offer.PageRequest{}, err
	}
	return offer.PageRequest{Number: req.Page, Size: req.PageSize}, nil
}

func (s *Server) apiCompanyOffers(c *fiber.Ctx) error {
	pr, err := parseOfferPage(c)
	if err != nil {
		return err
	}
	page, err := s.offers.ListCompany(c.UserContext(), c.Params("id"), pr)
	if err != nil {
		return err
	}
	out, err := s.toOfferPage(c.UserContext(), page, langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiCompany(c *fiber.Ctx) error {
	co, err := s.offers.Company(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toCompanyResponse(co))
}

func (s *Server) apiUpdateCompany(c *fiber.Ctx) error {
	var req companyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	co, err := s.offers.UpdateCompany(c.UserContext(), c.Params("id"), toCompanyInput(req), req.Revision)
	if err != nil {
		return err
	}
	return c.JSON(toCompanyResponse(co))
}

// ensureCompanyPage gives the caller's company a public page, from what it
// registered with, when it publishes without having written one: a
// published offer names its company. A failure is logged, not answered:
// the offer is published, and the page can be written later.
func (s *Server) ensureCompanyPage(c *fiber.Ctx) {
	u := userOf(c)
	if u == nil || u.OrgID == "" {
		return
	}
	ctx := c.UserContext()
	_, err := s.offers.Company(ctx, u.OrgID)
	if passerelle.ErrorCode(err) != passerelle.ENOTFOUND {
		return
	}
	org, err := s.accounts.Organisation(ctx, u.OrgID)
	if err == nil {
		_, err = s.offers.UpdateCompany(ctx, u.OrgID, offer.CompanyInput{Name: org.Name, SIREN: org.SIREN, City: org.City}, 0)
	}
	if err != nil && passerelle.ErrorCode(err) != passerelle.ECONFLICT {
		s.log.Warn("publish: company page not created", "request_id", requestIDOf(c), "org", u.OrgID, "err", err)
	}
}

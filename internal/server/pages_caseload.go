package server

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/caseload"
)

// Pages of the caseload: the candidate's advisers (/account/advisers) and
// the adviser's dashboard (/caseload) with its invitations and requests
// (/caseload/requests). Every action is a small POST form, so that all of
// it works without JavaScript; ending a link asks for confirmation on a
// page of its own.

func (s *Server) mountCaseloadPages(r fiber.Router) {
	cand, adv := requirePage(auth.RoleCandidate), requirePage(auth.RoleAdviser)
	r.Get("/account/advisers", cand, s.caseloadPagesReady, s.pageAdvisers)
	r.Post("/account/advisers/invitations/:id/accept", cand, s.caseloadPagesReady, s.pageAnswerCaseloadInvitation(true))
	r.Post("/account/advisers/invitations/:id/decline", cand, s.caseloadPagesReady, s.pageAnswerCaseloadInvitation(false))
	r.Post("/account/advisers/requests", cand, s.caseloadPagesReady, s.pageRequestCaseloadLink)
	r.Get("/account/advisers/links/:orgId/end", cand, s.caseloadPagesReady, s.pageEndCaseloadLink)
	r.Post("/account/advisers/links/:orgId/end", cand, s.caseloadPagesReady, s.pageEndCaseloadLinkPost)
	r.Post("/account/advisers/settings", cand, s.caseloadPagesReady, s.pageCaseloadSettingsPost)
	r.Get("/caseload", adv, s.caseloadPagesReady, s.pageCaseload)
	r.Get("/caseload/requests", adv, s.caseloadPagesReady, s.pageCaseloadRequests)
	r.Post("/caseload/invitations", adv, s.caseloadPagesReady, s.pageCaseloadInvitePost)
	r.Post("/caseload/requests/:id/accept", adv, s.caseloadPagesReady, s.pageAnswerCaseloadRequest(true))
	r.Post("/caseload/requests/:id/decline", adv, s.caseloadPagesReady, s.pageAnswerCaseloadRequest(false))
}

// caseloadPagesReady is caseloadService for pages (after the role check, so
// that visitors are still sent to the login page).
func (s *Server) caseloadPagesReady(c *fiber.Ctx) error { return s.caseloadService(c) }

// The candidate's page.

type advisersPage struct {
	F           *Form
	Verified    bool
	Links       []advisersLink
	Invitations []advisersInvitation
	Requests    []advisersRequest
	OrgField    FieldView
	HasOrgs     bool
	MayApply    bool
}

func (d *advisersPage) form() *Form { return d.F }

type advisersLink struct {
	OrgID, Name, City, Since string
}

type advisersInvitation struct {
	ID, OrgName, Date string
}

type advisersRequest struct {
	OrgName, Status, Date string
}

func (s *Server) advisersData(c *fiber.Ctx, f *Form) (*advisersPage, error) {
	ctx := c.UserContext()
	lang := langOf(c)
	if f == nil {
		f = &Form{}
	}
	d := &advisersPage{F: f, Verified: userOf(c).Verified}
	orgs, err := s.caseload.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]caseload.Organisation{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	links, err := s.caseload.MyLinks(ctx)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, l := range links {
		name := l.Org.Name
		if name == "" {
			name = s.t(c, "caseload.org.unnamed")
		}
		d.Links = append(d.Links, advisersLink{OrgID: l.Org.ID, Name: name, City: l.Org.City, Since: dateIn(lang, l.Since)})
		taken[l.Org.ID] = true
	}
	invs, err := s.caseload.MyInvitations(ctx)
	if err != nil {
		return nil, err
	}
	for _, i := range invs {
		d.Invitations = append(d.Invitations, advisersInvitation{ID: i.ID, OrgName: orgName(c, s, byID, i.OrgID), Date: dateIn(lang, i.CreatedAt)})
	}
	reqs, err := s.caseload.MyRequests(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if r.Status == caseload.Pending {
			taken[r.OrgID] = true
		}
		d.Requests = append(d.Requests, advisersRequest{OrgName: orgName(c, s, byID, r.OrgID), Status: s.t(c, "caseload.request_status."+string(r.Status)), Date: dateIn(lang, r.CreatedAt)})
	}
	d.OrgField = FieldView{Name: "orgId", Label: s.t(c, "caseload.request.org"), Type: "select", Required: true,
		Hint: s.t(c, "caseload.request.org_hint"), Error: f.Errors["orgId"], ErrorPrefix: s.t(c, "form.error_prefix")}
	d.OrgField.Options = append(d.OrgField.Options, Option{Value: "", Label: s.t(c, "caseload.request.choose")})
	for _, o := range orgs {
		if taken[o.ID] {
			continue
		}
		label := o.Name
		if o.City != "" {
			label += " (" + o.City + ")"
		}
		d.OrgField.Options = append(d.OrgField.Options, Option{Value: o.ID, Label: label, Selected: f.Value("orgId") == o.ID})
		d.HasOrgs = true
	}
	st, err := s.consent.Settings(ctx, userOf(c).ID)
	if err != nil {
		return nil, err
	}
	d.MayApply = st.AdviserMayApply
	return d, nil
}

func orgName(c *fiber.Ctx, s *Server, byID map[string]caseload.Organisation, id string) string {
	if o, ok := byID[id]; ok {
		return o.Name
	}
	return s.t(c, "caseload.org.unnamed")
}

func (s *Server) pageAdvisers(c *fiber.Ctx) error {
	d, err := s.advisersData(c, nil)
	if err != nil {
		return err
	}
	return s.render(c, "advisers", s.t(c, "caseload.advisers.title"), d)
}

func (s *Server) pageAnswerCaseloadInvitation(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		answer, flash := s.caseload.DeclineInvitation, "caseload.flash.invitation_declined"
		if accept {
			answer, flash = s.caseload.AcceptInvitation, "caseload.flash.invitation_accepted"
		}
		if _, err := answer(c.UserContext(), c.Params("id")); err != nil {
			return s.caseloadPageError(c, err, "/account/advisers")
		}
		s.flash(c, flash)
		return c.Redirect("/account/advisers", fiber.StatusSeeOther)
	}
}

// caseloadPageError shows a refusal that leaves nothing to correct (an
// answered invitation, a request gone) as a message page with a way back;
// anything else goes to the error handler.
func (s *Server) caseloadPageError(c *fiber.Ctx, err error, back string) error {
	var perr *passerelle.Error
	if !errors.As(err, &perr) || perr.Code != passerelle.ECONFLICT && perr.Code != passerelle.EINVALID {
		return err
	}
	lang := langOf(c)
	body := s.catalog.T(lang, perr.Key, perr.Args...)
	if len(perr.Fields) > 0 {
		body = s.fieldMessage(lang, perr.Fields[0])
	}
	m := messagePage{Title: s.t(c, "caseload.refused.title"), Body: body, LinkHref: back, LinkLabel: s.t(c, "caseload.back")}
	return s.renderStatus(c, statusOf[perr.Code], "message", m.Title, m)
}

func (s *Server) pageRequestCaseloadLink(c *fiber.Ctx) error {
	f := formFrom(c, "orgId")
	_, err := s.caseload.RequestLink(c.UserContext(), f.Value("orgId"))
	if err == nil {
		s.flash(c, "caseload.flash.requested")
		return c.Redirect("/account/advisers", fiber.StatusSeeOther)
	}
	if f.Value("orgId") == "" {
		err = passerelle.Invalid(passerelle.FieldError{Field: "orgId", Key: "caseload.org.required"})
	}
	var perr *passerelle.Error
	if !errors.As(err, &perr) || statusOf[perr.Code] >= 500 {
		return err
	}
	lang := langOf(c)
	for _, fe := range perr.Fields {
		s.addFieldError(lang, f, fe)
	}
	if len(perr.Fields) == 0 {
		f.General = s.catalog.T(lang, perr.Key, perr.Args...)
	}
	d, derr := s.advisersData(c, f)
	if derr != nil {
		return derr
	}
	return s.renderStatus(c, statusOf[perr.Code], "advisers", s.t(c, "caseload.advisers.title"), d)
}

type endLinkPage struct {
	OrgID, Name string
}

// linkedOrg finds orgID among the calling candidate's links: ENOTFOUND
// otherwise.
func (s *Server) linkedOrg(c *fiber.Ctx) (endLinkPage, error) {
	links, err := s.caseload.MyLinks(c.UserContext())
	if err != nil {
		return endLinkPage{}, err
	}
	id := c.Params("orgId")
	for _, l := range links {
		if l.Org.ID == id {
			name := l.Org.Name
			if name == "" {
				name = s.t(c, "caseload.org.unnamed")
			}
			return endLinkPage{OrgID: id, Name: name}, nil
		}
	}
	return endLinkPage{}, passerelle.Errorf(passerelle.ENOTFOUND, "error.caseload.not_linked")
}

func (s *Server) pageEndCaseloadLink(c *fiber.Ctx) error {
	d, err := s.linkedOrg(c)
	if err != nil {
		return err
	}
	return s.render(c, "caseload_end", s.t(c, "caseload.end.title", d.Name), d)
}

func (s *Server) pageEndCaseloadLinkPost(c *fiber.Ctx) error {
	if err := s.caseload.EndLink(c.UserContext(), c.Params("orgId")); err != nil {
		return err
	}
	s.flash(c, "caseload.flash.ended")
	return c.Redirect("/account/advisers", fiber.StatusSeeOther)
}

func (s *Server) pageCaseloadSettingsPost(c *fiber.Ctx) error {
	allowed := c.FormValue("adviserMayApply") == "on"
	if _, err := s.consent.SetAdviserMayApply(c.UserContext(), allowed); err != nil {
		return err
	}
	s.flash(c, "caseload.flash.settings_saved")
	return c.Redirect("/account/advisers", fiber.StatusSeeOther)
}

// The adviser's dashboard.

type caseloadPage struct {
	F             *Form
	Q             string
	NoApplication bool
	Inactive      bool
	StatusField   FieldView
	Rows          []caseloadRowView
	Summary       string
	Truncated     bool
	Empty         string
	Filtered      bool
	Prev, Next    string
	PageInfo      string
	Chart         caseloadChart
	Pending       int
}

func (d *caseloadPage) form() *Form { return d.F }

type caseloadRowView struct {
	Name, ProfileHref, MatchesHref, Score, LastActivity string
	Applications                                        []string
	Inactive                                            bool
}

// caseloadChart is the outcomes chart: one horizontal bar per status, each
// labelled with its status and figure, so that nothing rests on colour.
type caseloadChart struct {
	Title, Desc   string
	Width, Height int
	Bars          []caseloadBar
	Total         int
}

type caseloadBar struct {
	Status, Label       string
	Count               int
	Y, TextY, W, CountX int
}

// Chart geometry, in SVG user units.
const (
	chartLabelW = 190
	chartBarMax = 300
	chartRowH   = 34
	chartBarH   = 22
)

func (s *Server) outcomesChart(c *fiber.Ctx, outcomes []caseload.Outcome) caseloadChart {
	ch := caseloadChart{Width: chartLabelW + chartBarMax + 60, Height: len(outcomes)*chartRowH + 8}
	most := 0
	var parts []string
	for _, o := range outcomes {
		most = max(most, o.Count)
		ch.Total += o.Count
	}
	for i, o := range outcomes {
		label := s.t(c, "application.status."+string(o.Status))
		w := 0
		if most > 0 {
			w = int(math.Round(float64(o.Count) / float64(most) * chartBarMax))
		}
		y := 4 + i*chartRowH
		ch.Bars = append(ch.Bars, caseloadBar{Status: string(o.Status), Label: label, Count: o.Count, Y: y, TextY: y + chartBarH/2 + 5,
			W: w, CountX: chartLabelW + w + 8})
		parts = append(parts, s.t(c, "caseload.count_item", label, o.Count))
	}
	ch.Title = s.t(c, "caseload.chart.title")
	ch.Desc = s.t(c, "caseload.chart.desc", ch.Total) + " " + strings.Join(parts, ", ") + "."
	return ch
}

func (s *Server) pageCaseload(c *fiber.Ctx) error {
	f := &Form{Values: map[string]string{"q": c.Query("q"), "status": c.Query("status")}}
	q, err := parseCaseloadQuery(c)
	d := &caseloadPage{F: f, Q: q.Q, NoApplication: q.NoApplication, Inactive: q.Inactive}
	var dash caseload.Dashboard
	if err == nil {
		filter, page := q.filter()
		dash, err = s.caseload.Dashboard(c.UserContext(), filter, page)
	}
	status := fiber.StatusOK
	if err != nil {
		var perr *passerelle.Error
		if !errors.As(err, &perr) || perr.Code != passerelle.EINVALID {
			return err
		}
		for _, fe := range perr.Fields {
			s.addFieldError(langOf(c), f, fe)
		}
		status = fiber.StatusUnprocessableEntity
		dash = caseload.Dashboard{Number: 1, Size: 20}
		for _, st := range application.Statuses() {
			dash.Outcomes = append(dash.Outcomes, caseload.Outcome{Status: st})
		}
	}
	s.fillCaseloadPage(c, d, q, dash)
	if reqs, err := s.caseload.OrgRequests(c.UserContext()); err == nil {
		d.Pending = len(reqs)
	} else {
		return err
	}
	return s.renderStatus(c, status, "caseload", s.t(c, "caseload.title"), d)
}

func (s *Server) fillCaseloadPage(c *fiber.Ctx, d *caseloadPage, q caseloadQuery, dash caseload.Dashboard) {
	lang := langOf(c)
	d.StatusField = FieldView{Name: "status", Label: s.t(c, "caseload.filter.status"), Type: "select",
		Error: d.F.Errors["status"], ErrorPrefix: s.t(c, "form.error_prefix"),
		Options: []Option{{Value: "", Label: s.t(c, "caseload.filter.any_status")}}}
	for _, st := range application.Statuses() {
		d.StatusField.Options = append(d.StatusField.Options, Option{Value: string(st), Label: s.t(c, "application.status."+string(st)), Selected: q.Status == string(st)})
	}
	d.Filtered = q.Q != "" || q.Status != "" || q.NoApplication || q.Inactive
	d.Truncated = dash.Truncated
	d.Summary = s.t(c, "caseload.summary", dash.CaseloadSize, dash.Total)
	d.Empty = s.t(c, "caseload.empty")
	if d.Filtered {
		d.Empty = s.t(c, "caseload.empty_filtered")
	}
	for _, r := range dash.Rows {
		v := caseloadRowView{Name: r.Name, Inactive: r.Inactive,
			ProfileHref: "/candidates/" + url.PathEscape(r.CandidateID) + "/profile",
			MatchesHref: "/candidates/" + url.PathEscape(r.CandidateID) + "/matches"}
		if v.Name == "" {
			v.Name = s.t(c, "caseload.unnamed")
		}
		v.Score = s.t(c, "caseload.no_score")
		if r.HasScore {
			v.Score = s.t(c, "caseload.score", int(math.Round(r.BestScore)))
		}
		for _, st := range application.Statuses() {
			if n := r.Applications[st]; n > 0 {
				v.Applications = append(v.Applications, s.t(c, "caseload.count_item", s.t(c, "application.status."+string(st)), n))
			}
		}
		days := int(dash.Now.Sub(r.LastActivity).Hours() / 24)
		switch {
		case days <= 0:
			v.LastActivity = s.t(c, "caseload.activity.today", dateIn(lang, r.LastActivity))
		default:
			v.LastActivity = s.t(c, "caseload.activity.days", days, dateIn(lang, r.LastActivity))
		}
		d.Rows = append(d.Rows, v)
	}
	link := func(n int) string {
		v := url.Values{}
		if q.Q != "" {
			v.Set("q", q.Q)
		}
		if q.Status != "" {
			v.Set("status", q.Status)
		}
		if q.NoApplication {
			v.Set("noApplication", "1")
		}
		if q.Inactive {
			v.Set("inactive", "1")
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if q.PageSize != 20 && q.PageSize > 0 {
			v.Set("pageSize", strconv.Itoa(q.PageSize))
		}
		if len(v) == 0 {
			return "/caseload"
		}
		return "/caseload?" + v.Encode()
	}
	if dash.Number > 1 {
		d.Prev = link(dash.Number - 1)
	}
	if dash.Number < dash.Pages() {
		d.Next = link(dash.Number + 1)
	}
	if dash.Pages() > 1 {
		d.PageInfo = s.t(c, "caseload.page_info", dash.Number, dash.Pages())
	}
	d.Chart = s.outcomesChart(c, dash.Outcomes)
}

// The adviser's invitations and requests.

type caseloadRequestsPage struct {
	F           *Form
	Requests    []caseloadRequestView
	Invitations []caseloadInvitationView
}

func (d *caseloadRequestsPage) form() *Form { return d.F }

type caseloadRequestView struct {
	ID, Name, Date string
}

type caseloadInvitationView struct {
	Email, Status, Date string
}

func (s *Server) caseloadRequestsData(c *fiber.Ctx, f *Form) (*caseloadRequestsPage, error) {
	ctx := c.UserContext()
	lang := langOf(c)
	if f == nil {
		f = &Form{}
	}
	d := &caseloadRequestsPage{F: f}
	reqs, err := s.caseload.OrgRequests(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		d.Requests = append(d.Requests, caseloadRequestView{ID: r.ID, Name: r.CandidateName, Date: dateIn(lang, r.CreatedAt)})
	}
	invs, err := s.caseload.OrgInvitations(ctx)
	if err != nil {
		return nil, err
	}
	for _, i := range invs {
		d.Invitations = append(d.Invitations, caseloadInvitationView{Email: i.Email, Status: s.t(c, "caseload.status."+string(i.Status)), Date: dateIn(lang, i.CreatedAt)})
	}
	return d, nil
}

func (s *Server) pageCaseloadRequests(c *fiber.Ctx) error {
	d, err := s.caseloadRequestsData(c, nil)
	if err != nil {
		return err
	}
	return s.render(c, "caseload_requests", s.t(c, "caseload.requests.title"), d)
}

func (s *Server) pageCaseloadInvitePost(c *fiber.Ctx) error {
	f := formFrom(c, "email")
	_, err := s.caseload.Invite(c.UserContext(), f.Value("email"))
	if err == nil {
		s.flash(c, "caseload.flash.invited")
		return c.Redirect("/caseload/requests", fiber.StatusSeeOther)
	}
	var perr *passerelle.Error
	if !errors.As(err, &perr) || statusOf[perr.Code] >= 500 {
		return err
	}
	lang := langOf(c)
	for _, fe := range perr.Fields {
		s.addFieldError(lang, f, fe)
	}
	if len(perr.Fields) == 0 {
		// The one refusal that is not about the field: already invited.
		f.addError("email", s.catalog.T(lang, perr.Key, perr.Args...))
	}
	d, derr := s.caseloadRequestsData(c, f)
	if derr != nil {
		return derr
	}
	return s.renderStatus(c, statusOf[perr.Code], "caseload_requests", s.t(c, "caseload.requests.title"), d)
}

func (s *Server) pageAnswerCaseloadRequest(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		answer, flash := s.caseload.DeclineRequest, "caseload.flash.request_declined"
		if accept {
			answer, flash = s.caseload.AcceptRequest, "caseload.flash.request_accepted"
		}
		if _, err := answer(c.UserContext(), c.Params("id")); err != nil {
			return s.caseloadPageError(c, err, "/caseload/requests")
		}
		s.flash(c, flash)
		return c.Redirect("/caseload/requests", fiber.StatusSeeOther)
	}
}

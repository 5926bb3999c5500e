package server

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/matching"
	"passerelle/internal/offer"
)

// Pages of the application workflow. The candidate's side: apply (from a
// match or an offer), /applications (applications, invitations to apply,
// talent-pool requests). The employer's side: an offer's pipeline, one
// application with its moves, invitations and pool requests from the list
// of matches, and the company's talent pool. The application service
// decides who may do what; the pages word its answers.

func (s *Server) mountApplicationPages(r fiber.Router) {
	candidate, employer := requirePage(auth.RoleCandidate), requirePage(auth.RoleEmployer)
	r.Get("/offers/:id/apply", candidate, s.pageApply)
	r.Post("/offers/:id/apply", candidate, s.pageApply)
	r.Get("/applications", candidate, s.pageMyApplications)
	r.Post("/applications/:id/withdraw", candidate, s.pageWithdraw)
	r.Post("/applications/invitations/:id/accept", candidate, s.pageAcceptInvitation)
	r.Post("/applications/invitations/:id/decline", candidate, s.pageDeclineInvitation)
	r.Post("/applications/pools/:id/accept", candidate, s.pageAnswerPool(true))
	r.Post("/applications/pools/:id/decline", candidate, s.pageAnswerPool(false))
	r.Post("/applications/pools/:id/leave", candidate, s.pageLeavePool)

	r.Get("/company/offers/:id/applications", employer, s.pagePipeline)
	r.Get("/company/applications/:id", employer, s.pageCompanyApplication)
	r.Post("/company/applications/:id", employer, s.pageCompanyApplication)
	r.Post("/company/offers/:id/invitations", employer, s.pageInvite)
	r.Get("/company/pool", employer, s.pagePool)
	r.Post("/company/pool", employer, s.pageAskToPool)
	r.Post("/company/pool/:id/remove", employer, s.pageRemoveFromPool)
}

// pageT translates for the partial templates, which do not receive the Page.
type pageT struct {
	t func(key string, args ...any) string
}

// T translates key into the page's language.
func (p pageT) T(key string, args ...any) string { return p.t(key, args...) }

func (s *Server) translator(c *fiber.Ctx) pageT {
	lang := langOf(c)
	return pageT{t: func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }}
}

// The apply action, on the candidate's matches and on an offer's page.

// applyAction is the apply form of one offer, or where the candidate's
// application to it stands (Status set).
type applyAction struct {
	pageT
	OfferID, OfferTitle string
	CSRF, Next          string
	MaxLen              int
	Status, StatusLabel string
	// Closed is an offer that takes no application.
	Closed bool
}

// applyActions returns the apply action of each offer for the signed-in
// candidate, or nil for anyone else.
func (s *Server) applyActions(c *fiber.Ctx, offerIDs []string, next string) (map[string]*applyAction, error) {
	u := userOf(c)
	if u == nil || u.Role != auth.RoleCandidate {
		return nil, nil
	}
	ctx := c.UserContext()
	mine := map[string]application.Status{}
	page, err := s.applications.ForCandidate(ctx, u.ID, application.PageRequest{Number: 1, Size: 100})
	if err != nil {
		return nil, err
	}
	for _, a := range page.Items {
		mine[a.OfferID] = a.Status
	}
	out := map[string]*applyAction{}
	for _, id := range offerIDs {
		st, ok := mine[id]
		if !ok && page.Total > len(page.Items) {
			// Beyond the newest hundred: ask for this one.
			switch a, err := s.applications.Get(ctx, application.ID(u.ID, id)); passerelle.ErrorCode(err) {
			case "":
				st, ok = a.Status, true
			case passerelle.ENOTFOUND:
			default:
				return nil, err
			}
		}
		act := &applyAction{pageT: s.translator(c), OfferID: id, CSRF: s.csrfToken(c), Next: next, MaxLen: application.MaxMessageRunes}
		if ok {
			act.Status, act.StatusLabel = string(st), s.t(c, "application.status."+string(st))
		}
		out[id] = act
	}
	return out, nil
}

// offerApplyAction is the apply action of the offer page.
func (s *Server) offerApplyAction(c *fiber.Ctx, o offer.Offer) (*applyAction, error) {
	acts, err := s.applyActions(c, []string{o.ID}, "/offers/"+o.ID)
	if err != nil || acts == nil {
		return nil, err
	}
	a := acts[o.ID]
	a.OfferTitle, a.Closed = o.Title, o.Status != offer.StatusPublished
	return a, nil
}

// applicationForm is the stand-alone form of an action that also appears
// inline in lists (apply, invite, ask into the pool): it is where a
// submission with errors comes back.
type applicationForm struct {
	Lead             string
	Action, Submit   string
	Hidden           [][2]string
	FieldLabel, Hint string
	Back, BackLabel  string
	errorPrefix      string
	f                *Form
}

// Message is the form's text field, with what the user typed and its error.
func (p applicationForm) Message() FieldView {
	return FieldView{Name: "message", Label: p.FieldLabel, Type: "textarea", Hint: p.Hint,
		Value: p.f.Value("message"), Error: p.f.Errors["message"], ErrorPrefix: p.errorPrefix}
}

func (p applicationForm) form() *Form { return p.f }

// pageApply shows the apply form (GET) and applies (POST). A refusal of
// the service (applied already, offer closed) comes back on the form with
// its message.
func (s *Server) pageApply(c *fiber.Ctx) error {
	ctx := c.UserContext()
	o, err := s.offers.Get(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	next := safeNext(c.FormValue("next", "/offers/"+o.ID))
	d := applicationForm{Lead: s.t(c, "apppages.apply.lead", o.Title), Action: "/offers/" + o.ID + "/apply",
		Submit: s.t(c, "apppages.apply.submit"), Hidden: [][2]string{{"next", next}}, errorPrefix: s.t(c, "form.error_prefix"),
		FieldLabel: s.t(c, "apppages.apply.message"), Hint: s.t(c, "apppages.max_chars", application.MaxMessageRunes),
		Back: "/offers/" + o.ID, BackLabel: s.t(c, "apppages.back_offer"), f: formFrom(c, "message")}
	title := s.t(c, "apppages.apply.title", o.Title)
	if c.Method() == fiber.MethodGet {
		return s.render(c, "application_form", title, d)
	}
	if _, err := s.applications.Apply(ctx, application.ApplyInput{OfferID: o.ID, Message: c.FormValue("message")}); err != nil {
		return s.showFormError(c, "application_form", title, d.f, d, err)
	}
	s.flash(c, "apppages.apply.done")
	return c.Redirect(next, fiber.StatusSeeOther)
}

// The candidate's applications, invitations and pools.

type historyRow struct {
	Label, Who, When, Note, Reason string
}

type myApplicationRow struct {
	ID, Anchor, OfferID, OfferTitle, Company string
	Status, StatusLabel, Applied             string
	Message                                  string
	RejectReason, RejectNote                 string
	History                                  []historyRow
	CanWithdraw                              bool
}

type invitationRow struct {
	ID, OfferID, OfferTitle, Company, Message, When string
	Status, StatusLabel                             string
	Pending                                         bool
}

type poolRow struct {
	ID, Company, When, Status, StatusLabel string
}

type myApplicationsPage struct {
	Applications      []myApplicationRow
	Total             int
	Invitations       []invitationRow
	Answered          []invitationRow
	PoolRequests      []poolRow
	Pools             []poolRow
	MaxLen            int
	PrevHref, NxtHref string
}

// offerNames reads the titles and company names shown beside applications
// and invitations; an offer the caller can no longer read keeps its id.
type offerNames struct {
	s         *Server
	ctx       context.Context
	offers    map[string]offer.Offer
	companies map[string]string
}

func (s *Server) names(ctx context.Context) *offerNames {
	return &offerNames{s: s, ctx: ctx, offers: map[string]offer.Offer{}, companies: map[string]string{}}
}

func (n *offerNames) offer(id string) (offer.Offer, error) {
	if o, ok := n.offers[id]; ok {
		return o, nil
	}
	o, err := n.s.offers.Get(n.ctx, id)
	switch passerelle.ErrorCode(err) {
	case "":
	case passerelle.ENOTFOUND, passerelle.EFORBIDDEN:
		o = offer.Offer{ID: id}
	default:
		return o, err
	}
	n.offers[id] = o
	return o, nil
}

func (n *offerNames) company(id string) (string, error) {
	if name, ok := n.companies[id]; ok {
		return name, nil
	}
	co, err := n.s.offers.Company(n.ctx, id)
	switch passerelle.ErrorCode(err) {
	case "":
	case passerelle.ENOTFOUND, passerelle.EFORBIDDEN:
	default:
		return "", err
	}
	n.companies[id] = co.Name
	return co.Name, nil
}

// history words the transitions of an application; self is the candidate
// reading their own. Recruiters appear as "the company", never by name.
func (s *Server) history(c *fiber.Ctx, a application.Application, self bool) []historyRow {
	pg := Page{Lang: langOf(c)}
	var out []historyRow
	for _, t := range a.History {
		who := s.t(c, "apppages.role."+string(t.Role))
		if self && t.Role == auth.RoleCandidate {
			who = s.t(c, "apppages.role.you")
		}
		h := historyRow{Label: s.t(c, "application.status."+string(t.To)), Who: who, When: pg.Date(t.At), Note: t.Note}
		if t.Reason != "" {
			h.Reason = s.t(c, "application.reason."+string(t.Reason))
		}
		out = append(out, h)
	}
	return out
}

func (s *Server) pageMyApplications(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), userOf(c)
	var errs []passerelle.FieldError
	number := max(queryIntParam(c, "page", 1, &errs), 1)
	page, err := s.applications.ForCandidate(ctx, u.ID, application.PageRequest{Number: number, Size: 20})
	if err != nil {
		return err
	}
	pg := Page{Lang: langOf(c)}
	n := s.names(ctx)
	d := myApplicationsPage{Total: page.Total, MaxLen: application.MaxMessageRunes}
	for _, a := range page.Items {
		o, err := n.offer(a.OfferID)
		if err != nil {
			return err
		}
		co, err := n.company(a.CompanyID)
		if err != nil {
			return err
		}
		row := myApplicationRow{ID: a.ID, Anchor: "app-" + a.OfferID, OfferID: a.OfferID, OfferTitle: o.Title, Company: co,
			Status: string(a.Status), StatusLabel: s.t(c, "application.status."+string(a.Status)), Applied: pg.Date(a.CreatedAt),
			Message: a.Message, History: s.history(c, a, true), CanWithdraw: !a.Status.Final()}
		if row.OfferTitle == "" {
			row.OfferTitle = s.t(c, "apppages.offer_gone")
		}
		if a.Rejection.Reason != "" {
			row.RejectReason, row.RejectNote = s.t(c, "application.reason."+string(a.Rejection.Reason)), a.Rejection.Note
		}
		d.Applications = append(d.Applications, row)
	}
	if number > 1 {
		d.PrevHref = "/applications?page=" + strconv.Itoa(number-1)
	}
	if number*page.Size < page.Total {
		d.NxtHref = "/applications?page=" + strconv.Itoa(number+1)
	}
	invs, err := s.applications.InvitationsForCandidate(ctx, u.ID, application.PageRequest{Number: 1, Size: 100})
	if err != nil {
		return err
	}
	for _, inv := range invs.Items {
		o, err := n.offer(inv.OfferID)
		if err != nil {
			return err
		}
		co, err := n.company(inv.CompanyID)
		if err != nil {
			return err
		}
		row := invitationRow{ID: inv.ID, OfferID: inv.OfferID, OfferTitle: o.Title, Company: co, Message: inv.Message,
			When: pg.Date(inv.CreatedAt), Status: string(inv.Status), StatusLabel: s.t(c, "application.invitation.status."+string(inv.Status)),
			Pending: inv.Status == application.InvitationPending}
		if row.OfferTitle == "" {
			row.OfferTitle = s.t(c, "apppages.offer_gone")
		}
		if row.Pending {
			d.Invitations = append(d.Invitations, row)
		} else {
			d.Answered = append(d.Answered, row)
		}
	}
	pools, err := s.applications.PoolsOf(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, e := range pools {
		co, err := n.company(e.CompanyID)
		if err != nil {
			return err
		}
		row := poolRow{ID: e.ID, Company: co, When: pg.Date(e.CreatedAt), Status: string(e.Status),
			StatusLabel: s.t(c, "application.pool.status."+string(e.Status))}
		if row.Company == "" {
			row.Company = s.t(c, "apppages.company_unnamed")
		}
		switch e.Status {
		case application.PoolPending:
			d.PoolRequests = append(d.PoolRequests, row)
		case application.PoolActive:
			d.Pools = append(d.Pools, row)
		}
	}
	return s.render(c, "applications", s.t(c, "apppages.mine.title"), d)
}

// done redirects to to with the flash message key, or shows err on a
// message page that leads back to to: the list forms of these pages have
// nothing to show beside a field, only a refusal to explain.
func (s *Server) done(c *fiber.Ctx, err error, key, to, backKey string) error {
	if err != nil {
		var perr *passerelle.Error
		if !errors.As(err, &perr) {
			return err
		}
		status, ok := statusOf[perr.Code]
		if !ok || status >= 500 {
			return err
		}
		body := perr.Key
		if len(perr.Fields) > 0 {
			var msgs []string
			for _, f := range perr.Fields {
				msgs = append(msgs, s.fieldMessage(langOf(c), f))
			}
			m := messagePage{Title: s.t(c, "apppages.refused"), Body: strings.Join(msgs, " "), LinkHref: to, LinkLabel: s.t(c, backKey)}
			return s.renderStatus(c, status, "message", m.Title, m)
		}
		if body == "" {
			body = "error." + perr.Code
		}
		return s.message(c, status, "apppages.refused", body, to, backKey)
	}
	s.flash(c, key)
	return c.Redirect(to, fiber.StatusSeeOther)
}

func (s *Server) pageWithdraw(c *fiber.Ctx) error {
	_, err := s.applications.Withdraw(c.UserContext(), c.Params("id"), c.FormValue("note"))
	return s.done(c, err, "apppages.withdraw.done", "/applications", "apppages.back_mine")
}

func (s *Server) pageAcceptInvitation(c *fiber.Ctx) error {
	_, err := s.applications.AcceptInvitation(c.UserContext(), c.Params("id"), c.FormValue("message"))
	return s.done(c, err, "apppages.invitation.accepted", "/applications", "apppages.back_mine")
}

func (s *Server) pageDeclineInvitation(c *fiber.Ctx) error {
	_, err := s.applications.DeclineInvitation(c.UserContext(), c.Params("id"))
	return s.done(c, err, "apppages.invitation.declined", "/applications", "apppages.back_mine")
}

func (s *Server) pageAnswerPool(accept bool) fiber.Handler {
	key := "apppages.pool.declined"
	if accept {
		key = "apppages.pool.accepted"
	}
	return func(c *fiber.Ctx) error {
		_, err := s.applications.AnswerPool(c.UserContext(), c.Params("id"), accept)
		return s.done(c, err, key, "/applications", "apppages.back_mine")
	}
}

func (s *Server) pageLeavePool(c *fiber.Ctx) error {
	_, err := s.applications.LeavePool(c.UserContext(), c.Params("id"))
	return s.done(c, err, "apppages.pool.left", "/applications", "apppages.back_mine")
}

// The employer's pipeline.

type pipelineTab struct {
	Label, Href string
	Count       int
	Current     bool
}

type pipelineRow struct {
	Href, Name, Status, StatusLabel, Applied, Updated string
	Anonymous                                         bool
}

type pipelinePage struct {
	OfferID, OfferTitle string
	Tabs                []pipelineTab
	Filter              string
	Rows                []pipelineRow
	PrevHref, NxtHref   string
	Total               int
}

func (s *Server) pagePipeline(c *fiber.Ctx) error {
	o, err := s.ownOffer(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	filter := application.Status(c.Query("status"))
	if filter != "" && !filter.Valid() {
		filter = ""
	}
	var errs []passerelle.FieldError
	number := max(queryIntParam(c, "page", 1, &errs), 1)
	base := "/company/offers/" + o.ID + "/applications"
	d := pipelinePage{OfferID: o.ID, OfferTitle: o.Title, Filter: string(filter)}
	all := 0
	for _, st := range application.Statuses() {
		p, err := s.applications.ForOffer(ctx, o.ID, st, application.PageRequest{Number: 1, Size: 1})
		if err != nil {
			return err
		}
		all += p.Total
		d.Tabs = append(d.Tabs, pipelineTab{Label: s.t(c, "application.status."+string(st)), Href: base + "?status=" + string(st),
			Count: p.Total, Current: st == filter})
	}
	d.Tabs = append([]pipelineTab{{Label: s.t(c, "apppages.pipeline.all"), Href: base, Count: all, Current: filter == ""}}, d.Tabs...)
	page, err := s.applications.ForOffer(ctx, o.ID, filter, application.PageRequest{Number: number, Size: 20})
	if err != nil {
		return err
	}
	d.Total = page.Total
	pg := Page{Lang: langOf(c)}
	for _, a := range page.Items {
		who, err := s.applicant(ctx, a.CompanyID, a.CandidateID)
		if err != nil {
			return err
		}
		if !who.Anonymous {
			if err := s.recordAccess(c, a.CandidateID, audit.ReasonApplication); err != nil {
				return err
			}
		}
		row := pipelineRow{Status: string(a.Status), StatusLabel: s.t(c, "application.status."+string(a.Status)),
			Applied: pg.Date(a.CreatedAt), Updated: pg.Date(a.UpdatedAt), Anonymous: who.Anonymous}
		if who.Anonymous {
			row.Name = s.t(c, "apppages.pipeline.anonymous")
		} else {
			row.Name, row.Href = who.Name, "/company/applications/"+url.PathEscape(a.ID)
			if row.Name == "" {
				row.Name = s.t(c, "apppages.candidate_unnamed")
			}
		}
		d.Rows = append(d.Rows, row)
	}
	link := func(n int) string {
		v := url.Values{}
		if filter != "" {
			v.Set("status", string(filter))
		}
		v.Set("page", strconv.Itoa(n))
		return base + "?" + v.Encode()
	}
	if number > 1 {
		d.PrevHref = link(number - 1)
	}
	if number*page.Size < page.Total {
		d.NxtHref = link(number + 1)
	}
	return s.render(c, "application_pipeline", s.t(c, "apppages.pipeline.title", o.Title), d)
}

// One application, for the company.

type companyApplicationPage struct {
	ID, OfferID, OfferTitle, Name string
	Status, StatusLabel, Applied  string
	Message                       string
	RejectReason, RejectNote      string
	History                       []historyRow
	Match                         *matchCard
	To, Note, Reason, RejectText  FieldView
	Final                         bool
	f                             *Form
}

func (p companyApplicationPage) form() *Form { return p.f }

// pageCompanyApplication shows one application to the company (GET) and
// moves it (POST: to the next status chosen, or to rejected with a
// reason). Opening the page and every move go through here.
func (s *Server) pageCompanyApplication(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := c.Params("id")
	f := formFrom(c, "to", "note", "reason", "reject_note")
	status := fiber.StatusOK
	if c.Method() == fiber.MethodPost {
		in := application.MoveInput{To: application.Status(f.Value("to")), Note: f.Value("note")}
		if in.To == application.StatusRejected {
			in.Reason, in.Note = application.RejectReason(f.Value("reason")), f.Value("reject_note")
		}
		_, err := s.applications.Move(ctx, id, in)
		if err == nil {
			s.flash(c, "apppages.move.done")
			return c.Redirect("/company/applications/"+url.PathEscape(id), fiber.StatusSeeOther)
		}
		var perr *passerelle.Error
		if !errors.As(err, &perr) || statusOf[perr.Code] >= 500 || perr.Code == passerelle.ENOTFOUND {
			return err
		}
		status = statusOf[perr.Code]
		lang := langOf(c)
		for _, fe := range perr.Fields {
			if fe.Field == "note" && in.To == application.StatusRejected {
				fe.Field = "reject_note"
			}
			s.addFieldError(lang, f, fe)
		}
		if len(perr.Fields) == 0 {
			f.General = s.catalog.T(lang, perr.Key, perr.Args...)
		}
	}
	a, err := s.applications.Get(ctx, id)
	if err != nil {
		return err
	}
	who, err := s.applicant(ctx, a.CompanyID, a.CandidateID)
	if err != nil {
		return err
	}
	if who.Anonymous || !isCompanyMember(userOf(c), a.CompanyID) {
		return passerelle.Errorf(passerelle.ENOTFOUND, "error.application.not_found")
	}
	if err := s.recordAccess(c, a.CandidateID, audit.ReasonApplication); err != nil {
		return err
	}
	o, err := s.names(ctx).offer(a.OfferID)
	if err != nil {
		return err
	}
	pg := Page{Lang: langOf(c)}
	d := companyApplicationPage{ID: a.ID, OfferID: a.OfferID, OfferTitle: o.Title, Name: who.Name,
		Status: string(a.Status), StatusLabel: s.t(c, "application.status."+string(a.Status)), Applied: pg.Date(a.CreatedAt),
		Message: a.Message, History: s.history(c, a, false), Final: a.Status.Final(), f: f}
	if d.Name == "" {
		d.Name = s.t(c, "apppages.candidate_unnamed")
	}
	if a.Rejection.Reason != "" {
		d.RejectReason, d.RejectNote = s.t(c, "application.reason."+string(a.Rejection.Reason)), a.Rejection.Note
	}
	prefix := s.t(c, "form.error_prefix")
	field := func(name, labelKey, typ string) FieldView {
		return FieldView{Name: name, Label: s.t(c, labelKey), Type: typ, Value: f.Value(name), Error: f.Errors[name], ErrorPrefix: prefix}
	}
	d.To = field("to", "apppages.move.to", "select")
	for _, st := range application.Pipeline() {
		if application.Allowed(a.Status, st) {
			d.To.Options = append(d.To.Options, Option{Value: string(st), Label: s.t(c, "application.status."+string(st)), Selected: f.Value("to") == string(st)})
		}
	}
	d.Note = field("note", "apppages.move.note", "textarea")
	d.Note.Hint = s.t(c, "apppages.move.note_hint", application.MaxNoteRunes)
	d.Reason = field("reason", "apppages.move.reason", "select")
	d.Reason.Required = true
	d.Reason.Options = []Option{{Value: "", Label: s.t(c, "apppages.move.choose_reason")}}
	for _, r := range application.RejectReasons() {
		d.Reason.Options = append(d.Reason.Options, Option{Value: string(r), Label: s.t(c, "application.reason."+string(r)), Selected: f.Value("reason") == string(r)})
	}
	d.RejectText = field("reject_note", "apppages.move.reject_note", "textarea")
	d.RejectText.Hint = s.t(c, "apppages.move.reject_note_hint", application.MaxNoteRunes)
	if f.Value("to") == string(application.StatusRejected) {
		d.Note.Value = ""
	}
	if m, err := s.matchesService(); err == nil {
		// The match is shown when the offer still ranks the candidate;
		// its absence (closed offer, index not ready) is not an error.
		if r, ok, err := m.MatchFor(ctx, a.OfferID, a.CandidateID, langOf(c)); err == nil && ok {
			card := s.card(langOf(c), r.Explanation, r.Score, true)
			d.Match = &card
		}
	}
	return s.renderStatus(c, status, "application_company", s.t(c, "apppages.company.title", d.Name), d)
}

// Invitations and pool requests from the employer's list of matches.

// inviteAction is the invitation and pool forms of one anonymous
// candidate of an offer's list.
type inviteAction struct {
	pageT
	OfferID, Pseudonym, Key, CSRF, Next string
	MaxLen                              int
	Invited, InvitedLabel               string // the invitation's status, if any
	Pooled, PooledLabel                 string // the pool entry's status, if any
}

// inviteActions returns the actions for the pseudonyms of offerID's list,
// with what the company did already.
func (s *Server) inviteActions(c *fiber.Ctx, offerID string, pseudonyms []string) (map[string]*inviteAction, error) {
	u := userOf(c)
	if u == nil || u.Role != auth.RoleEmployer {
		return nil, nil
	}
	ctx := c.UserContext()
	ref := func(p string) string {
		if i := strings.LastIndexByte(p, ' '); i >= 0 {
			p = p[i+1:]
		}
		return strings.ToUpper(p)
	}
	invited, pooled := map[string]application.InvitationStatus{}, map[string]application.PoolStatus{}
	invs, err := s.applications.InvitationsForOffer(ctx, offerID, application.PageRequest{Number: 1, Size: 100})
	if err != nil {
		return nil, err
	}
	for _, inv := range invs.Items {
		invited[ref(inv.Pseudonym)] = inv.Status
	}
	pool, err := s.applications.Pool(ctx, u.OrgID, application.PageRequest{Number: 1, Size: 100})
	if err != nil {
		return nil, err
	}
	for _, e := range pool.Items {
		pooled[ref(e.Pseudonym)] = e.Status
	}
	out := map[string]*inviteAction{}
	for i, p := range pseudonyms {
		a := &inviteAction{pageT: s.translator(c), OfferID: offerID, Pseudonym: p, Key: strconv.Itoa(i + 1), CSRF: s.csrfToken(c),
			Next: c.OriginalURL(), MaxLen: application.MaxMessageRunes}
		if st, ok := invited[ref(p)]; ok {
			a.Invited, a.InvitedLabel = string(st), s.t(c, "application.invitation.status."+string(st))
		}
		if st, ok := pooled[ref(p)]; ok {
			a.Pooled, a.PooledLabel = string(st), s.t(c, "application.pool.status."+string(st))
		}
		out[p] = a
	}
	return out, nil
}

func (s *Server) pageInvite(c *fiber.Ctx) error {
	offerID := c.Params("id")
	next := safeNext(c.FormValue("next", "/company/offers/"+offerID+"/matches"))
	_, err := s.invite(c.UserContext(), offerID, c.FormValue("pseudonym"), c.FormValue("message"))
	return s.done(c, err, "apppages.invite.done", next, "apppages.back_matches")
}

func (s *Server) pageAskToPool(c *fiber.Ctx) error {
	next := safeNext(c.FormValue("next", "/company/pool"))
	_, err := s.askToPool(c.UserContext(), c.FormValue("offerId"), c.FormValue("pseudonym"), c.FormValue("applicationId"), c.FormValue("note"))
	return s.done(c, err, "apppages.pool.asked", next, "apppages.back")
}

// The company's talent pool.

type companyPoolRow struct {
	ID, Name, Pseudonym, Note, When, Status, StatusLabel string
	Revealed, Removable                                  bool
}

type companyPoolPage struct {
	Rows              []companyPoolRow
	Total             int
	PrevHref, NxtHref string
}

func (s *Server) pagePool(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), userOf(c)
	var errs []passerelle.FieldError
	number := max(queryIntParam(c, "page", 1, &errs), 1)
	page, err := s.applications.Pool(ctx, u.OrgID, application.PageRequest{Number: number, Size: 20})
	if err != nil {
		return err
	}
	pg := Page{Lang: langOf(c)}
	d := companyPoolPage{Total: page.Total}
	for _, e := range page.Items {
		who, err := s.applicant(ctx, e.CompanyID, e.CandidateID)
		if err != nil {
			return err
		}
		row := companyPoolRow{ID: e.ID, Pseudonym: e.Pseudonym, Note: e.Note, When: pg.Date(e.CreatedAt), Status: string(e.Status),
			StatusLabel: s.t(c, "application.pool.status."+string(e.Status)), Revealed: !who.Anonymous, Removable: e.Status != application.PoolDeclined}
		row.Name = row.Pseudonym
		if row.Revealed {
			row.Name = who.Name
		}
		if row.Name == "" {
			row.Name = s.t(c, "apppages.candidate_unnamed")
		}
		d.Rows = append(d.Rows, row)
	}
	if number > 1 {
		d.PrevHref = "/company/pool?page=" + strconv.Itoa(number-1)
	}
	if number*page.Size < page.Total {
		d.NxtHref = "/company/pool?page=" + strconv.Itoa(number+1)
	}
	return s.render(c, "application_pool", s.t(c, "apppages.pool.title"), d)
}

func (s *Server) pageRemoveFromPool(c *fiber.Ctx) error {
	err := s.applications.RemoveFromPool(c.UserContext(), c.Params("id"))
	return s.done(c, err, "apppages.pool.removed", "/company/pool", "apppages.back_pool")
}

// addApplyActions gives each offer of the candidate's list its apply form
// or the status of the application; d.Results follow page.Results.
func (s *Server) addApplyActions(c *fiber.Ctx, d *matchesPage, page matching.OfferPage) error {
	ids := make([]string, 0, len(page.Results))
	for _, r := range page.Results {
		ids = append(ids, r.Offer.ID)
	}
	acts, err := s.applyActions(c, ids, c.OriginalURL())
	if err != nil || acts == nil {
		return err
	}
	for i, r := range page.Results {
		if a := acts[r.Offer.ID]; a != nil && i < len(d.Results) {
			a.OfferTitle, a.Closed = r.Offer.Title, r.Offer.Status != offer.StatusPublished
			d.Results[i].Apply = a
		}
	}
	return nil
}

// addInviteActions gives each anonymous candidate of an offer's list the
// invitation and pool forms; d.Results follow page.Results. A closed or
// draft offer invites nobody.
func (s *Server) addInviteActions(c *fiber.Ctx, d *matchesPage, page matching.CandidatePage) error {
	if page.Offer.Status != offer.StatusPublished {
		return nil
	}
	var pseudonyms []string
	for _, r := range page.Results {
		if r.Anonymous {
			pseudonyms = append(pseudonyms, r.Pseudonym)
		}
	}
	acts, err := s.inviteActions(c, page.Offer.ID, pseudonyms)
	if err != nil || acts == nil {
		return err
	}
	for i, r := range page.Results {
		if a := acts[r.Pseudonym]; a != nil && r.Anonymous && i < len(d.Results) {
			d.Results[i].Invite = a
		}
	}
	return nil
}

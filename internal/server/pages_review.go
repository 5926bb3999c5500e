package server

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/matching"
	"passerelle/internal/skill"
)

// The advisers' pages of the review: on the list of offers ranked for a
// caseload candidate (/candidates/:id/matches), each offer carries a form
// to endorse or set aside the match with a note, and one to apply for the
// candidate when they allowed it; on the candidate's profile
// (/candidates/:id/profile), each skill carries a form to validate it. The
// employer's list of candidates shows the endorsements. The lists and the
// profile are drawn by pages_match.go and pages_profile.go; this file adds
// its part to their data (reviewMatches, recommendationCards,
// withValidations) and answers the forms. A refused form draws the page
// again with the errors beside the form's fields (422), as the other forms
// of the product do.

func (s *Server) mountReviewPages(r fiber.Router) {
	adviser := requirePage(auth.RoleAdviser)
	r.Post("/candidates/:id/reviews", adviser, s.pageReviewPost)
	r.Post("/candidates/:id/applications", adviser, s.pageApplyForPost)
	r.Post("/candidates/:id/skills/validation", adviser, s.pageValidateSkillPost)
	r.Post("/candidates/:id/skills/validation/withdraw", adviser, s.pageWithdrawValidationPost)
}

// reviewFormLocal holds, while a refused form's page is drawn again, what
// the form said and what was wrong with it.
const reviewFormLocal = "review.form"

// reviewForm is a refused review, application or validation form: which
// one (Which), for which offer or skill (Target), what was typed and the
// errors by field ("form" for the form as a whole).
type reviewForm struct {
	Which  string
	Target string
	Values map[string]string
	Errors map[string]string
}

func (f *reviewForm) value(which, target, name string) string {
	if f == nil || f.Which != which || f.Target != target {
		return ""
	}
	return f.Values[name]
}

func (f *reviewForm) err(which, target, name string) string {
	if f == nil || f.Which != which || f.Target != target {
		return ""
	}
	return f.Errors[name]
}

func refusedForm(c *fiber.Ctx) *reviewForm {
	f, _ := c.Locals(reviewFormLocal).(*reviewForm)
	return f
}

// reviewCardView is the review part of one result of a list: for an
// adviser, the forms; for the offer's company, the recommendations.
type reviewCardView struct {
	T        func(key string, args ...any) string
	CSRF     string
	Slug     string // suffix of the element ids of this card
	OfferID  string
	Employer bool

	// The adviser's review.
	ReviewAction string
	Current      string // the organisation's decision so far, worded; empty without one
	CurrentNote  string
	Decisions    []reviewChoice
	Note         string
	DecisionErr  string
	NoteErr      string
	ReviewErr    string

	// Applying for the candidate.
	ApplyAction string
	Applied     string // the application already made, worded
	Blocked     string // why applying is not offered
	Message     string
	MessageErr  string
	ApplyErr    string

	// The offer's company reads the recommendations.
	Recommendations []recommendationView
}

type reviewChoice struct {
	Value, Label, ID string
	Checked          bool
}

type recommendationView struct {
	Organisation, Note, Date string
}

// matchesReturn is the list page a form goes back to: the same page of the
// list, and the form's card.
func matchesReturn(candidateID, offset, anchor string) string {
	u := "/candidates/" + url.PathEscape(candidateID) + "/matches"
	if n, err := strconv.Atoi(offset); err == nil && n > 0 && n < matching.MaxDepth {
		u += "?offset=" + strconv.Itoa(n)
	}
	return u + "#" + anchor
}

// reviewMatches adds to an adviser's list of offers for candidateID the
// organisation's reviews and, for each offer, the forms to review the
// match and to apply for the candidate.
func (s *Server) reviewMatches(c *fiber.Ctx, candidateID string, page matching.OfferPage, q matching.Query, d *matchesPage) error {
	w := s.applications
	ctx, u := c.UserContext(), userOf(c)
	reviews, err := w.Reviews(ctx, candidateID)
	if err != nil {
		return err
	}
	mine := map[string]application.Endorsement{}
	for _, e := range reviews {
		if e.OrgID == u.OrgID {
			if _, seen := mine[e.OfferID]; !seen { // newest first
				mine[e.OfferID] = e
			}
		}
	}
	st, err := w.Settings(ctx, candidateID)
	if err != nil {
		return err
	}
	applied := map[string]application.Application{}
	if st.AdviserMayApply {
		apps, err := w.ForCandidate(ctx, candidateID, application.PageRequest{Size: 100})
		if err != nil {
			return err
		}
		for _, a := range apps.Items {
			applied[a.OfferID] = a
		}
	}
	lang := langOf(c)
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	f := refusedForm(c)
	offset := ""
	if q.Offset > 0 {
		offset = "?offset=" + strconv.Itoa(q.Offset)
	}
	base := "/candidates/" + url.PathEscape(candidateID)
	for i, r := range page.Results {
		if i >= len(d.Results) {
			break
		}
		id := r.Offer.ID
		v := &reviewCardView{T: t, CSRF: s.csrfToken(c), Slug: id, OfferID: id,
			ReviewAction: base + "/reviews" + offset, ApplyAction: base + "/applications" + offset,
			Note: f.value("review", id, "note"), DecisionErr: f.err("review", id, "decision"),
			NoteErr: f.err("review", id, "note"), ReviewErr: f.err("review", id, "form"),
			Message: f.value("apply", id, "message"), MessageErr: f.err("apply", id, "message"), ApplyErr: f.err("apply", id, "form")}
		chosen := f.value("review", id, "decision")
		if e, ok := mine[id]; ok {
			v.Current = t("review.current", t("application.decision."+string(e.Decision)), dateIn(lang, e.At))
			v.CurrentNote = e.Note
			if f == nil || f.Target != id {
				chosen, v.Note = string(e.Decision), e.Note
			}
		}
		for _, dec := range []application.Decision{application.DecisionEndorsed, application.DecisionRejected} {
			v.Decisions = append(v.Decisions, reviewChoice{Value: string(dec), Label: t("review.decision." + string(dec)),
				ID: "f-decision-" + string(dec) + "-" + id, Checked: chosen == string(dec)})
		}
		switch a, ok := applied[id]; {
		case !st.AdviserMayApply:
			v.Blocked = t("review.apply.no_consent")
		case ok:
			v.Applied = t("review.apply.done", dateIn(lang, a.CreatedAt), t("application.status."+string(a.Status)))
		}
		d.Results[i].Review = v
	}
	var offers []string
	for _, r := range page.Results {
		offers = append(offers, r.Offer.ID)
	}
	for _, which := range []string{"review", "apply"} {
		if m := f.unmatched(which, offers); m != "" {
			d.Notices = append(d.Notices, m)
		}
	}
	// A form drawn again after a refusal answers at the form's address:
	// the list's own links must still lead to the list.
	if list := base + "/matches"; c.Path() != list {
		d.Prev = strings.Replace(d.Prev, c.Path(), list, 1)
		d.Next = strings.Replace(d.Next, c.Path(), list, 1)
	}
	return nil
}

// recommendationCards adds to the offer's company's list of candidates the
// advisers' recommendations.
func (s *Server) recommendationCards(c *fiber.Ctx, page matching.CandidatePage, d *matchesPage) {
	lang := langOf(c)
	names := s.orgNames(c)
	for i, r := range page.Results {
		if i >= len(d.Results) || len(r.Recommendations) == 0 {
			continue
		}
		v := &reviewCardView{T: func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }, Employer: true, Slug: strconv.Itoa(r.Rank)}
		for _, rec := range r.Recommendations {
			v.Recommendations = append(v.Recommendations, recommendationView{Organisation: names.name(rec.OrgID), Note: rec.Note, Date: dateIn(lang, rec.At)})
		}
		d.Results[i].Review = v
	}
}

// noTarget refuses a form that names no offer or skill: only a hand-made
// request sends one, since the pages fill that hidden field.
func noTarget() error {
	return passerelle.Invalid(passerelle.FieldError{Field: "target", Key: "review.form_incomplete"})
}

// unmatched is the error of a refused form that belongs to no part of the
// page (its offer or skill is not there), to show at the top.
func (f *reviewForm) unmatched(which string, targets []string) string {
	if f == nil || f.Which != which || slices.Contains(targets, f.Target) {
		return ""
	}
	for _, k := range []string{"form", "decision", "note", "message", "kind"} {
		if m := f.Errors[k]; m != "" {
			return m
		}
	}
	return ""
}

// refuse draws the page again with err on the form f, when err is the
// person's to fix (invalid input, a conflict, a refusal the page explains);
// other errors go to the error handler.
func (s *Server) refuse(c *fiber.Ctx, f *reviewForm, err error, draw fiber.Handler) error {
	var perr *passerelle.Error
	if !errors.As(err, &perr) {
		return err
	}
	status, ok := statusOf[perr.Code]
	if !ok || status >= 500 || status == fiber.StatusUnauthorized || perr.Code == passerelle.ENOTFOUND {
		return err
	}
	if perr.Code == passerelle.EFORBIDDEN && perr.Key != "error.application.no_consent" {
		return err
	}
	lang := langOf(c)
	f.Errors = map[string]string{}
	for _, fe := range perr.Fields {
		if _, known := f.Values[fe.Field]; !known {
			fe.Field = "form"
		}
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = s.fieldMessage(lang, fe)
		}
	}
	if len(perr.Fields) == 0 {
		key := perr.Key
		if key == "" {
			key = "error." + perr.Code
		}
		f.Errors["form"] = s.catalog.T(lang, key, perr.Args...)
	}
	c.Locals(reviewFormLocal, f)
	if err := draw(c); err != nil {
		return err
	}
	c.Status(status)
	return nil
}

func (s *Server) pageReviewPost(c *fiber.Ctx) error {
	w := s.applications
	id, offerID := c.Params("id"), strings.TrimSpace(c.FormValue("offerId"))
	f := &reviewForm{Which: "review", Target: offerID, Values: map[string]string{"decision": c.FormValue("decision"), "note": c.FormValue("note")}}
	if offerID == "" {
		return s.refuse(c, f, noTarget(), s.pageCandidateMatches)
	}
	e, err := w.Review(c.UserContext(), application.ReviewInput{CandidateID: id, OfferID: offerID,
		Decision: application.Decision(f.Values["decision"]), Note: f.Values["note"]})
	if err != nil {
		return s.refuse(c, f, err, s.pageCandidateMatches)
	}
	s.flash(c, "review.flash."+string(e.Decision))
	return c.Redirect(matchesReturn(id, c.Query("offset"), "review-"+offerID), fiber.StatusSeeOther)
}

func (s *Server) pageApplyForPost(c *fiber.Ctx) error {
	w := s.applications
	id, offerID := c.Params("id"), strings.TrimSpace(c.FormValue("offerId"))
	f := &reviewForm{Which: "apply", Target: offerID, Values: map[string]string{"message": c.FormValue("message")}}
	if offerID == "" {
		return s.refuse(c, f, noTarget(), s.pageCandidateMatches)
	}
	if _, err := w.Apply(c.UserContext(), application.ApplyInput{OfferID: offerID, CandidateID: id, Message: f.Values["message"]}); err != nil {
		return s.refuse(c, f, err, s.pageCandidateMatches)
	}
	s.flash(c, "review.flash.applied")
	return c.Redirect(matchesReturn(id, c.Query("offset"), "review-"+offerID), fiber.StatusSeeOther)
}

// ---- Skill validation on the profile ----

// skillValidationView is the validation part of a caseload candidate's
// profile, for their adviser: one form per skill.
type skillValidationView struct {
	T              func(key string, args ...any) string
	CSRF           string
	Action         string
	WithdrawAction string
	Skills         []skillValidationRow
	Err            string // a refused form that names no skill of the profile
}

type skillValidationRow struct {
	Code, Label, Level string
	Slug               string
	Status             string // how the skill stands: its evidence, or who validated it
	Validated          bool
	Withdrawable       bool // validated by the reader's organisation
	Kinds              []Option
	KindErr            string
	Err                string
}

// withValidations words who validated each skill of the profile
// ("validated by <organisation>") and, for an adviser of the caseload,
// adds the forms to validate them.
func (s *Server) withValidations(c *fiber.Ctx, t profileTarget, v profilePage) profilePage {
	lang := langOf(c)
	tr := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	names := s.orgNames(c)
	status := func(sk candidate.Skill) string {
		if sk.Evidence != skill.EvidenceAdviserValidated || sk.ValidatedBy == "" {
			return sk.Evidence.Label(lang)
		}
		out := tr("review.validated_by", names.name(sk.ValidatedBy))
		if sk.ValidationKind != "" && !sk.ValidatedAt.IsZero() {
			out += " " + tr("review.validated_how", tr("review.validation_kind."+string(sk.ValidationKind)), dateIn(lang, sk.ValidatedAt))
		}
		return out
	}
	for i, sk := range t.p.Skills {
		if i < len(v.Skills) {
			v.Skills[i].Evidence = status(sk)
		}
	}
	u := userOf(c)
	if u == nil || u.Role != auth.RoleAdviser || !slices.Contains(t.p.AdviserOrgs, u.OrgID) || len(t.p.Skills) == 0 {
		return v
	}
	f := refusedForm(c)
	base := "/candidates/" + url.PathEscape(t.p.ID) + "/skills/validation"
	view := &skillValidationView{T: tr, CSRF: s.csrfToken(c), Action: base, WithdrawAction: base + "/withdraw"}
	for i, sk := range t.p.Skills {
		code := string(sk.Code)
		row := skillValidationRow{Code: code, Label: s.skillLabel(sk.Code, sk.Label, lang), Level: sk.Level.Label(lang),
			Slug: strconv.Itoa(i), Status: status(sk), Validated: sk.Evidence == skill.EvidenceAdviserValidated,
			KindErr: f.err("validate", code, "kind"), Err: f.err("validate", code, "form")}
		row.Withdrawable = row.Validated && (sk.ValidatedBy == "" || sk.ValidatedBy == u.OrgID)
		chosen := f.value("validate", code, "kind")
		if chosen == "" {
			chosen = string(sk.ValidationKind)
		}
		row.Kinds = append(row.Kinds, Option{Value: "", Label: tr("review.validation_kind.choose")})
		for _, k := range candidate.ValidationKinds() {
			row.Kinds = append(row.Kinds, Option{Value: string(k), Label: tr("review.validation_kind." + string(k)), Selected: chosen == string(k)})
		}
		view.Skills = append(view.Skills, row)
	}
	var codes []string
	for _, sk := range t.p.Skills {
		codes = append(codes, string(sk.Code))
	}
	view.Err = f.unmatched("validate", codes)
	v.Validation = view
	return v
}

func (s *Server) pageValidateSkillPost(c *fiber.Ctx) error {
	sv := s.profiles
	id, code := c.Params("id"), strings.TrimSpace(c.FormValue("code"))
	f := &reviewForm{Which: "validate", Target: code, Values: map[string]string{"kind": c.FormValue("kind")}}
	if code == "" {
		return s.refuse(c, f, noTarget(), s.pageCandidateProfile)
	}
	if _, err := sv.ValidateSkill(c.UserContext(), id, skill.Code(code), candidate.ValidationKind(f.Values["kind"])); err != nil {
		return s.refuse(c, f, err, s.pageCandidateProfile)
	}
	s.flash(c, "review.flash.validated")
	return c.Redirect("/candidates/"+url.PathEscape(id)+"/profile#validation-title", fiber.StatusSeeOther)
}

func (s *Server) pageWithdrawValidationPost(c *fiber.Ctx) error {
	sv := s.profiles
	id, code := c.Params("id"), strings.TrimSpace(c.FormValue("code"))
	f := &reviewForm{Which: "validate", Target: code, Values: map[string]string{}}
	if code == "" {
		return s.refuse(c, f, noTarget(), s.pageCandidateProfile)
	}
	if _, err := sv.WithdrawSkillValidation(c.UserContext(), id, skill.Code(code)); err != nil {
		return s.refuse(c, f, err, s.pageCandidateProfile)
	}
	s.flash(c, "review.flash.withdrawn")
	return c.Redirect("/candidates/"+url.PathEscape(id)+"/profile#validation-title", fiber.StatusSeeOther)
}

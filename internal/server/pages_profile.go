package server

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// The profile pages: the candidate's own profile (/profile) and its form
// (/profile/edit), and the same pages for an adviser of the candidate's
// caseload (/candidates/:id/profile…). The form works without JavaScript:
// a fixed number of rows per list (blank rows are ignored), text inputs
// with datalists for skills, occupations and communes, resolved to codes
// on the server.

func (s *Server) mountProfilePages(r fiber.Router) {
	r.Get("/profile", requirePage(auth.RoleCandidate), s.pageMyProfile)
	r.Get("/profile/edit", requirePage(auth.RoleCandidate), s.pageMyProfileEdit)
	r.Post("/profile/edit", requirePage(auth.RoleCandidate), s.pageMyProfileEditPost)
	// Any signed-in user may ask; the profile service answers "not found" to
	// those who may not see the profile.
	r.Get("/candidates/:id/profile", requirePage(), s.pageCandidateProfile)
	r.Get("/candidates/:id/profile/edit", requirePage(), s.pageCandidateProfileEdit)
	r.Post("/candidates/:id/profile/edit", requirePage(), s.pageCandidateProfileEditPost)
}

// Rows the form offers without JavaScript: at least this many, and always a
// few blank ones beyond what the profile holds, up to the service's limits,
// so that saving the form never drops an entry.
const (
	profileFormSkills         = 10
	profileFormTrainings      = 3
	profileFormTrainingSkills = 4
	profileFormFormer         = 3
	profileFormLanguages      = 3
)

func profileRowCount(held, least, spare, most int) int {
	return max(least, min(held+spare, most))
}

// profileTarget is the profile a page is about and who looks at it.
type profileTarget struct {
	p    candidate.Profile
	self bool   // the candidate themself
	base string // "/profile" or "/candidates/<id>/profile"
}

func (s *Server) myProfile(c *fiber.Ctx) (profileTarget, error) {
	p, err := s.profiles.Mine(c.UserContext(), userOf(c).Name)
	if err != nil {
		return profileTarget{}, err
	}
	return profileTarget{p: p, self: true, base: "/profile"}, nil
}

func (s *Server) candidateProfile(c *fiber.Ctx) (profileTarget, error) {
	p, err := s.profiles.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return profileTarget{}, err
	}
	u := userOf(c)
	self := u.Role == auth.RoleCandidate && u.ID == p.ID
	if err := s.recordAccess(c, p.ID, profileReason(u.Role)); err != nil {
		return profileTarget{}, err
	}
	return profileTarget{p: p, self: self, base: "/candidates/" + p.ID + "/profile"}, nil
}

// profileMayEdit reports whether the reader may edit what they read: the service
// lets admins read profiles but not edit them.
func profileMayEdit(c *fiber.Ctx) bool { return userOf(c).Role != auth.RoleAdmin }

func profileReadOnly() error {
	return passerelle.Errorf(passerelle.EFORBIDDEN, "error.profile.read_only")
}

// ---- The readable profile ----

type profileSkillView struct {
	Label, Level, Evidence string
	Missing                bool
}

type profileTrainingView struct {
	Title, Provider, Status string
	Start, End              time.Time
	Skills                  []profileSkillView
}

type profileFormerView struct {
	Label, Code string
	Years       int
	Missing     bool
}

// profileAudienceView is one line of "who sees what".
type profileAudienceView struct{ Who, What string }

type profilePage struct {
	Self            bool
	DisplayName     string
	Headline        string
	EditHref        string // empty when the reader may not edit
	Empty           bool
	Skills          []profileSkillView
	Trainings       []profileTrainingView
	Former          []profileFormerView
	Place           string
	MobilityKm      int
	Remote          string
	Contracts       []string
	AvailableFrom   time.Time
	Languages       []string
	Visibility      string
	Consent         bool
	Audiences       []profileAudienceView
	EditedByAdviser bool
	UpdatedAt       time.Time
	Validation      *skillValidationView // an adviser's validation forms (pages_review.go)
}

func (s *Server) pageMyProfile(c *fiber.Ctx) error {
	t, err := s.myProfile(c)
	if err != nil {
		return err
	}
	return s.render(c, "profile", s.t(c, "profile.view.title"), s.withValidations(c, t, s.profileView(c, t)))
}

func (s *Server) pageCandidateProfile(c *fiber.Ctx) error {
	t, err := s.candidateProfile(c)
	if err != nil {
		return err
	}
	if t.self {
		return c.Redirect("/profile", fiber.StatusSeeOther)
	}
	return s.render(c, "profile", s.t(c, "profile.view.title_of", t.p.DisplayName), s.withValidations(c, t, s.profileView(c, t)))
}

func (s *Server) profileView(c *fiber.Ctx, t profileTarget) profilePage {
	lang := langOf(c)
	p := t.p
	v := profilePage{
		Self: t.self, DisplayName: p.DisplayName, Headline: p.Headline,
		Place: p.Place.Name, MobilityKm: p.MobilityKm, AvailableFrom: p.AvailableFrom,
		Consent: p.MatchingConsent, UpdatedAt: p.UpdatedAt,
		EditedByAdviser: p.LastEditedBy.Role == auth.RoleAdviser,
		Empty:           len(p.Skills)+len(p.Trainings)+len(p.FormerOccupations) == 0 && p.Place.IsZero() && p.Headline == "",
	}
	if p.Remote.Valid() {
		v.Remote = s.t(c, "profile.remote_pref."+string(p.Remote))
	}
	if p.Visibility.Valid() {
		v.Visibility = s.t(c, "profile.visibility_level."+string(p.Visibility))
	}
	if profileMayEdit(c) {
		v.EditHref = t.base + "/edit"
	}
	for _, sk := range p.Skills {
		v.Skills = append(v.Skills, profileSkillView{Label: s.skillLabel(sk.Code, sk.Label, lang), Level: sk.Level.Label(lang), Evidence: sk.Evidence.Label(lang), Missing: sk.Missing})
	}
	for _, tr := range p.Trainings {
		tv := profileTrainingView{Title: tr.Title, Provider: tr.Provider, Start: tr.Start, End: tr.End, Status: s.t(c, "profile.training_status."+string(tr.Status))}
		for _, r := range tr.Skills {
			tv.Skills = append(tv.Skills, profileSkillView{Label: s.skillLabel(r.Code, r.Label, lang), Missing: r.Missing})
		}
		v.Trainings = append(v.Trainings, tv)
	}
	for _, f := range p.FormerOccupations {
		v.Former = append(v.Former, profileFormerView{Label: f.Label, Code: string(f.Rome), Years: f.Years, Missing: f.Missing})
	}
	for _, ct := range p.Contracts {
		v.Contracts = append(v.Contracts, s.t(c, "profile.contract_type."+string(ct)))
	}
	for _, l := range p.Languages {
		v.Languages = append(v.Languages, profileLanguageName(l.Code, lang)+" — "+s.profileLanguageLevel(c, l.Level))
	}
	v.Audiences = s.profileAudiences(c, p, t.self)
	return v
}

// profileAudiences explains, for the profile's visibility and consent, what each
// kind of reader sees. It follows the service's access rules (the candidate
// and the caseload's advisers read everything) and the matching filters
// (employers see a profile only with consent and a visibility that allows it).
func (s *Server) profileAudiences(c *fiber.Ctx, p candidate.Profile, self bool) []profileAudienceView {
	you := "profile.who.you"
	if !self {
		you = "profile.who.candidate"
	}
	out := []profileAudienceView{
		{Who: s.t(c, you), What: s.t(c, "profile.who.you_see")},
		{Who: s.t(c, "profile.who.caseload", len(p.AdviserOrgs)), What: s.t(c, "profile.who.caseload_see")},
	}
	other := "profile.who.advisers_see"
	if p.Visibility == candidate.VisibilityHidden || !p.Visibility.Valid() {
		other = "profile.who.nothing"
	}
	out = append(out, profileAudienceView{Who: s.t(c, "profile.who.advisers"), What: s.t(c, other)})
	employers := "profile.who.nothing"
	switch {
	case p.Visibility != candidate.VisibilityAnonymous && p.Visibility != candidate.VisibilityVisible:
	case !p.MatchingConsent:
		employers = "profile.who.employers_no_consent"
	case p.Visibility == candidate.VisibilityAnonymous:
		employers = "profile.who.employers_anonymous"
	default:
		employers = "profile.who.employers_visible"
	}
	return append(out, profileAudienceView{Who: s.t(c, "profile.who.employers"), What: s.t(c, employers)})
}

// ---- The form ----

// Form input names. Each list row is named after the service's JSON path
// ("skills[2].level"), so that the service's field errors find their input
// once the row is known. Autocomplete inputs come in pairs, as the shared
// skill field draws them: the text the person typed, and a hidden input with
// the code chosen from the suggestions (the service's path names the code,
// and its error goes beside the text input).
const (
	profileSkillText  = "skills[%d].skill"
	profileSkillCode  = "skills[%d].code"
	profileTrainSkill = "trainings[%d].skills[%d]"
	profileTrainCode  = "trainings[%d].codes[%d]"
	profileFormerText = "formerOccupations[%d].occupation"
	profileFormerCode = "formerOccupations[%d].rome"
)

// Where the autocomplete script asks for suggestions.
const (
	profileSuggestSkills   = "/api/v1/skills/suggest"
	profileSuggestCommunes = "/api/v1/communes"
)

// profileChoiceView is one radio button or checkbox.
type profileChoiceView struct {
	Value, Label, Hint string
	Checked            bool
}

type profileSkillRow struct {
	Legend          string
	Skill           SkillFieldView
	Level, Evidence FieldView
}

type profileTrainingRow struct {
	Legend, SkillsLegend                string
	Title, Provider, Start, End, Status FieldView
	Skills                              []SkillFieldView
}

type profileFormerRow struct {
	Legend     string
	Occupation SkillFieldView
	Years      FieldView
}

type profileLanguageRow struct {
	Legend      string
	Code, Level FieldView
}

type profileEditPage struct {
	f          *Form
	Action     string
	CancelHref string
	// Reserved is set when an adviser edits: the candidate's own decisions
	// (name, visibility, consent) are shown, not offered for editing.
	Reserved          bool
	DisplayName       FieldView
	Headline          FieldView
	Skills            []profileSkillRow
	Trainings         []profileTrainingRow
	Former            []profileFormerRow
	Commune           SkillFieldView
	Mobility          FieldView
	Remote            []profileChoiceView
	Contracts         []profileChoiceView
	Available         FieldView
	Languages         []profileLanguageRow
	Visibility        []profileChoiceView
	Consent           bool
	VisibilityLabel   string
	SkillOptions      SkillDatalist
	OccupationOptions SkillDatalist
	CommuneOptions    SkillDatalist
}

func (p profileEditPage) form() *Form { return p.f }

// Error returns the error of a group without its own input (a list, a set
// of radio buttons), for the template.
func (p profileEditPage) Error(name string) string { return p.f.Errors[name] }

func (s *Server) pageMyProfileEdit(c *fiber.Ctx) error {
	t, err := s.myProfile(c)
	if err != nil {
		return err
	}
	return s.showProfileForm(c, t)
}

func (s *Server) pageCandidateProfileEdit(c *fiber.Ctx) error {
	t, err := s.candidateProfile(c)
	if err != nil {
		return err
	}
	if t.self {
		return c.Redirect("/profile/edit", fiber.StatusSeeOther)
	}
	if !profileMayEdit(c) {
		return profileReadOnly()
	}
	return s.showProfileForm(c, t)
}

func (s *Server) showProfileForm(c *fiber.Ctx, t profileTarget) error {
	f, rows := s.profileForm(c, t.p)
	return s.render(c, "profile_edit", s.profileEditTitle(c, t), s.profileEditView(c, f, rows, t.base))
}

func (s *Server) profileEditTitle(c *fiber.Ctx, t profileTarget) string {
	if t.self {
		return s.t(c, "profile.form.title")
	}
	return s.t(c, "profile.form.title_of", t.p.DisplayName)
}

func (s *Server) pageMyProfileEditPost(c *fiber.Ctx) error {
	t, err := s.myProfile(c)
	if err != nil {
		return err
	}
	return s.saveProfileForm(c, t)
}

func (s *Server) pageCandidateProfileEditPost(c *fiber.Ctx) error {
	t, err := s.candidateProfile(c)
	if err != nil {
		return err
	}
	if !profileMayEdit(c) {
		return profileReadOnly()
	}
	return s.saveProfileForm(c, t)
}

// saveProfileForm reads the submitted form and saves it in one Update. On
// any error the form comes back with every value as typed and each error
// beside its input; nothing is saved.
func (s *Server) saveProfileForm(c *fiber.Ctx, t profileTarget) error {
	sub := s.readProfileForm(c, t.p)
	err := sub.err()
	if err == nil {
		_, err = s.profiles.Update(c.UserContext(), t.p.ID, sub.in, sub.revision)
	}
	if err != nil {
		status, ferr := s.profileFormError(c, sub, err)
		if ferr != nil {
			return ferr
		}
		return s.renderStatus(c, status, "profile_edit", s.profileEditTitle(c, t), s.profileEditView(c, sub.f, sub.rows, t.base))
	}
	s.flash(c, "profile.form.saved")
	return c.Redirect(t.base, fiber.StatusSeeOther)
}

// profileFormError puts err on the form and returns the status to answer.
// Refusals of the whole page (not found, forbidden) and server errors go to
// the error handler instead.
func (s *Server) profileFormError(c *fiber.Ctx, sub *profileSubmission, err error) (int, error) {
	var perr *passerelle.Error
	if !errors.As(err, &perr) {
		return 0, err
	}
	status, ok := statusOf[perr.Code]
	if !ok || status >= 500 || status == fiber.StatusNotFound || status == fiber.StatusForbidden || status == fiber.StatusUnauthorized {
		return 0, err
	}
	lang := langOf(c)
	for _, fe := range perr.Fields {
		fe.Field = sub.formField(fe.Field)
		s.addFieldError(lang, sub.f, fe)
	}
	if len(perr.Fields) == 0 {
		sub.f.General = s.catalog.T(lang, cmp.Or(perr.Key, "error."+perr.Code), perr.Args...)
	}
	return status, nil
}

// profileRows is how many rows of each list the form shows.
type profileRows struct {
	Skills, Trainings, Former, Languages int
	TrainingSkills                       []int // per training row
}

func newProfileRows(trainings int) profileRows {
	r := profileRows{Trainings: trainings, TrainingSkills: make([]int, trainings)}
	for i := range r.TrainingSkills {
		r.TrainingSkills[i] = profileFormTrainingSkills
	}
	return r
}

// profileForm fills the form with the stored profile.
func (s *Server) profileForm(c *fiber.Ctx, p candidate.Profile) (*Form, profileRows) {
	lang := langOf(c)
	v := map[string]string{
		"revision":      strconv.FormatInt(p.Revision, 10),
		"displayName":   p.DisplayName,
		"headline":      p.Headline,
		"commune":       s.profileCommuneText(p.Place),
		"communeId":     p.Place.CommuneID,
		"mobilityKm":    strconv.Itoa(p.MobilityKm),
		"remote":        string(p.Remote),
		"availableFrom": formatDay(p.AvailableFrom),
		"visibility":    string(p.Visibility),
	}
	if p.MatchingConsent {
		v["matchingConsent"] = "yes"
	}
	for _, ct := range p.Contracts {
		v["contracts."+string(ct)] = "on"
	}
	for i, sk := range p.Skills {
		v[fmt.Sprintf(profileSkillText, i)] = s.skillLabel(sk.Code, sk.Label, lang)
		v[fmt.Sprintf(profileSkillCode, i)] = string(sk.Code)
		v[fmt.Sprintf("skills[%d].level", i)] = strconv.Itoa(int(sk.Level))
		v[fmt.Sprintf("skills[%d].evidence", i)] = string(sk.Evidence)
	}
	rows := newProfileRows(profileRowCount(len(p.Trainings), profileFormTrainings, 1, candidate.MaxTrainings))
	rows.Skills = profileRowCount(len(p.Skills), profileFormSkills, 3, candidate.MaxSkills)
	rows.Former = profileRowCount(len(p.FormerOccupations), profileFormFormer, 1, candidate.MaxFormerOccupations)
	rows.Languages = profileRowCount(len(p.Languages), profileFormLanguages, 1, candidate.MaxLanguages)
	for i, tr := range p.Trainings {
		f := fmt.Sprintf("trainings[%d].", i)
		v[f+"title"], v[f+"provider"], v[f+"status"] = tr.Title, tr.Provider, string(tr.Status)
		v[f+"start"], v[f+"end"] = formatDay(tr.Start), formatDay(tr.End)
		for j, r := range tr.Skills {
			v[fmt.Sprintf(profileTrainSkill, i, j)] = s.skillLabel(r.Code, r.Label, lang)
			v[fmt.Sprintf(profileTrainCode, i, j)] = string(r.Code)
		}
		rows.TrainingSkills[i] = profileRowCount(len(tr.Skills), profileFormTrainingSkills, 1, candidate.MaxTrainingSkills)
	}
	for i, fo := range p.FormerOccupations {
		v[fmt.Sprintf(profileFormerText, i)] = profileOccupationText(fo.Label, fo.Rome)
		v[fmt.Sprintf(profileFormerCode, i)] = string(fo.Rome)
		v[fmt.Sprintf("formerOccupations[%d].years", i)] = strconv.Itoa(fo.Years)
	}
	for i, l := range p.Languages {
		f := fmt.Sprintf("languages[%d].", i)
		v[f+"code"], v[f+"level"] = l.Code, string(l.Level)
	}
	return &Form{Values: v}, rows
}

// profileSubmission is a submitted profile form: what was typed, the input
// it makes, and where each entry of the input's lists came from, so that the
// service's errors ("skills[1].code") land beside the row the person filled
// (blank rows are skipped, so list positions and rows differ).
type profileSubmission struct {
	f        *Form
	rows     profileRows
	in       candidate.ProfileInput
	revision int64
	parse    []passerelle.FieldError // errors found before asking the service

	skillRow, trainingRow, formerRow, languageRow []int
	trainingSkillRow                              [][]int
}

func (sub *profileSubmission) err() error {
	if len(sub.parse) == 0 {
		return nil
	}
	return passerelle.Invalid(sub.parse...)
}

var (
	profileListField     = regexp.MustCompile(`^(skills|trainings|formerOccupations|languages)\[(\d+)\](.*)$`)
	profileTrainingSkill = regexp.MustCompile(`^\.skills\[(\d+)\]$`)
)

// formField turns a field of the service's input into the name of the form
// input that shows it.
func (sub *profileSubmission) formField(field string) string {
	switch {
	case field == "communeId":
		return "commune"
	case strings.HasPrefix(field, "contracts["):
		return "contracts"
	}
	m := profileListField.FindStringSubmatch(field)
	if m == nil {
		return field
	}
	i, _ := strconv.Atoi(m[2])
	rowOf := map[string][]int{"skills": sub.skillRow, "trainings": sub.trainingRow, "formerOccupations": sub.formerRow, "languages": sub.languageRow}[m[1]]
	if i >= len(rowOf) {
		return m[1]
	}
	row, rest := rowOf[i], m[3]
	switch {
	case m[1] == "skills" && rest == ".code":
		return fmt.Sprintf(profileSkillText, row)
	case m[1] == "formerOccupations" && rest == ".rome":
		return fmt.Sprintf(profileFormerText, row)
	case m[1] == "trainings":
		if sm := profileTrainingSkill.FindStringSubmatch(rest); sm != nil {
			if j, _ := strconv.Atoi(sm[1]); j < len(sub.trainingSkillRow[i]) {
				return fmt.Sprintf(profileTrainSkill, row, sub.trainingSkillRow[i][j])
			}
		}
	}
	return fmt.Sprintf("%s[%d]%s", m[1], row, rest)
}

// readProfileForm reads the submitted form against the stored profile cur.
func (s *Server) readProfileForm(c *fiber.Ctx, cur candidate.Profile) *profileSubmission {
	args := c.Request().PostArgs()
	sub := &profileSubmission{f: &Form{Values: map[string]string{}}}
	val := func(name string) string {
		v := c.FormValue(name)
		sub.f.Values[name] = v
		return strings.TrimSpace(v)
	}
	// rows counts the rows of a list the form sent, by their first input.
	rows := func(format string, limit int, prefix ...any) int {
		n := 0
		for n < limit && args.Has(fmt.Sprintf(format, append(prefix, n)...)) {
			n++
		}
		return n
	}
	number := func(name string) int {
		v := val(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			sub.parse = append(sub.parse, passerelle.FieldError{Field: name, Key: "profile.form.number"})
		}
		return n
	}
	day := func(name string) time.Time {
		v := val(name)
		if v == "" {
			return time.Time{}
		}
		d, err := time.Parse(profileDateLayout, v)
		if err != nil {
			sub.parse = append(sub.parse, passerelle.FieldError{Field: name, Key: "profile.form.date"})
		}
		return d
	}
	// skillCode resolves a skill input and keeps the code in the form, so
	// that the form shown again still knows it.
	known := s.profileKnownSkills(cur)
	skillCode := func(textName, codeName string) skill.Code {
		c := s.resolveProfileSkill(val(textName), val(codeName), known)
		sub.f.Values[codeName] = string(c)
		if c.Validate() != nil {
			sub.f.Values[codeName] = ""
		}
		return c
	}
	in := &sub.in

	sub.revision, _ = strconv.ParseInt(val("revision"), 10, 64)
	in.DisplayName = val("displayName")
	in.Headline = val("headline")

	nTrainings := rows("trainings[%d].title", candidate.MaxTrainings)
	sub.rows = newProfileRows(max(nTrainings, profileFormTrainings))

	n := rows(profileSkillText, candidate.MaxSkills)
	sub.rows.Skills = max(n, profileFormSkills)
	for i := range n {
		level, evidence := val(fmt.Sprintf("skills[%d].level", i)), val(fmt.Sprintf("skills[%d].evidence", i))
		code := skillCode(fmt.Sprintf(profileSkillText, i), fmt.Sprintf(profileSkillCode, i))
		if code == "" && level == "" {
			continue // a blank row
		}
		lv, _ := strconv.Atoi(level)
		in.Skills = append(in.Skills, candidate.SkillInput{Code: code, Level: skill.Level(lv), Evidence: skill.Evidence(evidence)})
		sub.skillRow = append(sub.skillRow, i)
	}

	for i := range nTrainings {
		f := fmt.Sprintf("trainings[%d].", i)
		t := candidate.TrainingInput{Title: val(f + "title"), Provider: val(f + "provider"), Start: day(f + "start"), End: day(f + "end"), Status: candidate.TrainingStatus(val(f + "status"))}
		blank := t.Title == "" && t.Provider == "" && sub.f.Values[f+"start"] == "" && sub.f.Values[f+"end"] == "" && t.Status == ""
		m := rows(profileTrainSkill, candidate.MaxTrainingSkills, i)
		sub.rows.TrainingSkills[i] = max(m, profileFormTrainingSkills)
		var skillRows []int
		for j := range m {
			if code := skillCode(fmt.Sprintf(profileTrainSkill, i, j), fmt.Sprintf(profileTrainCode, i, j)); code != "" {
				t.Skills = append(t.Skills, code)
				skillRows = append(skillRows, j)
			}
		}
		if blank && len(t.Skills) == 0 {
			continue
		}
		in.Trainings = append(in.Trainings, t)
		sub.trainingRow = append(sub.trainingRow, i)
		sub.trainingSkillRow = append(sub.trainingSkillRow, skillRows)
	}

	n = rows(profileFormerText, candidate.MaxFormerOccupations)
	sub.rows.Former = max(n, profileFormFormer)
	for i := range n {
		text, code := fmt.Sprintf(profileFormerText, i), fmt.Sprintf(profileFormerCode, i)
		years := number(fmt.Sprintf("formerOccupations[%d].years", i))
		rome := s.resolveProfileOccupation(val(text), val(code), cur)
		sub.f.Values[code] = string(rome)
		if rome.Validate() != nil {
			sub.f.Values[code] = ""
		}
		if rome == "" && sub.f.Values[fmt.Sprintf("formerOccupations[%d].years", i)] == "" {
			continue
		}
		in.FormerOccupations = append(in.FormerOccupations, candidate.FormerOccupationInput{Rome: rome, Years: years})
		sub.formerRow = append(sub.formerRow, i)
	}

	in.CommuneID = s.resolveProfileCommune(val("commune"), val("communeId"))
	sub.f.Values["communeId"] = ""
	if _, ok := s.places.ByID(in.CommuneID); ok {
		sub.f.Values["communeId"] = in.CommuneID
	}
	in.MobilityKm = number("mobilityKm")
	in.Remote = candidate.RemotePreference(val("remote"))
	for _, b := range args.PeekMulti("contracts") {
		ct := contract.Type(b)
		in.Contracts = append(in.Contracts, ct)
		sub.f.Values["contracts."+string(ct)] = "on"
	}
	in.AvailableFrom = day("availableFrom")

	n = rows("languages[%d].code", candidate.MaxLanguages)
	sub.rows.Languages = max(n, profileFormLanguages)
	for i := range n {
		f := fmt.Sprintf("languages[%d].", i)
		code, level := val(f+"code"), val(f+"level")
		if code == "" && level == "" {
			continue
		}
		in.Languages = append(in.Languages, candidate.Language{Code: code, Level: candidate.LanguageLevel(level)})
		sub.languageRow = append(sub.languageRow, i)
	}

	in.Visibility = candidate.Visibility(val("visibility"))
	in.MatchingConsent = val("matchingConsent") == "yes"
	if userOf(c).Role == auth.RoleAdviser {
		// The candidate's own decisions are not in an adviser's form: keep
		// them as stored (the service refuses any change from an adviser).
		in.DisplayName, in.Visibility, in.MatchingConsent = cur.DisplayName, cur.Visibility, cur.MatchingConsent
		sub.f.Values["displayName"], sub.f.Values["visibility"], sub.f.Values["matchingConsent"] = cur.DisplayName, string(cur.Visibility), ""
		if cur.MatchingConsent {
			sub.f.Values["matchingConsent"] = "yes"
		}
	}
	return sub
}

// profileKnownSkills maps the codes and folded labels of the skills a
// profile already holds to their codes, so that saving the form unchanged
// keeps every code, even one the taxonomy has since dropped (shown under its
// old label, which the taxonomy cannot resolve any more).
func (s *Server) profileKnownSkills(p candidate.Profile) map[string]skill.Code {
	m := map[string]skill.Code{}
	add := func(c skill.Code, snapshot string) {
		labels := []string{snapshot}
		for _, lang := range []string{skill.LangFR, skill.LangEN} {
			if l, ok := s.taxonomy.Label(c, lang); ok {
				labels = append(labels, l)
			}
		}
		for _, l := range labels {
			if k := skill.Normalize(l); k != "" {
				if _, taken := m[k]; !taken {
					m[k] = c
				}
			}
		}
	}
	for _, sk := range p.Skills {
		add(sk.Code, sk.Label)
	}
	for _, t := range p.Trainings {
		for _, r := range t.Skills {
			add(r.Code, r.Label)
		}
	}
	return m
}

// resolveProfileSkill turns a skill input into a code: the code chosen from
// the suggestions while the text still names it, a skill the profile holds,
// or what the text names (a label in either language, an alias such as
// "golang", a code). Text that names no skill is passed on as typed: the
// service rejects it with a suggestion, shown beside the input.
func (s *Server) resolveProfileSkill(text, code string, known map[string]skill.Code) skill.Code {
	if text == "" {
		return ""
	}
	k := skill.Normalize(text)
	if c := skill.Code(code); c != "" && known[k] == c {
		return c
	}
	if c := skill.Code(code); c.Validate() == nil {
		for _, lang := range []string{skill.LangFR, skill.LangEN} {
			if l, ok := s.taxonomy.Label(c, lang); ok && skill.Normalize(l) == k {
				return c
			}
		}
	}
	if c, ok := known[k]; ok {
		return c
	}
	if c, err := skill.ParseCode(text); err == nil {
		return c
	}
	if c, ok := s.taxonomy.Resolve(text); ok {
		return c
	}
	return skill.Code(text)
}

// profileRomeInText finds the ROME code of "Label (M1805)" or a bare "M1805".
var profileRomeInText = regexp.MustCompile(`(?i)(?:^|\()\s*([a-n][0-9]{4})\s*\)?$`)

func profileOccupationText(label string, r skill.RomeCode) string {
	if label == "" {
		return string(r)
	}
	return label + " (" + string(r) + ")"
}

// resolveProfileOccupation turns an occupation input ("Label (M1805)", a
// code, an occupation or a job title) into a ROME code; unknown text goes to
// the service as typed, which answers with a suggestion when it has one.
func (s *Server) resolveProfileOccupation(text, code string, cur candidate.Profile) skill.RomeCode {
	if text == "" {
		return ""
	}
	if r := skill.RomeCode(code); r != "" {
		for _, f := range cur.FormerOccupations {
			if f.Rome == r && skill.Normalize(text) == skill.Normalize(profileOccupationText(f.Label, f.Rome)) {
				return r
			}
		}
		if got, ok := s.taxonomy.ResolveOccupation(text); ok && got == r {
			return r
		}
	}
	if m := profileRomeInText.FindStringSubmatch(text); m != nil {
		return skill.RomeCode(strings.ToUpper(m[1]))
	}
	if r, ok := s.taxonomy.ResolveOccupation(text); ok {
		return r
	}
	return skill.RomeCode(text)
}

// profileCommuneLabel is how the form writes a commune: its name and
// département, enough to tell apart the communes that share a name.
func profileCommuneLabel(c place.Commune) string { return c.Name + " (" + c.Department + ")" }

func (s *Server) profileCommuneText(p candidate.Place) string {
	if p.IsZero() {
		return ""
	}
	if c, ok := s.places.ByID(p.CommuneID); ok {
		return profileCommuneLabel(c)
	}
	return p.Name
}

// profileCommuneQualified splits "Nantes (44)" or "Nantes (44000)" into the
// name and the département or postal code.
var profileCommuneQualified = regexp.MustCompile(`^(.*?)\s*\(\s*([0-9][0-9AB][0-9]{0,3})\s*\)$`)

// resolveProfileCommune turns a commune input (the id chosen from the
// suggestions, an id, a name, or a name with its département or postal
// code) into a commune id. A name that is not one commune's goes to the
// service as typed, which rejects it.
func (s *Server) resolveProfileCommune(text, id string) string {
	if text == "" {
		return ""
	}
	if c, ok := s.places.ByID(id); ok && (skill.Normalize(text) == skill.Normalize(c.Name) || text == profileCommuneLabel(c)) {
		return c.ID
	}
	if c, ok := s.places.ByID(text); ok {
		return c.ID
	}
	name, qual := text, ""
	if m := profileCommuneQualified.FindStringSubmatch(text); m != nil {
		name, qual = m[1], strings.ToUpper(m[2])
	}
	// Names compare folded, as skill labels do: case, accents and
	// punctuation aside ("saint herblain" is Saint-Herblain).
	key := skill.Normalize(name)
	var found []place.Commune
	for _, c := range s.places.Search(name, place.MaxSearchLimit) {
		if skill.Normalize(c.Name) == key && (qual == "" || c.Department == qual || slices.Contains(c.PostalCodes, qual)) {
			found = append(found, c)
		}
	}
	if len(found) == 1 {
		return found[0].ID
	}
	return text
}

// profileLanguageName is a language's name in lang ("Anglais", "English"),
// or the code when the code names no language.
func profileLanguageName(code, lang string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	dict := display.French
	if lang == "en" {
		dict = display.English
	}
	name := dict.Languages().Name(tag)
	if name == "" {
		return code
	}
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[n:]
}

// profileLanguageChoices are the languages the form offers: French, English
// and the languages most spoken in France besides them. The API accepts any
// ISO 639 code; a profile holding another one shows it as an extra choice.
var profileLanguageChoices = []string{"fr", "en", "es", "de", "it", "pt", "ar", "ber", "kab", "tr", "ru", "uk", "pl", "ro", "nl",
	"zh", "vi", "ja", "ko", "hi", "ta", "bn", "ur", "fa", "ps", "wo", "bm", "ff", "ln", "sw", "am", "ti", "so", "hy", "ka", "sq", "sr", "el", "br", "oc"}

func (s *Server) profileLanguageLevel(c *fiber.Ctx, l candidate.LanguageLevel) string {
	return s.t(c, "profile.form.cefr."+strings.ToLower(string(l)))
}

// profileDatalists returns the suggestions of the form's autocomplete inputs
// when JavaScript does not run, in lang: the technology tags, the ROME
// occupations, and the communes of Nantes Métropole (the directory may hold
// all of France, too many for a list). Anything else can still be typed:
// the server resolves it.
func (s *Server) profileDatalists(lang string) (tags, occupations, communes SkillDatalist) {
	tags.ID, occupations.ID, communes.ID = "profile-skill-options", "profile-occupation-options", "profile-commune-options"
	for _, t := range s.taxonomy.Tags().All() {
		tags.Options = append(tags.Options, SkillFieldOption{Value: t.Label(lang), Code: string(t.Code())})
	}
	slices.SortFunc(tags.Options, func(a, b SkillFieldOption) int {
		return strings.Compare(skill.Normalize(a.Value), skill.Normalize(b.Value))
	})
	for _, o := range s.taxonomy.Occupations() {
		occupations.Options = append(occupations.Options, SkillFieldOption{Value: profileOccupationText(o.Label, o.Code), Code: string(o.Code)})
	}
	communes.Options = profileBuiltinCommunes()
	return tags, occupations, communes
}

var profileBuiltinCommunes = sync.OnceValue(func() []SkillFieldOption {
	var out []SkillFieldOption
	for _, c := range place.Builtin().All() {
		out = append(out, SkillFieldOption{Value: profileCommuneLabel(c), Code: c.ID})
	}
	slices.SortFunc(out, func(a, b SkillFieldOption) int {
		return strings.Compare(skill.Normalize(a.Value), skill.Normalize(b.Value))
	})
	return out
})

// profileEditView builds the form's fields from the form's values and
// errors, once both are final.
func (s *Server) profileEditView(c *fiber.Ctx, f *Form, rows profileRows, base string) profileEditPage {
	lang := langOf(c)
	tr := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	reserved := userOf(c).Role == auth.RoleAdviser
	field := func(name, labelKey, typ string) FieldView {
		return FieldView{Name: name, Label: tr(labelKey), Type: typ, Value: f.Values[name], Error: f.Errors[name], ErrorPrefix: tr("form.error_prefix")}
	}
	hinted := func(fv FieldView, hintKey string) FieldView {
		fv.Hint = tr(hintKey)
		return fv
	}
	selectField := func(name, labelKey string, opts []Option) FieldView {
		fv := field(name, labelKey, "select")
		fv.Options = append([]Option{{Value: "", Label: tr("profile.form.choose")}}, opts...)
		for i := range fv.Options {
			fv.Options[i].Selected = fv.Options[i].Value == fv.Value
		}
		return fv
	}
	tags, occupations, communes := s.profileDatalists(lang)
	autocomplete := func(name, codeName, labelKey, hintKey, source, kinds string, list SkillDatalist) SkillFieldView {
		af := SkillFieldView{Name: name, CodeName: codeName, Label: tr(labelKey), Value: f.Values[name], Code: f.Values[codeName],
			Error: f.Errors[name], ErrorPrefix: tr("form.error_prefix"), Source: source, Kinds: kinds, ListID: list.ID}
		if hintKey != "" {
			af.Hint = tr(hintKey)
		}
		af.StatusMany, af.StatusNone = tr("skillfield.status_many"), tr("skillfield.status_none")
		return af
	}
	p := profileEditPage{
		f: f, Action: base + "/edit", CancelHref: base, Reserved: reserved,
		DisplayName:       hinted(field("displayName", "profile.form.display_name", "text"), "profile.form.display_name_hint"),
		Headline:          hinted(field("headline", "profile.form.headline", "text"), "profile.form.headline_hint"),
		Commune:           autocomplete("commune", "communeId", "profile.form.commune", "profile.form.commune_hint", profileSuggestCommunes, "", communes),
		Mobility:          hinted(field("mobilityKm", "profile.form.mobility", "number"), "profile.form.mobility_hint"),
		Available:         hinted(field("availableFrom", "profile.form.available", "date"), "profile.form.available_hint"),
		Consent:           f.Values["matchingConsent"] == "yes",
		SkillOptions:      tags,
		OccupationOptions: occupations,
		CommuneOptions:    communes,
	}
	p.DisplayName.Autocomplete = "name"
	if v := candidate.Visibility(f.Values["visibility"]); v.Valid() {
		p.VisibilityLabel = tr("profile.visibility_level." + string(v))
	}

	var levels, statuses, langLevels, langs []Option
	for _, l := range skill.Levels() {
		levels = append(levels, Option{Value: strconv.Itoa(int(l)), Label: l.Label(lang)})
	}
	for _, st := range candidate.TrainingStatuses() {
		statuses = append(statuses, Option{Value: string(st), Label: tr("profile.training_status." + string(st))})
	}
	for _, l := range candidate.LanguageLevels() {
		langLevels = append(langLevels, Option{Value: string(l), Label: tr("profile.form.cefr." + strings.ToLower(string(l)))})
	}
	for _, code := range profileLanguageChoices {
		langs = append(langs, Option{Value: code, Label: profileLanguageName(code, lang)})
	}
	slices.SortFunc(langs, func(a, b Option) int { return strings.Compare(skill.Normalize(a.Label), skill.Normalize(b.Label)) })

	for i := range rows.Skills {
		name := fmt.Sprintf("skills[%d].", i)
		// Only an adviser validates a skill; a validation already given
		// stays offered so that saving keeps it.
		evidence := field(name+"evidence", "profile.form.evidence", "select")
		current := cmp.Or(evidence.Value, string(skill.EvidenceDeclared))
		for _, e := range skill.Evidences() {
			if e == skill.EvidenceAdviserValidated && !reserved && current != string(e) {
				continue
			}
			evidence.Options = append(evidence.Options, Option{Value: string(e), Label: e.Label(lang), Selected: current == string(e)})
		}
		p.Skills = append(p.Skills, profileSkillRow{
			Legend:   tr("profile.form.skill_n", i+1),
			Skill:    autocomplete(fmt.Sprintf(profileSkillText, i), fmt.Sprintf(profileSkillCode, i), "profile.form.skill", "", profileSuggestSkills, "tag,knowledge,skill", tags),
			Level:    selectField(name+"level", "profile.form.level", levels),
			Evidence: evidence,
		})
	}
	for i := range rows.Trainings {
		name := fmt.Sprintf("trainings[%d].", i)
		row := profileTrainingRow{
			Legend:       tr("profile.form.training_n", i+1),
			SkillsLegend: tr("profile.form.training_skills"),
			Title:        field(name+"title", "profile.form.training_title", "text"),
			Provider:     field(name+"provider", "profile.form.provider", "text"),
			Start:        field(name+"start", "profile.form.start", "date"),
			End:          field(name+"end", "profile.form.end", "date"),
			Status:       selectField(name+"status", "profile.form.status", statuses),
		}
		for j := range rows.TrainingSkills[i] {
			af := autocomplete(fmt.Sprintf(profileTrainSkill, i, j), fmt.Sprintf(profileTrainCode, i, j), "profile.form.skill", "", profileSuggestSkills, "tag,knowledge,skill", tags)
			af.Label = tr("profile.form.training_skill_n", j+1)
			row.Skills = append(row.Skills, af)
		}
		p.Trainings = append(p.Trainings, row)
	}
	for i := range rows.Former {
		p.Former = append(p.Former, profileFormerRow{
			Legend: tr("profile.form.former_n", i+1),
			Occupation: autocomplete(fmt.Sprintf(profileFormerText, i), fmt.Sprintf(profileFormerCode, i), "profile.form.occupation", "profile.form.occupation_hint",
				profileSuggestSkills, "occupation,appellation", occupations),
			Years: field(fmt.Sprintf("formerOccupations[%d].years", i), "profile.form.years", "number"),
		})
	}
	for i := range rows.Languages {
		name := fmt.Sprintf("languages[%d].", i)
		opts := langs
		if code := f.Values[name+"code"]; code != "" && !slices.Contains(profileLanguageChoices, code) {
			opts = append(slices.Clone(langs), Option{Value: code, Label: profileLanguageName(code, lang)})
		}
		p.Languages = append(p.Languages, profileLanguageRow{
			Legend: tr("profile.form.language_n", i+1),
			Code:   selectField(name+"code", "profile.form.language", opts),
			Level:  selectField(name+"level", "profile.form.language_level", langLevels),
		})
	}
	for _, r := range candidate.RemotePreferences() {
		p.Remote = append(p.Remote, profileChoiceView{Value: string(r), Label: tr("profile.remote_pref." + string(r)), Checked: f.Values["remote"] == string(r)})
	}
	for _, ct := range contract.All() {
		p.Contracts = append(p.Contracts, profileChoiceView{Value: string(ct), Label: tr("profile.contract_type." + string(ct)), Checked: f.Values["contracts."+string(ct)] == "on"})
	}
	for _, v := range candidate.Visibilities() {
		p.Visibility = append(p.Visibility, profileChoiceView{Value: string(v), Label: tr("profile.visibility_level." + string(v)),
			Hint: tr("profile.form.visibility_help." + string(v)), Checked: f.Values["visibility"] == string(v)})
	}
	return p
}

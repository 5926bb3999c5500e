package offer

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/skill"
)

// OfferInput is the editable content of an offer. The company, author,
// status and dates are the service's business, so that no request sets them.
type OfferInput struct {
	Title                string
	Rome                 skill.RomeCode
	Description          string
	Skills               []SkillInput
	Contract             contract.Type
	CommuneID            string
	Remote               RemotePolicy
	Salary               Salary
	StartDate            time.Time
	OpenToCareerChangers bool
}

// SkillInput is one skill an offer asks for.
type SkillInput struct {
	Code      skill.Code
	MinLevel  skill.Level
	MustHave  bool
	Learnable bool
}

// CompanyInput is the editable content of a company page.
type CompanyInput struct {
	Name        string
	SIREN       string
	Sector      string
	Size        CompanySize
	City        string
	Description string
	Website     string
}

// fieldErrors collects every broken rule of an input, so that a form shows
// them all at once.
type fieldErrors []passerelle.FieldError

func (f *fieldErrors) add(field, key string, param ...string) {
	fe := passerelle.FieldError{Field: field, Key: key}
	if len(param) > 0 {
		fe.Param = param[0]
	}
	*f = append(*f, fe)
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return passerelle.Invalid(f...)
}

// text checks free text: valid UTF-8, no control characters (multi-line
// text keeps line breaks and tabs), at most maxRunes once trimmed. prefix
// names the catalogue ("offer" or "company").
func text(errs *fieldErrors, prefix, field, s string, maxRunes int, multiline bool) string {
	s = strings.TrimSpace(s)
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t'))
	}) {
		errs.add(field, prefix+".text.invalid")
		return s
	}
	if utf8.RuneCountInString(s) > maxRunes {
		errs.add(field, prefix+".text.too_long", strconv.Itoa(maxRunes))
	}
	return s
}

// date keeps the calendar date of t as midnight UTC.
func date(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// suggest returns what an unknown skill code probably meant, as
// "Label (code)", or "" when nothing is close (see candidate's twin).
func suggest(tax Taxonomy, typed string) string {
	t := strings.TrimSpace(typed)
	if c, ok := tax.Resolve(strings.TrimPrefix(t, skill.TagPrefix)); ok {
		l, _ := tax.Label(c, skill.LangFR)
		return l + " (" + string(c) + ")"
	}
	if s := tax.DidYouMean(t, skill.LangFR, 1); len(s) > 0 {
		return s[0].Label + " (" + string(s[0].Code) + ")"
	}
	return ""
}

// validate checks in and returns the offer content it describes, built on
// cur (the stored offer, or a new one).
func (s *Service) validate(in OfferInput, cur Offer, now time.Time) (Offer, error) {
	var errs fieldErrors
	o := cur

	o.Title = text(&errs, "offer", "title", in.Title, MaxTitleRunes, false)
	if n := utf8.RuneCountInString(o.Title); n < MinTitleRunes {
		errs.add("title", "offer.title.too_short", strconv.Itoa(MinTitleRunes))
	}
	o.Description = text(&errs, "offer", "description", in.Description, MaxDescriptionRunes, true)

	// Occupation: a code the taxonomy lost since the offer was written stays
	// valid with its label (flagged), so that an import never locks an offer.
	rome := skill.RomeCode(strings.ToUpper(strings.TrimSpace(string(in.Rome))))
	occ, known := s.tax.Occupation(rome)
	switch {
	case rome == "":
		errs.add("rome", "offer.rome.required")
	case known:
		o.Rome, o.RomeLabel, o.RomeMissing = rome, occ.Label, false
	case rome == cur.Rome && cur.Rome != "":
		o.RomeMissing = true
	default:
		if r, ok := s.tax.ResolveOccupation(string(in.Rome)); ok {
			occ, _ := s.tax.Occupation(r)
			errs.add("rome", "offer.rome.unknown", occ.Label+" ("+string(r)+")")
		} else {
			errs.add("rome", "offer.rome.unknown_no_suggestion")
		}
	}

	// Skills.
	switch {
	case len(in.Skills) == 0:
		errs.add("skills", "offer.skills.required")
	case len(in.Skills) > MaxSkills:
		errs.add("skills", "offer.skills.too_many", strconv.Itoa(MaxSkills))
	}
	kept := map[skill.Code]string{}
	for _, sk := range cur.Skills {
		kept[sk.Code] = sk.Label
	}
	o.Skills = nil
	seen := map[skill.Code]bool{}
	mustHave := false
	for i, si := range in.Skills {
		f := fmt.Sprintf("skills[%d]", i)
		c := skill.Code(strings.TrimSpace(string(si.Code)))
		sk := Skill{Code: c, MinLevel: si.MinLevel, MustHave: si.MustHave, Learnable: si.Learnable}
		ok := true
		label, had := kept[c]
		switch {
		case c == "":
			errs.add(f+".code", "offer.skill.required")
			ok = false
		case c.Validate() == nil && s.tax.Known(c):
			sk.Label, _ = s.tax.Label(c, skill.LangFR)
		case had:
			sk.Label, sk.Missing = label, true
		default:
			if sug := suggest(s.tax, string(c)); sug != "" {
				errs.add(f+".code", "offer.skill.unknown", sug)
			} else {
				errs.add(f+".code", "offer.skill.unknown_no_suggestion")
			}
			ok = false
		}
		if ok && seen[c] {
			errs.add(f+".code", "offer.skill.duplicate")
			ok = false
		}
		seen[c] = true
		if !si.MinLevel.Valid() {
			errs.add(f+".minLevel", "offer.skill.level.invalid")
			ok = false
		}
		mustHave = mustHave || si.MustHave
		if ok {
			o.Skills = append(o.Skills, sk)
		}
	}
	if len(in.Skills) > 0 && !mustHave {
		errs.add("skills", "offer.skills.must_have_required")
	}

	o.Contract = in.Contract
	if !in.Contract.Valid() {
		errs.add("contract", "offer.contract.invalid")
	}
	if id := strings.TrimSpace(in.CommuneID); id == "" {
		errs.add("communeId", "offer.place.required")
	} else if c, ok := s.places.ByID(id); ok {
		o.Place = Place{CommuneID: c.ID, Name: c.Name, Lat: c.Lat, Lon: c.Lon}
	} else {
		errs.add("communeId", "offer.place.unknown")
	}
	o.Remote = in.Remote
	if !in.Remote.Valid() {
		errs.add("remote", "offer.remote.invalid")
	}

	o.Salary = in.Salary
	if in.Salary.Min < 0 || in.Salary.Min > MaxSalary {
		errs.add("salary.min", "offer.salary.out_of_range", strconv.Itoa(MaxSalary))
	}
	if in.Salary.Max < 0 || in.Salary.Max > MaxSalary {
		errs.add("salary.max", "offer.salary.out_of_range", strconv.Itoa(MaxSalary))
	}
	if in.Salary.Min > 0 && in.Salary.Max > 0 && in.Salary.Min > in.Salary.Max {
		errs.add("salary.max", "offer.salary.min_above_max")
	}

	o.StartDate = date(in.StartDate)
	if !o.StartDate.IsZero() && (o.StartDate.Year() < 2000 || o.StartDate.After(date(now).AddDate(3, 0, 0))) {
		errs.add("startDate", "offer.start_date.out_of_range")
	}
	o.OpenToCareerChangers = in.OpenToCareerChangers

	if err := errs.err(); err != nil {
		return Offer{}, err
	}
	return o, nil
}

// publishable reports the codes of o that the taxonomy lost: an offer is not
// published with a skill nobody can declare any more.
func publishable(o Offer) error {
	var errs fieldErrors
	if o.RomeMissing {
		errs.add("rome", "offer.rome.missing")
	}
	for i, sk := range o.Skills {
		if sk.Missing {
			errs.add(fmt.Sprintf("skills[%d].code", i), "offer.skill.missing")
		}
	}
	return errs.err()
}

// validateClose checks a closing reason and note.
func validateClose(reason CloseReason, note string) (Closure, error) {
	var errs fieldErrors
	note = text(&errs, "offer", "note", note, MaxCloseNoteRunes, true)
	if !reason.Valid() {
		errs.add("reason", "offer.close.reason.invalid")
	} else if reason == CloseOther && note == "" {
		errs.add("note", "offer.close.note.required")
	}
	return Closure{Reason: reason, Note: note}, errs.err()
}

// validateCompany checks a company page and returns its content on cur.
func validateCompany(in CompanyInput, cur Company) (Company, error) {
	var errs fieldErrors
	c := cur
	c.Name = text(&errs, "company", "name", in.Name, MaxCompanyName, false)
	if c.Name == "" {
		errs.add("name", "company.name.required")
	}
	c.SIREN = ""
	if s := strings.TrimSpace(in.SIREN); s != "" {
		if d, ok := auth.NormalizeSIREN(s); ok && auth.ValidSIREN(d) {
			c.SIREN = d
		} else {
			errs.add("siren", "company.siren.invalid")
		}
	}
	c.Sector = text(&errs, "company", "sector", in.Sector, MaxCompanyShort, false)
	c.Size = in.Size
	if in.Size != "" && !in.Size.Valid() {
		errs.add("size", "company.size.invalid")
	}
	c.City = text(&errs, "company", "city", in.City, MaxCompanyShort, false)
	c.Description = text(&errs, "company", "description", in.Description, MaxCompanyText, true)
	c.Website = strings.TrimSpace(in.Website)
	if c.Website != "" && !validWebsite(c.Website) {
		errs.add("website", "company.website.invalid")
	}
	return c, errs.err()
}

// validWebsite accepts absolute http and https URLs with a host and no
// credentials: a page links to it, so nothing else (javascript:, data:).
func validWebsite(s string) bool {
	if len(s) > MaxWebsite {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// validID reports whether id is 24 lower-case hexadecimal digits, the form
// of offer and organisation ids; anything else cannot exist.
func validID(id string) bool {
	return len(id) == 24 && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	})
}

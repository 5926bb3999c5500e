package candidate

import (
	"cmp"
	"fmt"
	"slices"
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

// ProfileInput is the editable content of a profile, as a candidate or an
// adviser submits it. Everything else (ID, caseload, who edited, dates,
// revision) is the service's business, so that no request can set it.
type ProfileInput struct {
	DisplayName       string
	Headline          string
	Skills            []SkillInput
	Trainings         []TrainingInput
	FormerOccupations []FormerOccupationInput
	// CommuneID is a place directory id; empty clears the place.
	CommuneID     string
	MobilityKm    int
	Remote        RemotePreference
	Contracts     []contract.Type
	AvailableFrom time.Time
	Languages     []Language
	Visibility    Visibility
	// MatchingConsent is the candidate's own decision; an adviser must send
	// it back unchanged.
	MatchingConsent bool
}

// SkillInput is one held skill. An empty Evidence means declared.
type SkillInput struct {
	Code     skill.Code
	Level    skill.Level
	Evidence skill.Evidence
}

// TrainingInput is one training; Skills are the codes it teaches.
type TrainingInput struct {
	Title    string
	Provider string
	Start    time.Time
	End      time.Time
	Status   TrainingStatus
	Skills   []skill.Code
}

// FormerOccupationInput is one former occupation.
type FormerOccupationInput struct {
	Rome  skill.RomeCode
	Years int
}

// fieldErrors collects every broken rule of an input, so that a form shows
// them all at once instead of one per submission.
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

// text checks a piece of free text: valid UTF-8, no control characters
// (multi-line text may keep line breaks and tabs), at most maxRunes after
// trimming. It returns the trimmed text.
func text(errs *fieldErrors, field, s string, maxRunes int, multiline bool) string {
	s = strings.TrimSpace(s)
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t'))
	}) {
		errs.add(field, "profile.text.invalid")
		return s
	}
	if utf8.RuneCountInString(s) > maxRunes {
		errs.add(field, "profile.text.too_long", strconv.Itoa(maxRunes))
	}
	return s
}

// date keeps the calendar date of t as midnight UTC: dates are days, not
// instants, and must not shift with the server's time zone.
func date(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// inRange reports whether a date is plausible: from 1950 to ten years ahead.
// Anything else is a typing error (a year 2204, a year 24).
func inRange(d, today time.Time) bool {
	return !d.Before(time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)) && !d.After(today.AddDate(10, 0, 0))
}

// suggest returns what an unknown skill code probably meant, as
// "Label (code)" so that a person reads the label and a client the code, or ""
// when nothing is close. Free text that resolves ("Golang", "tag:golang")
// wins over an edit-distance guess.
func suggest(tax Taxonomy, typed string) string {
	t := strings.TrimSpace(typed)
	bare := strings.TrimPrefix(t, skill.TagPrefix)
	if c, ok := tax.Resolve(bare); ok {
		l, _ := tax.Label(c, skill.LangFR)
		return l + " (" + string(c) + ")"
	}
	if s := tax.DidYouMean(t, skill.LangFR, 1); len(s) > 0 {
		return s[0].Label + " (" + string(s[0].Code) + ")"
	}
	return ""
}

// unknownSkill records an unknown code with a suggestion when there is one.
// The two cases have two keys because a message with a placeholder cannot
// read well without its value.
func unknownSkill(errs *fieldErrors, tax Taxonomy, field string, c skill.Code) {
	if s := suggest(tax, string(c)); s != "" {
		errs.add(field, "profile.skill.unknown", s)
		return
	}
	errs.add(field, "profile.skill.unknown_no_suggestion")
}

// skillRef checks one skill code and returns it with its label snapshot. A
// code the taxonomy lost since the profile was written stays valid with its
// old label, flagged Missing (kept holds the profile's snapshots): a taxonomy
// import must never make a stored profile impossible to save again.
func skillRef(errs *fieldErrors, tax Taxonomy, field string, c skill.Code, kept map[skill.Code]string) (SkillRef, bool) {
	c = skill.Code(strings.TrimSpace(string(c)))
	if c == "" {
		errs.add(field, "profile.skill.required")
		return SkillRef{}, false
	}
	if label, ok := kept[c]; ok && !tax.Known(c) {
		return SkillRef{Code: c, Label: label, Missing: true}, true
	}
	if c.Validate() != nil || !tax.Known(c) {
		unknownSkill(errs, tax, field, c)
		return SkillRef{}, false
	}
	l, _ := tax.Label(c, skill.LangFR)
	return SkillRef{Code: c, Label: l}, true
}

// validate checks in against every rule and returns the profile content it
// describes, built on cur (the stored profile: its ID, caseload and earlier
// validations). actor is who writes; it decides who may validate skills and
// who may change the candidate-only fields.
func (s *Service) validate(in ProfileInput, cur Profile, actor auth.Identity, now time.Time) (Profile, error) {
	var errs fieldErrors
	today := date(now)
	adviser := actor.Role == auth.RoleAdviser
	p := cur

	p.DisplayName = text(&errs, "displayName", in.DisplayName, MaxDisplayNameRunes, false)
	if adviser && p.DisplayName != cur.DisplayName {
		errs.add("displayName", "profile.candidate_only")
	}
	p.Headline = text(&errs, "headline", in.Headline, MaxHeadlineRunes, false)

	// Skills.
	if len(in.Skills) > MaxSkills {
		errs.add("skills", "profile.skills.too_many", strconv.Itoa(MaxSkills))
	}
	prev := make(map[skill.Code]Skill, len(cur.Skills))
	for _, sk := range cur.Skills {
		prev[sk.Code] = sk
	}
	kept := map[skill.Code]string{}
	for _, sk := range cur.Skills {
		kept[sk.Code] = sk.Label
	}
	for _, t := range cur.Trainings {
		for _, r := range t.Skills {
			kept[r.Code] = r.Label
		}
	}
	p.Skills = nil
	seen := map[skill.Code]bool{}
	for i, si := range in.Skills {
		f := fmt.Sprintf("skills[%d]", i)
		ref, ok := skillRef(&errs, s.tax, f+".code", si.Code, kept)
		if ok && seen[ref.Code] {
			errs.add(f+".code", "profile.skill.duplicate")
			ok = false
		}
		seen[ref.Code] = true
		if !si.Level.Valid() {
			errs.add(f+".level", "profile.skill.level.invalid")
			ok = false
		}
		ev := cmp.Or(si.Evidence, skill.EvidenceDeclared)
		if !ev.Valid() {
			errs.add(f+".evidence", "profile.skill.evidence.invalid")
			ok = false
		}
		sk := Skill{Code: ref.Code, Label: ref.Label, Level: si.Level, Evidence: ev, Missing: ref.Missing}
		if ev == skill.EvidenceAdviserValidated {
			old, had := prev[ref.Code]
			unchanged := had && old.Evidence == skill.EvidenceAdviserValidated && old.Level == si.Level
			switch {
			case unchanged:
				// Re-saving a profile keeps a validation as it was, whoever
				// saves: it still vouches for the same level.
				sk.ValidatedBy, sk.ValidationKind, sk.ValidatedAt, sk.PriorEvidence = old.ValidatedBy, old.ValidationKind, old.ValidatedAt, old.PriorEvidence
			case adviser:
				sk.ValidatedBy, sk.ValidatedAt = actor.OrgID, now
				switch {
				case had && old.Evidence == skill.EvidenceAdviserValidated:
					sk.PriorEvidence = old.PriorEvidence
				case had:
					sk.PriorEvidence = old.Evidence
				}
			default:
				errs.add(f+".evidence", "profile.skill.evidence.adviser_only")
				ok = false
			}
		}
		if ok {
			p.Skills = append(p.Skills, sk)
		}
	}

	// Trainings.
	if len(in.Trainings) > MaxTrainings {
		errs.add("trainings", "profile.trainings.too_many", strconv.Itoa(MaxTrainings))
	}
	p.Trainings = nil
	for i, ti := range in.Trainings {
		f := fmt.Sprintf("trainings[%d]", i)
		t := Training{
			Title:    text(&errs, f+".title", ti.Title, MaxTrainingTitle, false),
			Provider: text(&errs, f+".provider", ti.Provider, MaxProviderRunes, false),
			Start:    date(ti.Start),
			End:      date(ti.End),
			Status:   ti.Status,
		}
		if t.Title == "" {
			errs.add(f+".title", "profile.training.title.required")
		}
		if !t.Status.Valid() {
			errs.add(f+".status", "profile.training.status.invalid")
		}
		if !t.Start.IsZero() && !inRange(t.Start, today) {
			errs.add(f+".start", "profile.date.out_of_range")
		}
		switch {
		case t.End.IsZero():
			if t.Status != TrainingAbandoned {
				errs.add(f+".end", "profile.training.end.required")
			}
		case !inRange(t.End, today):
			errs.add(f+".end", "profile.date.out_of_range")
		case !t.Start.IsZero() && t.End.Before(t.Start):
			errs.add(f+".end", "profile.training.end.before_start")
		case t.Status == TrainingCompleted && t.End.After(today):
			errs.add(f+".end", "profile.training.end.future")
		}
		if len(ti.Skills) > MaxTrainingSkills {
			errs.add(f+".skills", "profile.training.skills.too_many", strconv.Itoa(MaxTrainingSkills))
		}
		tseen := map[skill.Code]bool{}
		for j, c := range ti.Skills {
			sf := fmt.Sprintf("%s.skills[%d]", f, j)
			ref, ok := skillRef(&errs, s.tax, sf, c, kept)
			if !ok {
				continue
			}
			if tseen[ref.Code] {
				errs.add(sf, "profile.skill.duplicate")
				continue
			}
			tseen[ref.Code] = true
			t.Skills = append(t.Skills, ref)
		}
		p.Trainings = append(p.Trainings, t)
	}

	// Former occupations.
	if len(in.FormerOccupations) > MaxFormerOccupations {
		errs.add("formerOccupations", "profile.former_occupations.too_many", strconv.Itoa(MaxFormerOccupations))
	}
	keptRome := map[skill.RomeCode]string{}
	for _, f := range cur.FormerOccupations {
		keptRome[f.Rome] = f.Label
	}
	p.FormerOccupations = nil
	fseen := map[skill.RomeCode]bool{}
	for i, fi := range in.FormerOccupations {
		f := fmt.Sprintf("formerOccupations[%d]", i)
		fo := FormerOccupation{Rome: skill.RomeCode(strings.ToUpper(strings.TrimSpace(string(fi.Rome)))), Years: fi.Years}
		occ, known := s.tax.Occupation(fo.Rome)
		label, had := keptRome[fo.Rome]
		if known || had {
			fo.Label, fo.Missing = occ.Label, !known
			if !known {
				fo.Label = label
			}
			if fseen[fo.Rome] {
				errs.add(f+".rome", "profile.former_occupation.duplicate")
			}
			fseen[fo.Rome] = true
		} else if r, ok := s.tax.ResolveOccupation(string(fi.Rome)); ok {
			occ, _ := s.tax.Occupation(r)
			errs.add(f+".rome", "profile.rome.unknown", occ.Label+" ("+string(r)+")")
		} else {
			errs.add(f+".rome", "profile.rome.unknown_no_suggestion")
		}
		if fo.Years < 0 || fo.Years > MaxYears {
			errs.add(f+".years", "profile.former_occupation.years.out_of_range", strconv.Itoa(MaxYears))
		}
		p.FormerOccupations = append(p.FormerOccupations, fo)
	}

	// Place and mobility.
	p.Place = Place{}
	if id := strings.TrimSpace(in.CommuneID); id != "" {
		if c, ok := s.places.ByID(id); ok {
			p.Place = Place{CommuneID: c.ID, Name: c.Name, Lat: c.Lat, Lon: c.Lon}
		} else {
			errs.add("communeId", "profile.place.unknown")
		}
	}
	p.MobilityKm = in.MobilityKm
	if in.MobilityKm < 0 || in.MobilityKm > MaxMobilityKm {
		errs.add("mobilityKm", "profile.mobility.out_of_range", strconv.Itoa(MaxMobilityKm))
	}
	p.Remote = in.Remote
	if !in.Remote.Valid() {
		errs.add("remote", "profile.remote.invalid")
	}

	// Contracts: a set, kept in canonical order so that equal wishes are
	// equal documents.
	want := map[contract.Type]bool{}
	for i, c := range in.Contracts {
		if !c.Valid() {
			errs.add(fmt.Sprintf("contracts[%d]", i), "profile.contract.invalid")
			continue
		}
		want[c] = true
	}
	p.Contracts = nil
	for _, c := range contract.All() {
		if want[c] {
			p.Contracts = append(p.Contracts, c)
		}
	}

	p.AvailableFrom = date(in.AvailableFrom)
	if !p.AvailableFrom.IsZero() && (p.AvailableFrom.Year() < 2000 || p.AvailableFrom.After(today.AddDate(5, 0, 0))) {
		errs.add("availableFrom", "profile.date.out_of_range")
	}

	// Languages.
	if len(in.Languages) > MaxLanguages {
		errs.add("languages", "profile.languages.too_many", strconv.Itoa(MaxLanguages))
	}
	p.Languages = nil
	lseen := map[string]bool{}
	for i, l := range in.Languages {
		f := fmt.Sprintf("languages[%d]", i)
		code := strings.ToLower(strings.TrimSpace(l.Code))
		if !languageCode(code) {
			errs.add(f+".code", "profile.language.code.invalid")
		} else if lseen[code] {
			errs.add(f+".code", "profile.language.duplicate")
		}
		lseen[code] = true
		if !l.Level.Valid() {
			errs.add(f+".level", "profile.language.level.invalid")
		}
		p.Languages = append(p.Languages, Language{Code: code, Level: l.Level})
	}

	// Visibility and consent are the candidate's own decisions (GDPR): an
	// adviser completes a profile, but never shows it or consents for them.
	p.Visibility = in.Visibility
	if !in.Visibility.Valid() {
		errs.add("visibility", "profile.visibility.invalid")
	} else if adviser && in.Visibility != cur.Visibility {
		errs.add("visibility", "profile.candidate_only")
	}
	p.MatchingConsent = in.MatchingConsent
	if adviser && in.MatchingConsent != cur.MatchingConsent {
		errs.add("matchingConsent", "profile.candidate_only")
	}

	if err := errs.err(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// languageCode reports whether s looks like an ISO 639-1 or 639-3 code.
func languageCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 'a' || r > 'z' })
}

// validOrgID reports whether id is an organisation id: 24 lower-case
// hexadecimal digits, the form account ids take.
func validOrgID(id string) bool {
	return len(id) == 24 && !strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	})
}

// sameSet reports whether two organisation lists hold the same ids.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

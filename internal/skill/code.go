package skill

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors returned (wrapped) by the parsing helpers, so that callers can answer
// a client's bad input with a validation error rather than a server error.
var (
	// ErrInvalidCode reports a malformed skill code.
	ErrInvalidCode = errors.New("invalid skill code")
	// ErrInvalidRomeCode reports a malformed ROME occupation code.
	ErrInvalidRomeCode = errors.New("invalid ROME code")
	// ErrInvalidLevel reports a level outside 1..4.
	ErrInvalidLevel = errors.New("invalid skill level")
	// ErrInvalidEvidence reports an unknown evidence kind.
	ErrInvalidEvidence = errors.New("invalid skill evidence")
)

// Languages understood by the label functions. Any other value falls back to
// French, the product's first language.
const (
	LangFR = "fr"
	LangEN = "en"
)

// isEN reports whether lang asks for English ("en", "en-GB", "EN_us"…).
func isEN(lang string) bool {
	return len(lang) >= 2 && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N') &&
		(len(lang) == 2 || lang[2] == '-' || lang[2] == '_')
}

// Code identifies a skill: a technology tag ("tag:go") or a ROME skill or
// knowledge item ("ogr:403870"). The prefix keeps the two namespaces apart so
// that a tag slug made of digits can never be taken for a ROME item.
type Code string

// Prefixes of the two skill code namespaces.
const (
	TagPrefix = "tag:"
	OGRPrefix = "ogr:"
)

// maxSlugLen bounds tag slugs so that codes stay short in URLs and indexes.
const maxSlugLen = 48

// TagCode returns the code of the tag with the given slug. It does not validate
// the slug; use Validate or ParseCode on untrusted input.
func TagCode(slug string) Code { return Code(TagPrefix + slug) }

// OGRCode returns the code of the ROME item with the given code_ogr. It does
// not validate id; use Validate or ParseCode on untrusted input.
func OGRCode(id string) Code { return Code(OGRPrefix + id) }

// ParseCode parses and validates a skill code. Surrounding spaces are ignored;
// everything else must already be canonical, because codes are identifiers,
// not user text (use Taxonomy.Resolve for that).
func ParseCode(s string) (Code, error) {
	c := Code(strings.TrimSpace(s))
	if err := c.Validate(); err != nil {
		return "", fmt.Errorf("parse skill code: %w", err)
	}
	return c, nil
}

// Validate reports whether c is syntactically valid: "tag:" followed by a slug
// of lowercase ASCII letters and digits in hyphen-separated groups, or "ogr:"
// followed by a ROME code_ogr (digits, no leading zero). It does not check
// that the code exists in a taxonomy.
func (c Code) Validate() error {
	s := string(c)
	switch {
	case strings.HasPrefix(s, TagPrefix):
		if err := validSlug(s[len(TagPrefix):]); err != nil {
			return fmt.Errorf("%w %q: %v", ErrInvalidCode, s, err)
		}
		return nil
	case strings.HasPrefix(s, OGRPrefix):
		if err := validOGR(s[len(OGRPrefix):]); err != nil {
			return fmt.Errorf("%w %q: %v", ErrInvalidCode, s, err)
		}
		return nil
	case s == "":
		return fmt.Errorf("%w: empty", ErrInvalidCode)
	default:
		return fmt.Errorf("%w %q: want %q or %q followed by an identifier", ErrInvalidCode, s, TagPrefix, OGRPrefix)
	}
}

// IsTag reports whether c is in the technology tag namespace.
func (c Code) IsTag() bool { return strings.HasPrefix(string(c), TagPrefix) }

// IsOGR reports whether c is in the ROME item namespace.
func (c Code) IsOGR() bool { return strings.HasPrefix(string(c), OGRPrefix) }

// ID returns the part after the namespace prefix: the tag slug or the code_ogr.
func (c Code) ID() string {
	if i := strings.IndexByte(string(c), ':'); i >= 0 {
		return string(c)[i+1:]
	}
	return string(c)
}

// String returns the code as written.
func (c Code) String() string { return string(c) }

// UnmarshalText validates the code, so that strict JSON decoding of a request
// rejects a malformed code where it enters.
func (c *Code) UnmarshalText(b []byte) error {
	v := Code(b)
	if err := v.Validate(); err != nil {
		return err
	}
	*c = v
	return nil
}

// validSlug checks a tag slug: lowercase ASCII letters and digits, groups
// joined by single hyphens ("power-bi", "3ds-max").
func validSlug(s string) error {
	if s == "" {
		return errors.New("empty slug")
	}
	if len(s) > maxSlugLen {
		return fmt.Errorf("slug longer than %d characters", maxSlugLen)
	}
	prev := byte('-')
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
		case b == '-':
			if prev == '-' {
				return errors.New("slug must not start with a hyphen or repeat hyphens")
			}
		default:
			return fmt.Errorf("slug has %q: want lowercase ASCII letters, digits and hyphens", rune(b))
		}
		prev = b
	}
	if prev == '-' {
		return errors.New("slug must not end with a hyphen")
	}
	return nil
}

// validOGR checks a ROME code_ogr: 1 to 9 digits without a leading zero, the
// form France Travail publishes, so that one item has exactly one code.
func validOGR(s string) error {
	if s == "" {
		return errors.New("empty code_ogr")
	}
	if len(s) > 9 {
		return errors.New("code_ogr longer than 9 digits")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("code_ogr has %q: want digits only", rune(s[i]))
		}
	}
	if s[0] == '0' {
		return errors.New("code_ogr must not start with 0")
	}
	return nil
}

// RomeCode identifies a ROME occupation sheet: one letter A to N (the
// "grand domaine") and four digits, e.g. "M1805".
type RomeCode string

// ParseRomeCode parses a ROME code typed by a person: surrounding spaces are
// ignored and the letter may be lower-case ("m1805" → "M1805").
func ParseRomeCode(s string) (RomeCode, error) {
	r := RomeCode(strings.ToUpper(strings.TrimSpace(s)))
	if err := r.Validate(); err != nil {
		return "", fmt.Errorf("parse ROME code: %w", err)
	}
	return r, nil
}

// Validate reports whether r is exactly one letter A-N followed by 4 digits.
func (r RomeCode) Validate() error {
	s := string(r)
	if len(s) != 5 {
		return fmt.Errorf("%w %q: want a letter A-N and 4 digits, e.g. M1805", ErrInvalidRomeCode, s)
	}
	if s[0] < 'A' || s[0] > 'N' {
		return fmt.Errorf("%w %q: first character must be a capital letter A to N", ErrInvalidRomeCode, s)
	}
	for i := 1; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("%w %q: want 4 digits after the letter", ErrInvalidRomeCode, s)
		}
	}
	return nil
}

// String returns the code as written.
func (r RomeCode) String() string { return string(r) }

// UnmarshalText validates the code (see Code.UnmarshalText for why).
func (r *RomeCode) UnmarshalText(b []byte) error {
	v := RomeCode(b)
	if err := v.Validate(); err != nil {
		return err
	}
	*r = v
	return nil
}

// Level is how well a person holds a skill, or the minimum an offer asks for.
// The scale is deliberately short (1 to 4) so that candidates, employers and
// advisers rate the same way.
type Level int

// The four levels.
const (
	LevelNotions  Level = 1 // has notions: knows what it is, has tried it
	LevelPractice Level = 2 // practises it with help
	LevelMastery  Level = 3 // masters it, works autonomously
	LevelExpert   Level = 4 // expert: could teach it, handles hard cases
)

// Levels returns the valid levels in increasing order, for forms and lists.
func Levels() []Level { return []Level{LevelNotions, LevelPractice, LevelMastery, LevelExpert} }

var levelNames = [...]struct{ id, fr, en string }{
	LevelNotions:  {"notions", "Notions", "Basic knowledge"},
	LevelPractice: {"practice", "Pratique", "Practice"},
	LevelMastery:  {"mastery", "Maîtrise", "Mastery"},
	LevelExpert:   {"expert", "Expertise", "Expert"},
}

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool { return l >= LevelNotions && l <= LevelExpert }

// String returns the stable English identifier ("notions", "practice",
// "mastery", "expert"), or "level(N)" for an invalid value.
func (l Level) String() string {
	if !l.Valid() {
		return "level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l].id
}

// Label returns the level's human label in lang ("fr" or "en").
func (l Level) Label(lang string) string {
	if !l.Valid() {
		return l.String()
	}
	if isEN(lang) {
		return levelNames[l].en
	}
	return levelNames[l].fr
}

// ParseLevel accepts a digit ("1".."4"), the identifier or either label,
// ignoring case and accents ("maitrise" → LevelMastery).
func ParseLevel(s string) (Level, error) {
	k := Normalize(s)
	if n, err := strconv.Atoi(k); err == nil {
		if l := Level(n); l.Valid() {
			return l, nil
		}
	}
	for _, l := range Levels() {
		n := levelNames[l]
		if k != "" && (k == n.id || k == Normalize(n.fr) || k == Normalize(n.en)) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("parse level %q: %w: want 1 to 4", s, ErrInvalidLevel)
}

// Evidence is where a claimed skill comes from, shown next to it so that an
// employer can tell a declared skill from one an adviser validated.
type Evidence string

// The evidence kinds.
const (
	EvidenceDeclared         Evidence = "declared"          // the candidate says so
	EvidenceTraining         Evidence = "training"          // a training, in progress or completed
	EvidenceExperience       Evidence = "experience"        // a job or an internship
	EvidenceAdviserValidated Evidence = "adviser-validated" // checked by a career adviser
)

// Evidences returns the evidence kinds from the weakest to the strongest.
func Evidences() []Evidence {
	return []Evidence{EvidenceDeclared, EvidenceTraining, EvidenceExperience, EvidenceAdviserValidated}
}

var evidenceLabels = map[Evidence][2]string{
	EvidenceDeclared:         {"Déclarée", "Self-declared"},
	EvidenceTraining:         {"Formation", "Training"},
	EvidenceExperience:       {"Expérience professionnelle", "Work experience"},
	EvidenceAdviserValidated: {"Validée par un conseiller", "Validated by an adviser"},
}

// Valid reports whether e is a known evidence kind.
func (e Evidence) Valid() bool { _, ok := evidenceLabels[e]; return ok }

// Label returns the human label in lang ("fr" or "en").
func (e Evidence) Label(lang string) string {
	l, ok := evidenceLabels[e]
	if !ok {
		return string(e)
	}
	if isEN(lang) {
		return l[1]
	}
	return l[0]
}

// String returns the stable identifier.
func (e Evidence) String() string { return string(e) }

// UnmarshalText accepts only the stable identifiers: labels are for people,
// the API exchanges identifiers (see Code.UnmarshalText for why it validates).
func (e *Evidence) UnmarshalText(b []byte) error {
	v := Evidence(b)
	if !v.Valid() {
		return fmt.Errorf("%w %q: want one of declared, training, experience, adviser-validated", ErrInvalidEvidence, string(b))
	}
	*e = v
	return nil
}

// ParseEvidence accepts the identifier or either label, ignoring case,
// accents and punctuation ("adviser_validated", "Formation").
func ParseEvidence(s string) (Evidence, error) {
	k := Normalize(s)
	for _, e := range Evidences() {
		l := evidenceLabels[e]
		if k != "" && (k == Normalize(string(e)) || k == Normalize(l[0]) || k == Normalize(l[1])) {
			return e, nil
		}
	}
	return "", fmt.Errorf("parse evidence %q: %w: want one of declared, training, experience, adviser-validated", s, ErrInvalidEvidence)
}

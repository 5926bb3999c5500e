package match

import (
	"fmt"
	"strings"
	"time"
)

// Status is how far a candidate covers one offer skill.
type Status uint8

// Skill statuses.
const (
	StatusMissing Status = iota // no credit
	StatusPartial               // some credit: below the level, a training, a related skill, a former job
	StatusMatched               // held at or above the minimum level
)

// String names the status for logs and templates.
func (s Status) String() string {
	switch s {
	case StatusMatched:
		return "matched"
	case StatusPartial:
		return "partial"
	}
	return "missing"
}

// Source is the kind of evidence that earned a skill its credit.
type Source uint8

// Evidence sources, in the order ties are explained by.
const (
	SourceNone             Source = iota
	SourceHeld                    // the candidate holds the skill
	SourceTraining                // a training teaches it
	SourceFormerOccupation        // it is core to a job the candidate held
	SourceRelated                 // the candidate holds a related skill
)

// String names the source for logs and templates.
func (s Source) String() string {
	switch s {
	case SourceHeld:
		return "held"
	case SourceTraining:
		return "training"
	case SourceFormerOccupation:
		return "former-occupation"
	case SourceRelated:
		return "related"
	}
	return "none"
}

// Explanation says why a pair scores what it scores. Every field is read from
// the two documents; nothing is inferred that they do not state.
type Explanation struct {
	// Skills lists the offer's skills, in the offer's order.
	Skills                    []SkillMatch
	Matched, Partial, Missing int
	// Bridge is the candidate's former occupation (ROME code) from which a
	// ROME mobility link leads to OfferROME; empty if none. It earned the
	// bridge bonus.
	Bridge    string
	OfferROME string
	// DistanceKm is the great-circle distance between the candidate's place
	// and the job's.
	DistanceKm float64
	// Remote reports a fully remote offer: distance did not filter.
	Remote bool
}

// SkillMatch explains one offer skill.
type SkillMatch struct {
	Code      string
	MinLevel  int
	MustHave  bool
	Learnable bool
	Status    Status
	// Credit is the share of the skill's weight earned, 0–1.
	Credit float64
	// Basis is the evidence that earned the credit; Source is SourceNone when
	// the skill is missing.
	Basis Basis
	// Gap is what would close the gap; zero when the skill is matched.
	Gap Gap
}

// Basis is the evidence behind a skill's credit. Which fields are set depends
// on Source.
type Basis struct {
	Source Source
	// Level and Evidence describe the held skill (SourceHeld: the skill
	// itself; SourceRelated: the related skill).
	Level    int
	Evidence Evidence
	// Training, TrainingEnd and TrainingStatus describe the training
	// (SourceTraining).
	Training       string
	TrainingEnd    time.Time
	TrainingStatus TrainingStatus
	// Related is the related skill held and Strength its relation's strength
	// (SourceRelated).
	Related  string
	Strength float64
	// Occupation is the former occupation (ROME code) and Years how long it
	// was held (SourceFormerOccupation).
	Occupation string
	Years      float64
}

// Gap is what would close the gap on a skill not fully matched.
type Gap struct {
	// Level is the level to reach on the skill itself (its minimum level).
	Level int
	// LateTraining is a training of the candidate that teaches the skill but
	// ends after the offer's start date (LateTrainingEnd), so it earned
	// nothing yet.
	LateTraining    string
	LateTrainingEnd time.Time
	// Related lists the skills related to this one that the candidate holds
	// or trains in: the shortest way to it.
	Related []string
}

// Lang is a language of summaries.
type Lang string

// Languages of summaries: French first.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// LabelFunc returns the label of a skill code or a ROME occupation code in a
// language, or "" to show the code itself.
type LabelFunc func(code string, lang Lang) string

// Summary is the explanation in one line, for instance
// "5 compétences sur 9, 2 partielles — 2 à acquérir : Docker (en poste), Kubernetes"
// or "5 of 9 skills, 2 partly — 2 to learn: Docker (on the job), Kubernetes".
// Partly covered skills are counted apart from held ones, so that the line
// never claims a skill the candidate does not hold.
func (e Explanation) Summary(lang Lang, label LabelFunc) string {
	name := func(code string) string {
		if label != nil {
			if l := label(code, lang); l != "" {
				return l
			}
		}
		return code
	}
	n := len(e.Skills)
	var b strings.Builder
	en := lang == English
	switch {
	case n == 0 && en:
		b.WriteString("No skills required")
	case n == 0:
		b.WriteString("Aucune compétence demandée")
	case en:
		fmt.Fprintf(&b, "%d of %d skills", e.Matched, n)
		if e.Partial > 0 {
			fmt.Fprintf(&b, ", %d partly", e.Partial)
		}
	default:
		fmt.Fprintf(&b, "%d %s sur %d", e.Matched, plural(e.Matched, "compétence", "compétences"), n)
		if e.Partial > 0 {
			fmt.Fprintf(&b, ", %d %s", e.Partial, plural(e.Partial, "partielle", "partielles"))
		}
	}
	if e.Missing > 0 {
		if en {
			fmt.Fprintf(&b, " — %d to learn: ", e.Missing)
		} else {
			fmt.Fprintf(&b, " — %d à acquérir : ", e.Missing)
		}
		first := true
		for _, s := range e.Skills {
			if s.Status != StatusMissing {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString(name(s.Code))
			if s.Learnable {
				if en {
					b.WriteString(" (on the job)")
				} else {
					b.WriteString(" (en poste)")
				}
			}
		}
	}
	if e.Bridge != "" {
		if en {
			fmt.Fprintf(&b, " — bridge from %s", name(e.Bridge))
		} else {
			fmt.Fprintf(&b, " — passerelle depuis %s", name(e.Bridge))
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n > 1 {
		return many
	}
	return one
}

package candidate

import (
	"slices"
	"time"

	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Limits of a profile. They keep a document far below MongoDB's 16 MiB and
// the matching engine's own limits, while leaving room for any real career.
const (
	MaxSkills            = 100
	MaxTrainings         = 30
	MaxTrainingSkills    = 30
	MaxFormerOccupations = 20
	MaxLanguages         = 20
	MaxAdviserOrgs       = 10
	MaxMobilityKm        = 200
	MaxYears             = 50
	MaxHeadlineRunes     = 140
	MaxDisplayNameRunes  = 100
	MaxTrainingTitle     = 200
	MaxProviderRunes     = 200
)

// Profile is a candidate's profile.
type Profile struct {
	// ID is the candidate's user id: one profile per candidate.
	ID string
	// DisplayName is how the candidate is named to advisers and, when the
	// profile is visible, to employers. Copied from the account at creation
	// and then controlled by the candidate; anonymised views are the HTTP
	// layer's business.
	DisplayName string
	Headline    string
	Skills      []Skill
	Trainings   []Training
	// FormerOccupations are jobs held before the retraining: transferable
	// skills for the matching engine.
	FormerOccupations []FormerOccupation
	// Place is where the candidate lives; zero when not given yet.
	Place      Place
	MobilityKm int
	Remote     RemotePreference
	// Contracts are the wanted contract types, in the canonical order of
	// contract.All(); empty means any.
	Contracts []contract.Type
	// AvailableFrom is the first day the candidate can start; zero means now.
	AvailableFrom time.Time
	Languages     []Language
	Visibility    Visibility
	// MatchingConsent records that the candidate agreed to be proposed to
	// recruiters. Only the candidate sets it.
	MatchingConsent bool
	// AdviserOrgs are the adviser organisations whose caseload holds the
	// candidate: their advisers may read and edit the profile.
	AdviserOrgs  []string
	LastEditedBy Editor
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Revision is the store's revision of this version; updates must name it.
	Revision int64
}

// Skill is a skill the candidate holds.
type Skill struct {
	Code skill.Code
	// Label is the French label when the skill was last written, shown when
	// the taxonomy no longer knows Code.
	Label    string
	Level    skill.Level
	Evidence skill.Evidence
	// ValidatedBy is the adviser organisation that validated the skill; set
	// only with Evidence adviser-validated, and only by an adviser.
	ValidatedBy string
	// ValidationKind says how the adviser checked the skill (empty when the
	// validation came through a profile edit), ValidatedAt when, and
	// PriorEvidence is the evidence it replaced, restored when the
	// validation is withdrawn (see Service.ValidateSkill).
	ValidationKind ValidationKind
	ValidatedAt    time.Time
	PriorEvidence  skill.Evidence
	// Missing flags a code that the current taxonomy no longer holds.
	Missing bool
}

// SkillRef is a skill named by a training: a code with its label snapshot.
type SkillRef struct {
	Code    skill.Code
	Label   string
	Missing bool
}

// Training is a training the candidate follows, followed or plans.
type Training struct {
	Title    string
	Provider string
	// Start and End are dates (midnight UTC). End is required unless the
	// training was abandoned: the matching engine credits a training that
	// ends before an offer starts.
	Start  time.Time
	End    time.Time
	Status TrainingStatus
	Skills []SkillRef
}

// FormerOccupation is a job held before, as a ROME occupation.
type FormerOccupation struct {
	Rome    skill.RomeCode
	Label   string // French label snapshot
	Years   int
	Missing bool
}

// Place is a commune as resolved from the place directory when the profile
// was written: a snapshot, so that a later communes import cannot move a
// candidate.
type Place struct {
	CommuneID string
	Name      string
	Lat, Lon  float64
}

// IsZero reports whether no place was given.
func (p Place) IsZero() bool { return p.CommuneID == "" }

// LatLon returns the coordinates for place.Distance.
func (p Place) LatLon() place.LatLon { return place.LatLon{Lat: p.Lat, Lon: p.Lon} }

// Language is a language the candidate speaks.
type Language struct {
	// Code is an ISO 639 code in lower case: "fr", "en", "ar"…
	Code  string
	Level LanguageLevel
}

// Editor records who last edited the content of a profile, so that an
// adviser's edit shows as such.
type Editor struct {
	UserID string
	Role   auth.Role
}

// TrainingStatus says where a training is.
type TrainingStatus string

// The training statuses.
const (
	TrainingPlanned    TrainingStatus = "planned"
	TrainingInProgress TrainingStatus = "in_progress"
	TrainingCompleted  TrainingStatus = "completed"
	TrainingAbandoned  TrainingStatus = "abandoned"
)

// TrainingStatuses returns the statuses in the order of a training's life.
func TrainingStatuses() []TrainingStatus {
	return []TrainingStatus{TrainingPlanned, TrainingInProgress, TrainingCompleted, TrainingAbandoned}
}

// Valid reports whether s is a known status.
func (s TrainingStatus) Valid() bool { return slices.Contains(TrainingStatuses(), s) }

// RemotePreference is what a candidate accepts about remote work.
type RemotePreference string

// The remote preferences.
const (
	RemoteOnsiteOnly RemotePreference = "onsite_only"
	RemoteHybrid     RemotePreference = "hybrid"
	RemoteOK         RemotePreference = "remote_ok"
)

// RemotePreferences returns the preferences, from the most restrictive.
func RemotePreferences() []RemotePreference {
	return []RemotePreference{RemoteOnsiteOnly, RemoteHybrid, RemoteOK}
}

// Valid reports whether r is a known preference.
func (r RemotePreference) Valid() bool { return slices.Contains(RemotePreferences(), r) }

// Visibility is who may see a profile in candidate lists.
type Visibility string

// The visibility levels, from the most private.
const (
	VisibilityHidden    Visibility = "hidden"    // nobody but the candidate and their advisers
	VisibilityAdvisers  Visibility = "advisers"  // advisers only
	VisibilityAnonymous Visibility = "anonymous" // advisers, and employers without identity
	VisibilityVisible   Visibility = "visible"   // advisers and employers
)

// Visibilities returns the levels from the most private.
func Visibilities() []Visibility {
	return []Visibility{VisibilityHidden, VisibilityAdvisers, VisibilityAnonymous, VisibilityVisible}
}

// Valid reports whether v is a known level.
func (v Visibility) Valid() bool { return slices.Contains(Visibilities(), v) }

// LanguageLevel is a CEFR level, or native.
type LanguageLevel string

// The language levels.
const (
	LanguageA1     LanguageLevel = "A1"
	LanguageA2     LanguageLevel = "A2"
	LanguageB1     LanguageLevel = "B1"
	LanguageB2     LanguageLevel = "B2"
	LanguageC1     LanguageLevel = "C1"
	LanguageC2     LanguageLevel = "C2"
	LanguageNative LanguageLevel = "native"
)

// LanguageLevels returns the levels in increasing order.
func LanguageLevels() []LanguageLevel {
	return []LanguageLevel{LanguageA1, LanguageA2, LanguageB1, LanguageB2, LanguageC1, LanguageC2, LanguageNative}
}

// Valid reports whether l is a known level.
func (l LanguageLevel) Valid() bool { return slices.Contains(LanguageLevels(), l) }

// Input returns the editable content of p as an input, so that a form can
// start from the stored profile and a client can change one field and send
// the rest back unchanged.
func (p Profile) Input() ProfileInput {
	in := ProfileInput{
		DisplayName:     p.DisplayName,
		Headline:        p.Headline,
		CommuneID:       p.Place.CommuneID,
		MobilityKm:      p.MobilityKm,
		Remote:          p.Remote,
		Contracts:       slices.Clone(p.Contracts),
		AvailableFrom:   p.AvailableFrom,
		Languages:       slices.Clone(p.Languages),
		Visibility:      p.Visibility,
		MatchingConsent: p.MatchingConsent,
	}
	for _, s := range p.Skills {
		in.Skills = append(in.Skills, SkillInput{Code: s.Code, Level: s.Level, Evidence: s.Evidence})
	}
	for _, t := range p.Trainings {
		ti := TrainingInput{Title: t.Title, Provider: t.Provider, Start: t.Start, End: t.End, Status: t.Status}
		for _, s := range t.Skills {
			ti.Skills = append(ti.Skills, s.Code)
		}
		in.Trainings = append(in.Trainings, ti)
	}
	for _, f := range p.FormerOccupations {
		in.FormerOccupations = append(in.FormerOccupations, FormerOccupationInput{Rome: f.Rome, Years: f.Years})
	}
	return in
}

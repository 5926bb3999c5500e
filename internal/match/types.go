package match

import (
	"errors"
	"time"
)

// Errors returned by the package. Callers test them with errors.Is; the
// returned errors wrap them with the operation and the identifier.
var (
	// ErrNotFound reports a profile or an offer that the index does not hold
	// (never written, or deleted).
	ErrNotFound = errors.New("match: not found")
	// ErrInvalid reports a document that cannot be indexed: a malformed ID,
	// a level outside 1–4, too many skills.
	ErrInvalid = errors.New("match: invalid document")
	// ErrInvalidQuery reports a query outside the documented bounds (K, Offset).
	ErrInvalidQuery = errors.New("match: invalid query")
	// ErrOfferClosed reports a request for the candidates of a closed offer:
	// nobody is recruited for it any more, so nobody is proposed.
	ErrOfferClosed = errors.New("match: offer closed")
)

// Evidence says where a candidate's claim to a skill comes from. The zero
// value is the weakest one, a plain declaration.
type Evidence uint8

// Evidence kinds, from the weakest to the strongest.
const (
	EvidenceDeclared   Evidence = iota // the candidate says so
	EvidenceTraining                   // acquired in a training
	EvidenceExperience                 // used in a past job
	EvidenceValidated                  // validated by an adviser
	numEvidence
)

// TrainingStatus says whether a training is still running. The zero value is
// InProgress because an unfinished training must prove its end date.
type TrainingStatus uint8

// Training statuses.
const (
	TrainingInProgress TrainingStatus = iota
	TrainingCompleted
)

// RemotePref is what a candidate accepts about working remotely. The zero
// value accepts everything, which is what an unfilled profile means.
type RemotePref uint8

// Remote preferences. Only RemoteOnsiteOnly filters anything: it excludes
// fully remote offers. Hybrid is recorded for display and future ranking but
// is not a hard filter: someone who prefers hybrid work still wants to hear
// about an on-site or a remote job.
const (
	RemoteAccepted   RemotePref = iota // any offer
	RemoteHybrid                       // prefers a mix; any offer
	RemoteOnsiteOnly                   // never fully remote offers
)

// RemotePolicy is an offer's remote-work policy. Fully remote offers are the
// only ones exempt from the distance filter: a hybrid job still needs the
// employee on site some days, so the commute must be within the candidate's
// mobility radius.
type RemotePolicy uint8

// Remote policies.
const (
	PolicyOnsite RemotePolicy = iota
	PolicyHybrid
	PolicyRemote
)

// Contract is a set of contract types, as a bit mask: a profile wants a set,
// an offer proposes exactly one.
type Contract uint8

// Contract types (French labour law).
const (
	ContractCDI        Contract = 1 << iota // permanent
	ContractCDD                             // fixed term
	ContractAlternance                      // work-study
	ContractStage                           // internship
	ContractFreelance                       // self-employed mission
	contractAll        = ContractCDI | ContractCDD | ContractAlternance | ContractStage | ContractFreelance
	numContract        = 5
)

// Visibility is who may see a profile in candidate lists. The zero value is
// Hidden, so that a profile nobody configured is shown to nobody.
type Visibility uint8

// Visibility levels.
const (
	VisibilityHidden       Visibility = iota // never in candidate lists
	VisibilityAdvisersOnly                   // advisers only
	VisibilityAnonymous                      // advisers, and employers without identity
	VisibilityVisible                        // advisers and employers
)

// OfferStatus is where an offer is in its life. The zero value is Draft.
type OfferStatus uint8

// Offer statuses. Only published offers are proposed to candidates.
const (
	OfferDraft OfferStatus = iota
	OfferPublished
	OfferClosed
)

// Role is who is asking for a list of candidates. The zero value is
// RoleEmployer, the most restricted viewer.
type Role uint8

// Viewer roles.
const (
	RoleEmployer Role = iota
	RoleAdviser
)

// Limits on documents, kept small because the index packs counts into bytes.
const (
	MaxProfileSkills   = 255 // skills of a profile
	MaxTrainings       = 255 // trainings of a profile, and skills of one training
	MaxFormer          = 255 // former occupations of a profile
	MaxOfferSkills     = 64  // skills of an offer
	MinLevel, MaxLevel = 1, 4
)

// Profile is a candidate as the matching engine sees it: only what a score or
// a filter reads. Names, contacts and free text stay in the store.
type Profile struct {
	ID            string // 24 hexadecimal digits (a MongoDB ObjectID)
	Skills        []HeldSkill
	Trainings     []Training
	Former        []FormerOccupation
	Place         Place
	RadiusKm      int        // mobility radius around Place
	Remote        RemotePref //
	Contracts     Contract   // wanted contract types; 0 means any
	AvailableFrom time.Time  // zero means available now
	Visibility    Visibility
	Consent       bool   // the candidate agreed to be proposed to recruiters
	Revision      uint64 // store revision of this version of the document
	Deleted       bool   // a tombstone: remove the profile from the index
}

// HeldSkill is a skill the candidate holds, with a level 1–4 (notions,
// practice, mastery, expert) and where the claim comes from.
type HeldSkill struct {
	Code     string // "tag:go", "ogr:123456"
	Level    int
	Evidence Evidence
}

// Training is a training followed by the candidate and the skills it teaches.
type Training struct {
	Title  string
	End    time.Time
	Status TrainingStatus
	Skills []string
}

// FormerOccupation is a job the candidate held before, as a ROME code.
type FormerOccupation struct {
	ROME  string // "M1203"
	Years float64
}

// Place is where a candidate lives or where an offer's job is. The commune is
// kept for display (the finest place shown to employers); distances use the
// coordinates.
type Place struct {
	Commune  string
	Lat, Lon float64
}

// Offer is a job offer as the matching engine sees it.
type Offer struct {
	ID                   string // 24 hexadecimal digits
	CompanyID            string
	ROME                 string // occupation of the job, "M1403"
	Skills               []OfferSkill
	Contract             Contract // exactly one type
	Place                Place
	Remote               RemotePolicy
	Start                time.Time // zero means unknown (see Weights.AvailabilityToleranceDays)
	Status               OfferStatus
	OpenToCareerChangers bool
	Revision             uint64
	Deleted              bool
}

// OfferSkill is a skill an offer asks for.
type OfferSkill struct {
	Code      string
	MinLevel  int  // 1–4
	MustHave  bool // weighs Weights.MustHave instead of Weights.NiceToHave
	Learnable bool // can be learned on the job: costs less when missing
}

// Related is a skill related to another one, with a strength in (0, 1].
type Related struct {
	Code     string
	Strength float64
}

// Relations is the part of the skill taxonomy that scoring reads. The index
// asks once per code and per occupation and keeps the answers: after a
// taxonomy import, build a new index.
type Relations interface {
	// Related returns the skills related to code (technology tag relations,
	// tag↔ROME item links, ROME co-occurrence), strongest first or not.
	// Holding one of them earns partial credit for code.
	Related(code string) []Related
	// CoreItems returns the ROME skill and knowledge codes core to the ROME
	// occupation rome: a former occupation is evidence of them.
	CoreItems(rome string) []string
	// Mobility reports whether ROME lists a mobility from occupation from to
	// occupation to: a recognised bridge for a career changer.
	Mobility(from, to string) bool
}

// Query is a ranked-list request.
type Query struct {
	// Viewer is who reads a list of candidates; it decides which profiles
	// appear and whether they are anonymous. Ignored for offer lists, which
	// the caller shows only to the candidate or their advisers.
	Viewer Role
	// K is the page size: 0 means DefaultK, at most MaxK.
	K int
	// Offset skips the first results; Offset+K is at most MaxDepth.
	Offset int
	// MinScore drops results scoring below it (0–100).
	MinScore float64
	// Contracts narrows offer lists to these contract types (0: the
	// candidate's own wishes only).
	Contracts Contract
	// RemoteOnly narrows offer lists to fully remote offers.
	RemoteOnly bool
	// Preferred names profiles that rank first among equal scores in a
	// list of candidates (advisers' recommendations): a tie-break only,
	// never above a higher score. Ignored for offer lists.
	Preferred []string
}

// Paging bounds. A bounded depth keeps the top-K heap, and so every query,
// small.
const (
	DefaultK = 50
	MaxK     = 200
	MaxDepth = 1000
)

// Result is one ranked item: a profile in a list of candidates or an offer in
// a list of offers.
type Result struct {
	ID    string  // profile or offer ID
	Score float64 // 0–100, two decimals
	// Anonymous is set when the viewer is an employer and the candidate chose
	// to be shown without identity: the caller must not reveal who they are.
	Anonymous   bool
	Explanation Explanation
}

// Page is a page of ranked results.
type Page struct {
	Results []Result
	// More reports that at least one more result follows this page.
	More bool
}

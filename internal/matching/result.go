package matching

import (
	"time"

	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

// Query is a page of a ranked list.
type Query struct {
	// K is the page size: 0 means DefaultK, at most MaxK.
	K int
	// Offset skips the first results; Offset+K is at most MaxDepth.
	Offset int
	// Lang is the language of labels and summaries: "fr" (the default) or
	// "en".
	Lang string
	// Recommended holds, by candidate id, the advisers' recommendations of
	// candidates for the offer (CandidatesForOffer only; the caller reads
	// them with its own rights). A recommended candidate ranks first among
	// equal scores, never above a higher one, and its result carries them.
	Recommended map[string][]Recommendation
}

// Recommendation is an adviser organisation's endorsement of a candidate
// for an offer, as a list of candidates shows it.
type Recommendation struct {
	OrgID string
	Note  string
	At    time.Time
}

// Paging bounds, the engine's: 50 results a page unless asked, at most
// 200, and no deeper than the 1000th.
const (
	DefaultK = match.DefaultK
	MaxK     = match.MaxK
	MaxDepth = match.MaxDepth
)

// CandidatePage is a page of candidates ranked for an offer.
type CandidatePage struct {
	Offer   OfferInfo
	Results []Candidate
	K       int
	Offset  int
	// More reports that at least one more result follows this page.
	More bool
	// Caseload reports a list restricted to the reader's caseload (an
	// adviser's): a sub-list, in the same order, of the candidates the
	// offer's company sees, among the first MaxDepth.
	Caseload bool
}

// Candidate is one candidate of a ranked list. For an employer it is
// anonymous: no ID, no name, the commune only, a pseudonym, and an
// explanation without the candidate's own words (training titles).
type Candidate struct {
	Rank      int // 1 for the best
	Score     float64
	Anonymous bool
	// Pseudonym ("Profil 7F3A9C") names an anonymous candidate, the same
	// for one company every time, and different for another company.
	Pseudonym string
	// CandidateID and Name are empty when Anonymous.
	CandidateID string
	Name        string
	Commune     string
	Explanation Explanation
	// Recommendations are the advisers' endorsements of this candidate for
	// the offer (see Query.Recommended).
	Recommendations []Recommendation
}

// OfferPage is a page of offers ranked for a candidate.
type OfferPage struct {
	CandidateID string
	Results     []OfferMatch
	K           int
	Offset      int
	More        bool
	// Indexed is false when the candidate's profile is not in the index
	// yet (never saved): the list is empty for that reason.
	Indexed bool
	// LearnNext lists the skills most often missing from the offers of
	// this page, the ones to learn first: the most offers, then the most
	// offers that require them.
	LearnNext []Learn
}

// OfferMatch is one offer of a ranked list.
type OfferMatch struct {
	Rank        int
	Score       float64
	Offer       OfferInfo
	Explanation Explanation
}

// OfferInfo is what a list shows of an offer.
type OfferInfo struct {
	ID         string
	Title      string
	CompanyID  string
	Commune    string
	Occupation Label
	Contract   contract.Type
	Remote     offer.RemotePolicy
	Status     offer.Status
	StartDate  time.Time // zero: as soon as possible
}

// Learn is a skill to learn: in how many offers of the page it is missing,
// in how many of them it is required, in how many it can be learned on the
// job.
type Learn struct {
	Skill     Label
	Offers    int
	MustHave  int
	Learnable int
}

// Label is a code with its label in the query's language.
type Label struct {
	Code  string
	Label string
}

// Status is how far a candidate covers one skill of an offer.
type Status string

// Skill statuses.
const (
	Matched Status = "matched" // held at or above the level asked
	Partial Status = "partial" // some credit; Basis says from what
	Missing Status = "missing" // no credit; Gap says what would close it
)

// Source is the kind of evidence behind a partial or matched skill.
type Source string

// Evidence sources.
const (
	SourceHeld             Source = "held"              // the skill itself, at Basis.Level
	SourceTraining         Source = "training"          // a training teaching it
	SourceFormerOccupation Source = "former-occupation" // a core skill of a job held before
	SourceRelated          Source = "related"           // a related skill held
)

// Explanation says why a pair scores what it scores, in the query's
// language. Every claim is read from the stored documents.
type Explanation struct {
	// Summary is the explanation in one line: "5 compétences sur 9 — 2 à
	// acquérir : Docker (en poste), Kubernetes".
	Summary                   string
	Matched, Partial, Missing int
	// Skills are the offer's skills, in the offer's order.
	Skills []SkillMatch
	// Occupation is the offer's occupation; Bridge the candidate's former
	// occupation from which ROME lists a mobility towards it (Code empty
	// when none).
	Occupation Label
	Bridge     Label
	DistanceKm float64
	// Remote reports a fully remote offer: distance did not count.
	Remote bool
}

// SkillMatch explains one skill of the offer.
type SkillMatch struct {
	Skill     Label
	MinLevel  Level
	MustHave  bool
	Learnable bool
	Status    Status
	// Credit is the share of the skill's weight earned, 0–1.
	Credit float64
	// Basis is the evidence of a matched or partial skill (nil when
	// missing).
	Basis *Basis
	// Gap is what would close the gap on a skill not fully matched (nil
	// when matched).
	Gap *Gap
}

// Level is a skill level 1–4 with its label.
type Level struct {
	Value int
	Label string
}

// Basis is the evidence behind a skill's credit; the fields set depend on
// Source.
type Basis struct {
	Source Source
	// Level and Evidence: the held skill (held: the skill itself; related:
	// the related skill).
	Level    Level
	Evidence Label // "declared", "training", "experience", "adviser-validated"
	// Training is the training's title (empty for employers: the
	// candidate's own words), TrainingEnd its end and TrainingCompleted
	// whether it is over.
	Training          string
	TrainingEnd       time.Time
	TrainingCompleted bool
	// Related is the related skill held and Strength the relation's
	// strength, 0–1.
	Related  Label
	Strength float64
	// Occupation is the former occupation and Years how long it was held.
	Occupation Label
	Years      float64
}

// Gap is what would close the gap on a skill.
type Gap struct {
	// Level is the level to reach.
	Level Level
	// LateTraining reports a training of the candidate that teaches the
	// skill but ends after the offer's start (LateTrainingEnd); its title is
	// LateTrainingTitle (empty for employers).
	LateTraining      bool
	LateTrainingTitle string
	LateTrainingEnd   time.Time
	// Related lists skills related to this one that the candidate holds or
	// trains in: the shortest way to it.
	Related []Label
}

// levelOf is level n with its label in lang.
func levelOf(n int, lang string) Level {
	return Level{Value: n, Label: skill.Level(n).Label(lang)}
}

// Package offer holds companies' job offers and company pages: the rules
// for writing them (who may, what is valid, the draft → published → closed
// lifecycle) and the public search over published offers. An Offer is one of
// the two documents the matching engine reads (see Offer.MatchOffer).
//
// Search is served from an in-memory catalogue of the published offers (see
// Service.Search for why), kept current from the store's revisions; the
// store stays the source of truth.
//
// Storage lives in offerdb; this package knows nothing of MongoDB or HTTP.
package offer

import (
	"slices"
	"time"

	"passerelle/internal/contract"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Limits of an offer and of a company page.
const (
	MinTitleRunes       = 3
	MaxTitleRunes       = 120
	MaxDescriptionRunes = 10000
	MaxSkills           = 30
	MaxCloseNoteRunes   = 500
	MaxSalary           = 1_000_000 // euros per year: anything above is a typing error
	MaxCompanyName      = 120
	MaxCompanyText      = 5000
	MaxCompanyShort     = 80
	MaxWebsite          = 200
)

// Offer is a job offer.
type Offer struct {
	// ID is 24 hexadecimal digits (an ObjectID), chosen by the service.
	ID string
	// CompanyID is the employer organisation, taken from the author's
	// identity, never from input.
	CompanyID string
	Title     string
	Rome      skill.RomeCode
	// RomeLabel is the occupation's French label when last written, shown
	// if a later ROME release drops the code (then RomeMissing is set).
	RomeLabel   string
	RomeMissing bool
	// Description is plain text; line breaks are kept.
	Description          string
	Skills               []Skill
	Contract             contract.Type
	Place                Place
	Remote               RemotePolicy
	Salary               Salary
	StartDate            time.Time // a date (midnight UTC); zero means as soon as possible
	OpenToCareerChangers bool
	Status               Status
	// Closure says why a closed offer was closed; zero otherwise.
	Closure     Closure
	PublishedAt time.Time
	ClosedAt    time.Time
	CreatedBy   string // user id of the author
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Revision is the store's revision of this version; updates must name it.
	Revision int64
}

// Skill is a skill an offer asks for.
type Skill struct {
	Code  skill.Code
	Label string // French label snapshot
	// MinLevel is the level asked for, 1 to 4.
	MinLevel skill.Level
	// MustHave distinguishes required skills from nice-to-have ones.
	MustHave bool
	// Learnable says the skill can be learned on the job, so that its
	// absence costs a candidate less.
	Learnable bool
	// Missing flags a code the current taxonomy no longer holds.
	Missing bool
}

// Salary is a yearly gross salary range in euros. Zero bounds are not
// given: an offer may state a range, a floor, a ceiling or nothing.
type Salary struct {
	Min, Max int
}

// IsZero reports whether no salary is given.
func (s Salary) IsZero() bool { return s.Min == 0 && s.Max == 0 }

// Place is the commune of the job, a snapshot from the place directory.
type Place struct {
	CommuneID string
	Name      string
	Lat, Lon  float64
}

// LatLon returns the coordinates for place.Distance.
func (p Place) LatLon() place.LatLon { return place.LatLon{Lat: p.Lat, Lon: p.Lon} }

// Closure is why an offer was closed.
type Closure struct {
	Reason CloseReason
	Note   string
}

// Status is where an offer is in its life: draft → published → closed,
// nothing else.
type Status string

// The statuses.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusClosed    Status = "closed"
)

// Statuses returns the statuses in lifecycle order.
func Statuses() []Status { return []Status{StatusDraft, StatusPublished, StatusClosed} }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// CloseReason is why an offer is closed.
type CloseReason string

// The close reasons.
const (
	CloseFilled    CloseReason = "filled"
	CloseCancelled CloseReason = "cancelled"
	CloseOther     CloseReason = "other" // needs a note
)

// CloseReasons returns the reasons, for forms.
func CloseReasons() []CloseReason { return []CloseReason{CloseFilled, CloseCancelled, CloseOther} }

// Valid reports whether r is a known reason.
func (r CloseReason) Valid() bool { return slices.Contains(CloseReasons(), r) }

// RemotePolicy is an offer's remote-work policy.
type RemotePolicy string

// The remote policies.
const (
	RemoteOnsite RemotePolicy = "onsite"
	RemoteHybrid RemotePolicy = "hybrid"
	RemoteFull   RemotePolicy = "remote"
)

// RemotePolicies returns the policies, from on site to fully remote.
func RemotePolicies() []RemotePolicy { return []RemotePolicy{RemoteOnsite, RemoteHybrid, RemoteFull} }

// Valid reports whether r is a known policy.
func (r RemotePolicy) Valid() bool { return slices.Contains(RemotePolicies(), r) }

// Company is a company's public page.
type Company struct {
	// OrgID is the employer organisation the page belongs to.
	OrgID       string
	Name        string
	SIREN       string // 9 digits, or empty
	Sector      string
	Size        CompanySize
	City        string
	Description string // plain text
	Website     string // http(s) URL, or empty
	UpdatedBy   string // user id of the last editor
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Revision    int64
}

// CompanySize is a headcount bracket, as INSEE groups them.
type CompanySize string

// The size brackets.
const (
	Size1to9     CompanySize = "1-9"
	Size10to49   CompanySize = "10-49"
	Size50to249  CompanySize = "50-249"
	Size250AndUp CompanySize = "250+"
)

// CompanySizes returns the brackets in increasing order.
func CompanySizes() []CompanySize {
	return []CompanySize{Size1to9, Size10to49, Size50to249, Size250AndUp}
}

// Valid reports whether z is a known bracket.
func (z CompanySize) Valid() bool { return slices.Contains(CompanySizes(), z) }

// Input returns the editable content of o, so that a form can start from
// the stored offer.
func (o Offer) Input() OfferInput {
	in := OfferInput{
		Title:                o.Title,
		Rome:                 o.Rome,
		Description:          o.Description,
		Contract:             o.Contract,
		CommuneID:            o.Place.CommuneID,
		Remote:               o.Remote,
		Salary:               o.Salary,
		StartDate:            o.StartDate,
		OpenToCareerChangers: o.OpenToCareerChangers,
	}
	for _, s := range o.Skills {
		in.Skills = append(in.Skills, SkillInput{Code: s.Code, MinLevel: s.MinLevel, MustHave: s.MustHave, Learnable: s.Learnable})
	}
	return in
}

// Input returns the editable content of c.
func (c Company) Input() CompanyInput {
	return CompanyInput{Name: c.Name, SIREN: c.SIREN, Sector: c.Sector, Size: c.Size, City: c.City, Description: c.Description, Website: c.Website}
}

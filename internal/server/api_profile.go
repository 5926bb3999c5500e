package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/skill"
)

// Profiles is what the HTTP layer asks of the candidate profile service.
// The service decides who may read and edit a profile (the candidate, the
// advisers of their caseload, admins read only) and answers ENOTFOUND to
// everyone else, so the handlers never decide access themselves.
type Profiles interface {
	SkillValidator
	Get(ctx context.Context, candidateID string) (candidate.Profile, error)
	Mine(ctx context.Context, displayName string) (candidate.Profile, error)
	Update(ctx context.Context, candidateID string, in candidate.ProfileInput, expectedRevision int64) (candidate.Profile, error)
}

// profileDateLayout is how the API and HTML date inputs write a calendar day.
const profileDateLayout = "2006-01-02"

// Request and response shapes of the profile API. The request declares only
// the editable content and the revision it was read at: the caseload, the
// editor, the dates and the id are the service's, so that no body can set
// them (strict decoding rejects them as unknown fields). Skill and ROME codes
// are plain strings here, not skill.Code, so that a wrong code reaches the
// service and comes back with a suggestion instead of a type error.

type profileRequest struct {
	Revision          int64                     `json:"revision" validate:"required"`
	DisplayName       string                    `json:"displayName" validate:"required,notblank"`
	Headline          string                    `json:"headline"`
	Skills            []profileSkillRequest     `json:"skills" validate:"dive"`
	Trainings         []trainingRequest         `json:"trainings" validate:"dive"`
	FormerOccupations []formerOccupationRequest `json:"formerOccupations" validate:"dive"`
	CommuneID         string                    `json:"communeId"`
	MobilityKm        int                       `json:"mobilityKm"`
	Remote            string                    `json:"remote"`
	Contracts         []string                  `json:"contracts"`
	AvailableFrom     string                    `json:"availableFrom" validate:"omitempty,datetime=2006-01-02"`
	Languages         []languageRequest         `json:"languages" validate:"dive"`
	Visibility        string                    `json:"visibility"`
	MatchingConsent   bool                      `json:"matchingConsent"`
}

type profileSkillRequest struct {
	Code     string `json:"code"`
	Level    int    `json:"level"`
	Evidence string `json:"evidence"`
}

type trainingRequest struct {
	Title    string   `json:"title"`
	Provider string   `json:"provider"`
	Start    string   `json:"start" validate:"omitempty,datetime=2006-01-02"`
	End      string   `json:"end" validate:"omitempty,datetime=2006-01-02"`
	Status   string   `json:"status"`
	Skills   []string `json:"skills"`
}

type formerOccupationRequest struct {
	Rome  string `json:"rome"`
	Years int    `json:"years"`
}

type languageRequest struct {
	Code  string `json:"code"`
	Level string `json:"level"`
}

// parseProfileDay reads a validated YYYY-MM-DD date; empty is the zero time.
func parseProfileDay(s string) time.Time {
	t, err := time.Parse(profileDateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

// formatDay writes a date as YYYY-MM-DD (the API's and HTML date inputs'
// form), or "" for the zero time. Other areas use it too.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(profileDateLayout)
}

func (r profileRequest) input() candidate.ProfileInput {
	in := candidate.ProfileInput{
		DisplayName:     r.DisplayName,
		Headline:        r.Headline,
		CommuneID:       r.CommuneID,
		MobilityKm:      r.MobilityKm,
		Remote:          candidate.RemotePreference(r.Remote),
		AvailableFrom:   parseProfileDay(r.AvailableFrom),
		Visibility:      candidate.Visibility(r.Visibility),
		MatchingConsent: r.MatchingConsent,
	}
	for _, s := range r.Skills {
		in.Skills = append(in.Skills, candidate.SkillInput{Code: skill.Code(strings.TrimSpace(s.Code)), Level: skill.Level(s.Level), Evidence: skill.Evidence(s.Evidence)})
	}
	for _, t := range r.Trainings {
		ti := candidate.TrainingInput{Title: t.Title, Provider: t.Provider, Start: parseProfileDay(t.Start), End: parseProfileDay(t.End), Status: candidate.TrainingStatus(t.Status)}
		for _, c := range t.Skills {
			ti.Skills = append(ti.Skills, skill.Code(strings.TrimSpace(c)))
		}
		in.Trainings = append(in.Trainings, ti)
	}
	for _, f := range r.FormerOccupations {
		in.FormerOccupations = append(in.FormerOccupations, candidate.FormerOccupationInput{Rome: skill.RomeCode(f.Rome), Years: f.Years})
	}
	for _, c := range r.Contracts {
		in.Contracts = append(in.Contracts, contract.Type(c))
	}
	for _, l := range r.Languages {
		in.Languages = append(in.Languages, candidate.Language{Code: l.Code, Level: candidate.LanguageLevel(l.Level)})
	}
	return in
}

type profileResponse struct {
	ID                string                     `json:"id"`
	DisplayName       string                     `json:"displayName"`
	Headline          string                     `json:"headline"`
	Skills            []profileSkillResponse     `json:"skills"`
	Trainings         []trainingResponse         `json:"trainings"`
	FormerOccupations []formerOccupationResponse `json:"formerOccupations"`
	Place             *placeResponse             `json:"place,omitempty"`
	MobilityKm        int                        `json:"mobilityKm"`
	Remote            string                     `json:"remote"`
	Contracts         []string                   `json:"contracts"`
	AvailableFrom     string                     `json:"availableFrom,omitempty"`
	Languages         []languageResponse         `json:"languages"`
	Visibility        string                     `json:"visibility"`
	MatchingConsent   bool                       `json:"matchingConsent"`
	LastEditedBy      editorResponse             `json:"lastEditedBy"`
	CreatedAt         time.Time                  `json:"createdAt"`
	UpdatedAt         time.Time                  `json:"updatedAt"`
	Revision          int64                      `json:"revision"`
}

type profileSkillResponse struct {
	Code          string `json:"code"`
	Label         string `json:"label"`
	Level         int    `json:"level"`
	LevelLabel    string `json:"levelLabel"`
	Evidence      string `json:"evidence"`
	EvidenceLabel string `json:"evidenceLabel"`
	ValidatedBy   string `json:"validatedBy,omitempty"`
	Missing       bool   `json:"missing"`
}

type skillRefResponse struct {
	Code    string `json:"code"`
	Label   string `json:"label"`
	Missing bool   `json:"missing"`
}

type trainingResponse struct {
	Title       string             `json:"title"`
	Provider    string             `json:"provider"`
	Start       string             `json:"start,omitempty"`
	End         string             `json:"end,omitempty"`
	Status      string             `json:"status"`
	StatusLabel string             `json:"statusLabel"`
	Skills      []skillRefResponse `json:"skills"`
}

type formerOccupationResponse struct {
	Rome    string `json:"rome"`
	Label   string `json:"label"`
	Years   int    `json:"years"`
	Missing bool   `json:"missing"`
}

type placeResponse struct {
	CommuneID string  `json:"communeId"`
	Name      string  `json:"name"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
}

type languageResponse struct {
	Code  string `json:"code"`
	Level string `json:"level"`
}

type editorResponse struct {
	UserID string `json:"userId"`
	Role   string `json:"role"`
}

// skillLabel is a skill's label in lang, or the stored French snapshot when
// the taxonomy no longer knows the code.
func (s *Server) skillLabel(c skill.Code, snapshot, lang string) string {
	if l, ok := s.taxonomy.Label(c, lang); ok {
		return l
	}
	return snapshot
}

func (s *Server) toProfile(p candidate.Profile, lang string) profileResponse {
	out := profileResponse{
		ID: p.ID, DisplayName: p.DisplayName, Headline: p.Headline,
		Skills: []profileSkillResponse{}, Trainings: []trainingResponse{}, FormerOccupations: []formerOccupationResponse{},
		MobilityKm: p.MobilityKm, Remote: string(p.Remote), Contracts: []string{},
		AvailableFrom: formatDay(p.AvailableFrom), Languages: []languageResponse{},
		Visibility: string(p.Visibility), MatchingConsent: p.MatchingConsent,
		LastEditedBy: editorResponse{UserID: p.LastEditedBy.UserID, Role: string(p.LastEditedBy.Role)},
		CreatedAt:    p.CreatedAt, UpdatedAt: p.UpdatedAt, Revision: p.Revision,
	}
	for _, sk := range p.Skills {
		out.Skills = append(out.Skills, profileSkillResponse{
			Code: string(sk.Code), Label: s.skillLabel(sk.Code, sk.Label, lang),
			Level: int(sk.Level), LevelLabel: sk.Level.Label(lang),
			Evidence: string(sk.Evidence), EvidenceLabel: sk.Evidence.Label(lang),
			ValidatedBy: sk.ValidatedBy, Missing: sk.Missing,
		})
	}
	for _, t := range p.Trainings {
		tr := trainingResponse{Title: t.Title, Provider: t.Provider, Start: formatDay(t.Start), End: formatDay(t.End),
			Status: string(t.Status), StatusLabel: s.catalog.T(lang, "profile.training_status."+string(t.Status)), Skills: []skillRefResponse{}}
		for _, r := range t.Skills {
			tr.Skills = append(tr.Skills, skillRefResponse{Code: string(r.Code), Label: s.skillLabel(r.Code, r.Label, lang), Missing: r.Missing})
		}
		out.Trainings = append(out.Trainings, tr)
	}
	for _, f := range p.FormerOccupations {
		out.FormerOccupations = append(out.FormerOccupations, formerOccupationResponse{Rome: string(f.Rome), Label: f.Label, Years: f.Years, Missing: f.Missing})
	}
	if !p.Place.IsZero() {
		out.Place = &placeResponse{CommuneID: p.Place.CommuneID, Name: p.Place.Name, Lat: p.Place.Lat, Lon: p.Place.Lon}
	}
	for _, c := range p.Contracts {
		out.Contracts = append(out.Contracts, string(c))
	}
	for _, l := range p.Languages {
		out.Languages = append(out.Languages, languageResponse{Code: l.Code, Level: string(l.Level)})
	}
	return out
}

func (s *Server) mountProfileAPI(api fiber.Router) {
	api.Get("/me/profile", requireAPI(auth.RoleCandidate), s.apiMyProfile)
	api.Put("/me/profile", requireAPI(auth.RoleCandidate), s.apiUpdateMyProfile)
	// Any signed-in caller may ask; the service answers 404 to those who may
	// not see the profile, so that its existence is not revealed.
	api.Get("/candidates/:id/profile", requireAPI(), s.apiProfile)
	api.Put("/candidates/:id/profile", requireAPI(), s.apiUpdateProfile)
}

// sendProfile answers with a profile: personal data, never cached.
func (s *Server) sendProfile(c *fiber.Ctx, p candidate.Profile) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s.toProfile(p, langOf(c)))
}

// decodeProfile reads a profile body.
func decodeProfile(c *fiber.Ctx) (profileRequest, error) {
	var req profileRequest
	err := decodeJSON(c, &req)
	return req, err
}

func (s *Server) apiMyProfile(c *fiber.Ctx) error {
	p, err := s.profiles.Mine(c.UserContext(), userOf(c).Name)
	if err != nil {
		return err
	}
	return s.sendProfile(c, p)
}

func (s *Server) apiUpdateMyProfile(c *fiber.Ctx) error {
	req, err := decodeProfile(c)
	if err != nil {
		return err
	}
	// Mine creates the profile on a first call, so that a PUT is never
	// answered "not found" about the caller's own profile.
	cur, err := s.profiles.Mine(c.UserContext(), userOf(c).Name)
	if err != nil {
		return err
	}
	p, err := s.profiles.Update(c.UserContext(), cur.ID, req.input(), req.Revision)
	if err != nil {
		return err
	}
	return s.sendProfile(c, p)
}

func (s *Server) apiProfile(c *fiber.Ctx) error {
	p, err := s.profiles.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.recordAccess(c, p.ID, profileReason(userOf(c).Role)); err != nil {
		return err
	}
	return s.sendProfile(c, p)
}

func (s *Server) apiUpdateProfile(c *fiber.Ctx) error {
	req, err := decodeProfile(c)
	if err != nil {
		return err
	}
	p, err := s.profiles.Update(c.UserContext(), c.Params("id"), req.input(), req.Revision)
	if err != nil {
		return err
	}
	return s.sendProfile(c, p)
}

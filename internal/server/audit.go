package server

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/matching"
)

// The audit trail: every time an employer, an adviser or an admin is shown a
// candidate's profile or application, an entry is appended before the data
// leaves the server; if it cannot be written, the data is not shown. The
// candidate reads the list of who looked (/profile/views and the API).

// AuditTrail appends and lists access entries (audit.Log).
type AuditTrail interface {
	Record(ctx context.Context, e audit.Entry) error
	ForCandidate(ctx context.Context, candidateID string, page audit.PageRequest) (audit.Page, error)
}

// OrgDirectory reads an organisation without access rules, for the name a
// candidate sees in their trail (accountdb.Store implements it).
type OrgDirectory interface {
	Organisation(ctx context.Context, id string) (account.Organisation, error)
}

// recordAccess appends one entry for the signed-in user opening
// candidateID's data for reason. A candidate reading their own data is not
// an access to record, nor is an anonymised match list.
func (s *Server) recordAccess(c *fiber.Ctx, candidateID string, reason audit.Reason) error {
	id, ok := auth.FromContext(c.UserContext())
	if !ok || id.Role == auth.RoleCandidate {
		return nil
	}
	if s.audit == nil {
		// No trail, no showing: a server built without one refuses.
		return passerelle.Errorf(passerelle.EUNAVAILABLE, "error.unavailable")
	}
	return s.audit.Record(c.UserContext(), audit.Entry{
		ActorID: id.UserID, Role: id.Role, OrgID: id.OrgID, CandidateID: candidateID,
		Reason: reason, RequestID: requestIDOf(c),
	})
}

// profileReason is why a reader in role opens a profile outside an
// application or a match: an adviser follows their caseload.
func profileReason(role auth.Role) audit.Reason {
	if role == auth.RoleAdviser {
		return audit.ReasonCaseload
	}
	return audit.ReasonProfile
}

// recordNamedMatches records the candidates a ranked list names (an
// adviser's caseload among an offer's matches); anonymous ones reveal no one.
func (s *Server) recordNamedMatches(c *fiber.Ctx, page matching.CandidatePage) error {
	for _, r := range page.Results {
		if r.Anonymous || r.CandidateID == "" {
			continue
		}
		if err := s.recordAccess(c, r.CandidateID, audit.ReasonMatch); err != nil {
			return err
		}
	}
	return nil
}

// profileViewsPage parses the page number of a trail listing.
func profileViewsPage(c *fiber.Ctx) audit.PageRequest {
	return audit.PageRequest{Number: max(c.QueryInt("page", 1), 1), Size: audit.DefaultPageSize}
}

// profileView is one entry as the candidate reads it.
type profileView struct {
	Organisation string
	Role         string
	Reason       string
	At           time.Time
}

// profileViews lists the signed-in candidate's trail, organisations named.
func (s *Server) profileViews(c *fiber.Ctx, req audit.PageRequest) (audit.Page, []profileView, error) {
	ctx := c.UserContext()
	page, err := s.audit.ForCandidate(ctx, userOf(c).ID, req)
	if err != nil {
		return audit.Page{}, nil, err
	}
	names := map[string]string{}
	views := make([]profileView, 0, len(page.Entries))
	for _, e := range page.Entries {
		name, seen := names[e.OrgID]
		if !seen && e.OrgID != "" {
			if o, err := s.orgs.Organisation(ctx, e.OrgID); err == nil {
				name = o.Name
			}
			names[e.OrgID] = name
		}
		if name == "" {
			name = s.t(c, "audit.org_unknown")
		}
		views = append(views, profileView{Organisation: name, Role: s.t(c, "audit.role."+string(e.Role)),
			Reason: s.t(c, "audit.reason."+string(e.Reason)), At: e.At})
	}
	return page, views, nil
}

type profileViewResponse struct {
	Organisation string    `json:"organisation"`
	OrgID        string    `json:"orgId,omitempty"`
	Role         string    `json:"role"`
	Reason       string    `json:"reason"`
	ReasonLabel  string    `json:"reasonLabel"`
	At           time.Time `json:"at"`
}

type profileViewPageResponse struct {
	Items    []profileViewResponse `json:"items"`
	Total    int                   `json:"total"`
	Page     int                   `json:"page"`
	PageSize int                   `json:"pageSize"`
}

func (s *Server) mountAuditAPI(api fiber.Router) {
	api.Get("/me/profile/views", requireAPI(auth.RoleCandidate), s.apiProfileViews)
}

func (s *Server) mountAuditPages(r fiber.Router) {
	r.Get("/profile/views", requirePage(auth.RoleCandidate), s.pageProfileViews)
}

func (s *Server) apiProfileViews(c *fiber.Ctx) error {
	page, views, err := s.profileViews(c, profileViewsPage(c))
	if err != nil {
		return err
	}
	out := profileViewPageResponse{Items: make([]profileViewResponse, 0, len(views)), Total: page.Total, Page: page.Number, PageSize: page.Size}
	for i, v := range views {
		e := page.Entries[i]
		out.Items = append(out.Items, profileViewResponse{Organisation: v.Organisation, OrgID: e.OrgID,
			Role: string(e.Role), Reason: string(e.Reason), ReasonLabel: v.Reason, At: e.At})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

type profileViewsPageData struct {
	Views      []profileView
	Total      int
	Page       int
	PrevHref   string
	NextHref   string
	PageStatus string
}

func (s *Server) pageProfileViews(c *fiber.Ctx) error {
	page, views, err := s.profileViews(c, profileViewsPage(c))
	if err != nil {
		return err
	}
	d := profileViewsPageData{Views: views, Total: page.Total, Page: page.Number}
	pages := max((page.Total+page.Size-1)/page.Size, 1)
	if page.Number > 1 {
		d.PrevHref = "/profile/views?page=" + strconv.Itoa(page.Number-1)
	}
	if page.Number < pages {
		d.NextHref = "/profile/views?page=" + strconv.Itoa(page.Number+1)
	}
	d.PageStatus = s.t(c, "audit.page_status", page.Number, pages)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, "profile_views", s.t(c, "audit.title"), d)
}

package server

import (
	"context"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/notify"
)

// Notifications is what the HTTP layer asks of the notifications
// (notify.Service decides who may read and change what).
type Notifications interface {
	List(ctx context.Context, limit int) ([]notify.Notification, error)
	Unread(ctx context.Context) (int, error)
	MarkRead(ctx context.Context, id string) error
	MarkAllRead(ctx context.Context) (int, error)
	Preferences(ctx context.Context) (notify.Preferences, error)
	SetEmail(ctx context.Context, kind notify.Kind, on bool) (notify.Preferences, error)
	Failed(ctx context.Context, offset, limit int) ([]notify.Email, int, error)
	Retry(ctx context.Context, emailID string) error
	// CheckUnsubscribe reads an unsubscribe token without acting on it.
	CheckUnsubscribe(token string) (notify.Unsubscribed, error)
	Unsubscribe(ctx context.Context, token string) (notify.Unsubscribed, error)
	// Text is a notification's text in lang.
	Text(lang string, n notify.Notification) string
}

// Request and response shapes of the notifications API.

type notificationListRequest struct {
	Limit int `form:"limit" validate:"gte=1,lte=100"`
}

type notificationResponse struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Text      string     `json:"text"`
	Link      string     `json:"link,omitempty"`
	Read      bool       `json:"read"`
	CreatedAt time.Time  `json:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty"`
}

type notificationListResponse struct {
	Items  []notificationResponse `json:"items"`
	Unread int                    `json:"unread"`
}

type markedResponse struct {
	Marked int `json:"marked"`
}

// preferencesRequest turns kinds of e-mail on (true) or off (false); kinds
// left out keep their setting.
type preferencesRequest struct {
	Email map[string]bool `json:"email" validate:"required,min=1,max=20"`
}

type emailPreferenceResponse struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	On    bool   `json:"on"`
}

type preferencesResponse struct {
	Email []emailPreferenceResponse `json:"email"`
}

type failedEmailsRequest struct {
	Page     int `form:"page" validate:"gte=1,lte=10000"`
	PageSize int `form:"pageSize" validate:"gte=1,lte=100"`
}

type failedEmailResponse struct {
	ID        string    `json:"id"`
	UserID    string    `json:"userId"`
	Kind      string    `json:"kind"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"lastError"`
	CreatedAt time.Time `json:"createdAt"`
	FailedAt  time.Time `json:"failedAt"`
}

type failedEmailPageResponse struct {
	Items    []failedEmailResponse `json:"items"`
	Total    int                   `json:"total"`
	Page     int                   `json:"page"`
	PageSize int                   `json:"pageSize"`
}

func (s *Server) toNotification(n notify.Notification, lang string) notificationResponse {
	r := notificationResponse{ID: n.ID, Kind: string(n.Kind), Text: s.notifications.Text(lang, n), Link: n.Link, Read: n.Read, CreatedAt: n.CreatedAt}
	if !n.ReadAt.IsZero() {
		at := n.ReadAt
		r.ReadAt = &at
	}
	return r
}

func (s *Server) toPreferences(p notify.Preferences, lang string) preferencesResponse {
	out := preferencesResponse{Email: make([]emailPreferenceResponse, 0, len(notify.Kinds()))}
	for _, k := range notify.Kinds() {
		out.Email = append(out.Email, emailPreferenceResponse{Kind: string(k), Label: s.catalog.T(lang, "notify.kind."+string(k)), On: p.EmailOn(k)})
	}
	return out
}

func toFailedEmail(e notify.Email) failedEmailResponse {
	return failedEmailResponse{ID: e.ID, UserID: e.UserID, Kind: string(e.Kind), To: e.To, Subject: e.Subject, Attempts: e.Attempts,
		LastError: e.LastError, CreatedAt: e.CreatedAt, FailedAt: e.FailedAt}
}

func (s *Server) mountNotifyAPI(api fiber.Router) {
	api.Get("/me/notifications", requireAPI(), s.apiNotifications)
	api.Post("/me/notifications/read-all", requireAPI(), s.apiMarkAllRead)
	api.Post("/me/notifications/:id/read", requireAPI(), s.apiMarkRead)
	api.Get("/me/notification-preferences", requireAPI(), s.apiPreferences)
	api.Patch("/me/notification-preferences", requireAPI(), s.apiSetPreferences)
	api.Get("/admin/emails", requireAPI(auth.RoleAdmin), s.apiFailedEmails)
	api.Post("/admin/emails/:id/retry", requireAPI(auth.RoleAdmin), s.apiRetryEmail)
}

func (s *Server) apiNotifications(c *fiber.Ctx) error {
	var errs []passerelle.FieldError
	req := notificationListRequest{Limit: queryIntParam(c, "limit", 50, &errs)}
	if err := validateQuery(req, errs); err != nil {
		return err
	}
	ctx := c.UserContext()
	list, err := s.notifications.List(ctx, req.Limit)
	if err != nil {
		return err
	}
	unread, err := s.notifications.Unread(ctx)
	if err != nil {
		return err
	}
	out := notificationListResponse{Items: make([]notificationResponse, 0, len(list)), Unread: unread}
	for _, n := range list {
		out.Items = append(out.Items, s.toNotification(n, langOf(c)))
	}
	return c.JSON(out)
}

func (s *Server) apiMarkRead(c *fiber.Ctx) error {
	if err := s.notifications.MarkRead(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiMarkAllRead(c *fiber.Ctx) error {
	n, err := s.notifications.MarkAllRead(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(markedResponse{Marked: n})
}

func (s *Server) apiPreferences(c *fiber.Ctx) error {
	p, err := s.notifications.Preferences(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(s.toPreferences(p, langOf(c)))
}

// emailChanges checks every kind named before anything changes, so that a
// request with one bad kind changes nothing.
func emailChanges(email map[string]bool) (map[notify.Kind]bool, error) {
	var fields []passerelle.FieldError
	out := make(map[notify.Kind]bool, len(email))
	names := make([]string, 0, len(email))
	for k := range email {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !notify.Kind(k).Valid() {
			fields = append(fields, passerelle.FieldError{Field: "email." + k, Key: "notify.kind.invalid"})
			continue
		}
		out[notify.Kind(k)] = email[k]
	}
	if len(fields) > 0 {
		return nil, passerelle.Invalid(fields...)
	}
	return out, nil
}

// setEmails applies changes (at least one: the request's validation says
// so) in the order of notify.Kinds and returns the preferences after the
// last one.
func (s *Server) setEmails(ctx context.Context, changes map[notify.Kind]bool) (notify.Preferences, error) {
	var p notify.Preferences
	var err error
	for _, k := range notify.Kinds() {
		on, ok := changes[k]
		if !ok {
			continue
		}
		if p, err = s.notifications.SetEmail(ctx, k, on); err != nil {
			return notify.Preferences{}, err
		}
	}
	return p, nil
}

func (s *Server) apiSetPreferences(c *fiber.Ctx) error {
	var req preferencesRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	changes, err := emailChanges(req.Email)
	if err != nil {
		return err
	}
	p, err := s.setEmails(c.UserContext(), changes)
	if err != nil {
		return err
	}
	return c.JSON(s.toPreferences(p, langOf(c)))
}

func (s *Server) apiFailedEmails(c *fiber.Ctx) error {
	var errs []passerelle.FieldError
	req := failedEmailsRequest{Page: queryIntParam(c, "page", 1, &errs), PageSize: queryIntParam(c, "pageSize", 20, &errs)}
	if err := validateQuery(req, errs); err != nil {
		return err
	}
	list, total, err := s.notifications.Failed(c.UserContext(), (req.Page-1)*req.PageSize, req.PageSize)
	if err != nil {
		return err
	}
	out := failedEmailPageResponse{Items: make([]failedEmailResponse, 0, len(list)), Total: total, Page: req.Page, PageSize: req.PageSize}
	for _, e := range list {
		out.Items = append(out.Items, toFailedEmail(e))
	}
	return c.JSON(out)
}

func (s *Server) apiRetryEmail(c *fiber.Ctx) error {
	if err := s.notifications.Retry(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

package server

import (
	"errors"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/notify"
)

func (s *Server) mountNotifyPages(r fiber.Router) {
	r.Get("/notifications", requirePage(), s.pageNotifications)
	r.Post("/notifications/read-all", requirePage(), s.pageMarkAllRead)
	r.Post("/notifications/:id/read", requirePage(), s.pageMarkRead)
	r.Get("/account/notifications", requirePage(), s.pagePreferences)
	r.Post("/account/notifications", requirePage(), s.pagePreferencesPost)
	r.Get("/unsubscribe", s.pageUnsubscribe)
	r.Post("/unsubscribe", s.pageUnsubscribePost)
	r.Get("/admin/emails", requirePage(auth.RoleAdmin), s.pageFailedEmails)
	r.Post("/admin/emails/:id/retry", requirePage(auth.RoleAdmin), s.pageRetryEmail)
}

// notificationsNav is the navigation link to the notifications, with the
// unread count in its text (not a coloured dot alone): "Notifications
// (2 non lues)". A failure to count shows the link without it.
func (s *Server) notificationsNav(c *fiber.Ctx) NavItem {
	lang := langOf(c)
	item := NavItem{Href: "/notifications", Label: s.catalog.T(lang, "nav.notifications"), Current: c.Path() == "/notifications"}
	if s.notifications == nil {
		return item
	}
	n, err := s.notifications.Unread(c.UserContext())
	switch {
	case err != nil:
		s.log.Warn("count unread notifications", "request_id", requestIDOf(c), "err", err)
	case n == 1:
		item.Label = s.catalog.T(lang, "nav.notifications_unread_one")
	case n > 1:
		item.Label = s.catalog.T(lang, "nav.notifications_unread", n)
	}
	return item
}

// notificationItem is one notification as the list shows it.
type notificationItem struct {
	ID, Text, Link, Date string
	Read                 bool
}

type notificationsPage struct {
	Items  []notificationItem
	Unread int
}

func (s *Server) pageNotifications(c *fiber.Ctx) error {
	ctx := c.UserContext()
	list, err := s.notifications.List(ctx, notify.MaxList)
	if err != nil {
		return err
	}
	unread, err := s.notifications.Unread(ctx)
	if err != nil {
		return err
	}
	lang := langOf(c)
	p := notificationsPage{Items: make([]notificationItem, 0, len(list)), Unread: unread}
	for _, n := range list {
		p.Items = append(p.Items, notificationItem{ID: n.ID, Text: s.notifications.Text(lang, n), Link: n.Link, Read: n.Read,
			Date: dateTime(lang, n.CreatedAt)})
	}
	return s.render(c, "notify_list", s.t(c, "notify.page.title"), p)
}

func (s *Server) pageMarkRead(c *fiber.Ctx) error {
	if err := s.notifications.MarkRead(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	s.flash(c, "notify.page.marked")
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}

func (s *Server) pageMarkAllRead(c *fiber.Ctx) error {
	if _, err := s.notifications.MarkAllRead(c.UserContext()); err != nil {
		return err
	}
	s.flash(c, "notify.page.all_marked")
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}

// kindsFor lists the kinds of notification a role receives, for the
// preferences form; a role that receives none sees them all.
func kindsFor(role auth.Role) []notify.Kind {
	switch role {
	case auth.RoleCandidate:
		return []notify.Kind{notify.KindStatusChange, notify.KindInvitation, notify.KindDigest}
	case auth.RoleEmployer:
		return []notify.Kind{notify.KindNewApplication, notify.KindEndorsement}
	}
	return notify.Kinds()
}

// preferenceItem is one checkbox of the preferences form.
type preferenceItem struct {
	Kind, Label string
	On          bool
}

type preferencesPage struct {
	Items []preferenceItem
	f     *Form
}

func (p preferencesPage) form() *Form { return p.f }

func (s *Server) preferencesData(c *fiber.Ctx, f *Form) (preferencesPage, error) {
	prefs, err := s.notifications.Preferences(c.UserContext())
	if err != nil {
		return preferencesPage{}, err
	}
	p := preferencesPage{f: f}
	for _, k := range kindsFor(userOf(c).Role) {
		p.Items = append(p.Items, preferenceItem{Kind: string(k), Label: s.t(c, "notify.kind."+string(k)), On: prefs.EmailOn(k)})
	}
	return p, nil
}

func (s *Server) pagePreferences(c *fiber.Ctx) error {
	p, err := s.preferencesData(c, &Form{})
	if err != nil {
		return err
	}
	return s.render(c, "notify_preferences", s.t(c, "notify.prefs.title"), p)
}

// pagePreferencesPost sets every kind of the form: checked ones on, the
// others off. An unknown kind changes nothing.
func (s *Server) pagePreferencesPost(c *fiber.Ctx) error {
	checked := map[string]bool{}
	for _, v := range c.Request().PostArgs().PeekMulti("email") {
		checked[string(v)] = true
	}
	f := &Form{Values: map[string]string{}}
	changes := map[notify.Kind]bool{}
	shown := kindsFor(userOf(c).Role)
	for k := range checked {
		if !slices.Contains(shown, notify.Kind(k)) {
			f.addError("email", s.fieldMessage(langOf(c), passerelle.FieldError{Field: "email", Key: "notify.kind.invalid"}))
		}
	}
	if len(f.Errors) > 0 {
		p, err := s.preferencesData(c, f)
		if err != nil {
			return err
		}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "notify_preferences", s.t(c, "notify.prefs.title"), p)
	}
	for _, k := range shown {
		changes[k] = checked[string(k)]
	}
	if _, err := s.setEmails(c.UserContext(), changes); err != nil {
		return err
	}
	s.flash(c, "notify.prefs.saved")
	return c.Redirect("/account/notifications", fiber.StatusSeeOther)
}

type unsubscribePage struct {
	Token, Kind string
	Done        bool
}

// unsubscribeError shows why a link does not work, with status 400, or
// hands an unexpected error on.
func (s *Server) unsubscribeError(c *fiber.Ctx, err error) error {
	if passerelle.ErrorCode(err) != passerelle.EINVALID {
		return err
	}
	key := "error.notify.unsubscribe_invalid"
	if perr := (*passerelle.Error)(nil); errors.As(err, &perr) && perr.Key != "" {
		key = perr.Key
	}
	return s.message(c, fiber.StatusBadRequest, "notify.unsubscribe.failed_title", key, "/account/notifications", "notify.unsubscribe.choose")
}

// pageUnsubscribe shows what an unsubscribe link would turn off and asks
// to confirm: following the link alone (a mail scanner does) changes
// nothing.
func (s *Server) pageUnsubscribe(c *fiber.Ctx) error {
	token := c.Query("token")
	u, err := s.notifications.CheckUnsubscribe(token)
	if err != nil {
		return s.unsubscribeError(c, err)
	}
	return s.render(c, "notify_unsubscribe", s.t(c, "notify.unsubscribe.title"),
		unsubscribePage{Token: token, Kind: s.t(c, "notify.kind."+string(u.Kind))})
}

func (s *Server) pageUnsubscribePost(c *fiber.Ctx) error {
	u, err := s.notifications.Unsubscribe(c.UserContext(), c.FormValue("token"))
	if err != nil {
		return s.unsubscribeError(c, err)
	}
	return s.render(c, "notify_unsubscribe", s.t(c, "notify.unsubscribe.title"),
		unsubscribePage{Kind: s.t(c, "notify.kind."+string(u.Kind)), Done: true})
}

// failedEmailItem is one failed e-mail in the admins' list.
type failedEmailItem struct {
	ID, To, Subject, Kind, LastError, FailedAt string
	Attempts                                   int
}

type failedEmailsPage struct {
	Items          []failedEmailItem
	Total          int
	PrevHref, Next string
}

func (s *Server) pageFailedEmails(c *fiber.Ctx) error {
	page := max(c.QueryInt("page", 1), 1)
	const size = 50
	list, total, err := s.notifications.Failed(c.UserContext(), (page-1)*size, size)
	if err != nil {
		return err
	}
	lang := langOf(c)
	p := failedEmailsPage{Total: total}
	for _, e := range list {
		p.Items = append(p.Items, failedEmailItem{ID: e.ID, To: e.To, Subject: e.Subject, Kind: s.t(c, "notify.kind."+string(e.Kind)),
			LastError: e.LastError, FailedAt: dateTime(lang, e.FailedAt), Attempts: e.Attempts})
	}
	if page > 1 {
		p.PrevHref = "/admin/emails?page=" + strconv.Itoa(page-1)
	}
	if page*size < total {
		p.Next = "/admin/emails?page=" + strconv.Itoa(page+1)
	}
	return s.render(c, "notify_admin", s.t(c, "notify.admin.title"), p)
}

func (s *Server) pageRetryEmail(c *fiber.Ctx) error {
	if err := s.notifications.Retry(c.UserContext(), c.Params("id")); err != nil {
		if passerelle.ErrorCode(err) != passerelle.ECONFLICT {
			return err
		}
		s.flash(c, "error.notify.stale")
		return c.Redirect("/admin/emails", fiber.StatusSeeOther)
	}
	s.flash(c, "notify.admin.retried")
	return c.Redirect("/admin/emails", fiber.StatusSeeOther)
}

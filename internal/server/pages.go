package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/auth"
)

// parsePages parses each page template with the layout and the partials
// (templates/_*.html, shared blocks such as the skill field) into its own
// set, so that every page defines its own "content" block.
func parsePages(assets fs.FS) (map[string]*template.Template, error) {
	layout, err := template.New("layout").Funcs(templateFuncs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	if partials, _ := fs.Glob(assets, "templates/_*.html"); len(partials) > 0 {
		if layout, err = layout.ParseFS(assets, partials...); err != nil {
			return nil, fmt.Errorf("parse partials: %w", err)
		}
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, f)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

var templateFuncs = template.FuncMap{}

// Page is what every template receives: the layout's needs and the page's Data.
type Page struct {
	Lang          string
	OtherLang     string
	OtherLangName string
	SwitchHref    string
	Title         string
	Nav           []NavItem
	User          *PageUser
	CSRF          string
	Flash         string
	Form          *Form
	Data          any

	t func(key string, args ...any) string
}

// NavItem is a link of the main navigation.
type NavItem struct {
	Href, Label string
	Current     bool
}

// PageUser is who is logged in, as the layout shows it.
type PageUser struct {
	Name string
	Role string
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return p.t(key, args...) }

// Date formats a date the way the page's language writes it.
func (p Page) Date(t time.Time) string { return dateIn(p.Lang, t) }

// parisTime is where the product's users read times (UTC if the zone
// database is missing).
var parisTime = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}()

// DateTime formats a moment, in Paris time, the way the page's language
// writes it.
func (p Page) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return dateTime(p.Lang, t)
}

// dateTime formats a moment in Paris time for lang.
func dateTime(lang string, t time.Time) string {
	t = t.In(parisTime)
	if lang == "en" {
		return t.Format("2 January 2006, 15:04")
	}
	return t.Format("02/01/2006 à 15:04")
}

// Form is a submitted form: what the user typed (never passwords) and the
// errors to show beside each field and in the summary at the top.
type Form struct {
	Values  map[string]string
	Errors  map[string]string
	order   []string
	General string
}

// FormError is one entry of the error summary.
type FormError struct{ Field, Message string }

// Value returns what the user typed in field name.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// ErrorList lists field errors in the order they were found.
func (f *Form) ErrorList() []FormError {
	out := make([]FormError, 0, len(f.order))
	for _, name := range f.order {
		out = append(out, FormError{Field: name, Message: f.Errors[name]})
	}
	return out
}

func (f *Form) addError(field, msg string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, dup := f.Errors[field]; dup {
		return
	}
	f.Errors[field] = msg
	f.order = append(f.order, field)
}

// FieldView is what the "field" template needs to draw one labelled input
// with its hint and error, tied together for assistive technologies.
type FieldView struct {
	Name, Label, Type, Value, Autocomplete, Hint, Error, ErrorPrefix, List string
	Required                                                               bool
	Options                                                                []Option
}

// Option is one choice of a select field.
type Option struct {
	Value, Label string
	Selected     bool
}

// Describedby ties the input to its hint and error message.
func (f FieldView) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, "f-"+f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, "f-"+f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// Field describes the input name labelled by labelKey.
func (p Page) Field(name, labelKey, typ, autocomplete string, required bool) FieldView {
	return FieldView{Name: name, Label: p.T(labelKey), Type: typ, Autocomplete: autocomplete, Required: required,
		Value: p.Form.Value(name), Error: p.fieldError(name), ErrorPrefix: p.T("form.error_prefix")}
}

// FieldHint is Field with a hint under the label.
func (p Page) FieldHint(name, labelKey, typ, autocomplete string, required bool, hintKey string) FieldView {
	f := p.Field(name, labelKey, typ, autocomplete, required)
	f.Hint = p.T(hintKey)
	return f
}

func (p Page) fieldError(name string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Errors[name]
}

func (s *Server) newPage(c *fiber.Ctx, title string, data any) Page {
	lang := langOf(c)
	other := "en"
	if lang == "en" {
		other = "fr"
	}
	p := Page{
		Lang:          lang,
		OtherLang:     other,
		OtherLangName: s.catalog.T(other, "lang.name"),
		SwitchHref:    c.Path() + "?lang=" + other,
		Title:         title,
		Data:          data,
		t:             func(key string, args ...any) string { return s.catalog.T(lang, key, args...) },
	}
	p.CSRF = s.csrfToken(c)
	nav := func(href, key string) {
		p.Nav = append(p.Nav, NavItem{Href: href, Label: s.catalog.T(lang, key), Current: c.Path() == href})
	}
	nav("/", "nav.home")
	nav("/offers", "nav.offers")
	if u := userOf(c); u != nil {
		p.User = &PageUser{Name: u.Name, Role: string(u.Role)}
		switch u.Role {
		case auth.RoleCandidate:
			nav("/profile", "nav.profile")
			nav("/matches", "nav.matches")
			nav("/applications", "nav.applications")
			nav("/account/advisers", "nav.advisers")
		case auth.RoleEmployer:
			nav("/company/offers", "nav.my_offers")
			nav("/company/pool", "nav.pool")
		case auth.RoleAdviser:
			nav("/caseload", "nav.caseload")
		}
		if u.OrgID != "" {
			nav("/organisation", "nav.organisation")
		}
		p.Nav = append(p.Nav, s.notificationsNav(c))
		if u.Role == auth.RoleAdmin {
			nav("/admin/emails", "nav.admin_emails")
		}
		nav("/account", "nav.account")
	} else {
		nav("/login", "nav.login")
		nav("/register/candidate", "nav.register")
	}
	if f, ok := data.(*Form); ok {
		p.Form = f
	} else if fd, ok := data.(formData); ok {
		p.Form = fd.form()
	}
	if key := c.Cookies(flashCookie); key != "" {
		if s.catalog.Has(key) {
			p.Flash = s.catalog.T(lang, key)
		}
		c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0)})
	}
	return p
}

// formData is page data that carries a form.
type formData interface{ form() *Form }

const flashCookie = "passerelle_flash"

// flash shows the message key on the next page (after a redirect). Only a
// catalogue key travels, never text, so the cookie cannot inject content.
func (s *Server) flash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: key, Path: "/", MaxAge: 60, HTTPOnly: true, Secure: s.secureCookies(), SameSite: "Lax"})
}

// render writes page name with status 200.
func (s *Server) render(c *fiber.Ctx, name, title string, data any) error {
	return s.renderStatus(c, fiber.StatusOK, name, title, data)
}

func (s *Server) renderStatus(c *fiber.Ctx, status int, name, title string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", s.newPage(c, title, data)); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, langOf(c))
	return c.Send(buf.Bytes())
}

func (s *Server) home(c *fiber.Ctx) error {
	return s.render(c, "home", s.catalog.T(langOf(c), "home.page_title"), nil)
}

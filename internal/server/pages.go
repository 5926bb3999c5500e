package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// parsePages parses each page template with the layout into its own set, so
// that every page defines its own "content" block.
func parsePages(assets fs.FS) (map[string]*template.Template, error) {
	layout, err := template.New("layout").Funcs(templateFuncs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
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
	p.Nav = []NavItem{{Href: "/", Label: s.catalog.T(lang, "nav.home"), Current: c.Path() == "/"}}
	return p
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

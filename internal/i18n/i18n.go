// Package i18n translates Passerelle's messages. French is the reference
// language; English the second. Catalogues are flat JSON files of key →
// message, with fmt-style verbs for arguments.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Languages the product speaks, French first: it is the default.
var Languages = []string{"fr", "en"}

// Default is the language used when nothing else is known.
const Default = "fr"

// Catalog holds the messages of every language.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads every <area>.<lang>.json of dir in fsys (one file per area of
// the product, so that features keep their messages beside each other) and
// merges them per language. A key defined twice is an error, and so is a key
// present in one language and not in another: a missing translation is a
// start-up failure, not a surprise on a page.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		files, err := fs.Glob(fsys, path.Join(dir, "*."+lang+".json"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("load catalogue %s: no %s/*.%s.json", lang, dir, lang)
		}
		all := map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("load catalogue %s: %w", f, err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("load catalogue %s: %w", f, err)
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					return nil, fmt.Errorf("load catalogue %s: key %q defined twice", f, k)
				}
				all[k] = v
			}
		}
		c.msgs[lang] = all
	}
	ref := c.msgs[Default]
	for _, lang := range Languages[1:] {
		var missing, extra []string
		for k := range ref {
			if _, ok := c.msgs[lang][k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range c.msgs[lang] {
			if _, ok := ref[k]; !ok {
				extra = append(extra, k)
			}
		}
		if len(missing)+len(extra) > 0 {
			slices.Sort(missing)
			slices.Sort(extra)
			return nil, fmt.Errorf("catalogue %s differs from %s: missing %v, extra %v", lang, Default, missing, extra)
		}
	}
	return c, nil
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[Default][key]
	return ok
}

// T returns the message key in lang, formatted with args. An unknown language
// falls back to French; an unknown key returns the key itself, visible in
// tests rather than an empty string on a page.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[lang]
	if !ok {
		m = c.msgs[Default]
	}
	msg, ok := m[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Match picks the best supported language from an explicit choice (a query
// parameter or cookie) and an Accept-Language header.
func Match(choice, acceptLanguage string) string {
	if slices.Contains(Languages, choice) {
		return choice
	}
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		base := strings.ToLower(strings.SplitN(tag, "-", 2)[0])
		if slices.Contains(Languages, base) {
			return base
		}
	}
	return Default
}

package skill

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Category groups technology tags for display and filtering.
type Category string

// The tag categories, in display order.
const (
	CategoryLanguage  Category = "language"
	CategoryFramework Category = "framework"
	CategoryDatabase  Category = "database"
	CategoryCloud     Category = "cloud-devops"
	CategoryData      Category = "data"
	CategoryDesign    Category = "design"
	CategoryTesting   Category = "testing"
	CategorySecurity  Category = "security"
	CategoryMethod    Category = "method"
	CategoryOffice    Category = "office"
	CategoryNetwork   Category = "network"
	CategoryProject   Category = "project"
)

var categoryLabels = map[Category][2]string{
	CategoryLanguage:  {"Langages de programmation", "Programming languages"},
	CategoryFramework: {"Frameworks et bibliothèques", "Frameworks and libraries"},
	CategoryDatabase:  {"Bases de données", "Databases"},
	CategoryCloud:     {"Cloud et DevOps", "Cloud and DevOps"},
	CategoryData:      {"Data, BI et IA", "Data, BI and AI"},
	CategoryDesign:    {"Design et UX", "Design and UX"},
	CategoryTesting:   {"Tests et qualité", "Testing and QA"},
	CategorySecurity:  {"Cybersécurité", "Security"},
	CategoryMethod:    {"Méthodes et agilité", "Methods and agile"},
	CategoryOffice:    {"Bureautique, gestion et no-code", "Office, business apps and no-code"},
	CategoryNetwork:   {"Réseaux et systèmes", "Networks and systems"},
	CategoryProject:   {"Projet, produit et marketing", "Project, product and marketing"},
}

// Categories returns the categories in display order.
func Categories() []Category {
	return []Category{CategoryLanguage, CategoryFramework, CategoryDatabase, CategoryCloud,
		CategoryData, CategoryDesign, CategoryTesting, CategorySecurity, CategoryMethod,
		CategoryOffice, CategoryNetwork, CategoryProject}
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { _, ok := categoryLabels[c]; return ok }

// Label returns the category's human label in lang ("fr" or "en").
func (c Category) Label(lang string) string {
	l, ok := categoryLabels[c]
	if !ok {
		return string(c)
	}
	if isEN(lang) {
		return l[1]
	}
	return l[0]
}

// Tag is a curated technology tag: what employers write in offers and
// candidates in profiles ("Go", "React", "Power BI").
type Tag struct {
	Slug     string
	LabelFR  string
	LabelEN  string
	Aliases  []string // other spellings, matched after Normalize ("golang", "JS")
	Category Category
	// Related lists the curated relations of the tag, symmetric (declaring
	// "typescript → javascript" also gives "javascript → typescript"),
	// strongest first.
	Related []TagRelation
	// ROME lists the codes ("ogr:…") of the ROME knowledge items the tag
	// corresponds to, so that a tag and a ROME item can stand for each other.
	ROME []Code
}

// TagRelation is a curated relation from one tag to another: Strength in
// (0, 1] says how much of the other skill holding this one transfers.
type TagRelation struct {
	Slug     string
	Strength float64
}

// Code returns the tag's skill code ("tag:<slug>").
func (t Tag) Code() Code { return TagCode(t.Slug) }

// Label returns the tag's label in lang ("fr" or "en").
func (t Tag) Label(lang string) string {
	if isEN(lang) && t.LabelEN != "" {
		return t.LabelEN
	}
	return t.LabelFR
}

// TagSet is a validated, immutable set of tags.
type TagSet struct {
	tags   []Tag // sorted by slug
	bySlug map[string]int
}

// Len returns the number of tags.
func (s *TagSet) Len() int { return len(s.tags) }

// All returns the tags sorted by slug. The slice is shared: do not modify it.
func (s *TagSet) All() []Tag { return s.tags }

// Get returns the tag with the given slug.
func (s *TagSet) Get(slug string) (Tag, bool) {
	i, ok := s.bySlug[slug]
	if !ok {
		return Tag{}, false
	}
	return s.tags[i], true
}

// InCategory returns the tags of category c, sorted by slug.
func (s *TagSet) InCategory(c Category) []Tag {
	var out []Tag
	for _, t := range s.tags {
		if t.Category == c {
			out = append(out, t)
		}
	}
	return out
}

//go:embed data/tags.txt
var builtinTagsFile []byte

// builtinTagsName is how the embedded file is named in errors.
const builtinTagsName = "data/tags.txt"

var builtinTags = sync.OnceValue(func() *TagSet {
	s, err := ParseTags(builtinTagsName, bytes.NewReader(builtinTagsFile))
	if err != nil {
		// The file ships inside the binary and a test loads it: an error here
		// is a build defect, not a runtime condition.
		panic(fmt.Sprintf("skill: built-in tags: %v", err))
	}
	return s
})

// BuiltinTags returns the curated tags shipped with the binary (data/tags.txt).
func BuiltinTags() *TagSet { return builtinTags() }

// ParseTags reads a tags file; name is used in error messages. The format is
// line-oriented so that the file reads and diffs well under version control:
//
//	# comment
//	[category]
//	slug | label fr | label en | aliases | related | rome
//
// A "[category]" line sets the category of the tags below it. On a tag line,
// "label en" may be empty when it equals the French label; "aliases" is a
// comma-separated list of other spellings; "related" a comma-separated list of
// "slug:strength" with strength in (0, 1] (relations are symmetric: declare a
// pair once, or twice with the same strength); "rome" a comma-separated list
// of ROME knowledge item code_ogr. Trailing empty fields may be omitted.
//
// The whole file is validated: unique slugs, every key (slug, labels and
// aliases, after Normalize) belonging to one tag only, related slugs that
// exist, strengths in range. The first problem is returned as an
// *ImportError naming the line.
func ParseTags(name string, r io.Reader) (*TagSet, error) {
	s, err := parseTags(name, r)
	if err != nil {
		return nil, fmt.Errorf("parse tags: %w", err)
	}
	return s, nil
}

// tagLine keeps what the second validation pass needs about a tag.
type tagLine struct {
	line    int
	related []rawRelation
}

type rawRelation struct {
	slug     string
	strength float64
}

func parseTags(name string, r io.Reader) (*TagSet, error) {
	var (
		tags     []Tag
		lines    []tagLine
		bySlug   = map[string]int{}
		keyOwner = map[string]int{} // normalized key → index in tags
		category Category
		lineNo   int
	)
	fail := func(line int, format string, args ...any) error {
		return &ImportError{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lineNo++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if strings.HasPrefix(text, "[") {
			if !strings.HasSuffix(text, "]") {
				return nil, fail(lineNo, "category line %q: want [category]", text)
			}
			category = Category(strings.TrimSpace(text[1 : len(text)-1]))
			if !category.Valid() {
				return nil, fail(lineNo, "unknown category %q", category)
			}
			continue
		}
		if category == "" {
			return nil, fail(lineNo, "tag before any [category] line")
		}
		f := strings.Split(text, "|")
		if len(f) < 2 || len(f) > 6 {
			return nil, fail(lineNo, "%d fields: want slug | label fr | label en | aliases | related | rome", len(f))
		}
		for len(f) < 6 {
			f = append(f, "")
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		t := Tag{Slug: f[0], LabelFR: f[1], LabelEN: f[2], Category: category}
		if err := validSlug(t.Slug); err != nil {
			return nil, fail(lineNo, "bad slug %q: %v", t.Slug, err)
		}
		if j, dup := bySlug[t.Slug]; dup {
			return nil, fail(lineNo, "duplicate slug %q (first on line %d)", t.Slug, lines[j].line)
		}
		if t.LabelFR == "" {
			return nil, fail(lineNo, "tag %q: empty French label", t.Slug)
		}
		if t.LabelEN == "" {
			t.LabelEN = t.LabelFR
		}
		for _, a := range splitList(f[3]) {
			if a == "" {
				return nil, fail(lineNo, "tag %q: empty alias", t.Slug)
			}
			t.Aliases = append(t.Aliases, a)
		}
		idx := len(tags)
		// Every spelling must lead to one tag only, or Resolve would depend on
		// the order of the file.
		for _, k := range append([]string{t.Slug, t.LabelFR, t.LabelEN}, t.Aliases...) {
			key := Normalize(k)
			if key == "" {
				return nil, fail(lineNo, "tag %q: %q has no letters or digits", t.Slug, k)
			}
			if o, taken := keyOwner[key]; taken && o != idx {
				return nil, fail(lineNo, "tag %q: %q matches the same key %q as tag %q (line %d)",
					t.Slug, k, key, tags[o].Slug, lines[o].line)
			}
			keyOwner[key] = idx
		}
		var rels []rawRelation
		for _, rel := range splitList(f[4]) {
			slug, str, ok := strings.Cut(rel, ":")
			slug = strings.TrimSpace(slug)
			if !ok {
				return nil, fail(lineNo, "tag %q: related %q: want slug:strength", t.Slug, rel)
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(str), 64)
			if err != nil || math.IsNaN(v) || v <= 0 || v > 1 {
				return nil, fail(lineNo, "tag %q: related %q: strength must be a number in (0, 1]", t.Slug, rel)
			}
			if slug == t.Slug {
				return nil, fail(lineNo, "tag %q: related to itself", t.Slug)
			}
			for _, p := range rels {
				if p.slug == slug {
					return nil, fail(lineNo, "tag %q: related %q listed twice", t.Slug, slug)
				}
			}
			rels = append(rels, rawRelation{slug, v})
		}
		for _, id := range splitList(f[5]) {
			if err := validOGR(id); err != nil {
				return nil, fail(lineNo, "tag %q: rome %q: %v", t.Slug, id, err)
			}
			c := OGRCode(id)
			if slices.Contains(t.ROME, c) {
				return nil, fail(lineNo, "tag %q: rome %q listed twice", t.Slug, id)
			}
			t.ROME = append(t.ROME, c)
		}
		bySlug[t.Slug] = idx
		tags = append(tags, t)
		lines = append(lines, tagLine{line: lineNo, related: rels})
	}
	if err := sc.Err(); err != nil {
		return nil, &ImportError{File: name, Line: lineNo + 1, Reason: "read", Err: err}
	}
	if len(tags) == 0 {
		return nil, fail(0, "no tags")
	}

	// Second pass: relations, now that every slug is known. They are made
	// symmetric so that a relation is declared once in the file.
	rel := make([]map[string]float64, len(tags))
	for i := range rel {
		rel[i] = map[string]float64{}
	}
	for i, l := range lines {
		for _, r := range l.related {
			j, ok := bySlug[r.slug]
			if !ok {
				return nil, fail(l.line, "tag %q: related tag %q does not exist", tags[i].Slug, r.slug)
			}
			if old, seen := rel[i][r.slug]; seen && old != r.strength {
				return nil, fail(l.line, "tag %q: relation with %q is %v here but %v on line %d",
					tags[i].Slug, r.slug, r.strength, old, lines[j].line)
			}
			rel[i][r.slug] = r.strength
			rel[j][tags[i].Slug] = r.strength
		}
	}
	for i := range tags {
		for slug, v := range rel[i] {
			tags[i].Related = append(tags[i].Related, TagRelation{Slug: slug, Strength: v})
		}
		slices.SortFunc(tags[i].Related, func(a, b TagRelation) int {
			if a.Strength != b.Strength {
				if a.Strength > b.Strength {
					return -1
				}
				return 1
			}
			return strings.Compare(a.Slug, b.Slug)
		})
	}

	set := &TagSet{tags: tags, bySlug: make(map[string]int, len(tags))}
	slices.SortFunc(set.tags, func(a, b Tag) int { return strings.Compare(a.Slug, b.Slug) })
	for i, t := range set.tags {
		set.bySlug[t.Slug] = i
	}
	return set, nil
}

// splitList splits a comma-separated field; an empty field gives no items.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

package skill

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// Taxonomy answers every question the rest of the product asks about skills
// and occupations: labels, occupations and their items, mobility, related
// skills, resolution of free text and autocomplete. It is built once from a
// TagSet and a ROME (built-in or imported), is immutable, and is safe for
// concurrent use.
type Taxonomy struct {
	tags *TagSet
	rome *ROME

	occIndex     map[RomeCode]int32
	items        []Item // rome.Skills then rome.Knowledge
	itemIndex    map[Code]int32
	occLinks     [][]itemLink // per occupation, core first
	itemOccs     [][]int32    // per item: occupations linking it
	itemCoreOccs [][]int32    // per item: occupations it is core to
	mobility     [][]Mobility // per occupation, by order
	appellations [][]int32    // per occupation: indexes in rome.Appellations
	tagItems     map[string][]int32
	itemTags     [][]string
	dangling     int

	search *searchIndex
}

type itemLink struct {
	item int32
	flag LinkFlag
}

// OccupationItem is an item of an occupation with how central it is.
type OccupationItem struct {
	Item
	Flag LinkFlag
}

// Stats counts what a Taxonomy holds, for logs and the admin pages.
type Stats struct {
	Version      string // ROME release, e.g. "v460"
	Tags         int
	Occupations  int
	Appellations int
	Skills       int
	Knowledge    int
	Links        int
	Mobility     int
	// TagLinks counts tag → ROME item links that resolve in this release;
	// DanglingTagLinks those naming an item the release does not have (left
	// out, so that a newer release never breaks the tags).
	TagLinks         int
	DanglingTagLinks int
	SearchKeys       int // distinct spellings indexed for Resolve and Suggest
}

// New builds a Taxonomy. A nil tags or rome stands for the built-in one. The
// taxonomy keeps references to both: do not modify them afterwards.
func New(tags *TagSet, rome *ROME) *Taxonomy {
	if tags == nil {
		tags = BuiltinTags()
	}
	if rome == nil {
		rome = BuiltinROME()
	}
	t := &Taxonomy{tags: tags, rome: rome}
	t.indexROME()
	t.indexTagLinks()
	t.search = buildSearchIndex(t)
	return t
}

var builtinTaxonomy = sync.OnceValue(func() *Taxonomy { return New(BuiltinTags(), BuiltinROME()) })

// Builtin returns the taxonomy of the built-in tags and ROME subset, used when
// no ROME release was imported. It is built on first use and shared.
func Builtin() *Taxonomy { return builtinTaxonomy() }

func (t *Taxonomy) indexROME() {
	r := t.rome
	t.occIndex = make(map[RomeCode]int32, len(r.Occupations))
	for i, o := range r.Occupations {
		t.occIndex[o.Code] = int32(i)
	}
	t.items = make([]Item, 0, len(r.Skills)+len(r.Knowledge))
	t.items = append(append(t.items, r.Skills...), r.Knowledge...)
	t.itemIndex = make(map[Code]int32, len(t.items))
	for i, it := range t.items {
		t.itemIndex[it.Code] = int32(i)
	}
	t.occLinks = make([][]itemLink, len(r.Occupations))
	t.itemOccs = make([][]int32, len(t.items))
	t.itemCoreOccs = make([][]int32, len(t.items))
	for _, l := range r.Links {
		o, ok1 := t.occIndex[l.Rome]
		i, ok2 := t.itemIndex[l.Item]
		if !ok1 || !ok2 {
			continue // only possible for a hand-built ROME; ParseROME checks links
		}
		t.occLinks[o] = append(t.occLinks[o], itemLink{i, l.Flag})
		t.itemOccs[i] = append(t.itemOccs[i], o)
		if l.Flag == LinkCore {
			t.itemCoreOccs[i] = append(t.itemCoreOccs[i], o)
		}
	}
	// Core items first, then emerging, then the rest; by label within each,
	// which is how an occupation sheet reads.
	rank := [...]int{LinkCore: 0, LinkEmerging: 1, LinkPlain: 2}
	for _, links := range t.occLinks {
		slices.SortFunc(links, func(a, b itemLink) int {
			if a.flag != b.flag {
				return rank[a.flag] - rank[b.flag]
			}
			return strings.Compare(t.items[a.item].Label, t.items[b.item].Label)
		})
	}
	t.mobility = make([][]Mobility, len(r.Occupations))
	for _, m := range r.Mobility {
		if o, ok := t.occIndex[m.From]; ok {
			t.mobility[o] = append(t.mobility[o], m)
		}
	}
	for _, ms := range t.mobility {
		slices.SortFunc(ms, func(a, b Mobility) int {
			if a.Order != b.Order {
				return a.Order - b.Order
			}
			return strings.Compare(string(a.To), string(b.To))
		})
	}
	t.appellations = make([][]int32, len(r.Occupations))
	for i, a := range r.Appellations {
		if o, ok := t.occIndex[a.Rome]; ok {
			t.appellations[o] = append(t.appellations[o], int32(i))
		}
	}
}

func (t *Taxonomy) indexTagLinks() {
	t.tagItems = map[string][]int32{}
	t.itemTags = make([][]string, len(t.items))
	for _, tag := range t.tags.All() {
		for _, c := range tag.ROME {
			i, ok := t.itemIndex[c]
			if !ok {
				t.dangling++
				continue
			}
			t.tagItems[tag.Slug] = append(t.tagItems[tag.Slug], i)
			t.itemTags[i] = append(t.itemTags[i], tag.Slug)
		}
	}
}

// Tags returns the tag set the taxonomy was built with.
func (t *Taxonomy) Tags() *TagSet { return t.tags }

// ROME returns the ROME data the taxonomy was built with. It is shared: do
// not modify it.
func (t *Taxonomy) ROME() *ROME { return t.rome }

// Stats returns what the taxonomy holds.
func (t *Taxonomy) Stats() Stats {
	links := 0
	for _, l := range t.tagItems {
		links += len(l)
	}
	return Stats{
		Version: t.rome.Version, Tags: t.tags.Len(), Occupations: len(t.rome.Occupations),
		Appellations: len(t.rome.Appellations), Skills: len(t.rome.Skills),
		Knowledge: len(t.rome.Knowledge), Links: len(t.rome.Links), Mobility: len(t.rome.Mobility),
		TagLinks: links, DanglingTagLinks: t.dangling, SearchKeys: len(t.search.keys),
	}
}

// Tag returns the tag with the given slug.
func (t *Taxonomy) Tag(slug string) (Tag, bool) { return t.tags.Get(slug) }

// Item returns the ROME skill or knowledge item with the given code.
func (t *Taxonomy) Item(c Code) (Item, bool) {
	i, ok := t.itemIndex[c]
	if !ok {
		return Item{}, false
	}
	return t.items[i], true
}

// Known reports whether c names a tag or an item of this taxonomy.
func (t *Taxonomy) Known(c Code) bool {
	if c.IsTag() {
		_, ok := t.tags.Get(c.ID())
		return ok
	}
	_, ok := t.itemIndex[c]
	return ok
}

// Label returns the label of a skill code in lang ("fr" or "en"). ROME items
// only have French labels, which are returned for every language.
func (t *Taxonomy) Label(c Code, lang string) (string, bool) {
	if c.IsTag() {
		tag, ok := t.tags.Get(c.ID())
		if !ok {
			return "", false
		}
		return tag.Label(lang), true
	}
	it, ok := t.Item(c)
	return it.Label, ok
}

// Occupation returns the occupation with the given code.
func (t *Taxonomy) Occupation(r RomeCode) (Occupation, bool) {
	o, ok := t.occIndex[r]
	if !ok {
		return Occupation{}, false
	}
	return t.rome.Occupations[o], true
}

// Occupations returns every occupation, sorted by code. The slice is shared:
// do not modify it.
func (t *Taxonomy) Occupations() []Occupation { return t.rome.Occupations }

// Appellations returns the job titles of an occupation, sorted by code_ogr.
func (t *Taxonomy) Appellations(r RomeCode) []Appellation {
	o, ok := t.occIndex[r]
	if !ok {
		return nil
	}
	out := make([]Appellation, len(t.appellations[o]))
	for i, a := range t.appellations[o] {
		out[i] = t.rome.Appellations[a]
	}
	return out
}

// CoreItems returns the core ("Principale") items of an occupation, by label.
func (t *Taxonomy) CoreItems(r RomeCode) []Item {
	o, ok := t.occIndex[r]
	if !ok {
		return nil
	}
	var out []Item
	for _, l := range t.occLinks[o] {
		if l.flag == LinkCore {
			out = append(out, t.items[l.item])
		}
	}
	return out
}

// OccupationItems returns every item of an occupation: core ones first, then
// emerging, then the others, by label within each group.
func (t *Taxonomy) OccupationItems(r RomeCode) []OccupationItem {
	o, ok := t.occIndex[r]
	if !ok {
		return nil
	}
	out := make([]OccupationItem, len(t.occLinks[o]))
	for i, l := range t.occLinks[o] {
		out[i] = OccupationItem{Item: t.items[l.item], Flag: l.flag}
	}
	return out
}

// Mobility returns the mobility links from an occupation, by ROME's order.
func (t *Taxonomy) Mobility(r RomeCode) []Mobility {
	o, ok := t.occIndex[r]
	if !ok {
		return nil
	}
	return slices.Clone(t.mobility[o])
}

// Strengths of the relations Related derives from ROME. Curated tag relations
// carry their own strengths (data/tags.txt).
const (
	// StrengthROMELink relates a tag and the ROME item it corresponds to. It
	// is high but below 1 because the two rarely have exactly the same scope
	// ("SQL" versus "SQL3").
	StrengthROMELink = 0.9
	// StrengthSameCore relates two items that are core items of a same
	// occupation: whoever practises that occupation uses both.
	StrengthSameCore = 0.25
	// StrengthCoOccurrence is the strength of two items that appear in
	// exactly the same occupations; less overlap gives proportionally less
	// (cosine similarity of their occupation sets).
	StrengthCoOccurrence = 0.3
)

// Co-occurrence is only evidence when it is not an accident: items must share
// at least minCoShared occupations with a cosine of at least minCoCosine, and
// items listed in more than maxCoFanout occupations ("Travail en équipe") are
// too generic to say anything about transferability.
const (
	minCoShared = 2
	minCoCosine = 0.3
	maxCoFanout = 200
)

// RelationKind says where a relation comes from, for the match explanation.
type RelationKind uint8

// The relation kinds.
const (
	RelationCurated      RelationKind = iota + 1 // curated between tags (data/tags.txt)
	RelationROMELink                             // a tag and its ROME item
	RelationSameCore                             // core items of a same occupation
	RelationCoOccurrence                         // items of largely the same occupations
)

// String returns "curated", "rome-link", "same-core" or "co-occurrence".
func (k RelationKind) String() string {
	switch k {
	case RelationCurated:
		return "curated"
	case RelationROMELink:
		return "rome-link"
	case RelationSameCore:
		return "same-core"
	case RelationCoOccurrence:
		return "co-occurrence"
	}
	return "relation"
}

// Relation is a skill related to another one: Strength in (0, 1] is the share
// of the other skill that holding this one is worth.
type Relation struct {
	Code     Code
	Strength float64
	Kind     RelationKind
	// Via is set when the relation goes through an equivalent code: a tag's
	// ROME item, or an item's tag ("tag:java" → "ogr:109870" → …). Its
	// strength is then multiplied by StrengthROMELink.
	Via Code
}

// Related returns the skills related to c, strongest first (then by code),
// without c itself; for each related code only the strongest relation is kept.
//
// The relations are: curated relations between tags; a tag and the ROME items
// it corresponds to (StrengthROMELink); ROME items that are core to a same
// occupation (StrengthSameCore); ROME items that appear in largely the same
// occupations (up to StrengthCoOccurrence); and, one step further, the direct
// relations of c's equivalents (its ROME items for a tag, its tags for an
// item) scaled by StrengthROMELink, so that "tag:java" inherits what ROME
// says about the knowledge item Java and the reverse.
func (t *Taxonomy) Related(c Code) []Relation {
	if !t.Known(c) {
		return nil
	}
	acc := map[Code]Relation{}
	add := func(r Relation) {
		if r.Code == c {
			return
		}
		if old, ok := acc[r.Code]; !ok || r.Strength > old.Strength {
			acc[r.Code] = r
		}
	}
	t.directRelations(c, 1, "", add)
	for _, e := range t.equivalents(c) {
		t.directRelations(e, StrengthROMELink, e, add)
	}
	out := make([]Relation, 0, len(acc))
	for _, r := range acc {
		r.Strength = math.Round(r.Strength*1000) / 1000
		if r.Strength > 0 {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Relation) int {
		if a.Strength != b.Strength {
			if a.Strength > b.Strength {
				return -1
			}
			return 1
		}
		return strings.Compare(string(a.Code), string(b.Code))
	})
	return out
}

// equivalents returns the codes that stand for c on the other side: the ROME
// items of a tag, or the tags of a ROME item.
func (t *Taxonomy) equivalents(c Code) []Code {
	var out []Code
	if c.IsTag() {
		for _, i := range t.tagItems[c.ID()] {
			out = append(out, t.items[i].Code)
		}
		return out
	}
	if i, ok := t.itemIndex[c]; ok {
		for _, s := range t.itemTags[i] {
			out = append(out, TagCode(s))
		}
	}
	return out
}

func (t *Taxonomy) directRelations(c Code, scale float64, via Code, add func(Relation)) {
	if c.IsTag() {
		tag, ok := t.tags.Get(c.ID())
		if !ok {
			return
		}
		for _, r := range tag.Related {
			add(Relation{Code: TagCode(r.Slug), Strength: r.Strength * scale, Kind: RelationCurated, Via: via})
		}
		for _, i := range t.tagItems[tag.Slug] {
			add(Relation{Code: t.items[i].Code, Strength: StrengthROMELink * scale, Kind: RelationROMELink, Via: via})
		}
		return
	}
	i, ok := t.itemIndex[c]
	if !ok {
		return
	}
	for _, s := range t.itemTags[i] {
		add(Relation{Code: TagCode(s), Strength: StrengthROMELink * scale, Kind: RelationROMELink, Via: via})
	}
	for _, o := range t.itemCoreOccs[i] {
		for _, l := range t.occLinks[o] {
			if l.flag == LinkCore && l.item != i {
				add(Relation{Code: t.items[l.item].Code, Strength: StrengthSameCore * scale, Kind: RelationSameCore, Via: via})
			}
		}
	}
	occs := t.itemOccs[i]
	if len(occs) < minCoShared || len(occs) > maxCoFanout {
		return
	}
	shared := map[int32]int{}
	for _, o := range occs {
		for _, l := range t.occLinks[o] {
			if l.item != i {
				shared[l.item]++
			}
		}
	}
	for j, n := range shared {
		nj := len(t.itemOccs[j])
		if n < minCoShared || nj > maxCoFanout {
			continue
		}
		cos := float64(n) / math.Sqrt(float64(len(occs))*float64(nj))
		if cos >= minCoCosine {
			add(Relation{Code: t.items[j].Code, Strength: StrengthCoOccurrence * cos * scale, Kind: RelationCoOccurrence, Via: via})
		}
	}
}

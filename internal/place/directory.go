package place

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the number of communes Search returns.
const (
	// DefaultSearchLimit is used when Search is given a limit of zero or less.
	DefaultSearchLimit = 10
	// MaxSearchLimit caps the limit Search accepts: it serves autocomplete, not export.
	MaxSearchLimit = 100
)

// Directory is a set of communes with lookups by id, by postal code and by name.
// It is immutable once built and safe for concurrent use.
type Directory struct {
	communes []Commune // sorted by ID
	keys     []string  // keys[i] is the search key of communes[i]'s name
	byID     map[string]int32
	byPostal map[string][]int32
	names    []nameEntry // sorted by key, then commune
	stats    ImportStats
}

// nameEntry is one way into a commune's name for the prefix search: the name
// from its start, from after a leading article, or from any later word.
type nameEntry struct {
	key     string // a suffix of the commune's search key, starting at a word
	commune int32
	nameLen int32 // of the whole search key: ranks without a look at the commune
	from    uint8 // fromStart, fromArticle or fromWord
}

const (
	fromStart   = iota // the whole name
	fromArticle        // the name without its leading article: "chapelle sur erdre"
	fromWord           // from a later word: "herblain", "sur erdre"
)

// newDirectory indexes communes, whose IDs must be distinct.
func newDirectory(communes []Commune, stats ImportStats) *Directory {
	slices.SortFunc(communes, func(a, b Commune) int { return strings.Compare(a.ID, b.ID) })
	d := &Directory{
		communes: communes,
		keys:     make([]string, len(communes)),
		byID:     make(map[string]int32, len(communes)),
		byPostal: make(map[string][]int32),
		stats:    stats,
	}
	for i, c := range communes {
		d.byID[c.ID] = int32(i)
		for _, pc := range c.PostalCodes {
			d.byPostal[pc] = append(d.byPostal[pc], int32(i))
		}
	}
	// The derived id stays a valid way in when the commune is known by its INSEE
	// code, so that ids saved from a file without codes keep resolving. An alias
	// two communes share (homonyms told apart only by INSEE code) would be a
	// guess: it is left out.
	ambiguous := make(map[string]bool)
	for i, c := range communes {
		alias := c.Department + "-" + slug(c.Name)
		if alias == c.ID || ambiguous[alias] {
			continue
		}
		if j, taken := d.byID[alias]; taken {
			if communes[j].ID != alias {
				delete(d.byID, alias)
				ambiguous[alias] = true
			}
			continue
		}
		d.byID[alias] = int32(i)
	}

	for i, c := range communes {
		key := searchKey(c.Name)
		d.keys[i] = key
		first, _, _ := strings.Cut(key, " ")
		for off, w := 0, 0; off <= len(key); w++ {
			from := uint8(fromWord)
			switch {
			case w == 0:
				from = fromStart
			case w == 1 && articles[first]:
				from = fromArticle
			}
			d.names = append(d.names, nameEntry{key: key[off:], commune: int32(i), nameLen: int32(len(key)), from: from})
			next := strings.IndexByte(key[off:], ' ')
			if next < 0 {
				break
			}
			off += next + 1
		}
	}
	slices.SortFunc(d.names, func(a, b nameEntry) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.commune, b.commune))
	})
	return d
}

// Len returns the number of communes.
func (d *Directory) Len() int { return len(d.communes) }

// Stats returns what the import that built the directory read and skipped.
func (d *Directory) Stats() ImportStats { return d.stats }

// All returns every commune, sorted by ID. The slice is the caller's; the
// communes' PostalCodes are shared and must not be modified.
func (d *Directory) All() []Commune { return slices.Clone(d.communes) }

// ByID returns the commune with that ID. It also accepts the id derived from
// département and name ("44-nantes") of a commune known by its INSEE code, as
// long as no other commune derives the same one.
func (d *Directory) ByID(id string) (Commune, bool) {
	i, ok := d.byID[id]
	if !ok {
		return Commune{}, false
	}
	return d.communes[i], true
}

// ByPostalCode returns the communes served by a postal code, sorted by ID; none
// for an unknown code. A four-digit code is read as having lost its leading zero.
func (d *Directory) ByPostalCode(code string) []Commune {
	code = strings.TrimSpace(code)
	if len(code) == 4 {
		code = "0" + code
	}
	idx := d.byPostal[code]
	if len(idx) == 0 {
		return nil
	}
	out := make([]Commune, len(idx))
	for k, i := range idx {
		out[k] = d.communes[i]
	}
	return out
}

// Search returns up to limit communes whose name starts with query, or has a
// word that does, for autocomplete. Case, accents and punctuation do not matter
// and "st"/"ste" stand for "saint"/"sainte": "st herblain", "saint-herblain" and
// "Saint Herblain" all find Saint-Herblain; "reze" finds Rezé. While the last
// word typed is still "st", names starting with "st" (Strasbourg) match too.
//
// Results are ranked: the name equal to the query, then names starting with it
// as whole words ("paris": Paris 01 before Parisot), then names starting with
// it, then names with a later word starting with it; the leading article is
// optional ("chapelle sur erdre" finds La Chapelle-sur-Erdre as a whole name).
// Within a rank, shorter names come first, then by name, département and ID,
// so the order never depends on the import.
// A limit of zero or less means DefaultSearchLimit; limits above MaxSearchLimit
// are lowered to it. A query with no letter or digit finds nothing.
func (d *Directory) Search(query string, limit int) []Commune {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	key := searchKey(query)
	if key == "" {
		return nil
	}
	prefixes := []string{key}
	// While "st" may still become "strasbourg", look for both readings.
	if !endsWithSeparator(query) {
		raw := fold(query, ' ', false)
		last := raw[strings.LastIndexByte(raw, ' ')+1:]
		if _, ok := abbreviations[last]; ok {
			prefixes = append(prefixes, key[:strings.LastIndexByte(key, ' ')+1]+last)
		}
	}

	top := make([]hit, 0, limit)
	for _, prefix := range prefixes {
		i, _ := slices.BinarySearchFunc(d.names, prefix, func(e nameEntry, p string) int {
			return strings.Compare(e.key, p)
		})
		for ; i < len(d.names) && strings.HasPrefix(d.names[i].key, prefix); i++ {
			e := d.names[i]
			h := hit{commune: e.commune, nameLen: e.nameLen, rank: rankPrefix}
			switch {
			case e.from == fromWord:
				h.rank = rankWord
			case len(e.key) == len(prefix):
				h.rank = rankExact
			case e.key[len(prefix)] == ' ':
				h.rank = rankWords
			}
			top = d.offer(top, h, limit)
		}
	}
	out := make([]Commune, len(top))
	for k, h := range top {
		out[k] = d.communes[h.commune]
	}
	return out
}

// hit is a commune found by Search, with how well it matched.
type hit struct {
	commune int32
	nameLen int32
	rank    uint8
}

const (
	rankExact  = iota // the query is the name (article optional)
	rankWords         // the name starts with the query's whole words: "paris" in "Paris 01"
	rankPrefix        // the name starts with the query: "paris" in "Parisot"
	rankWord          // a later word of the name starts with the query
)

// compare orders hits best first; it is a total order on distinct communes.
func (d *Directory) compare(a, b hit) int {
	if c := cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.nameLen, b.nameLen)); c != 0 {
		return c
	}
	ca, cb := &d.communes[a.commune], &d.communes[b.commune]
	return cmp.Or(
		strings.Compare(d.keys[a.commune], d.keys[b.commune]),
		strings.Compare(ca.Department, cb.Department),
		strings.Compare(ca.ID, cb.ID),
	)
}

// offer keeps top the limit best hits, sorted, one per commune. Most hits of a
// short query lose to the worst one kept and cost a single comparison.
func (d *Directory) offer(top []hit, h hit, limit int) []hit {
	if len(top) == limit && d.compare(h, top[len(top)-1]) >= 0 {
		return top
	}
	for k, t := range top {
		if t.commune == h.commune {
			if d.compare(h, t) >= 0 {
				return top
			}
			top = slices.Delete(top, k, k+1)
			break
		}
	}
	at, _ := slices.BinarySearchFunc(top, h, d.compare)
	top = slices.Insert(top, at, h)
	if len(top) > limit {
		top = top[:limit]
	}
	return top
}

// endsWithSeparator reports whether the last character of s ends a word, as the
// space in "st " does: the word before it is complete.
func endsWithSeparator(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r != utf8.RuneError && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

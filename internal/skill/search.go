package skill

import (
	"slices"
	"sort"
	"strings"
)

// EntryKind is the kind of thing a suggestion names.
type EntryKind uint8

// The entry kinds, in the order they rank when everything else is equal.
const (
	KindTag         EntryKind = iota + 1 // a technology tag
	KindKnowledge                        // a ROME knowledge item
	KindSkill                            // a ROME skill
	KindOccupation                       // a ROME occupation
	KindAppellation                      // a ROME job title
)

// String returns "tag", "knowledge", "skill", "occupation" or "appellation".
func (k EntryKind) String() string {
	switch k {
	case KindTag:
		return "tag"
	case KindKnowledge:
		return "knowledge"
	case KindSkill:
		return "skill"
	case KindOccupation:
		return "occupation"
	case KindAppellation:
		return "appellation"
	}
	return "kind"
}

// Suggestion is one autocomplete or "did you mean" answer.
type Suggestion struct {
	Kind EntryKind
	Code Code     // the skill code, for tags, skills and knowledge items
	Rome RomeCode // the occupation, for occupations and appellations
	ID   string   // the appellation's code_ogr, for appellations
	// Label is the entry's label in the requested language.
	Label string
	// Matched is the spelling that matched when it differs from Label: an
	// alias ("golang" for Go), the other language's label, a ROME code.
	Matched string
	// Fuzzy marks an answer found by edit distance ("did you mean"), not by
	// prefix.
	Fuzzy bool
}

// Suggestion limits: a caller's limit is clamped so that no request can ask
// for the whole taxonomy.
const (
	DefaultSuggestions = 10
	MaxSuggestions     = 50
)

// searchIndex holds the autocomplete and resolution structures, built once.
//
// Every spelling of every entry (tag slug, labels, aliases; item, occupation
// and appellation labels) is a key, folded with Normalize. For each word start
// of a key there is a posting holding the key's suffix from that word on, and
// the postings are sorted by suffix: the entries whose words start with a
// prefix are then one contiguous range, found by binary search. Ranks are
// precomputed so that a query only compares integers.
type searchIndex struct {
	entries  []searchEntry
	keys     []searchKey
	postings []posting
	// resolve maps a folded key to the entry that Resolve returns (tags, then
	// knowledge items, then skills); occResolve does the same for occupations
	// and appellations.
	resolve    map[string]int32
	occResolve map[string]int32
	tagKeys    []int32 // keys of tags, for "did you mean"
}

type searchEntry struct {
	kind   EntryKind
	code   Code
	rome   RomeCode
	id     string
	fr, en string
	order  uint32 // rank among all entries: kind, then folded label, then code
}

type searchKey struct {
	text   string // as written in the data
	norm   string
	starts []uint16 // word starts in norm
	entry  int32
	alias  bool // not a label: an alias, a slug, a code
}

type posting struct {
	suffix string
	base   uint64 // rank without the tier: later word, key length, entry order
	key    int32
	kind   EntryKind
	later  bool // the suffix starts at a later word of the key
}

// Rank layout, lower is better: tier (2 bits), later word (1 bit), alias
// rather than label (1 bit), key length (20 bits), entry order (32 bits).
const (
	tierShift   = 62
	laterShift  = 61
	aliasShift  = 60
	lengthShift = 32
	maxKeyLen   = 1<<20 - 1
)

// Tiers: an exact match first, then tags, then entries whose label starts
// with the query, then entries with a later word starting with it.
const (
	tierExact = iota
	tierTag
	tierPrefix
	tierWord
)

func buildSearchIndex(t *Taxonomy) *searchIndex {
	r := t.rome
	n := t.tags.Len() + len(r.Skills) + len(r.Knowledge) + len(r.Occupations) + len(r.Appellations)
	x := &searchIndex{
		entries:    make([]searchEntry, 0, n),
		keys:       make([]searchKey, 0, n+n/4),
		resolve:    make(map[string]int32, t.tags.Len()*4+len(r.Skills)+len(r.Knowledge)),
		occResolve: make(map[string]int32, len(r.Occupations)*2+len(r.Appellations)),
	}
	firstKey := make([]int32, 0, n) // per entry: its first key, -1 if none
	nPostings := 0
	var starts []int

	// addEntry adds an entry and the keys it is found by: its labels, then
	// other spellings (aliases, slugs, codes), which rank after labels.
	// Entries are added tags first, then knowledge items, then skills, each
	// in code order, so the first entry to claim a key in resolve is the one
	// Resolve should return.
	addEntry := func(e searchEntry, labels []string, aliases ...string) {
		ei := int32(len(x.entries))
		x.entries = append(x.entries, e)
		firstKey = append(firstKey, -1)
		own := len(x.keys)
		for ti := 0; ti < len(labels)+len(aliases); ti++ {
			text, alias := "", ti >= len(labels)
			if alias {
				text = aliases[ti-len(labels)]
			} else {
				text = labels[ti]
			}
			var norm string
			norm, starts = fold(text, starts[:0])
			if norm == "" || slices.ContainsFunc(x.keys[own:], func(k searchKey) bool { return k.norm == norm }) {
				continue
			}
			k := searchKey{text: text, norm: norm, entry: ei, alias: alias, starts: make([]uint16, 0, len(starts))}
			for _, s := range starts {
				if s < 1<<16 {
					k.starts = append(k.starts, uint16(s))
				}
			}
			nPostings += len(k.starts)
			if firstKey[ei] < 0 {
				firstKey[ei] = int32(len(x.keys))
			}
			switch e.kind {
			case KindTag, KindKnowledge, KindSkill:
				if _, taken := x.resolve[norm]; !taken {
					x.resolve[norm] = ei
				}
			default:
				if _, taken := x.occResolve[norm]; !taken {
					x.occResolve[norm] = ei
				}
			}
			if e.kind == KindTag {
				x.tagKeys = append(x.tagKeys, int32(len(x.keys)))
			}
			x.keys = append(x.keys, k)
		}
	}

	tagKeys := map[string]map[string]bool{} // slug → its folded keys
	for _, tag := range t.tags.All() {
		own := len(x.keys)
		addEntry(searchEntry{kind: KindTag, code: tag.Code(), fr: tag.LabelFR, en: tag.LabelEN},
			[]string{tag.LabelFR, tag.LabelEN}, append([]string{tag.Slug}, tag.Aliases...)...)
		keys := map[string]bool{}
		for _, k := range x.keys[own:] {
			keys[k.norm] = true
		}
		tagKeys[tag.Slug] = keys
	}
	for _, kind := range []EntryKind{KindKnowledge, KindSkill} {
		list := r.Knowledge
		if kind == KindSkill {
			list = r.Skills
		}
		for _, it := range list {
			labels := []string{it.Label}
			// An item that only repeats a tag it is linked to ("React.js" for
			// tag:react) would show twice in every list: the tag stands for it.
			if i, ok := t.itemIndex[it.Code]; ok {
				for _, slug := range t.itemTags[i] {
					if tagKeys[slug][Normalize(it.Label)] {
						labels = nil
					}
				}
			}
			addEntry(searchEntry{kind: kind, code: it.Code, fr: it.Label}, labels)
		}
	}
	for _, o := range r.Occupations {
		addEntry(searchEntry{kind: KindOccupation, rome: o.Code, fr: o.Label}, []string{o.Label}, string(o.Code))
	}
	for _, a := range r.Appellations {
		addEntry(searchEntry{kind: KindAppellation, rome: a.Rome, id: a.ID, fr: a.Label}, []string{a.Label})
	}

	// Entry order, the last tie-breaker: by kind, folded label and code, so
	// that answers are deterministic and read alphabetically.
	folded := make([]string, len(x.entries))
	for i, e := range x.entries {
		if k := firstKey[i]; k >= 0 && x.keys[k].text == e.fr {
			folded[i] = x.keys[k].norm
		} else {
			folded[i] = Normalize(e.fr)
		}
	}
	idx := make([]int32, len(x.entries))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		ea, eb := &x.entries[a], &x.entries[b]
		if ea.kind != eb.kind {
			return int(ea.kind) - int(eb.kind)
		}
		if c := strings.Compare(folded[a], folded[b]); c != 0 {
			return c
		}
		if c := strings.Compare(string(ea.code), string(eb.code)); c != 0 {
			return c
		}
		if c := strings.Compare(string(ea.rome), string(eb.rome)); c != 0 {
			return c
		}
		return compareOGR(ea.id, eb.id)
	})
	for rank, i := range idx {
		x.entries[i].order = uint32(rank)
	}

	// Postings: one per word start of every key, except at stopwords.
	x.postings = make([]posting, 0, nPostings)
	for ki := range x.keys {
		k := &x.keys[ki]
		e := &x.entries[k.entry]
		klen := uint64(min(len(k.norm), maxKeyLen))
		for w, s16 := range k.starts {
			s := int(s16)
			end := len(k.norm)
			if w+1 < len(k.starts) {
				end = int(k.starts[w+1])
			}
			if s > 0 && stopwords[k.norm[s:end]] {
				continue
			}
			// ".NET" is found from "net" as from the start of the label:
			// the dot is spelled out, not a word of its own.
			later := s > 0 && !(w == 1 && s == 3 && strings.HasPrefix(strings.TrimSpace(k.text), "."))
			base := klen<<lengthShift | uint64(e.order)
			if k.alias {
				base |= 1 << aliasShift
			}
			if later {
				base |= 1 << laterShift
			}
			x.postings = append(x.postings, posting{suffix: k.norm[s:], base: base, key: int32(ki), kind: e.kind, later: later})
		}
	}
	slices.SortFunc(x.postings, func(a, b posting) int {
		if c := strings.Compare(a.suffix, b.suffix); c != 0 {
			return c
		}
		return compareUint64(a.base, b.base)
	})
	return x
}

func compareUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// span returns the range of postings whose suffix starts with q.
func (x *searchIndex) span(q string) (int, int) {
	lo := sort.Search(len(x.postings), func(i int) bool { return x.postings[i].suffix >= q })
	n := sort.Search(len(x.postings)-lo, func(i int) bool { return !strings.HasPrefix(x.postings[lo+i].suffix, q) })
	return lo, lo + n
}

// hit is a candidate answer; topK keeps the best ones, one per entry.
type hit struct {
	entry int32
	key   int32
	rank  uint64
}

type topK struct {
	k    int
	hits []hit
}

func (t *topK) offer(h hit) {
	n := len(t.hits)
	if n == t.k && h.rank >= t.hits[n-1].rank {
		return
	}
	for i := range t.hits {
		if t.hits[i].entry == h.entry {
			if t.hits[i].rank <= h.rank {
				return
			}
			t.hits = slices.Delete(t.hits, i, i+1)
			break
		}
	}
	pos := sort.Search(len(t.hits), func(i int) bool { return t.hits[i].rank > h.rank })
	t.hits = slices.Insert(t.hits, pos, h)
	if len(t.hits) > t.k {
		t.hits = t.hits[:t.k]
	}
}

// kindMask turns a list of kinds into a bit set; no kinds means all.
func kindMask(kinds []EntryKind) uint32 {
	if len(kinds) == 0 {
		return ^uint32(0)
	}
	var m uint32
	for _, k := range kinds {
		m |= 1 << k
	}
	return m
}

func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultSuggestions
	case limit > MaxSuggestions:
		return MaxSuggestions
	}
	return limit
}

// Suggest returns up to limit entries (DefaultSuggestions when limit ≤ 0, at
// most MaxSuggestions) whose words start with prefix, over tags and, when
// loaded, every ROME item, occupation and job title; kinds restricts the
// answer to some kinds of entries (none means all). Matching is on folded
// text (see Normalize): "donn" finds "Analyse de données", "react js" finds
// React. A query of several words also matches entries having words that start
// with each of them in any order ("analyse donn").
//
// Ranking: an exact match first, then tags, then entries whose label starts
// with the query, then entries with a later word starting with it; within
// each, the shorter matched spelling first, then by kind, label and code, so
// that the answer is deterministic. Labels are in lang ("fr" or "en").
//
// When nothing matches, Suggest falls back to DidYouMean, whose answers are
// marked Fuzzy.
func (t *Taxonomy) Suggest(prefix, lang string, limit int, kinds ...EntryKind) []Suggestion {
	limit = clampLimit(limit)
	mask := kindMask(kinds)
	x := t.search
	q, qstarts := fold(prefix, nil)
	if q == "" {
		return nil
	}
	top := topK{k: limit, hits: make([]hit, 0, limit+1)}

	lo, hi := x.span(q)
	for i := lo; i < hi; i++ {
		p := &x.postings[i]
		if mask&(1<<p.kind) == 0 {
			continue
		}
		var tier uint64
		switch {
		case !p.later && len(p.suffix) == len(q):
			tier = tierExact
		case p.kind == KindTag:
			tier = tierTag
		case !p.later:
			tier = tierPrefix
		default:
			tier = tierWord
		}
		top.offer(hit{entry: x.keys[p.key].entry, key: p.key, rank: tier<<tierShift | p.base})
	}

	if words := queryWords(q, qstarts); len(words) > 1 {
		t.suggestWords(q, words, mask, &top)
	}
	if len(top.hits) == 0 {
		if mask&(1<<KindTag) == 0 {
			return nil
		}
		return t.DidYouMean(prefix, lang, limit)
	}
	out := make([]Suggestion, len(top.hits))
	for i, h := range top.hits {
		out[i] = x.suggestion(h, lang)
	}
	return out
}

// queryWords splits a folded query into its words, without stopwords unless
// the query has nothing else.
func queryWords(q string, starts []int) []string {
	var words, all []string
	for i, s := range starts {
		end := len(q)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		w := q[s:end]
		all = append(all, w)
		if !stopwords[w] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return all
	}
	return words
}

// suggestWords finds entries having a word that starts with each query word,
// in any order: the postings of the longest word are scanned, since it has
// the fewest, and the other words are checked against each key's word starts.
func (t *Taxonomy) suggestWords(q string, words []string, mask uint32, top *topK) {
	x := t.search
	longest := words[0]
	for _, w := range words[1:] {
		if len(w) > len(longest) {
			longest = w
		}
	}
	lo, hi := x.span(longest)
	for i := lo; i < hi; i++ {
		p := &x.postings[i]
		if mask&(1<<p.kind) == 0 {
			continue
		}
		k := &x.keys[p.key]
		if !matchesAllWords(k, words) {
			continue
		}
		var tier uint64
		switch {
		case k.norm == q:
			tier = tierExact
		case p.kind == KindTag:
			tier = tierTag
		case strings.HasPrefix(k.norm, q):
			tier = tierPrefix
		default:
			tier = tierWord
		}
		base := p.base &^ (1 << laterShift)
		if tier != tierPrefix && tier != tierExact {
			base |= 1 << laterShift
		}
		top.offer(hit{entry: k.entry, key: p.key, rank: tier<<tierShift | base})
	}
}

func matchesAllWords(k *searchKey, words []string) bool {
	for _, w := range words {
		found := false
		for _, s := range k.starts {
			if strings.HasPrefix(k.norm[s:], w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (x *searchIndex) suggestion(h hit, lang string) Suggestion {
	e := &x.entries[h.entry]
	s := Suggestion{Kind: e.kind, Code: e.code, Rome: e.rome, ID: e.id, Label: e.fr}
	if isEN(lang) && e.en != "" {
		s.Label = e.en
	}
	if k := x.keys[h.key]; k.norm != Normalize(s.Label) {
		s.Matched = k.text
	}
	return s
}

// DidYouMean returns up to limit tags (see Suggest for the limits) whose
// spelling is close to text by edit distance (insertions, deletions,
// substitutions and swaps of adjacent letters on folded text): "pyhton" →
// Python, "kubernets" → Kubernetes, "tag:golnag" → Go. The distance allowed
// grows with the length of the text: 1 up to 4 characters, 2 up to 8, 3
// beyond. Closest first, then shorter, then by label. Only tags are
// searched: they are what people misspell, and they are few enough to scan.
func (t *Taxonomy) DidYouMean(text, lang string, limit int) []Suggestion {
	limit = clampLimit(limit)
	x := t.search
	q := Normalize(strings.TrimPrefix(strings.TrimSpace(text), TagPrefix))
	if q == "" {
		return nil
	}
	maxd := 3
	switch {
	case len(q) <= 4:
		maxd = 1
	case len(q) <= 8:
		maxd = 2
	}
	top := topK{k: limit}
	var rows [3][]int
	for _, ki := range x.tagKeys {
		k := &x.keys[ki]
		if abs(len(k.norm)-len(q)) > maxd {
			continue
		}
		d := editDistance(q, k.norm, maxd, &rows)
		if d > maxd {
			continue
		}
		e := &x.entries[k.entry]
		rank := uint64(d)<<tierShift | uint64(min(len(k.norm), maxKeyLen))<<lengthShift | uint64(e.order)
		top.offer(hit{entry: k.entry, key: ki, rank: rank})
	}
	out := make([]Suggestion, len(top.hits))
	for i, h := range top.hits {
		out[i] = x.suggestion(h, lang)
		out[i].Fuzzy = true
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the optimal string alignment distance between a and b
// (Levenshtein plus swaps of adjacent characters), on bytes since keys are
// folded. It stops early and returns limit+1 once the distance must exceed
// limit. rows is scratch space reused across calls.
func editDistance(a, b string, limit int, rows *[3][]int) int {
	if a == b {
		return 0
	}
	la, lb := len(a), len(b)
	// Three rolling rows: two back are needed for swaps.
	for i := range rows {
		if cap(rows[i]) < lb+1 {
			rows[i] = make([]int, lb+1)
		}
		rows[i] = rows[i][:lb+1]
	}
	prev2, prev, cur := rows[0], rows[1], rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// Resolve returns the skill a piece of free text names: a skill code
// ("tag:go", "ogr:403870") that exists, or a text whose folded form (see
// Normalize) is a tag's slug, label or alias ("golang", "React.JS", "k8s")
// or a ROME skill or knowledge item's label. Tags win over ROME items;
// between ROME items, knowledge items win over skills, then the lower code.
func (t *Taxonomy) Resolve(text string) (Code, bool) {
	s := strings.TrimSpace(text)
	if strings.HasPrefix(s, TagPrefix) || strings.HasPrefix(s, OGRPrefix) {
		if c, err := ParseCode(s); err == nil && t.Known(c) {
			return c, true
		}
		return "", false
	}
	e, ok := t.search.resolve[Normalize(s)]
	if !ok {
		return "", false
	}
	return t.search.entries[e].code, true
}

// ResolveOccupation returns the occupation a piece of free text names: a ROME
// code ("M1805", "m1805"), an occupation label, or a job title
// ("Développeur web"), compared folded (see Normalize).
func (t *Taxonomy) ResolveOccupation(text string) (RomeCode, bool) {
	if r, err := ParseRomeCode(text); err == nil {
		if _, ok := t.occIndex[r]; ok {
			return r, true
		}
		return "", false
	}
	e, ok := t.search.occResolve[Normalize(text)]
	if !ok {
		return "", false
	}
	return t.search.entries[e].rome, true
}

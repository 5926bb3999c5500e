package match

import (
	"cmp"
	"math"
	"slices"
)

// symbols interns strings into dense uint32 ids, so that the index stores a
// skill code in 3 bytes instead of a 16-byte string header and its bytes.
// Symbols are never removed: vocabularies (skills, occupations, communes,
// training titles) are bounded.
type symbols struct {
	ids   map[string]uint32
	names []string
}

func newSymbols() symbols { return symbols{ids: make(map[string]uint32)} }

// intern returns the id of s, interning it if new.
func (s *symbols) intern(name string) (id uint32, isNew bool) {
	if id, ok := s.ids[name]; ok {
		return id, false
	}
	id = uint32(len(s.names))
	s.ids[name] = id
	s.names = append(s.names, name)
	return id, true
}

func (s *symbols) name(id uint32) string { return s.names[id] }
func (s *symbols) len() int              { return len(s.names) }

// edge is a weighted link to a skill code; strength in thousandths.
type edge struct {
	code     uint32
	strength uint32
}

// taxonomy caches what Relations answers, keyed by interned ids, with the
// reverse maps the two query directions need. It grows as documents bring new
// codes and occupations; the Relations provider is asked once per name.
type taxonomy struct {
	rel        Relations
	maxRelated int

	codes symbols // skill codes
	occs  symbols // ROME occupation codes

	expanded []bool   // code → its relations were asked for
	relOf    [][]edge // code → codes related to it (credit for it), strongest first
	relRev   [][]edge // code r → expanded codes that r is related to

	core       [][]uint32 // occupation → its core item codes
	coreOf     [][]uint32 // code → occupations it is core to
	bridgeTo   [][]uint32 // occupation B → occupations A with a mobility A→B
	bridgeFrom [][]uint32 // occupation A → occupations B with a mobility A→B
}

func newTaxonomy(rel Relations, maxRelated int) *taxonomy {
	return &taxonomy{rel: rel, maxRelated: maxRelated, codes: newSymbols(), occs: newSymbols()}
}

// intern interns a code without asking for its relations.
func (t *taxonomy) intern(name string) uint32 {
	id, isNew := t.codes.intern(name)
	if isNew {
		t.expanded = append(t.expanded, false)
		t.relOf = append(t.relOf, nil)
		t.relRev = append(t.relRev, nil)
		t.coreOf = append(t.coreOf, nil)
	}
	return id
}

// code interns a skill code that a document uses, and asks for its
// relations. The codes it is related to are interned, not expanded: a
// code's relations matter only when an offer asks for it (credit for it from
// related skills held), and every such code comes through here, so
// relRev is complete for the codes that matter.
func (t *taxonomy) code(name string) uint32 {
	id := t.intern(name)
	if t.expanded[id] {
		return id
	}
	t.expanded[id] = true
	if t.rel == nil {
		return id
	}
	var rel []Related
	for _, r := range t.rel.Related(name) {
		if r.Code == name || r.Code == "" || !(r.Strength > 0) {
			continue
		}
		rel = append(rel, r)
	}
	// One relation per code, the strongest; then strongest first and by
	// code, so that the cap keeps the same relations whatever order the
	// provider returns them in.
	slices.SortFunc(rel, func(a, b Related) int {
		if c := cmp.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return cmp.Compare(b.Strength, a.Strength)
	})
	rel = slices.CompactFunc(rel, func(a, b Related) bool { return a.Code == b.Code })
	slices.SortFunc(rel, func(a, b Related) int {
		if c := cmp.Compare(b.Strength, a.Strength); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	if len(rel) > t.maxRelated {
		rel = rel[:t.maxRelated]
	}
	edges := make([]edge, 0, len(rel))
	for _, r := range rel {
		s := uint32(math.Round(min(r.Strength, 1) * creditScale))
		if s == 0 {
			continue
		}
		edges = append(edges, edge{code: t.intern(r.Code), strength: s})
	}
	t.relOf[id] = edges
	for _, e := range edges {
		t.relRev[e.code] = append(t.relRev[e.code], edge{code: id, strength: e.strength})
	}
	return id
}

// occupation interns a ROME occupation code, its core items and its mobility
// links with the occupations already known.
func (t *taxonomy) occupation(name string) uint32 {
	id, isNew := t.occs.intern(name)
	if !isNew {
		return id
	}
	t.core = append(t.core, nil)
	t.bridgeTo = append(t.bridgeTo, nil)
	t.bridgeFrom = append(t.bridgeFrom, nil)
	if t.rel == nil {
		return id
	}
	var items []uint32
	for _, c := range t.rel.CoreItems(name) {
		if c == "" {
			continue
		}
		items = append(items, t.intern(c))
	}
	slices.Sort(items)
	items = slices.Compact(items)
	t.core[id] = items
	for _, c := range items {
		t.coreOf[c] = append(t.coreOf[c], id)
	}
	for other := range uint32(id) {
		on := t.occs.name(other)
		if t.rel.Mobility(name, on) {
			t.bridgeFrom[id] = append(t.bridgeFrom[id], other)
			t.bridgeTo[other] = append(t.bridgeTo[other], id)
		}
		if t.rel.Mobility(on, name) {
			t.bridgeFrom[other] = append(t.bridgeFrom[other], id)
			t.bridgeTo[id] = append(t.bridgeTo[id], other)
		}
	}
	return id
}

package matching

import (
	"slices"
	"sync"

	"passerelle/internal/match"
	"passerelle/internal/skill"
)

// Taxonomy is what the Service reads of the skill taxonomy: relations for
// scoring, labels for explanations. *skill.Taxonomy implements it.
type Taxonomy interface {
	Related(c skill.Code) []skill.Relation
	CoreItems(r skill.RomeCode) []skill.Item
	Mobility(r skill.RomeCode) []skill.Mobility
	Label(c skill.Code, lang string) (string, bool)
	Occupation(r skill.RomeCode) (skill.Occupation, bool)
}

// Relations adapts a Taxonomy to match.Relations and remembers every answer.
// The taxonomy computes related skills on each call (tens of microseconds,
// with maps and sorting); the index asks once per code and per build, but
// brute-force scoring (match.Score, match.ScoreAll) asks for every pair.
// A taxonomy is immutable, so the cache never goes stale: a taxonomy import
// takes effect at the next start, with a new Relations.
//
// The slices it returns are shared: callers must not modify them.
type Relations struct {
	tax Taxonomy

	mu       sync.RWMutex
	related  map[string][]match.Related
	core     map[string][]string
	mobility map[string][]string // from → sorted targets
}

var _ match.Relations = (*Relations)(nil)

// NewRelations returns the relations of t.
func NewRelations(t Taxonomy) *Relations {
	return &Relations{tax: t, related: map[string][]match.Related{}, core: map[string][]string{}, mobility: map[string][]string{}}
}

// cached returns m[key], computing and keeping it on a miss. Two goroutines
// may compute the same answer at once; both are equal, so either may win.
func cached[V any](r *Relations, m map[string]V, key string, compute func() V) V {
	r.mu.RLock()
	v, ok := m[key]
	r.mu.RUnlock()
	if ok {
		return v
	}
	v = compute()
	r.mu.Lock()
	m[key] = v
	r.mu.Unlock()
	return v
}

// Related implements match.Relations: the taxonomy's related skills, with
// their strengths.
func (r *Relations) Related(code string) []match.Related {
	return cached(r, r.related, code, func() []match.Related {
		rel := r.tax.Related(skill.Code(code))
		out := make([]match.Related, 0, len(rel))
		for _, x := range rel {
			out = append(out, match.Related{Code: string(x.Code), Strength: x.Strength})
		}
		return out
	})
}

// CoreItems implements match.Relations: the codes of the occupation's core
// ROME items.
func (r *Relations) CoreItems(rome string) []string {
	return cached(r, r.core, rome, func() []string {
		items := r.tax.CoreItems(skill.RomeCode(rome))
		out := make([]string, 0, len(items))
		for _, it := range items {
			out = append(out, string(it.Code))
		}
		return out
	})
}

// Mobility implements match.Relations: whether ROME lists a mobility from
// occupation from to occupation to.
func (r *Relations) Mobility(from, to string) bool {
	targets := cached(r, r.mobility, from, func() []string {
		var out []string
		for _, m := range r.tax.Mobility(skill.RomeCode(from)) {
			out = append(out, string(m.To))
		}
		slices.Sort(out)
		return slices.Compact(out)
	})
	_, ok := slices.BinarySearch(targets, to)
	return ok
}

package skill

import (
	"fmt"
	"slices"
	"strings"
)

// ROMEDiff is what changed between two ROME releases, per kind of record, so
// that an import can report it and the matching index can be refreshed.
type ROMEDiff struct {
	Occupations  KeyChanges // keyed by code_rome
	Appellations KeyChanges // keyed by code_ogr
	Skills       KeyChanges // keyed by skill code ("ogr:…")
	Knowledge    KeyChanges // keyed by skill code ("ogr:…")
	Links        KeyChanges // keyed by "M1805 ogr:…"; changed means the flag changed
	Mobility     KeyChanges // keyed by "M1805>M1802"; changed means the order changed
}

// KeyChanges lists the keys added, changed and removed, each sorted.
type KeyChanges struct {
	Added   []string
	Changed []string
	Removed []string
}

// Len returns the number of keys that differ.
func (k KeyChanges) Len() int { return len(k.Added) + len(k.Changed) + len(k.Removed) }

// Empty reports whether nothing changed.
func (d ROMEDiff) Empty() bool {
	return d.Occupations.Len()+d.Appellations.Len()+d.Skills.Len()+d.Knowledge.Len()+
		d.Links.Len()+d.Mobility.Len() == 0
}

// String summarises the diff on one line, e.g.
// "occupations +0 ~2 -0, appellations +4 ~1 -0, …".
func (d ROMEDiff) String() string {
	var b strings.Builder
	for i, k := range []struct {
		name string
		c    KeyChanges
	}{
		{"occupations", d.Occupations}, {"appellations", d.Appellations}, {"skills", d.Skills},
		{"knowledge", d.Knowledge}, {"links", d.Links}, {"mobility", d.Mobility},
	} {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s +%d ~%d -%d", k.name, len(k.c.Added), len(k.c.Changed), len(k.c.Removed))
	}
	return b.String()
}

// Diff compares two releases. A nil before counts as empty, so that a first
// import reports everything as added.
func Diff(before, after *ROME) ROMEDiff {
	old, cur := before, after
	if old == nil {
		old = &ROME{}
	}
	if cur == nil {
		cur = &ROME{}
	}
	return ROMEDiff{
		Occupations: diffBy(old.Occupations, cur.Occupations,
			func(o Occupation) string { return string(o.Code) }),
		Appellations: diffBy(old.Appellations, cur.Appellations,
			func(a Appellation) string { return a.ID }),
		Skills:    diffBy(old.Skills, cur.Skills, func(i Item) string { return string(i.Code) }),
		Knowledge: diffBy(old.Knowledge, cur.Knowledge, func(i Item) string { return string(i.Code) }),
		Links: diffBy(old.Links, cur.Links,
			func(l Link) string { return string(l.Rome) + " " + string(l.Item) }),
		Mobility: diffBy(old.Mobility, cur.Mobility,
			func(m Mobility) string { return string(m.From) + ">" + string(m.To) }),
	}
}

// diffBy compares two lists of records by key; a record whose other fields
// differ counts as changed.
func diffBy[T comparable](old, cur []T, key func(T) string) KeyChanges {
	before := make(map[string]T, len(old))
	for _, v := range old {
		before[key(v)] = v
	}
	var c KeyChanges
	seen := make(map[string]bool, len(cur))
	for _, v := range cur {
		k := key(v)
		seen[k] = true
		switch prev, ok := before[k]; {
		case !ok:
			c.Added = append(c.Added, k)
		case prev != v:
			c.Changed = append(c.Changed, k)
		}
	}
	for k := range before {
		if !seen[k] {
			c.Removed = append(c.Removed, k)
		}
	}
	slices.Sort(c.Added)
	slices.Sort(c.Changed)
	slices.Sort(c.Removed)
	return c
}

// Package skilldb stores an imported ROME release in MongoDB and loads it
// back, so that every API instance builds the same skill.Taxonomy from the
// database instead of from files only the importing machine has.
//
// # Storage layout
//
// Collection "rome" holds the documents of a release, each tagged with the
// release id (field "release", indexed) and with an _id that starts with it:
//
//   - one document per occupation, _id "<release>/occupation/M1805",
//     embedding what is read with it: its items by how central they are
//     (arrays "core", "emerging" and "items" of skill codes), its job titles
//     ("appellations": {id, label}) and its mobility targets ("mobility":
//     {to, order});
//   - the skill and knowledge items in chunks of 1,000, _id
//     "<release>/skills/0003" or "<release>/knowledge/0000" (field "entries":
//     {code, label, category, macro}).
//
// The full ROME 4.0 release is then 1,619 documents (8 MB), which the
// embedded store of a 2-core machine writes in about 2.5 s and reads back in
// about 2 s. One document per item would add 33,000 documents, and the
// embedded store pays per document on top of per byte (placedb measured
// 5 s instead of 2 s to read 35,000 communes one per document).
//
// Collection "rome_releases" holds one document, {_id: "active"}, naming the
// active release (field "release", empty before the first import) with its
// document count, the ROME version, a revision from the shared counter and,
// while an import runs, its lease ("lock").
//
// # Atomic switch
//
// There are no multi-document transactions (STORE.md), so an import replaces
// the release whole by the protocol of package release: it writes the new
// release beside the active one, switches the pointer in one
// single-document write, then deletes the previous release's documents. A
// reader sees one release or the other, never a mix, and a crashed import
// leaves the previous release active and whole (release.Set.Replace lists
// the steps).
package skilldb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/release"
)

// Collection names.
const (
	docsCollection = "rome"
	metaCollection = "rome_releases"
)

// itemsPerChunk keeps an item chunk around 100 KB: large enough that the
// embedded store reads few documents, far from MongoDB's 16 MB limit.
const itemsPerChunk = 1000

// Document kinds.
const (
	kindOccupation = "occupation"
	kindSkills     = "skills"
	kindKnowledge  = "knowledge"
)

// info is what the pointer records about the release as a whole.
type info struct {
	Version      string `bson:"version"`
	SkippedLinks int    `bson:"skippedLinks"`
}

// romeDoc is one stored document: an occupation or a chunk of items, told
// apart by Kind.
type romeDoc struct {
	ID        string    `bson:"_id"`
	Release   string    `bson:"release"`
	Kind      string    `bson:"kind"`
	Revision  int64     `bson:"revision"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`

	// Occupation.
	Code          string           `bson:"code,omitempty"`
	Label         string           `bson:"label,omitempty"`
	TransitionNum bool             `bson:"transitionNum,omitempty"`
	Parent        string           `bson:"parent,omitempty"`
	Core          []string         `bson:"core,omitempty"`
	Emerging      []string         `bson:"emerging,omitempty"`
	Items         []string         `bson:"items,omitempty"`
	Appellations  []appellationDoc `bson:"appellations,omitempty"`
	Mobility      []mobilityDoc    `bson:"mobility,omitempty"`

	// Chunk of items.
	Seq     int       `bson:"seq,omitempty"`
	Entries []itemDoc `bson:"entries,omitempty"`
}

type appellationDoc struct {
	ID    string `bson:"id"`
	Label string `bson:"label"`
}

type mobilityDoc struct {
	To    string `bson:"to"`
	Order int    `bson:"order"`
}

type itemDoc struct {
	Code     string `bson:"code"`
	Label    string `bson:"label"`
	Category string `bson:"category,omitempty"`
	Macro    bool   `bson:"macro,omitempty"`
}

// Release describes the active release in the store.
type Release struct {
	ID      string // the release id documents are tagged with
	Version string // ROME version, e.g. "v460"
	// Revision changes whenever the active release does: an instance that
	// polls Active reloads when it differs from the one it built from.
	Revision   int64
	ImportedAt time.Time
}

// EnsureIndexes creates the indexes skilldb's queries use. On the embedded
// store they are created but unused (every query scans), which the layout
// allows for by keeping documents few.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	if err := st.EnsureIndexes(ctx, docsCollection,
		store.Index{Keys: bson.D{{Key: "release", Value: 1}}, Name: "release"},
	); err != nil {
		return fmt.Errorf("ensure ROME indexes: %w", err)
	}
	return nil
}

// romeReleases runs the release protocol on the ROME collections.
type romeReleases = release.Set[romeDoc, info]

func newROMEReleases(st *store.Store, now time.Time) *romeReleases {
	return release.New[romeDoc, info](st, docsCollection, metaCollection, "ROME release", now)
}

// Import stores r as the active ROME release and reports what changed
// against the release stored before (everything is added on a first
// import). Importing data equal to the stored release writes nothing and
// reports an empty diff; otherwise the new release replaces the old one
// whole, by the atomic switch described in the package comment, so that
// readers never see a half-imported taxonomy. now stamps the documents.
//
// It fails with a passerelle.ECONFLICT error while another import runs. An
// error with an empty diff left the previous release active; an error with a
// non-empty diff comes after the switch, from deleting the previous
// release's documents, which the next import finishes.
func Import(ctx context.Context, st *store.Store, r *skill.ROME, now time.Time) (skill.ROMEDiff, error) {
	return importROME(ctx, newROMEReleases(st, now), r)
}

func importROME(ctx context.Context, rs *romeReleases, r *skill.ROME) (skill.ROMEDiff, error) {
	if r == nil || len(r.Occupations) == 0 {
		return skill.ROMEDiff{}, &passerelle.Error{Code: passerelle.EINVALID,
			Err: fmt.Errorf("import ROME release: no occupations")}
	}
	if err := checkReferences(r); err != nil {
		return skill.ROMEDiff{}, &passerelle.Error{Code: passerelle.EINVALID,
			Err: fmt.Errorf("import ROME release %s: %w", r.Version, err)}
	}
	var diff skill.ROMEDiff
	var decodeErr error
	committed, err := rs.Replace(ctx, r.Version, info{Version: r.Version, SkippedLinks: r.SkippedLinks},
		func(stored []romeDoc, active bool) bool {
			var before *skill.ROME
			if active {
				if before, decodeErr = fromDocs(info{}, stored); decodeErr != nil {
					// Unreadable data is replaced: report it all as new.
					before = nil
				}
			}
			diff = skill.Diff(before, r)
			return !diff.Empty() || decodeErr != nil
		},
		func(id string, rev int64, now time.Time) []romeDoc { return toDocs(r, id, rev, now) })
	if err != nil {
		if !committed {
			diff = skill.ROMEDiff{}
		}
		return diff, fmt.Errorf("import ROME release %s: %w", r.Version, err)
	}
	if !committed {
		return skill.ROMEDiff{}, nil
	}
	return diff, nil
}

// Load returns the active ROME release, or false when none was imported (the
// server then runs on skill.BuiltinROME()). The result is equal to the ROME
// that was imported, Version and SkippedLinks included.
func Load(ctx context.Context, st *store.Store) (*skill.ROME, bool, error) {
	p, docs, ok, err := newROMEReleases(st, time.Now()).Load(ctx)
	if err != nil || !ok {
		return nil, false, err
	}
	r, err := fromDocs(p.Info, docs)
	if err != nil {
		return nil, false, fmt.Errorf("load ROME release %s: %w", p.Release, err)
	}
	return r, true, nil
}

// Active describes the active release without reading it: one read by _id,
// cheap enough to poll. It returns false when none was imported.
func Active(ctx context.Context, st *store.Store) (Release, bool, error) {
	p, ok, err := newROMEReleases(st, time.Now()).Active(ctx)
	if err != nil || !ok || p.Release == "" {
		return Release{}, false, err
	}
	return Release{ID: p.Release, Version: p.Info.Version, Revision: p.Revision, ImportedAt: p.UpdatedAt}, true, nil
}

// checkReferences makes sure that everything toDocs embeds in an occupation
// names a known one. skill.ParseROME guarantees it; a hand-built ROME might
// not, and its links would otherwise land in the wrong document.
func checkReferences(r *skill.ROME) error {
	known := make(map[skill.RomeCode]bool, len(r.Occupations))
	for _, o := range r.Occupations {
		if known[o.Code] {
			return fmt.Errorf("duplicate occupation %s", o.Code)
		}
		known[o.Code] = true
	}
	for _, l := range r.Links {
		if !known[l.Rome] {
			return fmt.Errorf("link %s → %s: unknown occupation", l.Rome, l.Item)
		}
	}
	for _, a := range r.Appellations {
		if !known[a.Rome] {
			return fmt.Errorf("appellation %s: unknown occupation %s", a.ID, a.Rome)
		}
	}
	for _, m := range r.Mobility {
		if !known[m.From] {
			return fmt.Errorf("mobility %s → %s: unknown occupation", m.From, m.To)
		}
	}
	return nil
}

// toDocs lays r out as documents of the release releaseID.
func toDocs(r *skill.ROME, releaseID string, rev int64, now time.Time) []romeDoc {
	base := romeDoc{Release: releaseID, Revision: rev, CreatedAt: now, UpdatedAt: now}
	occs := make([]romeDoc, len(r.Occupations))
	index := make(map[skill.RomeCode]int, len(r.Occupations))
	for i, o := range r.Occupations {
		d := base
		d.ID, d.Kind = releaseID+"/occupation/"+string(o.Code), kindOccupation
		d.Code, d.Label, d.TransitionNum, d.Parent = string(o.Code), o.Label, o.TransitionNum, string(o.Parent)
		occs[i] = d
		index[o.Code] = i
	}
	for _, l := range r.Links {
		d := &occs[index[l.Rome]]
		switch l.Flag {
		case skill.LinkCore:
			d.Core = append(d.Core, string(l.Item))
		case skill.LinkEmerging:
			d.Emerging = append(d.Emerging, string(l.Item))
		default:
			d.Items = append(d.Items, string(l.Item))
		}
	}
	for _, a := range r.Appellations {
		d := &occs[index[a.Rome]]
		d.Appellations = append(d.Appellations, appellationDoc{ID: a.ID, Label: a.Label})
	}
	for _, m := range r.Mobility {
		d := &occs[index[m.From]]
		d.Mobility = append(d.Mobility, mobilityDoc{To: string(m.To), Order: m.Order})
	}
	docs := occs
	for _, k := range []struct {
		kind  string
		items []skill.Item
	}{{kindSkills, r.Skills}, {kindKnowledge, r.Knowledge}} {
		for seq, chunk := range chunks(k.items, itemsPerChunk) {
			d := base
			d.ID, d.Kind, d.Seq = fmt.Sprintf("%s/%s/%04d", releaseID, k.kind, seq), k.kind, seq
			d.Entries = make([]itemDoc, len(chunk))
			for i, it := range chunk {
				d.Entries[i] = itemDoc{Code: string(it.Code), Label: it.Label, Category: it.Category, Macro: it.Macro}
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// chunks cuts s into slices of at most n, in order.
func chunks[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > 0 {
		k := min(n, len(s))
		out = append(out, s[:k:k])
		s = s[k:]
	}
	return out
}

// fromDocs rebuilds a ROME from its documents, in the order ParseROME
// leaves, so that a loaded release compares equal to the imported one.
func fromDocs(inf info, docs []romeDoc) (*skill.ROME, error) {
	r := &skill.ROME{Version: inf.Version, SkippedLinks: inf.SkippedLinks}
	for _, d := range docs {
		switch d.Kind {
		case kindOccupation:
			code := skill.RomeCode(d.Code)
			if err := code.Validate(); err != nil {
				return nil, fmt.Errorf("document %s: %w", d.ID, err)
			}
			r.Occupations = append(r.Occupations, skill.Occupation{
				Code: code, Label: d.Label, TransitionNum: d.TransitionNum, Parent: skill.RomeCode(d.Parent)})
			for _, l := range []struct {
				flag  skill.LinkFlag
				items []string
			}{{skill.LinkCore, d.Core}, {skill.LinkEmerging, d.Emerging}, {skill.LinkPlain, d.Items}} {
				for _, it := range l.items {
					r.Links = append(r.Links, skill.Link{Rome: code, Item: skill.Code(it), Flag: l.flag})
				}
			}
			for _, a := range d.Appellations {
				r.Appellations = append(r.Appellations, skill.Appellation{ID: a.ID, Label: a.Label, Rome: code})
			}
			for _, m := range d.Mobility {
				r.Mobility = append(r.Mobility, skill.Mobility{From: code, To: skill.RomeCode(m.To), Order: m.Order})
			}
		case kindSkills, kindKnowledge:
			kind, into := skill.ItemSkill, &r.Skills
			if d.Kind == kindKnowledge {
				kind, into = skill.ItemKnowledge, &r.Knowledge
			}
			for _, e := range d.Entries {
				code := skill.Code(e.Code)
				if !code.IsOGR() {
					return nil, fmt.Errorf("document %s: item code %q: want an ogr: code", d.ID, e.Code)
				}
				*into = append(*into, skill.Item{Code: code, Kind: kind, Label: e.Label, Category: e.Category, Macro: e.Macro})
			}
		default:
			return nil, fmt.Errorf("document %s: unknown kind %q", d.ID, d.Kind)
		}
	}
	sortROME(r)
	return r, nil
}

// sortROME puts r in the order skill.ParseROME guarantees (by code; links
// by occupation then item; mobility by source, order, target), since the
// store returns documents in no particular order.
func sortROME(r *skill.ROME) {
	slices.SortFunc(r.Occupations, func(a, b skill.Occupation) int { return strings.Compare(string(a.Code), string(b.Code)) })
	slices.SortFunc(r.Appellations, func(a, b skill.Appellation) int { return compareOGR(a.ID, b.ID) })
	byCode := func(a, b skill.Item) int { return compareOGR(a.Code.ID(), b.Code.ID()) }
	slices.SortFunc(r.Skills, byCode)
	slices.SortFunc(r.Knowledge, byCode)
	slices.SortFunc(r.Links, func(a, b skill.Link) int {
		return cmp.Or(strings.Compare(string(a.Rome), string(b.Rome)), compareOGR(a.Item.ID(), b.Item.ID()))
	})
	slices.SortFunc(r.Mobility, func(a, b skill.Mobility) int {
		return cmp.Or(strings.Compare(string(a.From), string(b.From)), cmp.Compare(a.Order, b.Order),
			strings.Compare(string(a.To), string(b.To)))
	})
}

// compareOGR orders code_ogr numerically, as skill does: they have no
// leading zeros, so the shorter is the smaller.
func compareOGR(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// Package placedb stores an imported directory of communes in MongoDB and
// loads it back, so that every API instance builds the same place.Directory
// from the database instead of from a file only the importing machine has.
//
// # Storage layout
//
// Collection "communes" holds the documents of a release, each tagged with
// the release id (field "release", indexed): the communes in ID order, 500
// per document, _id "<release>/0012", field "communes" ({id, insee, name,
// postalCodes, department, lat, lon}). The 35,000 communes of France are then
// 72 documents, which the embedded store of a 2-core machine writes in
// about 3 s and reads back in about 2 s; one document per commune took it 11
// s and 5 s, since it pays per document on top of per byte. Nothing queries
// a single commune in the database: lookups go to the in-memory Directory.
//
// Collection "commune_releases" holds one document, {_id: "active"}, naming
// the active release (field "release", empty before the first import) with
// its document count, what the import file held ("info": format, rows,
// rows skipped), a revision from the shared counter and, while an import
// runs, its lease ("lock").
//
// # Atomic switch
//
// There are no multi-document transactions (STORE.md), so an import replaces
// the directory whole by the protocol of package release: it writes the new
// release beside the active one, switches the pointer in one
// single-document write, then deletes the previous release's documents. A
// reader sees one directory or the other, never a mix, and a crashed import
// leaves the previous directory active and whole (release.Set.Replace lists
// the steps).
package placedb

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/place"
	"passerelle/internal/store"
	"passerelle/internal/store/release"
)

// Collection names.
const (
	docsCollection = "communes"
	metaCollection = "commune_releases"
)

// communesPerChunk keeps a document around 60 KB: few documents for the
// embedded store to decode, far from MongoDB's 16 MB limit.
const communesPerChunk = 500

// info is what the pointer records about the import file: place.ImportStats.
type info struct {
	Format               string `bson:"format"`
	Rows                 int    `bson:"rows"`
	SkippedNoCoordinates int    `bson:"skippedNoCoordinates"`
}

// chunkDoc is one stored document: a run of communes in ID order.
type chunkDoc struct {
	ID        string       `bson:"_id"`
	Release   string       `bson:"release"`
	Seq       int          `bson:"seq"`
	Revision  int64        `bson:"revision"`
	CreatedAt time.Time    `bson:"createdAt"`
	UpdatedAt time.Time    `bson:"updatedAt"`
	Communes  []communeDoc `bson:"communes"`
}

type communeDoc struct {
	ID          string   `bson:"id"`
	INSEE       string   `bson:"insee,omitempty"`
	Name        string   `bson:"name"`
	PostalCodes []string `bson:"postalCodes"`
	Department  string   `bson:"department"`
	Lat         float64  `bson:"lat"`
	Lon         float64  `bson:"lon"`
}

// ImportReport counts the communes an import added, changed (any field: name,
// postal codes, coordinates…) and removed, by ID, against the stored
// directory.
type ImportReport struct {
	Added   int
	Changed int
	Removed int
}

// Empty reports whether the import changed no commune.
func (r ImportReport) Empty() bool { return r.Added+r.Changed+r.Removed == 0 }

// String summarises the report, e.g. "communes +12 ~3 -1".
func (r ImportReport) String() string {
	return fmt.Sprintf("communes +%d ~%d -%d", r.Added, r.Changed, r.Removed)
}

// EnsureIndexes creates the indexes placedb's queries use. On the embedded
// store they are created but unused (every query scans), which the layout
// allows for by keeping documents few.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	if err := st.EnsureIndexes(ctx, docsCollection,
		store.Index{Keys: bson.D{{Key: "release", Value: 1}}, Name: "release"},
	); err != nil {
		return fmt.Errorf("ensure commune indexes: %w", err)
	}
	return nil
}

// communeReleases runs the release protocol on the commune collections.
type communeReleases = release.Set[chunkDoc, info]

func newCommuneReleases(st *store.Store, now time.Time) *communeReleases {
	return release.New[chunkDoc, info](st, docsCollection, metaCollection, "commune directory", now)
}

// Import stores dir as the active directory of communes and reports what
// changed against the directory stored before (everything is added on a
// first import). Importing communes equal to the stored ones writes nothing
// but the import statistics, if they differ, and reports no change;
// otherwise the new directory replaces the old one whole, by the atomic
// switch described in the package comment, so that readers never see half
// of an import.
//
// It fails with a passerelle.ECONFLICT error while another import runs. An
// error with an empty report left the previous directory active; an error
// with a non-empty report comes after the switch, from deleting the
// previous release's documents, which the next import finishes.
func Import(ctx context.Context, st *store.Store, dir *place.Directory) (ImportReport, error) {
	return importDirectory(ctx, newCommuneReleases(st, time.Now()), dir)
}

func importDirectory(ctx context.Context, rs *communeReleases, dir *place.Directory) (ImportReport, error) {
	if dir == nil || dir.Len() == 0 {
		return ImportReport{}, &passerelle.Error{Code: passerelle.EINVALID,
			Err: fmt.Errorf("import communes: no commune")}
	}
	communes := dir.All()
	stats := dir.Stats()
	var report ImportReport
	committed, err := rs.Replace(ctx, "", info{Format: formatName(stats.Format), Rows: stats.Rows, SkippedNoCoordinates: stats.SkippedNoCoordinates},
		func(stored []chunkDoc, active bool) bool {
			report = compare(fromDocs(stored), communes)
			return !report.Empty()
		},
		func(id string, rev int64, now time.Time) []chunkDoc { return toDocs(communes, id, rev, now) })
	if err != nil {
		if !committed {
			report = ImportReport{}
		}
		return report, fmt.Errorf("import communes: %w", err)
	}
	if !committed {
		return ImportReport{}, nil
	}
	return report, nil
}

// Load returns the active directory, or false when none was imported (the
// server then uses place.Builtin()). Its communes and statistics are those
// of the imported directory.
func Load(ctx context.Context, st *store.Store) (*place.Directory, bool, error) {
	p, docs, ok, err := newCommuneReleases(st, time.Now()).Load(ctx)
	if err != nil || !ok {
		return nil, false, err
	}
	d, err := place.NewDirectory(fromDocs(docs), p.Info.stats())
	if err != nil {
		return nil, false, fmt.Errorf("load communes %s: %w", p.Release, err)
	}
	return d, true, nil
}

// Release describes the active directory in the store.
type Release struct {
	ID string // the release id documents are tagged with
	// Revision changes whenever the active directory does: an instance that
	// polls Active reloads when it differs from the one it built from.
	Revision   int64
	ImportedAt time.Time
	Stats      place.ImportStats // of the imported file
}

// Active describes the active directory without reading it: one read by
// _id, cheap enough to poll. It returns false when none was imported.
func Active(ctx context.Context, st *store.Store) (Release, bool, error) {
	p, ok, err := newCommuneReleases(st, time.Now()).Active(ctx)
	if err != nil || !ok || p.Release == "" {
		return Release{}, false, err
	}
	return Release{ID: p.Release, Revision: p.Revision, ImportedAt: p.UpdatedAt, Stats: p.Info.stats()}, true, nil
}

func (i info) stats() place.ImportStats {
	return place.ImportStats{Format: parseFormat(i.Format), Rows: i.Rows, SkippedNoCoordinates: i.SkippedNoCoordinates}
}

// toDocs lays communes, sorted by ID, out as documents of the release
// releaseID.
func toDocs(communes []place.Commune, releaseID string, rev int64, now time.Time) []chunkDoc {
	var docs []chunkDoc
	for seq := 0; len(communes) > 0; seq++ {
		n := min(communesPerChunk, len(communes))
		d := chunkDoc{ID: fmt.Sprintf("%s/%04d", releaseID, seq), Release: releaseID, Seq: seq,
			Revision: rev, CreatedAt: now, UpdatedAt: now, Communes: make([]communeDoc, n)}
		for i, c := range communes[:n] {
			d.Communes[i] = communeDoc{ID: c.ID, INSEE: c.INSEE, Name: c.Name, PostalCodes: c.PostalCodes,
				Department: c.Department, Lat: c.Lat, Lon: c.Lon}
		}
		docs = append(docs, d)
		communes = communes[n:]
	}
	return docs
}

// fromDocs returns the communes of the documents, in no particular order
// (place.NewDirectory sorts them).
func fromDocs(docs []chunkDoc) []place.Commune {
	n := 0
	for _, d := range docs {
		n += len(d.Communes)
	}
	out := make([]place.Commune, 0, n)
	for _, d := range docs {
		for _, c := range d.Communes {
			out = append(out, place.Commune{ID: c.ID, INSEE: c.INSEE, Name: c.Name, PostalCodes: c.PostalCodes,
				Department: c.Department, LatLon: place.LatLon{Lat: c.Lat, Lon: c.Lon}})
		}
	}
	return out
}

// compare counts the communes added, changed and removed from before to
// after, by ID.
func compare(before, after []place.Commune) ImportReport {
	old := make(map[string]place.Commune, len(before))
	for _, c := range before {
		old[c.ID] = c
	}
	var r ImportReport
	for _, c := range after {
		prev, ok := old[c.ID]
		switch {
		case !ok:
			r.Added++
		case !sameCommune(prev, c):
			r.Changed++
		}
		delete(old, c.ID)
	}
	r.Removed = len(old)
	return r
}

func sameCommune(a, b place.Commune) bool {
	return a.ID == b.ID && a.INSEE == b.INSEE && a.Name == b.Name && a.Department == b.Department &&
		a.LatLon == b.LatLon && slices.Equal(a.PostalCodes, b.PostalCodes)
}

// formatName and parseFormat store place.Format by name, so that the
// database does not depend on the order of its constants.
func formatName(f place.Format) string {
	switch f {
	case place.FormatReduced, place.FormatOfficial:
		return f.String()
	}
	return ""
}

func parseFormat(s string) place.Format {
	for _, f := range []place.Format{place.FormatReduced, place.FormatOfficial} {
		if s == f.String() {
			return f
		}
	}
	return 0
}

package match

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
)

// Index holds every profile and offer in compact form and answers ranked
// queries in both directions. It is safe for concurrent use: queries share a
// read lock, writes take the write lock for a few microseconds. A query
// holds the read lock for its whole duration, a few milliseconds, which
// bounds how long a write waits (see BenchmarkQueriesWithWrites).
//
// Layout, per profile (about 140 bytes of heap at a million profiles, see
// BenchmarkBuild): a 32-byte record (place as a unit vector, radius,
// availability, flags, contracts, arena offset), its 12-byte ID and 8-byte
// revision, 8 bytes of ID hash table, its skills, former occupations and
// trainings packed in 4-byte words in an arena, one entry per distinct code
// it holds or trains in and per former occupation in compressed bitmaps (2
// bytes in a sparse chunk, a bit in a dense one), and a byte of filter
// bitmaps. Internal ids are handed out by geographic cell, in blocks of 64.
type Index struct {
	fw         *fixedWeights
	rel        Relations
	maxRelated int

	mu       sync.RWMutex
	st       *state
	building bool
	pending  []write

	scratch sync.Pool
}

// state is everything a build replaces at once.
type state struct {
	fw       *fixedWeights
	in       *interner
	profiles *profileStore
	offers   *offerStore
	tombP    map[objectID]uint64 // revisions of deleted profiles
	tombO    map[objectID]uint64
	lastRev  uint64

	enc     encProfile
	encO    encOffer
	scratch []uint32
}

type write struct {
	profile *Profile
	offer   *Offer
}

// New returns an empty index scoring with weights w and reading skill
// relations from rel (nil: no relations).
func New(rel Relations, w Weights) (*Index, error) {
	fw, err := w.fixed()
	if err != nil {
		return nil, fmt.Errorf("new index: %w", err)
	}
	ix := &Index{fw: fw, rel: rel, maxRelated: w.MaxRelated}
	ix.st = newState(fw, rel, w.MaxRelated)
	return ix, nil
}

func newState(fw *fixedWeights, rel Relations, maxRelated int) *state {
	return &state{
		fw:       fw,
		in:       newInterner(rel, maxRelated),
		profiles: newProfileStore(),
		offers:   newOfferStore(),
		tombP:    make(map[objectID]uint64),
		tombO:    make(map[objectID]uint64),
	}
}

// Upsert applies a version of a profile: it inserts or replaces it, or
// removes it if p.Deleted. A version older than the one held (by Revision)
// is ignored, so that replaying writes is harmless. It returns ErrInvalid
// for a document that cannot be indexed.
func (ix *Index) Upsert(p Profile) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.building {
		ix.pending = append(ix.pending, write{profile: cloneProfile(&p)})
	}
	if err := ix.st.upsertProfile(&p); err != nil {
		return fmt.Errorf("upsert profile: %w", err)
	}
	return nil
}

// UpsertOffer applies a version of an offer, like Upsert.
func (ix *Index) UpsertOffer(o Offer) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.building {
		ix.pending = append(ix.pending, write{offer: cloneOffer(&o)})
	}
	if err := ix.st.upsertOffer(&o); err != nil {
		return fmt.Errorf("upsert offer: %w", err)
	}
	return nil
}

// DeleteProfile removes a profile as of store revision rev.
func (ix *Index) DeleteProfile(id string, rev uint64) error {
	return ix.Upsert(Profile{ID: id, Revision: rev, Deleted: true})
}

// DeleteOffer removes an offer as of store revision rev.
func (ix *Index) DeleteOffer(id string, rev uint64) error {
	return ix.UpsertOffer(Offer{ID: id, Revision: rev, Deleted: true})
}

// LastRevision is the highest store revision applied. A poller asks the
// store for the documents of a higher revision. Because Upsert applies
// revisions in any order (an instance applies its own writes at once), a
// poller that must not miss another instance's concurrent writes should keep
// its own cursor of what it polled, and use LastRevision only at start-up.
func (ix *Index) LastRevision() uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.lastRev
}

// Len returns the number of profiles and offers held.
func (ix *Index) Len() (profiles, offers int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.profiles.live, ix.st.offers.live
}

func (st *state) stale(id objectID, rev uint64, find func(objectID) (uint32, bool), revs []uint64, tomb map[objectID]uint64) bool {
	if i, ok := find(id); ok {
		return revs[i] > rev
	}
	if t, ok := tomb[id]; ok {
		return t > rev
	}
	return false
}

func (st *state) upsertProfile(p *Profile) error {
	id, err := parseID(p.ID)
	if err != nil {
		return err
	}
	ps := st.profiles
	if st.stale(id, p.Revision, ps.lookup, ps.revs, st.tombP) {
		return nil
	}
	st.lastRev = max(st.lastRev, p.Revision)
	if p.Deleted {
		ps.remove(id)
		st.tombP[id] = p.Revision
		return nil
	}
	if err := st.in.encodeProfile(p, &st.enc); err != nil {
		return err
	}
	ps.put(&st.enc, st.in.tax.codes.len(), st.in.tax.occs.len(), &st.scratch)
	delete(st.tombP, id)
	return nil
}

func (st *state) upsertOffer(o *Offer) error {
	id, err := parseID(o.ID)
	if err != nil {
		return err
	}
	ofs := st.offers
	if st.stale(id, o.Revision, ofs.lookup, ofs.revs, st.tombO) {
		return nil
	}
	st.lastRev = max(st.lastRev, o.Revision)
	if o.Deleted {
		ofs.remove(id)
		st.tombO[id] = o.Revision
		return nil
	}
	if err := st.in.encodeOffer(o, st.fw, &st.encO); err != nil {
		return err
	}
	ofs.put(&st.encO)
	delete(st.tombO, id)
	return nil
}

// Stream is what Build reads: every profile and every offer of the store,
// decoded. A stream error aborts the build.
type Stream struct {
	Profiles iter.Seq2[Profile, error]
	Offers   iter.Seq2[Offer, error]
}

// Progress reports how far a build is.
type Progress struct {
	Profiles, Offers int // documents read
	Invalid          int // documents skipped because they cannot be indexed
	// Err is set, once per skipped document, to why it was skipped.
	Err  error
	Done bool
}

// ErrBuildRunning is returned by Build when another build is running.
var ErrBuildRunning = errors.New("match: build already running")

// progressEvery is how many documents a build reads between two progress
// reports.
const progressEvery = 1 << 17

// Build replaces the index contents with the documents of s, calling
// progress (if not nil) every 131,072 documents, for each document skipped
// as invalid, and at the end. The index keeps answering from its previous
// contents during the build; writes applied meanwhile are replayed on the
// new contents before they replace the old ones, and the revision check
// keeps the newest version of each document.
//
// To poll without gaps afterwards, read the store's highest revision before
// starting the stream and poll from there: documents changed during the scan
// may be read in either version.
func (ix *Index) Build(ctx context.Context, s Stream, progress func(Progress)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	ix.mu.Lock()
	if ix.building {
		ix.mu.Unlock()
		return fmt.Errorf("build index: %w", ErrBuildRunning)
	}
	ix.building, ix.pending = true, nil
	ix.mu.Unlock()
	defer func() {
		ix.mu.Lock()
		ix.building, ix.pending = false, nil
		ix.mu.Unlock()
	}()

	st := newState(ix.fw, ix.rel, ix.maxRelated)
	st.profiles.building = true
	var pr Progress
	report := func() {
		if progress != nil {
			progress(pr)
		}
	}
	invalid := func(err error) {
		pr.Invalid++
		pr.Err = err
		report()
		pr.Err = nil
	}
	n := 0
	tick := func() error {
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if n%progressEvery == 0 {
			report()
		}
		return nil
	}
	if s.Profiles != nil {
		for p, err := range s.Profiles {
			if err != nil {
				return fmt.Errorf("build index: read profiles: %w", err)
			}
			pr.Profiles++
			if err := st.upsertProfile(&p); err != nil {
				invalid(fmt.Errorf("profile %s: %w", p.ID, err))
			}
			if err := tick(); err != nil {
				return fmt.Errorf("build index: %w", err)
			}
		}
	}
	st.profiles.seal()
	if s.Offers != nil {
		for o, err := range s.Offers {
			if err != nil {
				return fmt.Errorf("build index: read offers: %w", err)
			}
			pr.Offers++
			if err := st.upsertOffer(&o); err != nil {
				invalid(fmt.Errorf("offer %s: %w", o.ID, err))
			}
			if err := tick(); err != nil {
				return fmt.Errorf("build index: %w", err)
			}
		}
	}

	st.offers.seal()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	ix.mu.Lock()
	for _, w := range ix.pending {
		// Already applied (and reported) on the old contents.
		if w.profile != nil {
			_ = st.upsertProfile(w.profile)
		} else {
			_ = st.upsertOffer(w.offer)
		}
	}
	ix.st = st
	ix.mu.Unlock()
	pr.Done = true
	report()
	return nil
}

func cloneProfile(p *Profile) *Profile {
	c := *p
	c.Skills = slices.Clone(p.Skills)
	c.Former = slices.Clone(p.Former)
	c.Trainings = slices.Clone(p.Trainings)
	for i := range c.Trainings {
		c.Trainings[i].Skills = slices.Clone(c.Trainings[i].Skills)
	}
	return &c
}

func cloneOffer(o *Offer) *Offer {
	c := *o
	c.Skills = slices.Clone(o.Skills)
	return &c
}

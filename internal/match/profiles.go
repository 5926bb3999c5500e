package match

import (
	"slices"
)

// blockSize is the number of internal ids in a block. Ids are handed out by
// geographic cell, one block at a time, so that a block holds profiles of one
// cell only and a query for an on-site job can skip the blocks of far cells.
// A block is one word of a bitmap, and 64 ids keep those wasted in the
// half-filled blocks (one per cell in use, and there are thousands of cells
// with a few profiles in the countryside) to a few percent.
const (
	blockShift = 6
	blockSize  = 1 << blockShift
)

// cellState is a geographic cell of the profile id space.
type cellState struct {
	key       cellKey
	center    point
	radiusKm  float64 // the cell lies within this distance of center
	maxRadius uint16  // largest mobility radius of a profile ever placed here
	block     int32   // block being filled, -1 if none
	next      uint32  // next unused slot of block
	free      []uint32
}

// profileStore holds the profiles in compact form. Internal ids are dense
// slots of recs; a deleted profile leaves a dead slot that the next profile
// of the same cell reuses.
//
// Only profiles that may appear in a list of candidates (consent given, not
// hidden) are in the sets: the others are only ever read by id, for their
// own list of offers.
type profileStore struct {
	recs  []prec
	ids   []objectID
	revs  []uint64
	table idTable
	live  int

	arena   []uint32
	garbage int // arena words no longer referenced

	postings []idset // code → profiles holding the code or training in it
	byOcc    []idset // occupation → profiles that held it

	// Filters as bitmaps, so that the candidate scan applies them to 64
	// profiles at once.
	employerVisible bitmap              // consent, and visible or anonymous
	wants           [numContract]bitmap // wants contract type i (or any)
	onsiteOnly      bitmap

	// During a build, lists are appended unsorted and turned into sets at
	// the end: sorting once is much cheaper than inserting in order.
	building            bool
	buildPost, buildOcc [][]uint32

	blockCell []uint32 // block → index in cells
	cells     []cellState
	cellIdx   map[cellKey]uint32
}

func newProfileStore() *profileStore {
	return &profileStore{cellIdx: make(map[cellKey]uint32)}
}

func (s *profileStore) lookup(id objectID) (uint32, bool) { return s.table.find(id, s.ids) }

func (s *profileStore) cellFor(k cellKey) uint32 {
	if c, ok := s.cellIdx[k]; ok {
		return c
	}
	c := uint32(len(s.cells))
	center, r := cellGeometry(k)
	s.cells = append(s.cells, cellState{key: k, center: center, radiusKm: r, block: -1})
	s.cellIdx[k] = c
	return c
}

// alloc returns a free internal id in cell c.
func (s *profileStore) alloc(c uint32) uint32 {
	cs := &s.cells[c]
	if n := len(cs.free); n > 0 {
		id := cs.free[n-1]
		cs.free = cs.free[:n-1]
		return id
	}
	if cs.block < 0 || cs.next == blockSize {
		cs.block = int32(len(s.blockCell))
		cs.next = 0
		s.blockCell = append(s.blockCell, c)
		s.recs = growBy(s.recs, blockSize)
		s.ids = growBy(s.ids, blockSize)
		s.revs = growBy(s.revs, blockSize)
	}
	id := uint32(cs.block)<<blockShift | cs.next
	cs.next++
	return id
}

// growBy extends s by n zero elements, doubling its capacity when full:
// append grows large slices by a quarter, which makes a build copy its
// largest slices some four times over; doubling copies them once.
func growBy[E any](s []E, n int) []E {
	if len(s)+n > cap(s) {
		t := make([]E, len(s), max(2*cap(s), len(s)+n))
		copy(t, s)
		s = t
	}
	return s[:len(s)+n]
}

// appendDoubling appends like append, growing like growBy.
func appendDoubling[E any](s []E, v ...E) []E {
	n := len(s)
	s = growBy(s, len(v))
	copy(s[n:], v)
	return s
}

func (s *profileStore) cellOfID(id uint32) uint32 { return s.blockCell[id>>blockShift] }

func (s *profileStore) ensureLists(nCodes, nOccs int) {
	for len(s.postings) < nCodes {
		s.postings = append(s.postings, idset{})
	}
	for len(s.byOcc) < nOccs {
		s.byOcc = append(s.byOcc, idset{})
	}
	if s.building {
		for len(s.buildPost) < nCodes {
			s.buildPost = append(s.buildPost, nil)
		}
		for len(s.buildOcc) < nOccs {
			s.buildOcc = append(s.buildOcc, nil)
		}
	}
}

func (s *profileStore) addCode(code, id uint32) {
	if s.building {
		s.buildPost[code] = appendDoubling(s.buildPost[code], id)
		return
	}
	s.postings[code].add(id)
}

func (s *profileStore) removeCode(code, id uint32) {
	if s.building {
		if i := slices.Index(s.buildPost[code], id); i >= 0 {
			s.buildPost[code] = slices.Delete(s.buildPost[code], i, i+1)
		}
		return
	}
	s.postings[code].remove(id)
}

func (s *profileStore) addOcc(o, id uint32) {
	if s.building {
		s.buildOcc[o] = appendDoubling(s.buildOcc[o], id)
		return
	}
	s.byOcc[o].add(id)
}

func (s *profileStore) removeOcc(o, id uint32) {
	if s.building {
		if i := slices.Index(s.buildOcc[o], id); i >= 0 {
			s.buildOcc[o] = slices.Delete(s.buildOcc[o], i, i+1)
		}
		return
	}
	s.byOcc[o].remove(id)
}

// matchable reports whether a profile may appear in lists of candidates.
func (r *prec) matchable() bool {
	return r.live() && r.flags&flagConsent != 0 && r.visibility() != VisibilityHidden
}

func (s *profileStore) setFilters(id uint32, r *prec) {
	s.employerVisible.set(id, r.matchable() && r.visibility() >= VisibilityAnonymous)
	for i := range s.wants {
		s.wants[i].set(id, r.live() && (r.contracts == 0 || r.contracts&(1<<i) != 0))
	}
	s.onsiteOnly.set(id, r.live() && r.pref() == RemoteOnsiteOnly)
}

// codesOf appends the distinct codes a stored profile holds or trains in, if
// it is in the sets.
func (s *profileStore) codesOf(id uint32, dst []uint32) []uint32 {
	r := &s.recs[id]
	if !r.matchable() {
		return dst
	}
	w := r.words(s.arena)
	start := len(dst)
	for _, x := range w[:r.nSkills] {
		dst = append(dst, x>>8)
	}
	for i := int(r.nSkills) + int(r.nOccs); i < len(w); {
		n := int(w[i] & 0xff)
		dst = append(dst, w[i+2:i+2+n]...)
		i += 2 + n
	}
	slices.Sort(dst[start:])
	return slices.Compact(dst)
}

// occsOf appends the former occupations of a stored profile, if it is in the
// sets.
func (s *profileStore) occsOf(id uint32, dst []uint32) []uint32 {
	r := &s.recs[id]
	if !r.matchable() {
		return dst
	}
	w := r.words(s.arena)
	for _, x := range w[r.nSkills : int(r.nSkills)+int(r.nOccs)] {
		dst = append(dst, x>>12)
	}
	return dst
}

// put stores an encoded profile, replacing the stored version if any.
// scratch is reused between calls.
func (s *profileStore) put(e *encProfile, nCodes, nOccs int, scratch *[]uint32) {
	s.ensureLists(nCodes, nOccs)
	c := s.cellFor(e.cell)
	id, exists := s.lookup(e.id)
	if exists && s.cellOfID(id) != c {
		s.remove(e.id)
		exists = false
	}
	codes, occs := e.codes, e.occs
	if !e.rec.matchable() {
		codes, occs = nil, nil
	}
	if !exists {
		id = s.alloc(c)
		s.ids[id] = e.id
		s.table.insert(e.id, id, s.ids)
		s.live++
		for _, code := range codes {
			s.addCode(code, id)
		}
		for _, o := range occs {
			s.addOcc(o, id)
		}
		e.rec.off = uint32(len(s.arena))
		s.arena = appendDoubling(s.arena, e.words...)
	} else {
		// Update the sets by difference: most updates touch a skill or two.
		old := s.codesOf(id, (*scratch)[:0])
		diff(old, codes, func(code uint32) { s.removeCode(code, id) },
			func(code uint32) { s.addCode(code, id) })
		oldOccs := s.occsOf(id, nil)
		diff(oldOccs, occs, func(o uint32) { s.removeOcc(o, id) },
			func(o uint32) { s.addOcc(o, id) })
		*scratch = old[:0]
		r := &s.recs[id]
		oldLen := len(r.words(s.arena))
		if len(e.words) <= oldLen {
			e.rec.off = r.off
			copy(s.arena[r.off:], e.words)
			clear(s.arena[int(r.off)+len(e.words) : int(r.off)+oldLen])
			s.garbage += oldLen - len(e.words)
		} else {
			clear(s.arena[r.off : int(r.off)+oldLen])
			e.rec.off = uint32(len(s.arena))
			s.arena = appendDoubling(s.arena, e.words...)
			s.garbage += oldLen
		}
	}
	s.recs[id] = e.rec
	s.revs[id] = e.rev
	s.setFilters(id, &e.rec)
	cs := &s.cells[c]
	cs.maxRadius = max(cs.maxRadius, e.rec.radius)
	s.maybeCompact()
}

// remove deletes a profile; it reports whether it was there.
func (s *profileStore) remove(oid objectID) bool {
	id, ok := s.lookup(oid)
	if !ok {
		return false
	}
	for _, code := range s.codesOf(id, nil) {
		s.removeCode(code, id)
	}
	for _, o := range s.occsOf(id, nil) {
		s.removeOcc(o, id)
	}
	// Erase the profile's data at once rather than at the next compaction:
	// a deleted profile leaves nothing readable behind.
	old := s.recs[id].words(s.arena)
	clear(old)
	s.garbage += len(old)
	s.table.remove(oid, s.ids)
	s.recs[id] = prec{}
	s.setFilters(id, &s.recs[id])
	s.ids[id] = objectID{}
	s.revs[id] = 0
	c := s.cellOfID(id)
	s.cells[c].free = append(s.cells[c].free, id)
	s.live--
	s.maybeCompact()
	return true
}

// maybeCompact rewrites the arena once a quarter of it is garbage: updates
// that grow a profile append its new version and leave the old one behind.
// The rewrite lays profiles out in id order, which is the order scans read
// them in.
func (s *profileStore) maybeCompact() {
	if s.garbage < 1<<12 || s.garbage*4 < len(s.arena) {
		return
	}
	n := 0
	for id := range s.recs {
		if r := &s.recs[id]; r.live() {
			n += len(r.words(s.arena))
		}
	}
	arena := make([]uint32, 0, n)
	for id := range s.recs {
		r := &s.recs[id]
		if !r.live() {
			continue
		}
		w := r.words(s.arena)
		r.off = uint32(len(arena))
		arena = append(arena, w...)
	}
	s.arena, s.garbage = arena, 0
}

// seal turns the lists of a build into sets, lays the arena out in id order
// and trims the slack of append growth.
func (s *profileStore) seal() {
	if s.building {
		s.renumber()
		for i, l := range s.buildPost {
			slices.Sort(l)
			s.postings[i] = fromSorted(l)
			s.buildPost[i] = nil
		}
		for i, l := range s.buildOcc {
			slices.Sort(l)
			s.byOcc[i] = fromSorted(l)
			s.buildOcc[i] = nil
		}
		s.building, s.buildPost, s.buildOcc = false, nil, nil
	}
	s.garbage = 1 << 40 // force the rewrite
	s.maybeCompact()
	s.recs = slices.Clone(s.recs)
	s.ids = slices.Clone(s.ids)
	s.revs = slices.Clone(s.revs)
	s.blockCell = slices.Clone(s.blockCell)
	s.employerVisible = slices.Clone(s.employerVisible)
	for i := range s.wants {
		s.wants[i] = slices.Clone(s.wants[i])
	}
	s.onsiteOnly = slices.Clone(s.onsiteOnly)
}

// renumber lays the blocks out in geographic order (a Z-order curve over
// the cells), so that the profiles around a place — the candidates of an
// on-site job — fill a few ranges of ids rather than blocks scattered over
// the whole id space, and a scan of them reads a few chunks. Blocks added
// after the build go at the end, until the next build.
func (s *profileStore) renumber() {
	nb := len(s.blockCell)
	order := make([]uint32, nb)
	for i := range order {
		order[i] = uint32(i)
	}
	z := func(b uint32) uint64 { return morton(s.cells[s.blockCell[b]].key) }
	slices.SortStableFunc(order, func(a, b uint32) int {
		za, zb := z(a), z(b)
		switch {
		case za < zb:
			return -1
		case za > zb:
			return 1
		}
		return 0
	})
	newBlock := make([]uint32, nb)
	for nbi, ob := range order {
		newBlock[ob] = uint32(nbi)
	}
	newID := func(id uint32) uint32 { return newBlock[id>>blockShift]<<blockShift | id&(blockSize-1) }
	recs := make([]prec, len(s.recs))
	ids := make([]objectID, len(s.ids))
	revs := make([]uint64, len(s.revs))
	blockCell := make([]uint32, nb)
	for ob := range nb {
		nbi := int(newBlock[ob])
		o, n := ob*blockSize, nbi*blockSize
		copy(recs[n:n+blockSize], s.recs[o:o+blockSize])
		copy(ids[n:n+blockSize], s.ids[o:o+blockSize])
		copy(revs[n:n+blockSize], s.revs[o:o+blockSize])
		blockCell[nbi] = s.blockCell[ob]
	}
	s.recs, s.ids, s.revs, s.blockCell = recs, ids, revs, blockCell
	for i, v := range s.table.slots {
		if v != 0 {
			s.table.slots[i] = newID(v-1) + 1
		}
	}
	for i := range s.cells {
		c := &s.cells[i]
		if c.block >= 0 {
			c.block = int32(newBlock[c.block])
		}
		for j, id := range c.free {
			c.free[j] = newID(id)
		}
	}
	for _, l := range s.buildPost {
		for j, id := range l {
			l[j] = newID(id)
		}
	}
	for _, l := range s.buildOcc {
		for j, id := range l {
			l[j] = newID(id)
		}
	}
	s.employerVisible = nil
	s.onsiteOnly = nil
	for i := range s.wants {
		s.wants[i] = nil
	}
	for id := range s.recs {
		s.setFilters(uint32(id), &s.recs[id])
	}
}

// morton interleaves the bits of a cell's latitude and longitude indexes.
func morton(k cellKey) uint64 {
	n := int64(360 / cellDeg)
	la, lo := uint64(int64(k)/n), uint64(int64(k)%n)
	var z uint64
	for i := range 16 {
		z |= (la>>i&1)<<(2*i+1) | (lo>>i&1)<<(2*i)
	}
	return z
}

// diff calls del for values of old not in new and add for values of new not
// in old; both are sorted and distinct.
func diff(old, new []uint32, del, add func(uint32)) {
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		switch {
		case j == len(new) || (i < len(old) && old[i] < new[j]):
			del(old[i])
			i++
		case i == len(old) || new[j] < old[i]:
			add(new[j])
			j++
		default:
			i++
			j++
		}
	}
}

package match

import (
	"math/bits"
	"slices"
)

// offerStore holds the offers. There are ten times fewer offers than
// profiles, so their layout favours simplicity over bytes.
//
// Published offers are also listed by where a candidate can take them: fully
// remote ones by contract type, the others by geographic cell and contract
// type. A list of offers for a candidate reads only the lists of the
// contract types they want, the remote offers if they accept remote work,
// and the cells within their mobility radius: the offers that pass the hard
// filters, and few others.
type offerStore struct {
	recs  []orec
	ids   []objectID
	revs  []uint64
	table idTable
	free  []uint32
	live  int

	arena   []uint32
	garbage int

	remote  [numContract][]uint32
	cells   []offerCell
	cellIdx map[cellKey]uint32
}

type offerCell struct {
	key      cellKey
	center   point
	radiusKm float64
	offers   [numContract][]uint32
}

func newOfferStore() *offerStore {
	return &offerStore{cellIdx: make(map[cellKey]uint32)}
}

func (s *offerStore) lookup(id objectID) (uint32, bool) { return s.table.find(id, s.ids) }

func (s *offerStore) terms(id uint32) []uint32 {
	r := &s.recs[id]
	return s.arena[r.off : r.off+uint32(r.nTerms)]
}

func (s *offerStore) cellFor(k cellKey) uint32 {
	if c, ok := s.cellIdx[k]; ok {
		return c
	}
	c := uint32(len(s.cells))
	center, r := cellGeometry(k)
	s.cells = append(s.cells, offerCell{key: k, center: center, radiusKm: r})
	s.cellIdx[k] = c
	return c
}

func (s *offerStore) put(e *encOffer) {
	e.rec.cell = s.cellFor(e.cell)
	if old, ok := s.lookup(e.id); ok {
		s.unlink(old)
		r := &s.recs[old]
		if len(e.terms) <= int(r.nTerms) {
			e.rec.off = r.off
			copy(s.arena[r.off:], e.terms)
			s.garbage += int(r.nTerms) - len(e.terms)
		} else {
			s.garbage += int(r.nTerms)
			e.rec.off = uint32(len(s.arena))
			s.arena = append(s.arena, e.terms...)
		}
		s.recs[old] = e.rec
		s.revs[old] = e.rev
		s.link(old)
		s.maybeCompact()
		return
	}
	var id uint32
	if n := len(s.free); n > 0 {
		id = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		id = uint32(len(s.recs))
		s.recs = append(s.recs, orec{})
		s.ids = append(s.ids, objectID{})
		s.revs = append(s.revs, 0)
	}
	s.ids[id] = e.id
	s.table.insert(e.id, id, s.ids)
	e.rec.off = uint32(len(s.arena))
	s.arena = append(s.arena, e.terms...)
	s.recs[id] = e.rec
	s.revs[id] = e.rev
	s.live++
	s.link(id)
}

// list returns the list offer id belongs in, nil if it is not proposed to
// candidates.
func (s *offerStore) list(id uint32) *[]uint32 {
	r := &s.recs[id]
	if !r.live() || r.status != OfferPublished {
		return nil
	}
	i := contractIndex(r.contract)
	if r.remote == PolicyRemote {
		return &s.remote[i]
	}
	return &s.cells[r.cell].offers[i]
}

func (s *offerStore) link(id uint32) {
	if l := s.list(id); l != nil {
		*l = append(*l, id)
	}
}

func (s *offerStore) unlink(id uint32) {
	if l := s.list(id); l != nil {
		if i := slices.Index(*l, id); i >= 0 {
			*l = slices.Delete(*l, i, i+1)
		}
	}
}

func contractIndex(c Contract) int { return bits.TrailingZeros8(uint8(c)) }

func (s *offerStore) remove(oid objectID) bool {
	id, ok := s.lookup(oid)
	if !ok {
		return false
	}
	s.unlink(id)
	s.garbage += int(s.recs[id].nTerms)
	s.table.remove(oid, s.ids)
	s.recs[id] = orec{}
	s.ids[id] = objectID{}
	s.revs[id] = 0
	s.free = append(s.free, id)
	s.live--
	s.maybeCompact()
	return true
}

func (s *offerStore) maybeCompact() {
	if s.garbage < 1<<10 || s.garbage*4 < len(s.arena) {
		return
	}
	arena := make([]uint32, 0, len(s.arena)-s.garbage)
	for id := range s.recs {
		r := &s.recs[id]
		if !r.live() {
			continue
		}
		t := s.arena[r.off : r.off+uint32(r.nTerms)]
		r.off = uint32(len(arena))
		arena = append(arena, t...)
	}
	s.arena, s.garbage = arena, 0
}

// seal renumbers the offers after a build so that each list — remote
// offers of a contract type, offers of a cell and contract type — holds
// consecutive ids, and lays the records and skills out in that order: a
// list of offers for a candidate then reads memory forward.
func (s *offerStore) seal() {
	type keyed struct {
		key uint64
		id  uint32
	}
	var order []keyed
	for id := range s.recs {
		r := &s.recs[id]
		if !r.live() {
			continue
		}
		var k uint64 = 3 << 60 // not listed: last
		if r.status == OfferPublished {
			k = uint64(contractIndex(r.contract)) << 56
			if r.remote != PolicyRemote {
				k |= 1<<60 | morton(s.cells[r.cell].key)
			}
		}
		order = append(order, keyed{k, uint32(id)})
	}
	slices.SortStableFunc(order, func(a, b keyed) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	n := len(order)
	recs := make([]orec, n)
	ids := make([]objectID, n)
	revs := make([]uint64, n)
	arena := make([]uint32, 0, len(s.arena)-s.garbage)
	for i, o := range order {
		r := s.recs[o.id]
		t := s.arena[r.off : r.off+uint32(r.nTerms)]
		r.off = uint32(len(arena))
		arena = append(arena, t...)
		recs[i], ids[i], revs[i] = r, s.ids[o.id], s.revs[o.id]
	}
	s.recs, s.ids, s.revs, s.arena, s.garbage, s.free = recs, ids, revs, arena, 0, nil
	s.table = idTable{}
	for i := range s.cells {
		s.cells[i].offers = [numContract][]uint32{}
	}
	s.remote = [numContract][]uint32{}
	for id := range s.recs {
		s.table.insert(s.ids[id], uint32(id), s.ids)
		s.link(uint32(id))
	}
}

package match

import (
	"encoding/binary"
	"slices"
)

// hit is a scored item: a normalised score, the item's document ID as an
// ordering key (big-endian, so that comparing keys compares IDs), and its
// internal id.
type hit struct {
	norm uint32
	k2   uint32
	k1   uint64
	id   uint32
	pref bool // among Query.Preferred: first among equal scores
}

func keyOf(id objectID) (uint64, uint32) {
	return binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint32(id[8:])
}

// better is the ranking order: higher score first, then preferred items
// (Query.Preferred), then smaller ID, so that results are deterministic
// whatever the order items were scored in. The pruning of scan.go stays
// exact: it discards only bounds strictly below the K-th score, so any
// order among equal scores is safe.
func better(a, b hit) bool {
	if a.norm != b.norm {
		return a.norm > b.norm
	}
	if a.pref != b.pref {
		return a.pref
	}
	if a.k1 != b.k1 {
		return a.k1 < b.k1
	}
	return a.k2 < b.k2
}

// topK keeps the best hits seen, as a heap with the worst kept hit at the
// root.
type topK struct {
	size int
	h    []hit
}

func (t *topK) reset(size int) {
	t.size = size
	t.h = t.h[:0]
}

func (t *topK) full() bool { return len(t.h) >= t.size }

// floor is the lowest score that may still enter (with a smaller ID), or 0
// while the heap is not full.
func (t *topK) floor() uint32 {
	if !t.full() {
		return 0
	}
	return t.h[0].norm
}

// wouldEnter reports whether h would be kept.
func (t *topK) wouldEnter(h hit) bool {
	return !t.full() || better(h, t.h[0])
}

func (t *topK) contains(id uint32) bool {
	for _, x := range t.h {
		if x.id == id {
			return true
		}
	}
	return false
}

// push offers h; it returns the hit pushed out, if any (evicted true).
func (t *topK) push(h hit) (out hit, evicted bool) {
	if !t.full() {
		t.h = append(t.h, h)
		t.up(len(t.h) - 1)
		return hit{}, false
	}
	if !better(h, t.h[0]) {
		return h, true
	}
	out = t.h[0]
	t.h[0] = h
	t.down(0)
	return out, true
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(t.h[p], t.h[i]) {
			return
		}
		t.h[p], t.h[i] = t.h[i], t.h[p]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		w := l
		if r := l + 1; r < n && better(t.h[l], t.h[r]) {
			w = r
		}
		if !better(t.h[i], t.h[w]) {
			return
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// sorted returns the hits best first.
func (t *topK) sorted() []hit {
	s := slices.Clone(t.h)
	slices.SortFunc(s, func(a, b hit) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return s
}

package match

import (
	"math/bits"
	"slices"
)

// Sets of internal profile ids, stored like Roaring bitmaps (Chambi, Lemire
// et al.): the id space is cut into chunks of 65,536 ids, and each chunk of a
// set is either a sorted array of 16-bit offsets (sparse: 2 bytes an id) or a
// bitmap of 1,024 words (dense: 8 KiB whatever the count). A posting list
// thus costs at most 2 bytes an id, and a popular skill held by a third of
// the profiles costs 3 bits each — and its bitmap is what the candidate scan
// combines, 64 profiles per instruction.
const (
	chunkShift = 16
	chunkSize  = 1 << chunkShift
	chunkWords = chunkSize / 64
	arrayMax   = chunkWords * 4 // an array of this many uint16 weighs a bitmap
)

type container struct {
	arr  []uint16 // sorted offsets, when sparse
	bits []uint64 // chunkWords words, when dense
	n    int32    // cardinality
}

type idset struct {
	chunks []container // by chunk number; the zero container is empty
}

func (s *idset) chunk(c int) *container {
	if c < len(s.chunks) {
		return &s.chunks[c]
	}
	return nil
}

func (s *idset) add(id uint32) {
	c := int(id >> chunkShift)
	for len(s.chunks) <= c {
		s.chunks = append(s.chunks, container{})
	}
	k := &s.chunks[c]
	off := uint16(id)
	if k.bits != nil {
		w, b := off/64, uint64(1)<<(off%64)
		if k.bits[w]&b == 0 {
			k.bits[w] |= b
			k.n++
		}
		return
	}
	i, found := slices.BinarySearch(k.arr, off)
	if found {
		return
	}
	k.arr = slices.Insert(k.arr, i, off)
	k.n++
	if k.n > arrayMax {
		k.toBitmap()
	}
}

func (s *idset) remove(id uint32) {
	c := int(id >> chunkShift)
	if c >= len(s.chunks) {
		return
	}
	k := &s.chunks[c]
	off := uint16(id)
	if k.bits != nil {
		w, b := off/64, uint64(1)<<(off%64)
		if k.bits[w]&b != 0 {
			k.bits[w] &^= b
			k.n--
			// Back to an array well below the threshold, so that a set
			// hovering around it does not convert at every write.
			if k.n < arrayMax/2 {
				k.toArray()
			}
		}
		return
	}
	if i, found := slices.BinarySearch(k.arr, off); found {
		k.arr = slices.Delete(k.arr, i, i+1)
		k.n--
		if k.n == 0 {
			k.arr = nil
		}
	}
}

func (k *container) toBitmap() {
	k.bits = make([]uint64, chunkWords)
	for _, off := range k.arr {
		k.bits[off/64] |= 1 << (off % 64)
	}
	k.arr = nil
}

func (k *container) toArray() {
	arr := make([]uint16, 0, k.n)
	for w, x := range k.bits {
		for x != 0 {
			arr = append(arr, uint16(w*64+bits.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	k.arr, k.bits = arr, nil
}

// orInto ORs the chunk's ids into dst (chunkWords words).
func (k *container) orInto(dst []uint64) {
	if k.bits != nil {
		dst = dst[:chunkWords]
		for i, x := range k.bits {
			dst[i] |= x
		}
		return
	}
	for _, off := range k.arr {
		dst[off/64] |= 1 << (off % 64)
	}
}

func (s *idset) len() int {
	n := 0
	for i := range s.chunks {
		n += int(s.chunks[i].n)
	}
	return n
}

// all yields the ids in ascending order until f returns false.
func (s *idset) all(f func(uint32) bool) {
	for c := range s.chunks {
		k := &s.chunks[c]
		base := uint32(c) << chunkShift
		if k.bits != nil {
			for w, x := range k.bits {
				for x != 0 {
					if !f(base | uint32(w*64+bits.TrailingZeros64(x))) {
						return
					}
					x &= x - 1
				}
			}
			continue
		}
		for _, off := range k.arr {
			if !f(base | uint32(off)) {
				return
			}
		}
	}
}

// fromSorted builds a set from ascending distinct ids.
func fromSorted(ids []uint32) idset {
	var s idset
	for i := 0; i < len(ids); {
		c := int(ids[i] >> chunkShift)
		j := i
		for j < len(ids) && int(ids[j]>>chunkShift) == c {
			j++
		}
		for len(s.chunks) <= c {
			s.chunks = append(s.chunks, container{})
		}
		k := &s.chunks[c]
		k.n = int32(j - i)
		if k.n > arrayMax {
			k.bits = make([]uint64, chunkWords)
			for _, id := range ids[i:j] {
				off := uint16(id)
				k.bits[off/64] |= 1 << (off % 64)
			}
		} else {
			k.arr = make([]uint16, j-i)
			for x, id := range ids[i:j] {
				k.arr[x] = uint16(id)
			}
		}
		i = j
	}
	return s
}

// bitmap is a plain bitmap over the id space, for the filters every query
// applies: one bit per profile each.
type bitmap []uint64

func (b *bitmap) set(id uint32, on bool) {
	w := int(id / 64)
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	if on {
		(*b)[w] |= 1 << (id % 64)
	} else {
		(*b)[w] &^= 1 << (id % 64)
	}
}

// word returns the i-th word, 0 beyond the end.
func (b bitmap) word(i int) uint64 {
	if i < len(b) {
		return b[i]
	}
	return 0
}

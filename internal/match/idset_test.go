package match

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIDSet checks sets against a plain map through random adds and
// removes that cross the array/bitmap thresholds both ways.
func TestIDSet(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s idset
	want := map[uint32]bool{}
	check := func(step int) {
		t.Helper()
		var got []uint32
		s.all(func(id uint32) bool { got = append(got, id); return true })
		var exp []uint32
		for id := range want {
			exp = append(exp, id)
		}
		slices.Sort(exp)
		if !slices.Equal(got, exp) || s.len() != len(exp) {
			t.Fatalf("step %d: set holds %d ids (len %d), want %d", step, len(got), s.len(), len(exp))
		}
		for c := range s.chunks {
			k := &s.chunks[c]
			if k.bits != nil && k.n < arrayMax/2 {
				t.Fatalf("step %d: chunk %d is a bitmap of %d ids", step, c, k.n)
			}
			if k.bits == nil && k.n > arrayMax {
				t.Fatalf("step %d: chunk %d is an array of %d ids", step, c, k.n)
			}
			mask := make([]uint64, chunkWords)
			k.orInto(mask)
			n := 0
			for _, w := range mask {
				n += popcount(w)
			}
			if n != int(k.n) {
				t.Fatalf("step %d: chunk %d ORs %d ids, holds %d", step, c, n, k.n)
			}
		}
	}
	// Grow chunk 1 past the bitmap threshold, then shrink it back.
	wasBitmap := false
	for step := range 60000 {
		id := uint32(chunkSize + r.IntN(20000))
		if step > 14000 || r.IntN(5) == 0 {
			id = uint32(chunkSize + r.IntN(20000))
			s.remove(id)
			delete(want, id)
		} else {
			s.add(id)
			want[id] = true
		}
		if len(s.chunks) > 1 && s.chunks[1].bits != nil {
			wasBitmap = true
		}
		if step%500 == 0 {
			check(step)
		}
	}
	check(60000)
	if !wasBitmap || s.chunks[1].bits != nil {
		t.Fatalf("chunk 1 did not go to a bitmap and back (bitmap at some point: %v)", wasBitmap)
	}
	// fromSorted agrees with adding one by one.
	ids := []uint32{1, 5, 70000, 70001, 200000}
	for i := range 5000 {
		ids = append(ids, uint32(300000+2*i))
	}
	f := fromSorted(ids)
	var back []uint32
	f.all(func(id uint32) bool { back = append(back, id); return true })
	if !slices.Equal(back, ids) {
		t.Fatalf("fromSorted lost ids: %d of %d", len(back), len(ids))
	}
}

func popcount(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TestIDTable checks the ID hash table, removals included, against a map.
func TestIDTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var tab idTable
	var keys []objectID
	want := map[objectID]uint32{}
	for step := range 60000 {
		if len(want) > 0 && r.IntN(3) == 0 {
			for k := range want {
				tab.remove(k, keys)
				delete(want, k)
				break
			}
			continue
		}
		var id objectID
		for i := range id {
			id[i] = byte(r.IntN(4)) // many shared prefixes and collisions
		}
		if _, ok := want[id]; ok {
			continue
		}
		keys = append(keys, id)
		v := uint32(len(keys) - 1)
		tab.insert(id, v, keys)
		want[id] = v
		if step%1000 == 0 {
			for k, v := range want {
				if got, ok := tab.find(k, keys); !ok || got != v {
					t.Fatalf("step %d: find = %d, %v; want %d", step, got, ok, v)
				}
			}
			if tab.n != len(want) {
				t.Fatalf("step %d: %d entries, want %d", step, tab.n, len(want))
			}
		}
	}
}

// TestGreater checks the bit-sliced comparison against a scalar one.
func TestGreater(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		var s [lossSlices]uint64
		var vals [64]uint64
		for lane := range 64 {
			vals[lane] = uint64(r.IntN(1 << lossSlices))
			for j := range lossSlices {
				s[j] |= (vals[lane] >> j & 1) << lane
			}
		}
		v := uint64(r.IntN(1 << lossSlices))
		got := greater(&s, v)
		for lane := range 64 {
			if (got>>lane&1 != 0) != (vals[lane] > v) {
				t.Fatalf("lane %d: %d > %d reported %v", lane, vals[lane], v, got>>lane&1 != 0)
			}
		}
	}
}

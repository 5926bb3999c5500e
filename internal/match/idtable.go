package match

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// objectID is a document ID in binary: 12 bytes instead of a 24-byte string
// and its header. Byte order equals the order of the lowercase hex strings,
// which is the order ties are broken by.
type objectID [12]byte

func parseID(s string) (objectID, error) {
	var id objectID
	if len(s) != 24 {
		return id, fmt.Errorf("%w: ID %q is not 24 hexadecimal digits", ErrInvalid, s)
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("%w: ID %q is not 24 hexadecimal digits", ErrInvalid, s)
	}
	return id, nil
}

func (id objectID) String() string { return hex.EncodeToString(id[:]) }

func (id objectID) hash() uint64 {
	a := binary.LittleEndian.Uint64(id[:8])
	b := uint64(binary.LittleEndian.Uint32(id[8:]))
	h := (a ^ b<<32 ^ b) * 0x9E3779B97F4A7C15
	return h ^ h>>29
}

// idTable maps objectIDs to internal ids with open addressing (linear
// probing) over a slice of uint32: 8 bytes per entry at the minimum load of
// one half, against some 30 for a Go map of [12]byte keys. The keys
// themselves are not stored: they are read from the owner's id slice.
type idTable struct {
	slots []uint32 // internal id + 1; 0 is empty
	n     int
}

func (t *idTable) find(id objectID, keys []objectID) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := id.hash() & mask; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return 0, false
		}
		if keys[v-1] == id {
			return v - 1, true
		}
	}
}

// insert adds id → v; id must not be present and keys[v] must equal id.
func (t *idTable) insert(id objectID, v uint32, keys []objectID) {
	if (t.n+1)*2 > len(t.slots) {
		t.grow(keys)
	}
	mask := uint64(len(t.slots) - 1)
	i := id.hash() & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = v + 1
	t.n++
}

func (t *idTable) grow(keys []objectID) {
	old := t.slots
	size := max(1024, 2*len(old))
	t.slots = make([]uint32, size)
	mask := uint64(size - 1)
	for _, v := range old {
		if v == 0 {
			continue
		}
		i := keys[v-1].hash() & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = v
	}
}

// remove deletes id, shifting later entries of its probe run back so that no
// tombstone is needed.
func (t *idTable) remove(id objectID, keys []objectID) {
	if len(t.slots) == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	i := id.hash() & mask
	for {
		v := t.slots[i]
		if v == 0 {
			return
		}
		if keys[v-1] == id {
			break
		}
		i = (i + 1) & mask
	}
	t.slots[i] = 0
	t.n--
	for j := (i + 1) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		v := t.slots[j]
		home := keys[v-1].hash() & mask
		// Move v into the hole at i if its home is not in the cyclic range (i, j].
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.slots[i] = v
			t.slots[j] = 0
			i = j
		}
	}
}

package match

import (
	"context"
	"math"
	"math/bits"
	"slices"
)

// The candidates of an offer are found by a bit-parallel scan of the id
// space, a chunk of 65,536 profiles at a time. For each offer skill (a term)
// two masks are built from the sets: D, the profiles holding or training in
// the skill, and K, those with weak evidence for it (a related skill, a
// former occupation it is core to). A profile's upper bound is then
//
//	Σ over terms of: weight × best direct credit if in D,
//	                 weight × best weak credit if only in K, 0 otherwise
//
// plus the bridge bonus if it is in the bridge mask. The scan keeps the
// profiles whose bound reaches the threshold — the K-th best score so far —
// computing the bounds of 64 profiles at once with a bit-sliced adder over
// the losses (what each profile misses of the largest possible score). The
// survivors wait in a buffer; when it fills, and at the end, they are scored
// exactly, from their records, in decreasing order of bound until the bound
// falls below the threshold, which rises as they are scored. Only profiles
// in the allowed geographic blocks (on-site and hybrid jobs) and passing the
// filters kept as bitmaps (visibility to employers, contract type, on-site
// only) are looked at.
//
// Why not WAND or MaxScore over posting lists: weak evidence is dense (the
// skills related to a popular skill are popular), so list-based bounds are
// either loose, and the walk visits most of the lists, or tight, and the walk
// juggles hundreds of lists. Bitmaps make the tight bound cheap: a popular
// skill's set is a bitmap, and combining it costs a word per 64 profiles.

// scanTerm is a term of the scan: the sets whose union is D and K, and what
// missing it costs.
type scanTerm struct {
	direct   []*idset
	weak     []*idset
	ubD, ubW uint64 // contribution to the bound when in D, when only in K
}

// lossSlices is the width of the bit-sliced loss counters; lossCap is the
// loss budget in quantised units. The unit is a 64th of the slack between
// the best possible score and the threshold: losses are rounded down to it,
// which keeps the bound safe and loosens it by half a unit a term on
// average — few profiles pass the counters and then fail the exact bound.
const (
	lossSlices = 8
	lossCap    = 64
)

// scanScratch is the scan's memory, reused between queries.
type scanScratch struct {
	terms []scanTerm
	order []int // terms by decreasing full loss
	masks []uint64
	d, k  [][]uint64 // this chunk's masks of each term
	cands []scanCand
	prime []primeSet
	heads []int32 // candidates by normalised bound: first, then next
	next  []int32
	words []int32 // active words of the chunk
}

type scanCand struct {
	ub uint64
	id uint32
}

// openTerms lists the sets of each term of the prepared offer.
func (st *state) openTerms(sc *candScratch) {
	q, tax, fw, ps := &sc.prep, st.in.tax, st.fw, st.profiles
	ss := &sc.scan
	ss.terms = slices.Grow(ss.terms[:0], q.n+1)
	for t := range q.n {
		pt := &q.terms[t]
		w := uint64(pt.weight)
		term := scanTerm{ubD: w * uint64(fw.maxDirect)}
		if int(pt.code) < len(ps.postings) && ps.postings[pt.code].len() > 0 {
			term.direct = append(term.direct, &ps.postings[pt.code])
		}
		var weak uint32
		for _, r := range tax.relOf[pt.code] {
			if int(r.code) < len(ps.postings) && ps.postings[r.code].len() > 0 {
				term.weak = append(term.weak, &ps.postings[r.code])
				weak = max(weak, fw.relatedCredit(r.strength))
			}
		}
		for _, o := range tax.coreOf[pt.code] {
			if int(o) < len(ps.byOcc) && ps.byOcc[o].len() > 0 {
				term.weak = append(term.weak, &ps.byOcc[o])
				weak = max(weak, fw.former)
			}
		}
		term.ubW = w * uint64(weak)
		if weak == 0 {
			term.weak = nil
		}
		ss.terms = append(ss.terms, term)
	}
	if q.rec.occ != math.MaxUint32 && q.bonus > 0 {
		term := scanTerm{ubD: q.bonus}
		for _, a := range tax.bridgeTo[q.rec.occ] {
			if int(a) < len(ps.byOcc) && ps.byOcc[a].len() > 0 {
				term.direct = append(term.direct, &ps.byOcc[a])
			}
		}
		if len(term.direct) > 0 {
			ss.terms = append(ss.terms, term)
		}
	}
	ss.order = ss.order[:0]
	for i := range ss.terms {
		ss.order = append(ss.order, i)
	}
	slices.SortFunc(ss.order, func(a, b int) int {
		x, y := ss.terms[a].ubD, ss.terms[b].ubD
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return a - b
	})
}

// allowBlocks marks the blocks of profiles that may live close enough to an
// on-site or hybrid job: a cell is reachable if its nearest point is within
// the largest mobility radius of the profiles ever placed in it.
func (st *state) allowBlocks(sc *candScratch) {
	sc.allowed = sc.allowed[:0]
	if sc.prep.rec.remote == PolicyRemote {
		return
	}
	ps := st.profiles
	sc.cellOK = slices.Grow(sc.cellOK[:0], len(ps.cells))[:len(ps.cells)]
	for i := range ps.cells {
		c := &ps.cells[i]
		sc.cellOK[i] = distanceKm(c.center, sc.prep.rec.pt)-c.radiusKm <= float64(c.maxRadius)
	}
	words := max(1, (len(ps.blockCell)+63)/64)
	sc.allowed = slices.Grow(sc.allowed, words)[:words]
	clear(sc.allowed)
	for b, c := range ps.blockCell {
		if sc.cellOK[c] {
			sc.allowed[b/64] |= 1 << (b % 64)
		}
	}
}

// blockAllowed reports whether block b may hold candidates.
func (sc *candScratch) blockAllowed(b int) bool {
	if len(sc.allowed) == 0 {
		return true
	}
	return b/64 < len(sc.allowed) && sc.allowed[b/64]>>(b%64)&1 != 0
}

// Priming scores a few profiles before the scan, from the smallest direct
// sets of the heaviest skills, so that the scan starts with a realistic
// threshold instead of zero: the scan keeps every profile whose bound
// reaches the threshold, and a threshold of zero keeps them all.
const (
	primeBudget = 64   // profiles scored from the first set
	primeMax    = 2048 // profiles scored in all, while the heap is not full
)

func (st *state) prime(sc *candScratch, q *Query, minNorm uint32) {
	ss := &sc.scan
	ss.prime = ss.prime[:0]
	for _, t := range ss.terms[:min(len(ss.terms), sc.prep.n)] {
		if len(t.direct) == 1 {
			ss.prime = append(ss.prime, primeSet{t.ubD, t.direct[0]})
		}
	}
	slices.SortFunc(ss.prime, func(a, b primeSet) int {
		switch {
		case a.ub > b.ub:
			return -1
		case a.ub < b.ub:
			return 1
		}
		return a.set.len() - b.set.len()
	})
	n := 0
	for i, p := range ss.prime {
		if i > 0 && sc.top.full() {
			return
		}
		budget := primeBudget
		if i > 0 {
			budget = primeMax
		}
		m := 0
		p.set.all(func(id uint32) bool {
			if sc.blockAllowed(int(id >> blockShift)) {
				m++
				n++
				st.evaluate(sc, id, q, minNorm)
			}
			return m < budget && n < primeMax
		})
		if n >= primeMax {
			return
		}
	}
}

type primeSet struct {
	ub  uint64
	set *idset
}

// scan finds the best candidates of the prepared offer; see the comment at
// the top of the file.
func (st *state) scan(ctx context.Context, sc *candScratch, q *Query) error {
	ps := st.profiles
	ss := &sc.scan
	st.openTerms(sc)
	st.allowBlocks(sc)
	minNorm := q.minNorm()
	st.prime(sc, q, minNorm)

	nt := len(ss.terms)
	var ubMax uint64
	for i := range ss.terms {
		ubMax += ss.terms[i].ubD
	}
	th := sc.threshold(minNorm)
	if th > ubMax {
		return nil
	}
	if cap(ss.masks) < 2*nt*chunkWords {
		ss.masks = make([]uint64, 2*nt*chunkWords)
	}
	ss.d = slices.Grow(ss.d[:0], nt)[:nt]
	ss.k = slices.Grow(ss.k[:0], nt)[:nt]

	var filt [2 + numContract]bitmap
	nf := 0
	if q.Viewer != RoleAdviser {
		filt[nf] = ps.employerVisible
		nf++
	}
	for i := range numContract {
		if sc.prep.rec.contract == 1<<i {
			filt[nf] = ps.wants[i]
			nf++
		}
	}
	remote := sc.prep.rec.remote == PolicyRemote

	// Losses are quantised for the current threshold, and again each time
	// it rises.
	var capQ uint64
	var qf, qw [MaxOfferSkills + 1]uint64
	quantise := func() {
		if th > ubMax {
			return // nothing more can enter; the scan stops
		}
		budget := ubMax - th
		unit := max(1, (budget+lossCap-1)/lossCap)
		capQ = budget / unit
		for t := range nt {
			qf[t] = ss.terms[t].ubD / unit
			qw[t] = (ss.terms[t].ubD - ss.terms[t].ubW) / unit
		}
	}
	quantise()

	// flush scores candidates exactly, best bound first, until the bound
	// falls below the K-th score, and keeps those not scored whose bound
	// still reaches it. Candidates are bucketed by normalised bound, a
	// linear sort.
	total := sc.prep.total
	if len(ss.heads) != scoreScale+1 {
		ss.heads = make([]int32, scoreScale+1)
	}
	flush := func() error {
		for i := range ss.heads {
			ss.heads[i] = -1
		}
		ss.next = slices.Grow(ss.next[:0], len(ss.cands))[:len(ss.cands)]
		top := -1
		for i := len(ss.cands) - 1; i >= 0; i-- {
			b := int(normalise(ss.cands[i].ub, total))
			ss.next[i] = ss.heads[b]
			ss.heads[b] = int32(i)
			top = max(top, b)
		}
		for b := top; b >= int(minNorm); b-- {
			if sc.top.full() && uint32(b) < sc.top.floor() {
				break
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			for i := ss.heads[b]; i >= 0; i = ss.next[i] {
				st.evaluate(sc, ss.cands[i].id, q, minNorm)
				ss.cands[i].ub = 0 // scored
			}
		}
		th = sc.threshold(minNorm)
		kept := ss.cands[:0]
		for _, c := range ss.cands {
			if c.ub >= th {
				kept = append(kept, c)
			}
		}
		ss.cands = kept
		quantise()
		return nil
	}
	// Flushing when this many candidates wait bounds the work a poor
	// starting threshold can cause: the best of those seen so far raise it.
	flushAt := 4096 + 4*sc.top.size

	// The profiles whose bound reaches the threshold, with their bound.
	ss.cands = ss.cands[:0]
	nChunks := (len(ps.recs) + chunkSize - 1) / chunkSize
	for c := range nChunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		base := c * chunkSize
		ss.words = ss.words[:0]
		end := min(chunkWords, (len(ps.recs)-base+63)/64)
		for w := 0; w < end; w++ {
			if sc.blockAllowed((base + w*64) >> blockShift) {
				ss.words = append(ss.words, int32(w))
			}
		}
		if len(ss.words) == 0 {
			continue
		}
		full := len(ss.words) == end
		for t := range nt {
			ss.d[t] = fillMask(ss.masks[2*t*chunkWords:(2*t+1)*chunkWords], ss.terms[t].direct, c, full, ss.words)
			if qw[t] == qf[t] {
				// Weak evidence would not change the quantised loss: do
				// not build its mask, and count it as there for the bound.
				ss.k[t] = onesChunk[:]
			} else {
				ss.k[t] = fillMask(ss.masks[(2*t+1)*chunkWords:(2*t+2)*chunkWords], ss.terms[t].weak, c, full, ss.words)
			}
		}
		for _, w32 := range ss.words {
			w := int(w32)
			gw := (base >> 6) + w
			alive := ^uint64(0)
			for i := range nf {
				alive &= filt[i].word(gw)
			}
			if remote {
				alive &^= ps.onsiteOnly.word(gw)
			}
			var s [lossSlices]uint64
			var dw, kw [MaxOfferSkills + 1]uint64
			adds := 0
			for _, t := range ss.order {
				if alive == 0 {
					break
				}
				d := ss.d[t][w]
				k := ss.k[t][w] &^ d
				dw[t], kw[t] = d, k
				none := ^(d | k)
				lf, lw := qf[t], qw[t]
				if lf > capQ {
					alive &^= none
					none = 0
				}
				if lw > capQ {
					alive &^= k
					k = 0
				}
				if lw == 0 {
					k = 0
				}
				if lf == 0 {
					none = 0
				}
				k &= alive
				none &= alive
				if k|none == 0 {
					continue
				}
				// s += lw on k, lf on none.
				var carry uint64
				for j := range lossSlices {
					a := (k & -(lw >> j & 1)) | (none & -(lf >> j & 1))
					x := s[j]
					s[j] = x ^ a ^ carry
					carry = (x & a) | (carry & (x ^ a))
				}
				adds++
				// Drop lanes over budget every other add, before the
				// counters (at most lossCap + 2×lossCap) can overflow.
				if adds%2 == 0 {
					alive &^= greater(&s, capQ)
				}
			}
			alive &^= greater(&s, capQ)
			for alive != 0 {
				b := bits.TrailingZeros64(alive)
				alive &= alive - 1
				var ub uint64
				for t := range nt {
					switch {
					case dw[t]>>b&1 != 0:
						ub += ss.terms[t].ubD
					case kw[t]>>b&1 != 0:
						ub += ss.terms[t].ubW
					}
				}
				if ub >= th {
					ss.cands = append(ss.cands, scanCand{ub: ub, id: uint32(base + w*64 + b)})
				}
			}
			if len(ss.cands) >= flushAt {
				if err := flush(); err != nil {
					return err
				}
				if th > ubMax {
					return nil
				}
			}
		}
	}

	return flush()
}

// zeroChunk and onesChunk are masks of no and all profiles: read, never
// written.
var (
	zeroChunk [chunkWords]uint64
	onesChunk = func() (a [chunkWords]uint64) {
		for i := range a {
			a[i] = ^uint64(0)
		}
		return a
	}()
)

// greater returns the lanes whose bit-sliced counter exceeds v.
func greater(s *[lossSlices]uint64, v uint64) uint64 {
	var gt, eq uint64 = 0, ^uint64(0)
	for j := lossSlices - 1; j >= 0; j-- {
		if v>>j&1 != 0 {
			eq &= s[j]
		} else {
			gt |= eq & s[j]
			eq &^= s[j]
		}
	}
	return gt
}

// fillMask returns the union of the sets' chunk c, on the active words:
// the chunk itself when a single set has it as a bitmap, dst filled
// otherwise.
func fillMask(dst []uint64, sets []*idset, c int, full bool, words []int32) []uint64 {
	var only *container
	n := 0
	for _, s := range sets {
		if k := s.chunk(c); k != nil && k.n > 0 {
			only = k
			n++
		}
	}
	switch {
	case n == 0:
		return zeroChunk[:]
	case n == 1 && only.bits != nil:
		return only.bits
	}
	if full {
		clear(dst)
	} else {
		for _, w := range words {
			dst[w] = 0
		}
	}
	for _, s := range sets {
		k := s.chunk(c)
		if k == nil || k.n == 0 {
			continue
		}
		if k.bits == nil || full {
			k.orInto(dst)
			continue
		}
		for _, w := range words {
			dst[w] |= k.bits[w]
		}
	}
	return dst
}

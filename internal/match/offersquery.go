package match

import (
	"context"
	"fmt"
	"slices"
)

// candPrep is a profile prepared for ranking offers: for every code it can
// earn credit on, the best credit by minimum level, from any evidence. It is
// exact but for in-progress trainings, counted as if they ended in time: an
// upper bound, refined by scoring.
type candPrep struct {
	stamp uint32
	tab   []cslot
	codes []uint32
}

type cslot struct {
	stamp  uint32
	credit [MaxLevel]uint32 // by minimum level - 1
}

func (c *candPrep) reset(size int) {
	c.stamp++
	if c.stamp == 0 || len(c.tab) < size {
		c.tab = make([]cslot, max(size, 2*len(c.tab)))
		c.stamp = 1
	}
	c.codes = c.codes[:0]
}

func (c *candPrep) slot(code uint32) *cslot {
	s := &c.tab[code]
	if s.stamp != c.stamp {
		*s = cslot{stamp: c.stamp}
		c.codes = append(c.codes, code)
	}
	return s
}

func (c *candPrep) raise(code, credit uint32) {
	s := c.slot(code)
	for m := range s.credit {
		s.credit[m] = max(s.credit[m], credit)
	}
}

func (st *state) prepareCandidate(c *candPrep, p *prec, w []uint32) {
	fw, tax := st.fw, st.in.tax
	c.reset(tax.codes.len())
	ns, no := int(p.nSkills), int(p.nOccs)
	for _, x := range w[:ns] {
		code := x >> 8
		s := c.slot(code)
		for m := range s.credit {
			s.credit[m] = max(s.credit[m], fw.heldCredit(x>>4&0xf, x&0xf, uint32(m+1)))
		}
		for _, e := range tax.relRev[code] {
			c.raise(e.code, fw.relatedCredit(e.strength))
		}
	}
	for _, x := range w[ns : ns+no] {
		cr := fw.formerCredit(x & 0xfff)
		for _, code := range tax.core[x>>12] {
			c.raise(code, cr)
		}
	}
	for i := ns + no; i < len(w); {
		n := int(w[i] & 0xff)
		cr := fw.trainingCompleted
		if TrainingStatus(w[i]>>8&1) == TrainingInProgress {
			cr = fw.trainingInProgress
		}
		for _, code := range w[i+2 : i+2+n] {
			c.raise(code, cr)
		}
		i += 2 + n
	}
}

// OffersForCandidate ranks the published offers for a profile, best first.
// Offers failing a hard filter for the candidate, or scoring 0, never
// appear. Visibility and consent do not apply: the list is the candidate's
// own (or their adviser's), and who may read it is the caller's decision.
//
// Only the offers the candidate can take are read: the lists of the
// contract types they want, of remote offers if they accept remote work, and
// of the geographic cells within their radius. The profile's evidence gives
// each skill code an exact credit by minimum level, so an offer's bound is a
// table read per skill (an upper bound only where an in-progress training's
// dates matter); offers are then scored exactly from the highest bound down
// until the bound falls below the K-th score.
func (ix *Index) OffersForCandidate(ctx context.Context, profileID string, q Query) (Page, error) {
	return ix.offersFor(ctx, profileID, q, false)
}

// BruteForceOffers answers like OffersForCandidate by scoring every offer.
func (ix *Index) BruteForceOffers(ctx context.Context, profileID string, q Query) (Page, error) {
	return ix.offersFor(ctx, profileID, q, true)
}

func (ix *Index) offersFor(ctx context.Context, profileID string, q Query, brute bool) (Page, error) {
	pid, err := parseID(profileID)
	if err != nil {
		return Page{}, fmt.Errorf("offers for candidate: %w", err)
	}
	depth, err := q.depth()
	if err != nil {
		return Page{}, fmt.Errorf("offers for candidate %s: %w", profileID, err)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	p, ok := st.profiles.lookup(pid)
	if !ok {
		return Page{}, fmt.Errorf("offers for candidate %s: %w", profileID, ErrNotFound)
	}
	sc := ix.getScratch()
	defer ix.scratch.Put(sc)
	sc.top.reset(depth)
	if brute {
		err = st.scanOffers(ctx, sc, p, &q)
	} else {
		err = st.rankOffers(ctx, sc, p, &q)
	}
	if err != nil {
		return Page{}, fmt.Errorf("offers for candidate %s: %w", profileID, err)
	}
	hits := sc.top.sorted()
	page := Page{More: len(hits) > q.Offset+q.K}
	r := &st.profiles.recs[p]
	w := r.words(st.profiles.arena)
	for _, h := range hits[min(q.Offset, len(hits)):min(q.Offset+q.K, len(hits))] {
		sc.prep.prepare(st.fw, st.in.tax, &st.offers.recs[h.id], st.offers.terms(h.id))
		sc.ex.reset(&sc.prep, w, &st.in.titles)
		raw := sc.prep.score(r, w, &sc.ex)
		page.Results = append(page.Results, Result{
			ID:          st.offers.ids[h.id].String(),
			Score:       float64(normalise(raw, sc.prep.total)) / 100,
			Explanation: sc.ex.explanation(r),
		})
	}
	return page, nil
}

// offerEligible applies the hard filters and the query's narrowing to an
// offer for profile p.
func (st *state) offerEligible(p *prec, o *orec, q *Query) bool {
	if !o.live() || o.status != OfferPublished {
		return false
	}
	if q.Contracts != 0 && q.Contracts&o.contract == 0 {
		return false
	}
	if q.RemoteOnly && o.remote != PolicyRemote {
		return false
	}
	return pairCheck(p, o, st.fw.toleranceDays) == ExclusionNone
}

// scoreOffer scores offer o exactly for profile p and offers it to the heap.
func (st *state) scoreOffer(sc *candScratch, p *prec, w []uint32, o uint32, minNorm uint32) {
	ofs := st.offers
	sc.prep.prepare(st.fw, st.in.tax, &ofs.recs[o], ofs.terms(o))
	norm := normalise(sc.prep.score(p, w, nil), sc.prep.total)
	if norm < minNorm {
		return
	}
	k1, k2 := keyOf(ofs.ids[o])
	sc.top.push(hit{norm: norm, k1: k1, k2: k2, id: o})
}

func (st *state) scanOffers(ctx context.Context, sc *candScratch, p uint32, q *Query) error {
	r := &st.profiles.recs[p]
	w := r.words(st.profiles.arena)
	minNorm := q.minNorm()
	for o := range st.offers.recs {
		if o%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if st.offerEligible(r, &st.offers.recs[o], q) {
			st.scoreOffer(sc, r, w, uint32(o), minNorm)
		}
	}
	return nil
}

func (st *state) rankOffers(ctx context.Context, sc *candScratch, p uint32, q *Query) error {
	r := &st.profiles.recs[p]
	w := r.words(st.profiles.arena)
	ofs, fw, tax := st.offers, st.fw, st.in.tax
	minNorm := q.minNorm()
	st.prepareCandidate(&sc.cand, r, w)
	tab, stamp := sc.cand.tab, sc.cand.stamp

	// Occupations a former occupation of the candidate bridges to.
	sc.occMark = slices.Grow(sc.occMark[:0], tax.occs.len())[:tax.occs.len()]
	clear(sc.occMark)
	ns, no := int(r.nSkills), int(r.nOccs)
	for _, x := range w[ns : ns+no] {
		for _, b := range tax.bridgeFrom[x>>12] {
			sc.occMark[b] = true
		}
	}

	contracts := Contract(r.contracts)
	if contracts == 0 {
		contracts = contractAll
	}
	if q.Contracts != 0 {
		contracts &= q.Contracts
	}
	// Weights by the flag bits of a term word (must-have, learnable).
	var weight [4]uint64
	for f := range weight {
		weight[f] = uint64(fw.termWeight(f&1 != 0, f&2 != 0))
	}
	sc.ocands = sc.ocands[:0]
	consider := func(o uint32) {
		rec := &ofs.recs[o]
		if rec.start != noDay && r.avail != noDay && int64(r.avail) > int64(rec.start)+int64(fw.toleranceDays) {
			return
		}
		var raw uint64
		for _, tw := range ofs.arena[rec.off : rec.off+uint32(rec.nTerms)] {
			c := termCode(tw)
			if int(c) < len(tab) && tab[c].stamp == stamp {
				raw += weight[tw>>2&3] * uint64(tab[c].credit[tw&3])
			}
		}
		if raw > 0 && rec.occ < uint32(len(sc.occMark)) && sc.occMark[rec.occ] {
			raw += fw.bonus(uint64(rec.total), rec.flags&oflagOpen != 0)
		}
		if ub := normalise(raw, uint64(rec.total)); ub >= minNorm {
			sc.ocands = append(sc.ocands, scanCand{ub: uint64(ub), id: o})
		}
	}
	// Cells within the candidate's reach: 1 partly, 2 wholly.
	sc.cellIn = slices.Grow(sc.cellIn[:0], len(ofs.cells))[:len(ofs.cells)]
	for i := range ofs.cells {
		c := &ofs.cells[i]
		d := distanceKm(c.center, r.pt)
		switch {
		case q.RemoteOnly || d-c.radiusKm > float64(r.radius):
			sc.cellIn[i] = 0
		case d+c.radiusKm < float64(r.radius)-1:
			sc.cellIn[i] = 2
		default:
			sc.cellIn[i] = 1
		}
	}
	for i := range numContract {
		if contracts&(1<<i) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.pref() != RemoteOnsiteOnly {
			for _, o := range ofs.remote[i] {
				consider(o)
			}
		}
		for ci, in := range sc.cellIn {
			switch in {
			case 1:
				for _, o := range ofs.cells[ci].offers[i] {
					if within(r.pt, ofs.recs[o].pt, r.radius) {
						consider(o)
					}
				}
			case 2:
				for _, o := range ofs.cells[ci].offers[i] {
					consider(o)
				}
			}
		}
	}

	// Score exactly from the highest bound down, until the bound falls below
	// the K-th score.
	if len(sc.scan.heads) != scoreScale+1 {
		sc.scan.heads = make([]int32, scoreScale+1)
	}
	heads := sc.scan.heads
	for i := range heads {
		heads[i] = -1
	}
	next := slices.Grow(sc.scan.next[:0], len(sc.ocands))[:len(sc.ocands)]
	sc.scan.next = next
	top := -1
	for i := len(sc.ocands) - 1; i >= 0; i-- {
		b := int(sc.ocands[i].ub)
		next[i] = heads[b]
		heads[b] = int32(i)
		top = max(top, b)
	}
	for b := top; b >= int(minNorm); b-- {
		if sc.top.full() && uint32(b) < sc.top.floor() {
			break
		}
		for i := heads[b]; i >= 0; i = next[i] {
			st.scoreOffer(sc, r, w, sc.ocands[i].id, minNorm)
		}
	}
	return nil
}

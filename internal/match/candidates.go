package match

import (
	"context"
	"fmt"
	"math"
)

// candScratch is per-query memory, pooled.
type candScratch struct {
	prep    offerPrep
	ex      explainer
	top     topK
	scan    scanScratch
	allowed []uint64 // block bitmap; nil: every block
	cellOK  []bool
	pref    map[uint32]struct{} // Query.Preferred, as internal ids

	// offers direction
	cand    candPrep
	occMark []bool
	cellIn  []uint8
	ocands  []scanCand
}

func (ix *Index) getScratch() *candScratch {
	if s, ok := ix.scratch.Get().(*candScratch); ok {
		return s
	}
	return &candScratch{}
}

// depth validates paging and returns how many hits to keep: one more than
// the page, to know whether another page follows.
func (q *Query) depth() (int, error) {
	if q.K == 0 {
		q.K = DefaultK
	}
	if q.K < 0 || q.K > MaxK || q.Offset < 0 || q.Offset+q.K > MaxDepth {
		return 0, fmt.Errorf("%w: K %d, Offset %d (K ≤ %d, Offset+K ≤ %d)", ErrInvalidQuery, q.K, q.Offset, MaxK, MaxDepth)
	}
	if math.IsNaN(q.MinScore) || q.MinScore < 0 || q.MinScore > 100 {
		return 0, fmt.Errorf("%w: MinScore %v", ErrInvalidQuery, q.MinScore)
	}
	return q.Offset + q.K + 1, nil
}

// minNorm is the lowest normalised score a result may have: results score
// above zero, and at least MinScore.
func (q *Query) minNorm() uint32 {
	return max(1, uint32(math.Ceil(q.MinScore*100)))
}

// CandidatesForOffer ranks the profiles for an offer, best first, as seen by
// q.Viewer. Hidden profiles, profiles without consent, and profiles failing a
// hard filter never appear; neither do profiles scoring 0. Closed offers
// return ErrOfferClosed; drafts can be previewed. Results carry their
// explanation.
//
// Only profiles holding a skill of the offer, a related skill, a training
// in one, or a former occupation it is core to (or bridging to the offer's)
// can score above zero. The index keeps, per skill code and per occupation,
// the set of such profiles as a compressed bitmap, and scans them 64 at a
// time with an upper bound of their score, so that only a few hundred to a
// few thousand profiles are scored exactly; see scan.go. Far geographic
// blocks are skipped for on-site and hybrid jobs.
func (ix *Index) CandidatesForOffer(ctx context.Context, offerID string, q Query) (Page, error) {
	return ix.candidates(ctx, offerID, q, false)
}

// BruteForceCandidates answers like CandidatesForOffer by scoring every
// profile, without the sets or pruning: the baseline the index is
// measured and checked against.
func (ix *Index) BruteForceCandidates(ctx context.Context, offerID string, q Query) (Page, error) {
	return ix.candidates(ctx, offerID, q, true)
}

func (ix *Index) candidates(ctx context.Context, offerID string, q Query, brute bool) (Page, error) {
	oid, err := parseID(offerID)
	if err != nil {
		return Page{}, fmt.Errorf("candidates for offer: %w", err)
	}
	depth, err := q.depth()
	if err != nil {
		return Page{}, fmt.Errorf("candidates for offer %s: %w", offerID, err)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	o, ok := st.offers.lookup(oid)
	if !ok {
		return Page{}, fmt.Errorf("candidates for offer %s: %w", offerID, ErrNotFound)
	}
	orec := &st.offers.recs[o]
	if orec.status == OfferClosed {
		return Page{}, fmt.Errorf("candidates for offer %s: %w", offerID, ErrOfferClosed)
	}
	sc := ix.getScratch()
	defer ix.scratch.Put(sc)
	sc.prep.prepare(st.fw, st.in.tax, orec, st.offers.terms(o))
	sc.top.reset(depth)
	clear(sc.pref)
	for _, p := range q.Preferred {
		if pid, err := parseID(p); err == nil {
			if n, ok := st.profiles.lookup(pid); ok {
				if sc.pref == nil {
					sc.pref = map[uint32]struct{}{}
				}
				sc.pref[n] = struct{}{}
			}
		}
	}
	if brute {
		err = st.scanCandidates(ctx, sc, &q)
	} else {
		err = st.scan(ctx, sc, &q)
	}
	if err != nil {
		return Page{}, fmt.Errorf("candidates for offer %s: %w", offerID, err)
	}
	hits := sc.top.sorted()
	page := Page{More: len(hits) > q.Offset+q.K}
	ps := st.profiles
	for _, h := range hits[min(q.Offset, len(hits)):min(q.Offset+q.K, len(hits))] {
		r := &ps.recs[h.id]
		w := r.words(ps.arena)
		sc.ex.reset(&sc.prep, w, &st.in.titles)
		raw := sc.prep.score(r, w, &sc.ex)
		_, anon := visibleTo(r, q.Viewer)
		page.Results = append(page.Results, Result{
			ID:          ps.ids[h.id].String(),
			Score:       float64(normalise(raw, sc.prep.total)) / 100,
			Anonymous:   anon,
			Explanation: sc.ex.explanation(r),
		})
	}
	return page, nil
}

// evaluate scores profile id for the prepared offer and offers it to the
// heap. It reports whether the heap changed.
func (st *state) evaluate(sc *candScratch, id uint32, q *Query, minNorm uint32) bool {
	ps := st.profiles
	r := &ps.recs[id]
	if ok, _ := visibleTo(r, q.Viewer); !ok {
		return false
	}
	if pairCheck(r, &sc.prep.rec, st.fw.toleranceDays) != ExclusionNone {
		return false
	}
	raw := sc.prep.score(r, r.words(ps.arena), nil)
	norm := normalise(raw, sc.prep.total)
	if norm < minNorm || norm < sc.top.floor() {
		return false
	}
	k1, k2 := keyOf(ps.ids[id])
	h := hit{norm: norm, k1: k1, k2: k2, id: id}
	if len(sc.pref) > 0 {
		_, h.pref = sc.pref[id]
	}
	if !sc.top.wouldEnter(h) || sc.top.contains(id) {
		return false
	}
	sc.top.push(h)
	return true
}

func (st *state) scanCandidates(ctx context.Context, sc *candScratch, q *Query) error {
	minNorm := q.minNorm()
	for id := range st.profiles.recs {
		if id%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		st.evaluate(sc, uint32(id), q, minNorm)
	}
	return nil
}

// threshold is the smallest raw score a profile needs to enter the heap.
func (sc *candScratch) threshold(minNorm uint32) uint64 {
	return minRawFor(max(minNorm, sc.top.floor()), sc.prep.total)
}

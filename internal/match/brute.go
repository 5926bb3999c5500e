package match

import (
	"context"
	"fmt"
	"iter"
	"slices"
)

// Score scores one (profile, offer) pair and explains it, without the hard
// filters (see Check and Visible). It is the function the index ranks by,
// applied to plain documents.
func Score(p Profile, o Offer, rel Relations, w Weights) (Result, error) {
	fw, err := w.fixed()
	if err != nil {
		return Result{}, fmt.Errorf("score: %w", err)
	}
	in := newInterner(rel, w.MaxRelated)
	var ep encProfile
	var eo encOffer
	if err := in.encodeOffer(&o, fw, &eo); err != nil {
		return Result{}, fmt.Errorf("score: %w", err)
	}
	if err := in.encodeProfile(&p, &ep); err != nil {
		return Result{}, fmt.Errorf("score: %w", err)
	}
	var q offerPrep
	var ex explainer
	q.prepare(fw, in.tax, &eo.rec, eo.terms)
	ex.reset(&q, ep.words, &in.titles)
	raw := q.score(&ep.rec, ep.words, &ex)
	return Result{ID: p.ID, Score: float64(normalise(raw, q.total)) / 100, Explanation: ex.explanation(&ep.rec)}, nil
}

// Check applies the hard filters of a pair (deleted documents, contract,
// remote work, distance, availability) with the tolerance of w.
func Check(p Profile, o Offer, w Weights) Exclusion {
	if p.Deleted || o.Deleted {
		return ExclusionDeleted
	}
	pr, or := plainRecords(&p, &o)
	return pairCheck(&pr, &or, int32(w.AvailabilityToleranceDays))
}

// Visible reports whether a profile may appear in a list of candidates read
// by viewer, and whether it must appear without identity.
func Visible(p Profile, viewer Role) (ok, anonymous bool) {
	pr, _ := plainRecords(&p, nil)
	if p.Deleted {
		return false, false
	}
	return visibleTo(&pr, viewer)
}

// plainRecords builds the fixed-size records of plain documents, for the
// filters; nothing is interned.
func plainRecords(p *Profile, o *Offer) (prec, orec) {
	var pr prec
	var or orec
	if p != nil {
		flags := uint8(flagLive) | uint8(p.Visibility&3)<<visShift | uint8(p.Remote&3)<<prefShift
		if p.Consent {
			flags |= flagConsent
		}
		pr = prec{pt: toPoint(p.Place.Lat, p.Place.Lon), avail: dayOf(p.AvailableFrom),
			radius: uint16(min(max(p.RadiusKm, 0), 65535)), flags: flags, contracts: uint8(p.Contracts)}
	}
	if o != nil {
		or = orec{pt: toPoint(o.Place.Lat, o.Place.Lon), start: dayOf(o.Start), contract: o.Contract,
			remote: o.Remote, status: o.Status, flags: oflagLive}
	}
	return pr, or
}

// saved is a profile kept by ScoreAll while it is in the heap.
type saved struct {
	id    string
	rec   prec
	words []uint32
}

// ScoreAll ranks profiles for offer o by scoring every one of them, with
// the filters and paging of CandidatesForOffer: the brute-force reference
// the index is checked against. Profiles are read once, in one pass.
func ScoreAll(ctx context.Context, profiles iter.Seq[Profile], o Offer, rel Relations, w Weights, q Query) (Page, error) {
	fw, err := w.fixed()
	if err != nil {
		return Page{}, fmt.Errorf("score all: %w", err)
	}
	depth, err := q.depth()
	if err != nil {
		return Page{}, fmt.Errorf("score all: %w", err)
	}
	if o.Deleted {
		return Page{}, fmt.Errorf("score all: offer %s: %w", o.ID, ErrNotFound)
	}
	if o.Status == OfferClosed {
		return Page{}, fmt.Errorf("score all: offer %s: %w", o.ID, ErrOfferClosed)
	}
	in := newInterner(rel, w.MaxRelated)
	var eo encOffer
	if err := in.encodeOffer(&o, fw, &eo); err != nil {
		return Page{}, fmt.Errorf("score all: %w", err)
	}
	var prep offerPrep
	prep.prepare(fw, in.tax, &eo.rec, eo.terms)
	var top topK
	top.reset(depth)
	kept := map[uint32]*saved{}
	var free []*saved
	var ep encProfile
	minNorm := q.minNorm()
	preferred := make(map[string]bool, len(q.Preferred))
	for _, id := range q.Preferred {
		preferred[id] = true
	}
	n, count := uint32(0), 0
	for p := range profiles {
		count++
		if count%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return Page{}, fmt.Errorf("score all: %w", err)
			}
		}
		if p.Deleted {
			continue
		}
		if err := in.encodeProfile(&p, &ep); err != nil {
			return Page{}, fmt.Errorf("score all: %w", err)
		}
		if prep.stale() {
			prep.prepare(fw, in.tax, &eo.rec, eo.terms)
		}
		if ok, _ := visibleTo(&ep.rec, q.Viewer); !ok {
			continue
		}
		if pairCheck(&ep.rec, &eo.rec, fw.toleranceDays) != ExclusionNone {
			continue
		}
		norm := normalise(prep.score(&ep.rec, ep.words, nil), prep.total)
		if norm < minNorm {
			continue
		}
		k1, k2 := keyOf(ep.id)
		h := hit{norm: norm, k1: k1, k2: k2, id: n, pref: preferred[p.ID]}
		if !top.wouldEnter(h) {
			continue
		}
		out, evicted := top.push(h)
		var s *saved
		if evicted {
			s = kept[out.id]
			delete(kept, out.id)
		} else if len(free) > 0 {
			s, free = free[len(free)-1], free[:len(free)-1]
		} else {
			s = &saved{}
		}
		s.id, s.rec, s.words = p.ID, ep.rec, append(s.words[:0], ep.words...)
		kept[n] = s
		n++
	}
	hits := top.sorted()
	page := Page{More: len(hits) > q.Offset+q.K}
	if prep.stale() {
		prep.prepare(fw, in.tax, &eo.rec, eo.terms)
	}
	var ex explainer
	for _, h := range hits[min(q.Offset, len(hits)):min(q.Offset+q.K, len(hits))] {
		s := kept[h.id]
		ex.reset(&prep, s.words, &in.titles)
		raw := prep.score(&s.rec, s.words, &ex)
		_, anon := visibleTo(&s.rec, q.Viewer)
		page.Results = append(page.Results, Result{ID: s.id, Score: float64(normalise(raw, prep.total)) / 100,
			Anonymous: anon, Explanation: ex.explanation(&s.rec)})
	}
	return page, nil
}

// ScoreAllOffers ranks offers for profile p by scoring every one of them,
// with the filters and paging of OffersForCandidate.
func ScoreAllOffers(ctx context.Context, offers iter.Seq[Offer], p Profile, rel Relations, w Weights, q Query) (Page, error) {
	fw, err := w.fixed()
	if err != nil {
		return Page{}, fmt.Errorf("score all offers: %w", err)
	}
	depth, err := q.depth()
	if err != nil {
		return Page{}, fmt.Errorf("score all offers: %w", err)
	}
	if p.Deleted {
		return Page{}, fmt.Errorf("score all offers: profile %s: %w", p.ID, ErrNotFound)
	}
	in := newInterner(rel, w.MaxRelated)
	var ep encProfile
	if err := in.encodeProfile(&p, &ep); err != nil {
		return Page{}, fmt.Errorf("score all offers: %w", err)
	}
	var st state
	st.fw = fw
	type keptOffer struct {
		id    string
		rec   orec
		terms []uint32
	}
	var all []keptOffer
	var top topK
	top.reset(depth)
	var prep offerPrep
	var eo encOffer
	minNorm := q.minNorm()
	for o := range offers {
		if err := ctx.Err(); err != nil {
			return Page{}, fmt.Errorf("score all offers: %w", err)
		}
		if o.Deleted {
			continue
		}
		if err := in.encodeOffer(&o, fw, &eo); err != nil {
			return Page{}, fmt.Errorf("score all offers: %w", err)
		}
		if !st.offerEligible(&ep.rec, &eo.rec, &q) {
			continue
		}
		// Occupations interned after the profile was encoded cannot change
		// its words: its occupations were interned with it.
		prep.prepare(fw, in.tax, &eo.rec, eo.terms)
		norm := normalise(prep.score(&ep.rec, ep.words, nil), prep.total)
		if norm < minNorm {
			continue
		}
		k1, k2 := keyOf(eo.id)
		h := hit{norm: norm, k1: k1, k2: k2, id: uint32(len(all))}
		if top.wouldEnter(h) {
			top.push(h)
			all = append(all, keptOffer{o.ID, eo.rec, slices.Clone(eo.terms)})
		}
	}
	hits := top.sorted()
	page := Page{More: len(hits) > q.Offset+q.K}
	var ex explainer
	for _, h := range hits[min(q.Offset, len(hits)):min(q.Offset+q.K, len(hits))] {
		k := all[h.id]
		prep.prepare(fw, in.tax, &k.rec, k.terms)
		ex.reset(&prep, ep.words, &in.titles)
		raw := prep.score(&ep.rec, ep.words, &ex)
		page.Results = append(page.Results, Result{ID: k.id, Score: float64(normalise(raw, prep.total)) / 100,
			Explanation: ex.explanation(&ep.rec)})
	}
	return page, nil
}

package match

import (
	"math"
	"slices"
)

// Kinds of lookup entries: how a profile's code or occupation earns credit
// for an offer skill.
const (
	entDirect  uint8 = iota // the profile holds or trains in the skill itself
	entRelated              // the profile holds a related skill
	entCore                 // the skill is core to a former occupation
	entBridge               // a mobility link leads from the occupation to the offer's
)

// centry is a lookup entry: a reason why a key (a code or an occupation) of a
// profile earns credit for the offer skill term.
type centry struct {
	term     uint8
	kind     uint8
	credit   uint32 // entRelated: the credit
	strength uint32 // entRelated: the relation's strength
}

type span struct{ stamp, start, n uint32 }

// lookup maps dense ids (codes or occupations) to entries. It is a scratch
// table reused between queries: a stamp marks the live spans, so that it is
// never cleared.
type lookup struct {
	stamp uint32
	tab   []span
	ent   []centry
	pairs []keyed
}

type keyed struct {
	key uint32
	e   centry
}

func (l *lookup) reset(size int) {
	l.stamp++
	if l.stamp == 0 || len(l.tab) < size {
		l.tab = make([]span, max(size, 2*len(l.tab)))
		l.stamp = 1
	}
	l.ent = l.ent[:0]
	l.pairs = l.pairs[:0]
}

func (l *lookup) add(key uint32, e centry) { l.pairs = append(l.pairs, keyed{key, e}) }

// seal groups the entries by key, in the order they were added: count per
// key, then place. Two passes over a few dozen entries beat a sort.
func (l *lookup) seal() {
	const unplaced = math.MaxUint32
	for _, p := range l.pairs {
		s := &l.tab[p.key]
		if s.stamp != l.stamp {
			*s = span{stamp: l.stamp, start: unplaced}
		}
		s.n++
	}
	l.ent = slices.Grow(l.ent[:0], len(l.pairs))[:len(l.pairs)]
	next := uint32(0)
	for _, p := range l.pairs {
		s := &l.tab[p.key]
		if s.start == unplaced {
			s.start = next
			next += s.n
			s.n = 0
		}
		l.ent[s.start+s.n] = p.e
		s.n++
	}
}

func (l *lookup) get(key uint32) []centry {
	if int(key) >= len(l.tab) {
		return nil
	}
	s := l.tab[key]
	if s.stamp != l.stamp {
		return nil
	}
	return l.ent[s.start : s.start+s.n]
}

type prepTerm struct {
	code   uint32
	min    uint32
	weight uint32
	word   uint32
}

// offerPrep is an offer prepared for scoring many profiles: its skills, and
// lookup tables from a profile's codes and occupations to the credit they
// earn. Preparing costs about a microsecond; scoring a profile then costs a
// table read per skill held.
type offerPrep struct {
	fw    *fixedWeights
	tax   *taxonomy
	rec   orec
	n     int
	terms [MaxOfferSkills]prepTerm
	total uint64
	bonus uint64
	codes lookup
	occs  lookup
	// Sizes of the taxonomy the tables were built with: a profile that
	// brings new occupations needs new tables (see ScoreAll).
	nCodes, nOccs int
}

// prepare builds the tables for offer rec with skills terms.
func (q *offerPrep) prepare(fw *fixedWeights, tax *taxonomy, rec *orec, terms []uint32) {
	q.fw, q.tax, q.rec, q.n = fw, tax, *rec, len(terms)
	q.nCodes, q.nOccs = tax.codes.len(), tax.occs.len()
	q.codes.reset(q.nCodes)
	q.occs.reset(q.nOccs)
	q.total = 0
	for t, w := range terms {
		c := termCode(w)
		q.terms[t] = prepTerm{code: c, min: termMin(w), weight: fw.termWeight(termFlags(w)), word: w}
		q.total += uint64(q.terms[t].weight) * creditScale
		q.codes.add(c, centry{term: uint8(t), kind: entDirect})
		for _, r := range tax.relOf[c] {
			q.codes.add(r.code, centry{term: uint8(t), kind: entRelated, credit: fw.relatedCredit(r.strength), strength: r.strength})
		}
		for _, o := range tax.coreOf[c] {
			q.occs.add(o, centry{term: uint8(t), kind: entCore})
		}
	}
	q.bonus = 0
	if rec.occ != math.MaxUint32 {
		q.bonus = fw.bonus(q.total, rec.flags&oflagOpen != 0)
		for _, a := range tax.bridgeTo[rec.occ] {
			q.occs.add(a, centry{term: 0, kind: entBridge})
		}
	}
	q.codes.seal()
	q.occs.seal()
}

// stale reports whether the taxonomy grew since the tables were built.
func (q *offerPrep) stale() bool {
	return q.tax.codes.len() != q.nCodes || q.tax.occs.len() != q.nOccs
}

// score is THE scoring function: every list, in both directions, ranks by
// it, and explanations are recorded by it (ex non-nil), so that a score and
// its explanation cannot disagree. It returns the raw weighted credit; see
// normalise.
func (q *offerPrep) score(p *prec, w []uint32, ex *explainer) uint64 {
	var best [MaxOfferSkills]uint32
	fw := q.fw
	ns, no := int(p.nSkills), int(p.nOccs)

	for _, x := range w[:ns] {
		es := q.codes.get(x >> 8)
		for _, e := range es {
			cr := e.credit
			if e.kind == entDirect {
				cr = fw.heldCredit(x>>4&0xf, x&0xf, q.terms[e.term].min)
			}
			if cr > best[e.term] {
				best[e.term] = cr
			}
			if ex != nil {
				if e.kind == entDirect {
					ex.consider(e.term, cr, cand{src: SourceHeld, word: x})
				} else {
					ex.consider(e.term, cr, cand{src: SourceRelated, word: x, strength: e.strength})
				}
			}
		}
	}

	bridged := false
	for _, x := range w[ns : ns+no] {
		for _, e := range q.occs.get(x >> 12) {
			if e.kind == entBridge {
				bridged = true
				if ex != nil {
					ex.considerBridge(x)
				}
				continue
			}
			cr := fw.formerCredit(x & 0xfff)
			if cr > best[e.term] {
				best[e.term] = cr
			}
			if ex != nil {
				ex.consider(e.term, cr, cand{src: SourceFormerOccupation, word: x})
			}
		}
	}

	for i := ns + no; i < len(w); {
		nc := int(w[i] & 0xff)
		cr := fw.trainingCredit(TrainingStatus(w[i]>>8&1), int32(w[i+1]), q.rec.start, q.rec.start != noDay)
		if cr > 0 || ex != nil {
			for _, c := range w[i+2 : i+2+nc] {
				for _, e := range q.codes.get(c) {
					if e.kind != entDirect {
						continue
					}
					if cr > best[e.term] {
						best[e.term] = cr
					}
					if ex != nil {
						if cr > 0 {
							ex.consider(e.term, cr, cand{src: SourceTraining, train: i})
						} else {
							ex.considerLate(e.term, i)
						}
					}
				}
			}
		}
		i += 2 + nc
	}

	var raw uint64
	for t := range q.n {
		raw += uint64(q.terms[t].weight) * uint64(best[t])
	}
	// The bridge is a bonus on a match, not a match: a former occupation
	// alone does not put anyone in a list.
	if bridged && raw > 0 {
		raw += q.bonus
	}
	if ex != nil {
		ex.raw = raw
	}
	return raw
}

// cand is a piece of evidence for an offer skill, kept by the explainer.
type cand struct {
	credit   uint32
	src      Source
	word     uint32 // SourceHeld, SourceRelated: the held skill; SourceFormerOccupation: the occupation
	train    int    // SourceTraining: arena index of the training
	strength uint32
}

// explainer records, while score runs, which evidence earned each skill its
// credit, breaking ties in a fixed order so that the same documents always
// give the same explanation.
type explainer struct {
	q      *offerPrep
	w      []uint32
	titles *symbols
	best   [MaxOfferSkills]cand
	late   [MaxOfferSkills]int // arena index of a late training + 1
	bridge uint32              // occupation word + 1
	raw    uint64
}

func (ex *explainer) reset(q *offerPrep, w []uint32, titles *symbols) {
	ex.q, ex.w, ex.titles = q, w, titles
	clear(ex.best[:])
	clear(ex.late[:])
	ex.bridge = 0
}

func (ex *explainer) consider(t uint8, credit uint32, c cand) {
	c.credit = credit
	b := &ex.best[t]
	if credit == 0 {
		return
	}
	if credit != b.credit {
		if credit > b.credit {
			*b = c
		}
		return
	}
	if ex.less(c, *b) {
		*b = c
	}
}

// less orders equal-credit evidence: by source, then by name.
func (ex *explainer) less(a, b cand) bool {
	if a.src != b.src {
		return a.src < b.src
	}
	tax := ex.q.tax
	switch a.src {
	case SourceRelated:
		return tax.codes.name(a.word>>8) < tax.codes.name(b.word>>8)
	case SourceFormerOccupation:
		return tax.occs.name(a.word>>12) < tax.occs.name(b.word>>12)
	case SourceTraining:
		ea, eb := int32(ex.w[a.train+1]), int32(ex.w[b.train+1])
		if ea != eb {
			return ea < eb
		}
		return ex.titles.name(ex.w[a.train]>>9) < ex.titles.name(ex.w[b.train]>>9)
	}
	return false
}

func (ex *explainer) considerLate(t uint8, train int) {
	cur := ex.late[t] - 1
	if cur < 0 || int32(ex.w[train+1]) < int32(ex.w[cur+1]) {
		ex.late[t] = train + 1
	}
}

func (ex *explainer) considerBridge(x uint32) {
	if ex.bridge == 0 || ex.q.tax.occs.name(x>>12) < ex.q.tax.occs.name((ex.bridge-1)>>12) {
		ex.bridge = x + 1
	}
}

// explanation turns what the explainer recorded into an Explanation.
func (ex *explainer) explanation(p *prec) Explanation {
	q, tax, w := ex.q, ex.q.tax, ex.w
	e := Explanation{
		Skills:     make([]SkillMatch, q.n),
		DistanceKm: distanceKm(p.pt, q.rec.pt),
		Remote:     q.rec.remote == PolicyRemote,
	}
	if q.rec.occ != math.MaxUint32 {
		e.OfferROME = tax.occs.name(q.rec.occ)
	}
	if ex.bridge != 0 {
		e.Bridge = tax.occs.name((ex.bridge - 1) >> 12)
	}
	// Codes the profile holds or trains in, for the related-skill hints.
	var mine []uint32
	for _, x := range w[:p.nSkills] {
		mine = append(mine, x>>8)
	}
	for i := int(p.nSkills) + int(p.nOccs); i < len(w); {
		n := int(w[i] & 0xff)
		mine = append(mine, w[i+2:i+2+n]...)
		i += 2 + n
	}
	for t := range q.n {
		pt := &q.terms[t]
		b := ex.best[t]
		m := SkillMatch{
			Code:      tax.codes.name(pt.code),
			MinLevel:  int(pt.min),
			MustHave:  termMustHave(pt.word),
			Learnable: termLearnable(pt.word),
			Credit:    float64(b.credit) / creditScale,
		}
		m.Basis.Source = b.src
		switch b.src {
		case SourceHeld, SourceRelated:
			m.Basis.Level = int(b.word >> 4 & 0xf)
			m.Basis.Evidence = Evidence(b.word & 0xf)
			if b.src == SourceRelated {
				m.Basis.Related = tax.codes.name(b.word >> 8)
				m.Basis.Strength = float64(b.strength) / creditScale
			}
		case SourceTraining:
			m.Basis.Training = ex.titles.name(w[b.train] >> 9)
			m.Basis.TrainingEnd = dateOf(int32(w[b.train+1]))
			m.Basis.TrainingStatus = TrainingStatus(w[b.train] >> 8 & 1)
		case SourceFormerOccupation:
			m.Basis.Occupation = tax.occs.name(b.word >> 12)
			m.Basis.Years = float64(b.word&0xfff) / 10
		}
		switch {
		case b.src == SourceHeld && m.Basis.Level >= m.MinLevel:
			m.Status = StatusMatched
			e.Matched++
		case b.credit > 0:
			m.Status = StatusPartial
			e.Partial++
		default:
			m.Status = StatusMissing
			e.Missing++
		}
		if m.Status != StatusMatched {
			m.Gap.Level = m.MinLevel
			if l := ex.late[t] - 1; l >= 0 {
				m.Gap.LateTraining = ex.titles.name(w[l] >> 9)
				m.Gap.LateTrainingEnd = dateOf(int32(w[l+1]))
			}
			for _, r := range tax.relOf[pt.code] {
				if slices.Contains(mine, r.code) {
					m.Gap.Related = append(m.Gap.Related, tax.codes.name(r.code))
				}
			}
		}
		e.Skills[t] = m
	}
	return e
}

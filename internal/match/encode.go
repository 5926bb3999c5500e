package match

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Days are civil dates counted from 1970-01-01: the date a person typed, in
// the time's own location, so that "ends on 31 March" stays 31 March.
const noDay = math.MinInt32 // no date: available now, or start unknown

func dayOf(t time.Time) int32 {
	if t.IsZero() {
		return noDay
	}
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dateOf(day int32) time.Time {
	if day == noDay {
		return time.Time{}
	}
	return time.Unix(int64(day)*86400, 0).UTC()
}

// Profile flags, packed in prec.flags.
const (
	flagLive    = 1 << 0
	flagConsent = 1 << 1
	visShift    = 2 // 2 bits of Visibility
	prefShift   = 4 // 2 bits of RemotePref
)

// prec is the fixed-size part of a profile in the index: 32 bytes, one cache
// line holds two, and a filter reads nothing else. The variable part (skills,
// former occupations, trainings) lives in the store's arena at off:
//
//	nSkills words  code<<8 | level<<4 | evidence        sorted by code
//	nOccs words    occupation<<12 | years in tenths     sorted by occupation
//	per training   title<<9 | status<<8 | nCodes, end day, nCodes code words
type prec struct {
	pt        point
	off       uint32
	commune   uint32
	avail     int32 // day the candidate is available from; noDay: now
	radius    uint16
	nSkills   uint8
	nOccs     uint8
	nTrain    uint8
	flags     uint8
	contracts uint8
}

func (r *prec) live() bool             { return r.flags&flagLive != 0 }
func (r *prec) visibility() Visibility { return Visibility(r.flags >> visShift & 3) }
func (r *prec) pref() RemotePref       { return RemotePref(r.flags >> prefShift & 3) }

// words returns the arena words of the profile.
func (r *prec) words(arena []uint32) []uint32 {
	n := int(r.nSkills) + int(r.nOccs)
	i := int(r.off) + n
	for range r.nTrain {
		i += 2 + int(arena[i]&0xff)
	}
	return arena[r.off:i:i]
}

// encProfile is a profile encoded for the index, before it is stored.
type encProfile struct {
	id    objectID
	rev   uint64
	rec   prec
	cell  cellKey
	words []uint32
	codes []uint32 // distinct codes held or trained in, sorted: posting lists
	occs  []uint32 // distinct former occupations, sorted
}

// interner holds the symbol tables documents are encoded with.
type interner struct {
	tax       *taxonomy
	titles    symbols
	communes  symbols
	companies symbols
}

func newInterner(rel Relations, maxRelated int) *interner {
	return &interner{tax: newTaxonomy(rel, maxRelated), titles: newSymbols(), communes: newSymbols(), companies: newSymbols()}
}

func checkPlace(pl Place) error {
	if math.IsNaN(pl.Lat) || math.IsNaN(pl.Lon) || pl.Lat < -90 || pl.Lat > 90 || pl.Lon < -180 || pl.Lon > 180 {
		return fmt.Errorf("%w: coordinates (%v, %v) out of range", ErrInvalid, pl.Lat, pl.Lon)
	}
	return nil
}

// validateProfile checks what encoding relies on, before anything is interned.
func validateProfile(p *Profile) error {
	if len(p.Skills) > MaxProfileSkills || len(p.Trainings) > MaxTrainings || len(p.Former) > MaxFormer {
		return fmt.Errorf("%w: profile %s has too many skills, trainings or former occupations", ErrInvalid, p.ID)
	}
	for _, s := range p.Skills {
		if s.Code == "" || s.Level < MinLevel || s.Level > MaxLevel || s.Evidence >= numEvidence {
			return fmt.Errorf("%w: profile %s: skill %q level %d evidence %d", ErrInvalid, p.ID, s.Code, s.Level, s.Evidence)
		}
	}
	for _, t := range p.Trainings {
		if len(t.Skills) > MaxTrainings || t.Status > TrainingCompleted {
			return fmt.Errorf("%w: profile %s: training %q", ErrInvalid, p.ID, t.Title)
		}
	}
	for _, f := range p.Former {
		if f.ROME == "" || math.IsNaN(f.Years) || f.Years < 0 {
			return fmt.Errorf("%w: profile %s: former occupation %q", ErrInvalid, p.ID, f.ROME)
		}
	}
	if p.RadiusKm < 0 || p.Remote > RemoteOnsiteOnly || p.Visibility > VisibilityVisible || p.Contracts&^contractAll != 0 {
		return fmt.Errorf("%w: profile %s: radius, remote preference, visibility or contracts out of range", ErrInvalid, p.ID)
	}
	return checkPlace(p.Place)
}

// encodeProfile encodes p into e, interning its names. e's slices are reused.
func (in *interner) encodeProfile(p *Profile, e *encProfile) error {
	id, err := parseID(p.ID)
	if err != nil {
		return err
	}
	if err := validateProfile(p); err != nil {
		return err
	}
	e.id, e.rev, e.cell = id, p.Revision, cellOf(p.Place.Lat, p.Place.Lon)
	e.words, e.codes, e.occs = e.words[:0], e.codes[:0], e.occs[:0]

	for _, s := range p.Skills {
		c := in.tax.code(s.Code)
		e.words = append(e.words, c<<8|uint32(s.Level)<<4|uint32(s.Evidence))
	}
	// Sort by code. Two claims on one code are both kept: which is worth
	// more depends on the offer's level (a validated 3 or a declared 4), and
	// scoring takes the best.
	slices.SortFunc(e.words, func(a, b uint32) int {
		if c := cmp.Compare(a>>8, b>>8); c != 0 {
			return c
		}
		return cmp.Compare(b&0xff, a&0xff)
	})
	e.words = slices.Compact(e.words)
	nSkills := len(e.words)
	for _, w := range e.words {
		e.codes = append(e.codes, w>>8)
	}

	start := len(e.words)
	for _, f := range p.Former {
		o := in.tax.occupation(f.ROME)
		y := uint32(min(math.Round(f.Years*10), 0xfff))
		e.words = append(e.words, o<<12|y)
	}
	occs := e.words[start:]
	slices.SortFunc(occs, func(a, b uint32) int {
		if c := cmp.Compare(a>>12, b>>12); c != 0 {
			return c
		}
		return cmp.Compare(b&0xfff, a&0xfff)
	})
	occs = slices.CompactFunc(occs, func(a, b uint32) bool { return a>>12 == b>>12 })
	e.words = e.words[:start+len(occs)]
	for _, w := range occs {
		e.occs = append(e.occs, w>>12)
	}

	for _, t := range p.Trainings {
		title, _ := in.titles.intern(t.Title)
		if title >= 1<<23 {
			return fmt.Errorf("%w: too many distinct training titles", ErrInvalid)
		}
		hdr := len(e.words)
		e.words = append(e.words, 0, uint32(dayOf(t.End)))
		for _, s := range t.Skills {
			if s == "" {
				continue
			}
			c := in.tax.code(s)
			if !slices.Contains(e.words[hdr+2:], c) {
				e.words = append(e.words, c)
				e.codes = append(e.codes, c)
			}
		}
		e.words[hdr] = title<<9 | uint32(t.Status)<<8 | uint32(len(e.words)-hdr-2)
	}
	if in.tax.codes.len() >= 1<<24 || in.tax.occs.len() >= 1<<20 {
		return fmt.Errorf("%w: vocabulary too large", ErrInvalid)
	}
	slices.Sort(e.codes)
	e.codes = slices.Compact(e.codes)

	commune, _ := in.communes.intern(p.Place.Commune)
	flags := uint8(flagLive) | uint8(p.Visibility)<<visShift | uint8(p.Remote)<<prefShift
	if p.Consent {
		flags |= flagConsent
	}
	e.rec = prec{
		pt:        toPoint(p.Place.Lat, p.Place.Lon),
		commune:   commune,
		avail:     dayOf(p.AvailableFrom),
		radius:    uint16(min(p.RadiusKm, math.MaxUint16)),
		nSkills:   uint8(nSkills),
		nOccs:     uint8(len(occs)),
		nTrain:    uint8(len(p.Trainings)),
		flags:     flags,
		contracts: uint8(p.Contracts),
	}
	return nil
}

// Offer flags, packed in orec.flags.
const (
	oflagLive = 1 << iota
	oflagOpen
)

// orec is an offer in the index. Its skills (terms) live in the offer
// store's arena at off, one word each, in the employer's order:
//
//	code<<8 | learnable<<3 | mustHave<<2 | (minLevel-1)
type orec struct {
	pt       point
	off      uint32
	cell     uint32 // in the offer store's cells
	occ      uint32
	company  uint32
	commune  uint32
	start    int32 // noDay: unknown
	total    uint32
	nTerms   uint8
	contract Contract
	remote   RemotePolicy
	status   OfferStatus
	flags    uint8
}

func (r *orec) live() bool { return r.flags&oflagLive != 0 }

type encOffer struct {
	id    objectID
	cell  cellKey
	rev   uint64
	rec   orec
	terms []uint32
}

func termWord(code uint32, min int, mustHave, learnable bool) uint32 {
	w := code<<8 | uint32(min-1)
	if mustHave {
		w |= 1 << 2
	}
	if learnable {
		w |= 1 << 3
	}
	return w
}

func termCode(w uint32) uint32        { return w >> 8 }
func termMin(w uint32) uint32         { return w&3 + 1 }
func termMustHave(w uint32) bool      { return w&(1<<2) != 0 }
func termLearnable(w uint32) bool     { return w&(1<<3) != 0 }
func termFlags(w uint32) (bool, bool) { return termMustHave(w), termLearnable(w) }

func validateOffer(o *Offer) error {
	if len(o.Skills) > MaxOfferSkills {
		return fmt.Errorf("%w: offer %s has more than %d skills", ErrInvalid, o.ID, MaxOfferSkills)
	}
	for _, s := range o.Skills {
		if s.Code == "" || s.MinLevel < MinLevel || s.MinLevel > MaxLevel {
			return fmt.Errorf("%w: offer %s: skill %q minimum level %d", ErrInvalid, o.ID, s.Code, s.MinLevel)
		}
	}
	if o.Contract == 0 || o.Contract&(o.Contract-1) != 0 || o.Contract&^contractAll != 0 {
		return fmt.Errorf("%w: offer %s: contract %#x is not exactly one type", ErrInvalid, o.ID, o.Contract)
	}
	if o.Remote > PolicyRemote || o.Status > OfferClosed {
		return fmt.Errorf("%w: offer %s: remote policy or status out of range", ErrInvalid, o.ID)
	}
	return checkPlace(o.Place)
}

func (in *interner) encodeOffer(o *Offer, fw *fixedWeights, e *encOffer) error {
	id, err := parseID(o.ID)
	if err != nil {
		return err
	}
	if err := validateOffer(o); err != nil {
		return err
	}
	e.id, e.rev, e.cell = id, o.Revision, cellOf(o.Place.Lat, o.Place.Lon)
	e.terms = e.terms[:0]
	var total uint64
	for _, s := range o.Skills {
		c := in.tax.code(s.Code)
		// A code listed twice is merged into its strictest form.
		if i := slices.IndexFunc(e.terms, func(w uint32) bool { return termCode(w) == c }); i >= 0 {
			w := e.terms[i]
			e.terms[i] = termWord(c, max(int(termMin(w)), s.MinLevel), termMustHave(w) || s.MustHave, termLearnable(w) && s.Learnable)
			continue
		}
		e.terms = append(e.terms, termWord(c, s.MinLevel, s.MustHave, s.Learnable))
	}
	for _, w := range e.terms {
		total += uint64(fw.termWeight(termFlags(w))) * creditScale
	}
	occ := uint32(math.MaxUint32)
	if o.ROME != "" {
		occ = in.tax.occupation(o.ROME)
	}
	company, _ := in.companies.intern(o.CompanyID)
	commune, _ := in.communes.intern(o.Place.Commune)
	var flags uint8 = oflagLive
	if o.OpenToCareerChangers {
		flags |= oflagOpen
	}
	e.rec = orec{
		pt:       toPoint(o.Place.Lat, o.Place.Lon),
		occ:      occ,
		company:  company,
		commune:  commune,
		start:    dayOf(o.Start),
		total:    uint32(total),
		nTerms:   uint8(len(e.terms)),
		contract: o.Contract,
		remote:   o.Remote,
		status:   o.Status,
		flags:    flags,
	}
	return nil
}

package match

import (
	"fmt"
	"math"
)

// Weights holds every number that shapes a score or a hard filter, so that the
// ranking policy reads in one place and can be tuned (and reviewed) as a
// whole. Rates are fractions of a skill's weight. Each offer skill earns the
// best credit among the candidate's evidence for it (held, trained, related,
// former occupation), never a sum; the score of a pair is the weighted share
// of the offer's skills so earned, plus a bonus for a recognised career
// bridge, scaled to 0–100 and capped at 100.
//
// Scores are computed in fixed point (see fixedWeights) so that every path —
// index, brute force, both directions — gives bit-identical numbers.
type Weights struct {
	// MustHave is the weight of a must-have skill. Three times a nice-to-have
	// one: missing a must-have should cost about as much as missing three
	// extras, which is how recruiters describe their own lists.
	MustHave float64
	// NiceToHave is the weight of a nice-to-have skill, the unit.
	NiceToHave float64
	// Learnable multiplies the weight of a skill the employer says can be
	// learned on the job. Half: such a skill still tells who is ready first,
	// but a candidate missing it loses half as much as for an ordinary one.
	// (A floor of credit for missing it would instead give every profile a
	// score, and rank people who share nothing with the offer.)
	Learnable float64

	// Evidence is the credit for a skill held at or above the minimum level,
	// by kind of evidence. Validated by an adviser counts fully; experience
	// nearly; a declaration or a training certificate a little less, because
	// nobody has checked the level yet. Below the minimum level the credit is
	// proportional: level/min of it (a 2 for a 4 earns half).
	Evidence [numEvidence]float64

	// TrainingCompleted is the credit for a skill taught by a completed
	// training, whatever its end date (the course is done): the level is
	// unknown, so less than a declared skill.
	TrainingCompleted float64
	// TrainingInProgress is the credit for a skill taught by a training still
	// running that ends on or before the offer's start date: the candidate will
	// have it on day one, but has not finished yet. A training ending after the
	// start date earns nothing (the explanation says it would close the gap).
	TrainingInProgress float64

	// Related is the credit rate of a related skill the candidate holds,
	// multiplied by the relation's strength: knowing PostgreSQL is half way to
	// MySQL at strength 1, less for looser relations.
	Related float64
	// MaxRelated caps the related skills considered per skill, strongest
	// first: long ROME co-occurrence lists add noise, not signal, and cost
	// time.
	MaxRelated int

	// FormerOccupation is the credit for a skill that is a core ROME item of an
	// occupation the candidate held: they practised it, at an unknown level.
	// It is scaled by seniority, from half at zero years to full at
	// FormerOccupationFullYears.
	FormerOccupation float64
	// FormerOccupationFullYears is the seniority at which a former occupation
	// gives its full credit. Three years: the usual bar for "confirmed".
	FormerOccupationFullYears float64

	// Bridge is the bonus, as a share of the offer's total skill weight, when a
	// ROME mobility link leads from one of the candidate's former occupations
	// to the offer's occupation: France Travail's experts recognise the path,
	// so the candidate is more likely to succeed than skills alone say. It
	// is added only to a pair that earned some skill credit: a former job
	// alone puts nobody in a list.
	Bridge float64
	// BridgeOpenToCareerChangers replaces Bridge when the offer says it is open
	// to career changers: the employer asked for exactly these people.
	BridgeOpenToCareerChangers float64

	// AvailabilityToleranceDays is how late after the offer's start date a
	// candidate may become available and still be proposed. A month: start
	// dates move, and notice periods are negotiable. When an offer has no
	// start date, availability does not filter.
	AvailabilityToleranceDays int
}

// DefaultWeights is the ranking policy of the product.
var DefaultWeights = Weights{
	MustHave:   3,
	NiceToHave: 1,
	Learnable:  0.5,
	Evidence: [numEvidence]float64{
		EvidenceDeclared:   0.9,
		EvidenceTraining:   0.9,
		EvidenceExperience: 0.95,
		EvidenceValidated:  1,
	},
	TrainingCompleted:          0.8,
	TrainingInProgress:         0.7,
	Related:                    0.5,
	MaxRelated:                 16,
	FormerOccupation:           0.6,
	FormerOccupationFullYears:  3,
	Bridge:                     0.05,
	BridgeOpenToCareerChangers: 0.1,
	AvailabilityToleranceDays:  30,
}

// Fixed-point scales. Credits are in thousandths of a skill's weight, weights
// in hundredths, scores in hundredths of a point.
const (
	creditScale = 1000
	weightScale = 100
	scoreScale  = 10000 // 100 points × 100
)

// fixedWeights is Weights converted once to integers. Integer arithmetic makes
// sums exact and order-independent, which is what lets the index prune with
// upper bounds and still return exactly what a brute-force scan returns.
type fixedWeights struct {
	mustHave, niceToHave uint32 // weightScale
	learnable            uint32 // creditScale
	evidence             [numEvidence]uint32
	trainingCompleted    uint32
	trainingInProgress   uint32
	related              uint32
	maxRelated           int
	former               uint32
	formerFullYears10    uint32 // tenths of a year
	bridge, bridgeOpen   uint32 // creditScale
	toleranceDays        int32
	maxDirect            uint32 // the largest credit a held skill or a training can earn
}

func (w Weights) fixed() (*fixedWeights, error) {
	rate := func(name string, v float64) (uint32, error) {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return 0, fmt.Errorf("weights: %s = %v, want a rate in [0, 1]", name, v)
		}
		return uint32(math.Round(v * creditScale)), nil
	}
	weight := func(name string, v float64) (uint32, error) {
		if math.IsNaN(v) || v <= 0 || v > 100 {
			return 0, fmt.Errorf("weights: %s = %v, want a weight in (0, 100]", name, v)
		}
		return max(1, uint32(math.Round(v*weightScale))), nil
	}
	var f fixedWeights
	var err error
	set := func(dst *uint32, name string, v float64, conv func(string, float64) (uint32, error)) {
		if err == nil {
			*dst, err = conv(name, v)
		}
	}
	set(&f.mustHave, "MustHave", w.MustHave, weight)
	set(&f.niceToHave, "NiceToHave", w.NiceToHave, weight)
	set(&f.learnable, "Learnable", w.Learnable, rate)
	for i, v := range w.Evidence {
		set(&f.evidence[i], fmt.Sprintf("Evidence[%d]", i), v, rate)
	}
	set(&f.trainingCompleted, "TrainingCompleted", w.TrainingCompleted, rate)
	set(&f.trainingInProgress, "TrainingInProgress", w.TrainingInProgress, rate)
	set(&f.related, "Related", w.Related, rate)
	set(&f.former, "FormerOccupation", w.FormerOccupation, rate)
	set(&f.bridge, "Bridge", w.Bridge, rate)
	set(&f.bridgeOpen, "BridgeOpenToCareerChangers", w.BridgeOpenToCareerChangers, rate)
	if err != nil {
		return nil, err
	}
	if f.learnable == 0 {
		return nil, fmt.Errorf("weights: Learnable must be > 0")
	}
	if w.MaxRelated < 0 || w.MaxRelated > 1024 {
		return nil, fmt.Errorf("weights: MaxRelated = %d, want 0–1024", w.MaxRelated)
	}
	f.maxRelated = w.MaxRelated
	if math.IsNaN(w.FormerOccupationFullYears) || w.FormerOccupationFullYears < 0 || w.FormerOccupationFullYears > 100 {
		return nil, fmt.Errorf("weights: FormerOccupationFullYears = %v, want 0–100", w.FormerOccupationFullYears)
	}
	f.formerFullYears10 = uint32(math.Round(w.FormerOccupationFullYears * 10))
	if w.AvailabilityToleranceDays < 0 || w.AvailabilityToleranceDays > 3650 {
		return nil, fmt.Errorf("weights: AvailabilityToleranceDays = %d, want 0–3650", w.AvailabilityToleranceDays)
	}
	f.toleranceDays = int32(w.AvailabilityToleranceDays)
	f.maxDirect = max(f.trainingCompleted, f.trainingInProgress)
	for _, v := range f.evidence {
		f.maxDirect = max(f.maxDirect, v)
	}
	return &f, nil
}

// termWeight is the fixed-point weight of an offer skill.
func (f *fixedWeights) termWeight(mustHave, learnable bool) uint32 {
	w := f.niceToHave
	if mustHave {
		w = f.mustHave
	}
	if learnable {
		w = max(1, w*f.learnable/creditScale)
	}
	return w
}

// heldCredit is the credit of a held skill for an offer skill of level min.
func (f *fixedWeights) heldCredit(level, ev, min uint32) uint32 {
	c := f.evidence[ev]
	if level < min {
		c = c * level / min
	}
	return c
}

// relatedCredit is the credit of a held related skill of strength s
// (thousandths).
func (f *fixedWeights) relatedCredit(s uint32) uint32 {
	return f.related * s / creditScale
}

// formerCredit is the credit of a former occupation held years10 tenths of a
// year.
func (f *fixedWeights) formerCredit(years10 uint32) uint32 {
	if f.formerFullYears10 == 0 {
		return f.former
	}
	y := min(years10, f.formerFullYears10)
	return f.former * (creditScale/2 + creditScale/2*y/f.formerFullYears10) / creditScale
}

// trainingCredit is the credit of a training for an offer starting on day
// start (startKnown false: no start date).
func (f *fixedWeights) trainingCredit(status TrainingStatus, end, start int32, startKnown bool) uint32 {
	if status == TrainingCompleted {
		return f.trainingCompleted
	}
	if startKnown && end <= start {
		return f.trainingInProgress
	}
	return 0
}

// bonus is the fixed-point bridge bonus of an offer of total weight total.
func (f *fixedWeights) bonus(total uint64, open bool) uint64 {
	r := f.bridge
	if open {
		r = f.bridgeOpen
	}
	return total * uint64(r) / creditScale
}

// normalise turns a raw weighted credit into a score in hundredths of a
// point, capped at 100 points.
func normalise(raw, total uint64) uint32 {
	if total == 0 {
		return 0
	}
	return uint32(min(scoreScale, raw*scoreScale/total))
}

// minRawFor is the smallest raw credit whose normalised score is at least
// norm: the pruning threshold that corresponds to a score threshold.
func minRawFor(norm uint32, total uint64) uint64 {
	return (uint64(norm)*total + scoreScale - 1) / scoreScale
}

package notices

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/matching"
	"passerelle/internal/notify"
	"passerelle/internal/offer"
)

// Digest defaults.
const (
	// DigestMinScore is the score (0–100) from which a match is strong
	// enough to be worth an e-mail.
	DigestMinScore = 70.0
	// DigestBatch is how many due marks (a candidate and a new offer) one
	// run reads: a run's work is bounded, and what is left waits for the
	// next run.
	DigestBatch = 5000
	// DigestOffers is how many new offers one run reads (a page of the
	// feed); the rest wait for the next run.
	DigestOffers = 1000
	// DigestWindow is how far back a first digest looks for new offers;
	// an offer published longer ago than that marks nobody.
	DigestWindow = 7 * 24 * time.Hour
	// digestDepth is how many of the best matches a digest looks at.
	digestDepth = 50
	// digestJob names the digest's checkpoint; feedOffers its cursor.
	digestJob  = "notices.digest"
	feedOffers = "offers"
)

// Matches ranks offers for the candidate of the context;
// *matching.Service implements it.
type Matches interface {
	OffersForCandidate(ctx context.Context, q matching.Query) (matching.OfferPage, error)
}

// Ranker finds the candidates a published offer matches strongly, under
// the rules of the employer's list; *matching.Service implements it.
type Ranker interface {
	StrongCandidates(ctx context.Context, offerID string, minScore float64) ([]matching.Scored, error)
}

// OfferFeed lists offers of any status by increasing revision;
// *offer.Service implements it.
type OfferFeed interface {
	Changed(ctx context.Context, since int64, limit int) ([]offer.Offer, error)
}

// PreferenceReader reads the preferences of the candidate of the context;
// *notify.Service implements it.
type PreferenceReader interface {
	Preferences(ctx context.Context) (notify.Preferences, error)
}

// Digest tells candidates, at most once a day, of strong matches (a score
// of at least MinScore) published since their last digest. Only
// candidates who agreed to the matching and whose profile is not hidden
// from employers get one.
//
// The work follows the new offers, not the profiles: each Run reads the
// offers written since its checkpoint (with the same safety window as the
// sweeper), asks the matching index for each newly published one which
// candidates it matches strongly (the top of the list its company would
// read), and marks them due in a small collection; then it handles up to
// Batch due candidates, counting their strong matches published since
// their last digest, and clears the marks it read once handled. A
// candidate who had their digest today keeps their marks until tomorrow.
// Several instances may run it at once: the checkpoint is saved over an
// unchanged version, a mark is one per candidate and offer (a new one is
// never cleared with those read before it), and notify queues one digest
// a day per user whatever happens.
type Digest struct {
	Published OfferFeed
	Ranker    Ranker
	Matches   Matches
	Profiles  Profiles
	Offers    Offers
	Accounts  Directory
	Prefs     PreferenceReader
	Notify    Notifier
	Jobs      Checkpoints
	Due       DueList
	// MinScore, Batch and Window default to DigestMinScore, DigestBatch
	// and DigestWindow; Settle to SweepSettle.
	MinScore float64
	Batch    int
	Window   time.Duration
	Settle   time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// mu keeps this instance's runs one at a time.
	mu sync.Mutex
}

// DigestReport says what a run did: new offers read, candidates marked
// due, due candidates handled, digests queued and candidates left for
// tomorrow.
type DigestReport struct {
	Offers, Marked, Candidates, Sent, Deferred int
}

// Run marks the candidates of the new offers and queues the digests due.
// A failure for one offer stops the marking there (the next run takes it
// up again); a failure for one candidate leaves their mark for the next
// run; neither stops the rest.
func (d *Digest) Run(ctx context.Context) (DigestReport, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var rep DigestReport
	var errs []error
	if err := d.mark(ctx, &rep); err != nil {
		errs = append(errs, fmt.Errorf("digest: mark: %w", err))
	}
	if err := d.send(ctx, &rep); err != nil {
		errs = append(errs, fmt.Errorf("digest: %w", err))
	}
	return rep, errors.Join(errs...)
}

func (d *Digest) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Digest) minScore() float64 {
	if d.MinScore > 0 {
		return d.MinScore
	}
	return DigestMinScore
}

func (d *Digest) window() time.Duration {
	if d.Window > 0 {
		return d.Window
	}
	return DigestWindow
}

// mark reads the offers written since the checkpoint and marks the strong
// candidates of those published within the window.
func (d *Digest) mark(ctx context.Context, rep *DigestReport) error {
	cp, err := d.Jobs.Checkpoint(ctx, digestJob)
	if err != nil {
		return err
	}
	now := d.now()
	settle := d.Settle
	if settle <= 0 {
		settle = SweepSettle
	}
	oldest := now.Add(-d.window())
	c := cursor{settled: cp.Cursors[feedOffers], settling: true}
	var failed error
	err = catchUp(ctx, d.Published.Changed, &c, now.Add(-settle), 1, func(ctx context.Context, o offer.Offer) (int64, time.Time, bool) {
		if failed != nil {
			return o.Revision, o.UpdatedAt, false
		}
		rep.Offers++
		if o.Status != offer.StatusPublished || o.PublishedAt.Before(oldest) {
			return o.Revision, o.UpdatedAt, true
		}
		n, err := d.markOffer(ctx, o.ID, now)
		rep.Marked += n
		if err != nil {
			failed = fmt.Errorf("offer %s: %w", o.ID, err)
			return o.Revision, o.UpdatedAt, false
		}
		return o.Revision, o.UpdatedAt, true
	})
	cp.Cursors[feedOffers] = c.settled
	if _, serr := d.Jobs.SaveCheckpoint(context.WithoutCancel(ctx), cp); serr != nil {
		return errors.Join(err, failed, serr)
	}
	return errors.Join(err, failed)
}

// markOffer marks the strong candidates of offer id as due.
func (d *Digest) markOffer(ctx context.Context, id string, now time.Time) (int, error) {
	found, err := d.Ranker.StrongCandidates(ctx, id, d.minScore())
	switch {
	case passerelle.ErrorCode(err) == passerelle.ENOTFOUND:
		// Not in this instance's index: an offer the index cannot take,
		// or a write it has not caught up with yet; in the latter case
		// the offer is within the safety window and read again.
		return 0, nil
	case err != nil:
		return 0, err
	}
	ids := make([]string, len(found))
	for i, s := range found {
		ids[i] = s.CandidateID
	}
	if err := d.Due.MarkDue(ctx, id, ids, now); err != nil {
		return 0, err
	}
	return len(ids), nil
}

// send handles the candidates of up to Batch due marks, each candidate
// once, then clears or defers their marks in a few calls.
func (d *Digest) send(ctx context.Context, rep *DigestReport) error {
	batch := d.Batch
	if batch <= 0 {
		batch = DigestBatch
	}
	now := d.now()
	marks, err := d.Due.Due(ctx, now, batch)
	if err != nil {
		return err
	}
	loc := paris()
	y, m, day := now.In(loc).Date()
	tomorrow := time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	byCandidate := map[string][]string{} // candidate → ids of their marks read
	var order []string
	for _, mk := range marks {
		if _, ok := byCandidate[mk.CandidateID]; !ok {
			order = append(order, mk.CandidateID)
		}
		byCandidate[mk.CandidateID] = append(byCandidate[mk.CandidateID], mk.ID)
	}
	published := map[string]time.Time{} // offer id → publication, read once per run
	var clear, later []string
	var errs []error
	for _, id := range order {
		if ctx.Err() != nil {
			break
		}
		rep.Candidates++
		out, err := d.one(ctx, id, now, published)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("digest for %s: %w", id, err)) // the marks stay: the next run tries again
		case out == digestLater:
			rep.Deferred++
			later = append(later, byCandidate[id]...)
		default:
			if out == digestSent {
				rep.Sent++
			}
			clear = append(clear, byCandidate[id]...)
		}
	}
	// Marks made since they were read have other ids (another offer) and
	// stay for the next run.
	ctx = context.WithoutCancel(ctx)
	if err := d.Due.Clear(ctx, clear); err != nil {
		errs = append(errs, err)
	}
	if err := d.Due.Defer(ctx, later, tomorrow); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// wanted reports whether p's candidate may get a digest: they agreed to
// be proposed to employers.
func wanted(p candidate.Profile) bool {
	return p.MatchingConsent && (p.Visibility == candidate.VisibilityAnonymous || p.Visibility == candidate.VisibilityVisible)
}

// digestOutcome is what became of a due candidate.
type digestOutcome int

const (
	digestNone  digestOutcome = iota // nothing to tell (or nobody to tell it to)
	digestSent                       // a digest queued
	digestLater                      // one was queued today already: tomorrow
)

func (d *Digest) one(ctx context.Context, candidateID string, now time.Time, published map[string]time.Time) (digestOutcome, error) {
	p, err := d.Profiles.Profile(ctx, candidateID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return digestNone, nil
	}
	if err != nil {
		return digestNone, err
	}
	if !wanted(p) {
		return digestNone, nil
	}
	u, err := d.Accounts.User(ctx, p.ID)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		return digestNone, nil
	}
	if err != nil {
		return digestNone, err
	}
	to, ok := recipient(u)
	if !ok {
		return digestNone, nil
	}
	// The candidate's own view of their matches and preferences.
	cctx := auth.NewContext(ctx, auth.Identity{UserID: u.ID, Role: auth.RoleCandidate})
	prefs, err := d.Prefs.Preferences(cctx)
	if err != nil {
		return digestNone, err
	}
	if prefs.LastDigestDay == now.In(paris()).Format(time.DateOnly) {
		return digestLater, nil
	}
	since := now.Add(-d.window())
	if prefs.LastDigestAt.After(since) {
		since = prefs.LastDigestAt
	}
	page, err := d.Matches.OffersForCandidate(cctx, matching.Query{K: digestDepth, Lang: to.Lang})
	if err != nil {
		return digestNone, err
	}
	count, best := 0, ""
	for _, m := range page.Results {
		if m.Score < d.minScore() {
			break // ranked: the rest score lower
		}
		at, err := d.publishedAt(ctx, m.Offer.ID, published)
		if err != nil {
			return digestNone, err
		}
		if at.After(since) {
			if count == 0 {
				best = m.Offer.Title
			}
			count++
		}
	}
	if count == 0 {
		return digestNone, nil
	}
	_, err = d.Notify.Enqueue(ctx, notify.Request{
		To: to, Kind: notify.KindDigest, Args: []notify.Arg{notify.Text(strconv.Itoa(count)), notify.Text(best)},
		Link: MatchesPath,
	})
	if errors.Is(err, notify.ErrDigestSent) || passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		return digestLater, nil
	}
	if err != nil {
		return digestNone, err
	}
	return digestSent, nil
}

// publishedAt is when offer id was published; zero for an offer that is
// not published (any more).
func (d *Digest) publishedAt(ctx context.Context, id string, cache map[string]time.Time) (time.Time, error) {
	if at, ok := cache[id]; ok {
		return at, nil
	}
	o, err := d.Offers.Offer(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENOTFOUND {
		cache[id] = time.Time{}
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	at := o.PublishedAt
	if o.Status != offer.StatusPublished {
		at = time.Time{}
	}
	cache[id] = at
	return at, nil
}

func paris() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}

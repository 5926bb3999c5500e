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
	// DigestBatch is how many profiles one run looks at: a run's work is
	// bounded, and the runs sweep every profile in turn.
	DigestBatch = 300
	// DigestWindow is how far back a first digest looks for new offers.
	DigestWindow = 7 * 24 * time.Hour
	// digestDepth is how many of the best matches a digest looks at.
	digestDepth = 50
)

// Matches ranks offers for the candidate of the context;
// *matching.Service implements it.
type Matches interface {
	OffersForCandidate(ctx context.Context, q matching.Query) (matching.OfferPage, error)
}

// ProfileFeed lists profiles by increasing revision; *candidate.Service
// implements it.
type ProfileFeed interface {
	Changed(ctx context.Context, since int64, limit int) ([]candidate.Profile, error)
}

// PreferenceReader reads the preferences of the candidate of the context;
// *notify.Service implements it.
type PreferenceReader interface {
	Preferences(ctx context.Context) (notify.Preferences, error)
}

// Digest tells candidates, at most once a day, of strong matches (a score
// of at least MinScore) published since their last digest. Each Run looks
// at Batch profiles, continuing where the last run stopped and starting
// over after the last one, so that a periodic run sweeps them all with
// bounded work each time. Only candidates who agreed to the matching and
// whose profile is not hidden from employers get one.
type Digest struct {
	Matches  Matches
	Profiles ProfileFeed
	Offers   Offers
	Accounts Directory
	Prefs    PreferenceReader
	Notify   Notifier
	// MinScore, Batch and Window default to DigestMinScore, DigestBatch and
	// DigestWindow.
	MinScore float64
	Batch    int
	Window   time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	cursor int64
}

// DigestReport says what a run did.
type DigestReport struct {
	Profiles, Sent int
}

// Run looks at the next batch of profiles and queues their digests. A
// failure for one candidate is returned with the others' but does not stop
// the run.
func (d *Digest) Run(ctx context.Context) (DigestReport, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	batch := d.Batch
	if batch <= 0 {
		batch = DigestBatch
	}
	profiles, err := d.Profiles.Changed(ctx, d.cursor, batch)
	if err != nil {
		return DigestReport{}, fmt.Errorf("digest: %w", err)
	}
	if len(profiles) < batch {
		d.cursor = 0 // the end: the next run starts over
	} else {
		d.cursor = profiles[len(profiles)-1].Revision
	}
	rep := DigestReport{Profiles: len(profiles)}
	published := map[string]time.Time{} // offer id → publication, read once per run
	var errs []error
	for _, p := range profiles {
		if ctx.Err() != nil {
			break
		}
		sent, err := d.one(ctx, p, published)
		if err != nil {
			errs = append(errs, fmt.Errorf("digest for %s: %w", p.ID, err))
		}
		if sent {
			rep.Sent++
		}
	}
	return rep, errors.Join(errs...)
}

func (d *Digest) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// wanted reports whether p's candidate may get a digest: they agreed to
// be proposed to employers.
func wanted(p candidate.Profile) bool {
	return p.MatchingConsent && (p.Visibility == candidate.VisibilityAnonymous || p.Visibility == candidate.VisibilityVisible)
}

func (d *Digest) one(ctx context.Context, p candidate.Profile, published map[string]time.Time) (bool, error) {
	if !wanted(p) {
		return false, nil
	}
	u, err := d.Accounts.User(ctx, p.ID)
	if err != nil {
		return false, err
	}
	to, ok := recipient(u)
	if !ok {
		return false, nil
	}
	// The candidate's own view of their matches and preferences.
	cctx := auth.NewContext(ctx, auth.Identity{UserID: u.ID, Role: auth.RoleCandidate})
	prefs, err := d.Prefs.Preferences(cctx)
	if err != nil {
		return false, err
	}
	now := d.now()
	loc := paris()
	if prefs.LastDigestDay == now.In(loc).Format(time.DateOnly) {
		return false, nil
	}
	window := d.Window
	if window <= 0 {
		window = DigestWindow
	}
	since := now.Add(-window)
	if prefs.LastDigestAt.After(since) {
		since = prefs.LastDigestAt
	}
	minScore := d.MinScore
	if minScore <= 0 {
		minScore = DigestMinScore
	}
	page, err := d.Matches.OffersForCandidate(cctx, matching.Query{K: digestDepth, Lang: to.Lang})
	if err != nil {
		return false, err
	}
	count, best := 0, ""
	for _, m := range page.Results {
		if m.Score < minScore {
			break // ranked: the rest score lower
		}
		at, err := d.publishedAt(ctx, m.Offer.ID, published)
		if err != nil {
			return false, err
		}
		if at.After(since) {
			if count == 0 {
				best = m.Offer.Title
			}
			count++
		}
	}
	if count == 0 {
		return false, nil
	}
	_, err = d.Notify.Enqueue(ctx, notify.Request{
		To: to, Kind: notify.KindDigest, Args: []notify.Arg{notify.Text(strconv.Itoa(count)), notify.Text(best)},
		Link: MatchesPath,
	})
	if errors.Is(err, notify.ErrDigestSent) || passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		return false, nil
	}
	return err == nil, err
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

package notices

import (
	"context"
	"time"
)

// Checkpoint is where a periodic job of this package stands: a cursor per
// feed it reads (the highest revision before which everything was handled),
// saved after each run so that the next run, on any instance, goes on from
// there.
type Checkpoint struct {
	Job     string
	Cursors map[string]int64
	// Version is the stored version the checkpoint was read at (0: none
	// stored yet); saving it is conditional on it.
	Version int64
}

// Checkpoints stores the jobs' checkpoints, one document per job;
// noticesdb.Store implements it.
type Checkpoints interface {
	// Checkpoint returns job's checkpoint, Version 0 and no cursors when
	// none was saved.
	Checkpoint(ctx context.Context, job string) (Checkpoint, error)
	// SaveCheckpoint stores cp with Version+1 if the stored checkpoint
	// still has version cp.Version, and reports whether it did: false when
	// another run (another instance) saved first, whose progress then
	// stands.
	SaveCheckpoint(ctx context.Context, cp Checkpoint) (bool, error)
}

// Mark says that a new offer matches a candidate strongly: the digest
// looks at the candidate once DueAt has come. A candidate has a mark per
// offer, so that marks made while the candidate is being handled are not
// cleared with those that were read.
type Mark struct {
	ID          string // CandidateID:OfferID
	CandidateID string
	OfferID     string
	DueAt       time.Time
}

// DueList stores the candidates due for a digest; noticesdb.Store
// implements it. Its writes are inserts and calls over many marks at once,
// which the embedded store does quickly (an update or upsert per mark
// scans the collection each time, see STORE.md).
type DueList interface {
	// MarkDue marks the candidates as due from at for offer offerID; a
	// mark that exists already is left as it is.
	MarkDue(ctx context.Context, offerID string, candidateIDs []string, at time.Time) error
	// Due returns at most limit marks due at or before now, earliest first.
	Due(ctx context.Context, now time.Time, limit int) ([]Mark, error)
	// Defer moves the marks with these ids to until.
	Defer(ctx context.Context, ids []string, until time.Time) error
	// Clear deletes the marks with these ids.
	Clear(ctx context.Context, ids []string) error
}

// cursor is where a feed's next read starts. A revision is taken before
// its write lands, so a write may become visible after one with a higher
// revision: moving the cursor to the highest revision seen could skip it
// for ever. The cursor therefore moves only over a prefix (by revision) of
// documents written more than the safety window ago — by then any write
// holding a lower revision has landed — and each run reads the last
// window's writes again, as internal/matching's Sync does. Reading again
// costs a read: what is told is told once (idempotency keys).
type cursor struct {
	settled  int64
	settling bool
}

// advance moves the cursor over a document read in revision order and
// handled (or a failure to handle it, which stops the cursor).
func (c *cursor) advance(rev int64, written, horizon time.Time, ok bool) {
	if ok && c.settling && !written.After(horizon) {
		c.settled = rev
	} else {
		c.settling = false
	}
}

// feedPage is how many documents one read of a feed returns, the most the
// stores allow.
const feedPage = 1000

// catchUp reads the documents after c.settled, page by page, at most pages
// pages, and handles each; handle reports the document's revision, when it
// was written and whether it was handled. It stops at the first read error.
func catchUp[T any](ctx context.Context, fetch func(context.Context, int64, int) ([]T, error), c *cursor, horizon time.Time, pages int, handle func(context.Context, T) (int64, time.Time, bool)) error {
	after := c.settled
	for range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := fetch(ctx, after, feedPage)
		if err != nil {
			return err
		}
		for _, d := range page {
			rev, written, ok := handle(ctx, d)
			c.advance(rev, written, horizon, ok)
			after = rev
		}
		if len(page) < feedPage {
			return nil
		}
	}
	return nil
}

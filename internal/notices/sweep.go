package notices

import (
	"context"
	"errors"
	"fmt"
	"time"

	"passerelle"
	"passerelle/internal/application"
)

// Sweeper defaults.
const (
	// SweepSettle is the safety window behind the sweeper's checkpoint:
	// how long a write may take between taking its revision and landing,
	// clocks of different machines included (internal/matching's
	// DefaultSettle, for the same reasons).
	SweepSettle = 30 * time.Second
	// SweepMaxAge is how old an event may be and still be told: a
	// notification a day late is still worth having, an older one is not,
	// and the notifications' idempotency keys are kept far longer than
	// this (notify.DefaultEmailRetention), so that nothing told is told
	// again. It also bounds how long a document whose event keeps failing
	// holds the checkpoint back.
	SweepMaxAge = 24 * time.Hour
	// sweepPages bounds one run's reads: 10 pages of 1,000 documents per
	// feed. A first run on a large store catches up over several runs.
	sweepPages = 10
	// sweepJob names the sweeper's checkpoint.
	sweepJob = "notices.sweep"
)

// WorkflowFeed lists the workflow's documents by increasing revision;
// applicationdb.Store implements it.
type WorkflowFeed interface {
	ChangedApplications(ctx context.Context, since int64, limit int) ([]application.Application, error)
	ChangedInvitations(ctx context.Context, since int64, limit int) ([]application.Invitation, error)
	ChangedEndorsements(ctx context.Context, since int64, limit int) ([]application.Endorsement, error)
}

// Sweeper makes sure that the workflow's events are told even when the
// process stopped (or the store failed) between a write and its Publish:
// each run re-reads the applications, invitations and endorsements written
// since its checkpoint and publishes their events again through Events
// (the Workflow). The idempotency key of each notification ("applied:…",
// "moved:…", "invited:…", "endorsed:…") makes an event already told store
// nothing new, so republishing is safe, on one instance or several running
// at once; the checkpoint is saved only over an unchanged version, so
// that a slower instance never moves it back.
//
// What is republished is what Service.publish tells: an application made
// directly (not by accepting an invitation) → applied; every later
// transition of its history → moved; a pending invitation → invited; an
// endorsement → reviewed (Workflow tells only endorsed ones). Events older
// than MaxAge are not told.
type Sweeper struct {
	Feed        WorkflowFeed
	Events      application.Events
	Checkpoints Checkpoints
	// Settle and MaxAge default to SweepSettle and SweepMaxAge.
	Settle time.Duration
	MaxAge time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SweepReport says what a run did: documents read, events published
// again (most store nothing new), and events that could not be told
// because what they name is gone.
type SweepReport struct {
	Read, Published, Skipped int
}

// The cursors of the sweeper's checkpoint.
const (
	feedApplications = "applications"
	feedInvitations  = "invitations"
	feedEndorsements = "endorsements"
)

// Run reads what was written since the checkpoint, republishes its events
// and saves the checkpoint. An event that fails (other than for something
// gone) holds the checkpoint back, so that the next run tries it again;
// the others are told all the same.
func (s *Sweeper) Run(ctx context.Context) (SweepReport, error) {
	cp, err := s.Checkpoints.Checkpoint(ctx, sweepJob)
	if err != nil {
		return SweepReport{}, fmt.Errorf("sweep: %w", err)
	}
	now := s.now()
	settle, maxAge := s.Settle, s.MaxAge
	if settle <= 0 {
		settle = SweepSettle
	}
	if maxAge <= 0 {
		maxAge = SweepMaxAge
	}
	run := sweepRun{s: s, horizon: now.Add(-settle), oldest: now.Add(-maxAge)}
	var errs []error

	c := cursor{settled: cp.Cursors[feedApplications], settling: true}
	if err := catchUp(ctx, s.Feed.ChangedApplications, &c, run.horizon, sweepPages, run.application); err != nil {
		errs = append(errs, fmt.Errorf("sweep applications: %w", err))
	}
	cp.Cursors[feedApplications] = c.settled

	c = cursor{settled: cp.Cursors[feedInvitations], settling: true}
	if err := catchUp(ctx, s.Feed.ChangedInvitations, &c, run.horizon, sweepPages, run.invitation); err != nil {
		errs = append(errs, fmt.Errorf("sweep invitations: %w", err))
	}
	cp.Cursors[feedInvitations] = c.settled

	c = cursor{settled: cp.Cursors[feedEndorsements], settling: true}
	if err := catchUp(ctx, s.Feed.ChangedEndorsements, &c, run.horizon, sweepPages, run.endorsement); err != nil {
		errs = append(errs, fmt.Errorf("sweep endorsements: %w", err))
	}
	cp.Cursors[feedEndorsements] = c.settled

	// Another instance that saved first made at least the same progress
	// from the same checkpoint: losing the race loses nothing.
	if _, err := s.Checkpoints.SaveCheckpoint(context.WithoutCancel(ctx), cp); err != nil {
		errs = append(errs, fmt.Errorf("sweep: %w", err))
	}
	errs = append(errs, run.errs...)
	return run.rep, errors.Join(errs...)
}

func (s *Sweeper) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// sweepRun is one run's state.
type sweepRun struct {
	s               *Sweeper
	horizon, oldest time.Time
	rep             SweepReport
	errs            []error
}

// publish tells e if it happened after the oldest moment worth telling,
// and reports whether the document may be passed over: told, too old, or
// naming something gone.
func (r *sweepRun) publish(ctx context.Context, at time.Time, e application.Event) bool {
	if at.Before(r.oldest) {
		return true
	}
	err := r.s.Events.Publish(ctx, e)
	switch {
	case err == nil:
		r.rep.Published++
		return true
	case passerelle.ErrorCode(err) == passerelle.ENOTFOUND:
		r.rep.Skipped++
		return true
	}
	r.errs = append(r.errs, fmt.Errorf("sweep %s: %w", e.Kind, err))
	return false
}

func (r *sweepRun) application(ctx context.Context, a application.Application) (int64, time.Time, bool) {
	r.rep.Read++
	ok := true
	for i, t := range a.History {
		if i == 0 {
			// The application itself; one made by accepting an invitation
			// is told as the invitation's answer, which tells nobody.
			if a.InvitationID == "" {
				ok = r.publish(ctx, a.CreatedAt, application.Event{Kind: application.EventApplied, Application: a}) && ok
			}
			continue
		}
		ok = r.publish(ctx, t.At, application.Event{Kind: application.EventMoved, Application: a, Transition: t}) && ok
	}
	return a.Revision, a.UpdatedAt, ok
}

func (r *sweepRun) invitation(ctx context.Context, inv application.Invitation) (int64, time.Time, bool) {
	r.rep.Read++
	written := inv.CreatedAt
	if inv.RespondedAt.After(written) {
		written = inv.RespondedAt
	}
	ok := true
	// An answered invitation was read by the candidate: no news for them.
	if inv.Status == application.InvitationPending {
		ok = r.publish(ctx, inv.CreatedAt, application.Event{Kind: application.EventInvited, Invitation: inv})
	}
	return inv.Revision, written, ok
}

func (r *sweepRun) endorsement(ctx context.Context, e application.Endorsement) (int64, time.Time, bool) {
	r.rep.Read++
	ok := true
	if e.Decision == application.DecisionEndorsed {
		ok = r.publish(ctx, e.At, application.Event{Kind: application.EventReviewed, Endorsement: e})
	}
	return e.Revision, e.At, ok
}

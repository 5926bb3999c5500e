package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"passerelle/internal/notify"
)

// Periods and retention of the background work serve runs beside the HTTP
// server.
const (
	// digestEvery is how often the strong-match digest reads the offers
	// published since its last run, marks their strong candidates and
	// queues the digests due (at most notices.DigestBatch a run): a
	// candidate hears of a new strong match within about five minutes, or
	// the next day when they had their digest today.
	digestEvery = 5 * time.Minute
	// sweepEvery is how often the workflow's writes are read again for
	// events a crash kept from being told; sweepStartDelay brings the
	// first run close to the start, after a crash.
	sweepEvery      = time.Minute
	sweepStartDelay = 10 * time.Second
	// purgeEvery is how often old e-mails and read notifications are
	// deleted.
	purgeEvery = 24 * time.Hour
	// emailRetention keeps delivered and failed e-mails a month (an e-mail
	// holds an address and a name); notificationRetention keeps read
	// notifications six months.
	emailRetention        = notify.DefaultEmailRetention
	notificationRetention = notify.DefaultNotificationRetention
	// jobStartDelay lets the server settle before the first run.
	jobStartDelay = time.Minute
)

// startBackground runs the e-mail worker, the digest, the sweep of
// workflow events and the purge until ctx ends; the returned function
// cancels them and waits until they have stopped (an e-mail being sent is
// finished first, within its timeout), so that the store is closed under
// nobody.
func startBackground(ctx context.Context, app *application, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = app.outbox.Run(ctx) })
	wg.Go(func() {
		every(ctx, digestEvery, func(ctx context.Context) {
			rep, err := app.digest.Run(ctx)
			if err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "notify: digest", "err", err)
			}
			if rep.Sent > 0 {
				log.InfoContext(ctx, "notify: digests queued", "offers", rep.Offers, "marked", rep.Marked,
					"candidates", rep.Candidates, "sent", rep.Sent, "deferred", rep.Deferred)
			}
		})
	})
	wg.Go(func() {
		everyAfter(ctx, sweepStartDelay, sweepEvery, func(ctx context.Context) {
			if _, err := app.sweep.Run(ctx); err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "notify: sweep workflow events", "err", err)
			}
		})
	})
	wg.Go(func() {
		every(ctx, purgeEvery, func(ctx context.Context) {
			emails, notes, err := app.notifications.Purge(ctx, emailRetention, notificationRetention)
			if err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "notify: purge", "err", err)
				return
			}
			log.InfoContext(ctx, "notify: purged", "emails", emails, "notifications", notes)
		})
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// every calls run after jobStartDelay, then every period, until ctx ends.
func every(ctx context.Context, period time.Duration, run func(context.Context)) {
	everyAfter(ctx, jobStartDelay, period, run)
}

// everyAfter calls run after first, then every period, until ctx ends.
func everyAfter(ctx context.Context, first, period time.Duration, run func(context.Context)) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		run(ctx)
		t.Reset(period)
	}
}

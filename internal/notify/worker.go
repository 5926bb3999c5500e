package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"passerelle"
	"passerelle/internal/mail"
)

// Sender delivers one e-mail. *SMTP and *mail.Outbox implement it. An
// error wrapped with Permanent is not worth retrying (a refused address);
// any other is retried with backoff.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

var _ Sender = (*mail.Outbox)(nil)

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

// Error returns the wrapped error's text.
func (p permanent) Error() string { return p.err.Error() }

// Unwrap returns the wrapped error.
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the Worker fails the e-mail at once instead
// of retrying it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was wrapped with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// WorkerOptions configures a Worker. Zero values take the defaults given.
type WorkerOptions struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Poll is how often an idle worker looks for due e-mails (5 s); Wake
	// makes it look at once.
	Poll time.Duration
	// SendTimeout bounds one delivery (1 min).
	SendTimeout time.Duration
	// Lease is how long a claimed e-mail is the worker's alone (10 min).
	// It must be well above SendTimeout: a delivery that outlived its
	// lease could be made a second time by another worker.
	Lease time.Duration
	// Backoff is the wait after each failed attempt; after the last one
	// the e-mail fails. Default 1 min, 5 min, 30 min, 2 h: five attempts
	// over about two and a half hours.
	Backoff []time.Duration
	// Logger receives delivery failures (never a password: senders do not
	// put one in errors).
	Logger *slog.Logger
}

// DefaultBackoff is the default wait after each failed attempt.
var DefaultBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}

// maxErrorLen bounds the last error kept on an e-mail.
const maxErrorLen = 500

// Worker delivers the outbox. Run it in the server process (several
// processes may each run one: a claim is exclusive); it is safe for
// concurrent use.
type Worker struct {
	repo   Repository
	sender Sender
	o      WorkerOptions
	wake   chan struct{}
}

// NewWorker returns a Worker delivering repo's outbox through sender.
func NewWorker(repo Repository, sender Sender, o WorkerOptions) *Worker {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = time.Minute
	}
	if o.Lease <= 0 {
		o.Lease = 10 * time.Minute
	}
	o.Lease = max(o.Lease, 2*o.SendTimeout)
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{repo: repo, sender: sender, o: o, wake: make(chan struct{}, 1)}
}

// Wake makes an idle worker look for due e-mails now. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due e-mails until ctx ends, then returns nil. A store
// failure is logged and retried at the next poll; it never stops the loop.
func (w *Worker) Run(ctx context.Context) error {
	for {
		did, err := w.ProcessOne(ctx)
		if err != nil && ctx.Err() == nil {
			w.o.Logger.ErrorContext(ctx, "notify: outbox", "err", err)
		}
		if did && err == nil {
			continue
		}
		t := time.NewTimer(w.o.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

func (w *Worker) clock() time.Time { return w.o.Now().UTC().Truncate(time.Millisecond) }

func newClaim() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ProcessOne claims one due e-mail, tries to deliver it and records the
// outcome. It reports whether there was one. The delivery and its record
// are not cut short by ctx (a shutdown lets the current e-mail finish,
// within SendTimeout), so that an e-mail that left is marked sent.
func (w *Worker) ProcessOne(ctx context.Context) (bool, error) {
	now := w.clock()
	claim := newClaim()
	e, ok, err := w.repo.ClaimEmail(ctx, now, now.Add(w.o.Lease), claim)
	if err != nil || !ok {
		return false, wrapErr("claim e-mail", err)
	}
	ctx = context.WithoutCancel(ctx)
	if e.Attempts > len(w.o.Backoff)+1 {
		// Claimed again and again without an outcome: every worker that
		// took it died. Do not let it take the next one down.
		return true, w.settle(ctx, e, claim, errors.New("interrupted too many times"))
	}
	sctx, cancel := context.WithTimeout(ctx, w.o.SendTimeout)
	err = w.sender.Send(sctx, mail.Message{To: e.To, Subject: e.Subject, Text: e.Text})
	cancel()
	return true, w.settle(ctx, e, claim, err)
}

// settle records the outcome of an attempt under claim.
func (w *Worker) settle(ctx context.Context, e Email, claim string, sendErr error) error {
	now := w.clock()
	if sendErr == nil {
		return wrapErr("mark e-mail "+e.ID+" sent", w.repo.MarkSent(ctx, e.ID, claim, now))
	}
	msg := sendErr.Error()
	if len(msg) > maxErrorLen {
		msg = msg[:maxErrorLen]
	}
	if IsPermanent(sendErr) || e.Attempts > len(w.o.Backoff) {
		w.o.Logger.ErrorContext(ctx, "notify: e-mail failed", "email", e.ID, "kind", string(e.Kind), "attempts", e.Attempts, "err", msg)
		return wrapErr("mark e-mail "+e.ID+" failed", w.repo.MarkFailed(ctx, e.ID, claim, now, msg))
	}
	due := now.Add(w.o.Backoff[e.Attempts-1])
	w.o.Logger.WarnContext(ctx, "notify: e-mail will be retried", "email", e.ID, "kind", string(e.Kind), "attempts", e.Attempts, "due", due, "err", msg)
	return wrapErr("reschedule e-mail "+e.ID, w.repo.Reschedule(ctx, e.ID, claim, due, msg))
}

func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		// The lease ran out and another worker took the e-mail over: its
		// outcome is the one that counts.
		return fmt.Errorf("%s: claim lost: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Package notices turns what happens in the product into notifications:
// Workflow hears the application workflow's events (application.Events) and
// asks notify.Service to tell the people concerned; Digest finds, for each
// candidate, the strong matches published since their last digest.
//
// It sits between domains at the level of the wiring: it reads users,
// organisations, offers and profiles without access rules (the recipients
// are decided here, by the rules below, not by a caller's rights) and
// never exposes what it reads to anyone but the recipient.
package notices

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"passerelle/internal/account"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/notify"
	"passerelle/internal/offer"
)

// The pages notifications point to.
const (
	// CandidateApplicationsPath lists a candidate's applications and
	// invitations.
	CandidateApplicationsPath = "/applications"
	// MatchesPath lists a candidate's matches.
	MatchesPath = "/matches"
)

// OfferApplicationsPath is the company's list of applications to an offer.
func OfferApplicationsPath(offerID string) string {
	return "/company/offers/" + offerID + "/applications"
}

// OfferMatchesPath is the company's list of matching candidates of an
// offer, where endorsements show.
func OfferMatchesPath(offerID string) string { return "/company/offers/" + offerID + "/matches" }

// Directory reads accounts without access rules; accountdb.Store
// implements it.
type Directory interface {
	// User returns the user with id; ENOTFOUND.
	User(ctx context.Context, id string) (account.User, error)
	// OrgUsers lists an organisation's members, oldest first.
	OrgUsers(ctx context.Context, orgID string, limit int) ([]account.User, error)
	// Organisation returns the organisation with id; ENOTFOUND.
	Organisation(ctx context.Context, id string) (account.Organisation, error)
}

// Offers reads an offer without access rules; offerdb.Store implements it.
type Offers interface {
	Offer(ctx context.Context, id string) (offer.Offer, error)
}

// Profiles reads a profile without access rules; candidatedb.Store
// implements it.
type Profiles interface {
	Profile(ctx context.Context, id string) (candidate.Profile, error)
}

// Notifier queues notifications; *notify.Service implements it.
type Notifier interface {
	Enqueue(ctx context.Context, r notify.Request) (notify.Notification, error)
}

// maxMembers bounds the members of one company told of one event: well
// above any real company on the platform.
const maxMembers = 200

// Workflow implements application.Events with notifications:
//
//   - a new application: every member of the offer's company;
//   - a status change made by the company: the candidate (a withdrawal,
//     the candidate's own move, tells nobody);
//   - an invitation to apply: the candidate;
//   - an adviser's endorsement (not a rejection): every member of the
//     offer's company.
//
// Each notification has an idempotency key naming its event, so that a
// retried event is told once.
type Workflow struct {
	Notify   Notifier
	Accounts Directory
	Offers   Offers
	Profiles Profiles
}

var _ application.Events = Workflow{}

// Publish implements application.Events.
func (w Workflow) Publish(ctx context.Context, e application.Event) error {
	switch e.Kind {
	case application.EventApplied:
		return w.applied(ctx, e.Application)
	case application.EventMoved:
		return w.moved(ctx, e.Application, e.Transition)
	case application.EventInvited:
		return w.invited(ctx, e.Invitation)
	case application.EventReviewed:
		if e.Endorsement.Decision != application.DecisionEndorsed {
			return nil
		}
		return w.endorsed(ctx, e.Endorsement)
	}
	return nil
}

func (w Workflow) applied(ctx context.Context, a application.Application) error {
	o, err := w.Offers.Offer(ctx, a.OfferID)
	if err != nil {
		return fmt.Errorf("notify new application: %w", err)
	}
	name, err := w.candidateName(ctx, a.CandidateID)
	if err != nil {
		return fmt.Errorf("notify new application: %w", err)
	}
	return w.members(ctx, a.CompanyID, notify.Request{
		Kind: notify.KindNewApplication, Args: []notify.Arg{notify.Text(name), notify.Text(o.Title)},
		Link: OfferApplicationsPath(a.OfferID), Key: "applied:" + a.ID,
	})
}

func (w Workflow) moved(ctx context.Context, a application.Application, t application.Transition) error {
	if t.To == application.StatusWithdrawn || t.Role == auth.RoleCandidate {
		return nil
	}
	o, err := w.Offers.Offer(ctx, a.OfferID)
	if err != nil {
		return fmt.Errorf("notify status change: %w", err)
	}
	return w.one(ctx, a.CandidateID, notify.Request{
		Kind: notify.KindStatusChange, Args: []notify.Arg{notify.Text(o.Title), notify.Key("application.status." + string(t.To))},
		Link: CandidateApplicationsPath,
		Key:  "moved:" + a.ID + ":" + string(t.To) + ":" + strconv.FormatInt(t.At.UnixMilli(), 10),
	})
}

func (w Workflow) invited(ctx context.Context, inv application.Invitation) error {
	o, err := w.Offers.Offer(ctx, inv.OfferID)
	if err != nil {
		return fmt.Errorf("notify invitation: %w", err)
	}
	company, err := w.Accounts.Organisation(ctx, inv.CompanyID)
	if err != nil {
		return fmt.Errorf("notify invitation: %w", err)
	}
	return w.one(ctx, inv.CandidateID, notify.Request{
		Kind: notify.KindInvitation, Args: []notify.Arg{notify.Text(company.Name), notify.Text(o.Title)},
		Link: CandidateApplicationsPath, Key: "invited:" + inv.ID,
	})
}

func (w Workflow) endorsed(ctx context.Context, e application.Endorsement) error {
	o, err := w.Offers.Offer(ctx, e.OfferID)
	if err != nil {
		return fmt.Errorf("notify endorsement: %w", err)
	}
	org, err := w.Accounts.Organisation(ctx, e.OrgID)
	if err != nil {
		return fmt.Errorf("notify endorsement: %w", err)
	}
	return w.members(ctx, e.CompanyID, notify.Request{
		Kind: notify.KindEndorsement, Args: []notify.Arg{notify.Text(org.Name), notify.Text(o.Title)},
		Link: OfferMatchesPath(e.OfferID), Key: "endorsed:" + e.ID,
	})
}

// candidateName is the name a company sees once the candidate applied:
// the profile's display name, else the account's.
func (w Workflow) candidateName(ctx context.Context, id string) (string, error) {
	if p, err := w.Profiles.Profile(ctx, id); err == nil && p.DisplayName != "" {
		return p.DisplayName, nil
	}
	u, err := w.Accounts.User(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

// recipient is how u receives notifications: by e-mail only once the
// address is verified, never when the account is disabled.
func recipient(u account.User) (notify.Recipient, bool) {
	if u.Disabled {
		return notify.Recipient{}, false
	}
	r := notify.Recipient{UserID: u.ID, Lang: u.Lang}
	if u.Verified {
		r.Email = u.Email
	}
	return r, true
}

// one tells user userID.
func (w Workflow) one(ctx context.Context, userID string, r notify.Request) error {
	u, err := w.Accounts.User(ctx, userID)
	if err != nil {
		return fmt.Errorf("notify %s: %w", r.Kind, err)
	}
	to, ok := recipient(u)
	if !ok {
		return nil
	}
	r.To = to
	if _, err := w.Notify.Enqueue(ctx, r); err != nil {
		return fmt.Errorf("notify %s: %w", r.Kind, err)
	}
	return nil
}

// members tells every member of organisation orgID; a failure for one
// does not keep the others from being told.
func (w Workflow) members(ctx context.Context, orgID string, r notify.Request) error {
	users, err := w.Accounts.OrgUsers(ctx, orgID, maxMembers)
	if err != nil {
		return fmt.Errorf("notify %s: members of %s: %w", r.Kind, orgID, err)
	}
	var errs []error
	for _, u := range users {
		to, ok := recipient(u)
		if !ok {
			continue
		}
		r.To = to
		if _, err := w.Notify.Enqueue(ctx, r); err != nil {
			errs = append(errs, fmt.Errorf("notify %s to %s: %w", r.Kind, u.ID, err))
		}
	}
	return errors.Join(errs...)
}

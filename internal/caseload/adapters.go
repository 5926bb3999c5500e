package caseload

import (
	"context"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/matching"
)

// AccountStore is what Accounts reads of the account store;
// accountdb.Store implements it.
type AccountStore interface {
	User(ctx context.Context, id string) (account.User, error)
	AdviserOrganisations(ctx context.Context, limit int) ([]account.Organisation, error)
}

// Accounts adapts the account store to Users and Directory. It reads
// without access rules: the Service asks only for the caller's own account
// and for the public directory of adviser organisations.
type Accounts struct{ Store AccountStore }

// User implements Users.
func (a Accounts) User(ctx context.Context, id string) (User, error) {
	u, err := a.Store.User(ctx, id)
	if err != nil {
		return User{}, err
	}
	return User{ID: u.ID, Name: u.Name, Email: u.Email, Verified: u.Verified}, nil
}

// AdviserOrganisations implements Directory.
func (a Accounts) AdviserOrganisations(ctx context.Context, limit int) ([]Organisation, error) {
	orgs, err := a.Store.AdviserOrganisations(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Organisation, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, Organisation{ID: o.ID, Name: o.Name, City: o.City, AdviserType: o.AdviserType})
	}
	return out, nil
}

// Ranker ranks offers for a candidate with the caller's rights;
// *matching.Service implements it.
type Ranker interface {
	ForCandidate(ctx context.Context, candidateID string, q matching.Query) (matching.OfferPage, error)
}

// BestMatch adapts the matching service to Matches.
type BestMatch struct{ Ranker Ranker }

// BestScore implements Matches: the score of the first offer of the
// candidate's ranked list. A candidate the index does not know (yet), or an
// index still being built, has no score rather than failing the dashboard.
func (b BestMatch) BestScore(ctx context.Context, candidateID string) (float64, bool, error) {
	page, err := b.Ranker.ForCandidate(ctx, candidateID, matching.Query{K: 1})
	switch passerelle.ErrorCode(err) {
	case "":
	case passerelle.ENOTFOUND, passerelle.EUNAVAILABLE:
		return 0, false, nil
	default:
		return 0, false, err
	}
	if len(page.Results) == 0 {
		return 0, false, nil
	}
	return page.Results[0].Score, true, nil
}

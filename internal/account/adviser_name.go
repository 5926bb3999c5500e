package account

import (
	"context"
	"fmt"

	"passerelle"
)

// AdviserOrgName returns the name of adviser organisation id to any
// signed-in caller: an adviser's recommendation or skill validation is
// signed with it, for employers and candidates who are not its members.
// Only adviser organisations answer (a company's details stay its
// members'). Errors: EUNAUTHORIZED; ENOTFOUND account.org_not_found.
func (s *Service) AdviserOrgName(ctx context.Context, id string) (string, error) {
	if _, err := s.actor(ctx); err != nil {
		return "", err
	}
	o, err := s.repo.Organisation(ctx, id)
	if is(err, passerelle.ENOTFOUND) {
		return "", errOrgNotFound()
	}
	if err != nil {
		return "", fmt.Errorf("adviser organisation name: %w", err)
	}
	if o.Kind != KindAdviser {
		return "", errOrgNotFound()
	}
	return o.Name, nil
}

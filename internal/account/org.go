package account

import (
	"context"
	"fmt"
	"slices"

	"passerelle"
	"passerelle/internal/auth"
)

// visibleOrg returns the organisation id if the caller may see it: its
// members and admins. Everyone else gets ENOTFOUND account.org_not_found,
// the same answer as for an organisation that does not exist, so that ids
// cannot be probed.
func (s *Service) visibleOrg(ctx context.Context, actor auth.Identity, id string) (Organisation, error) {
	if actor.Role != auth.RoleAdmin && (actor.OrgID == "" || actor.OrgID != id) {
		return Organisation{}, errOrgNotFound()
	}
	o, err := s.repo.Organisation(ctx, id)
	if is(err, passerelle.ENOTFOUND) {
		return Organisation{}, errOrgNotFound()
	}
	if err != nil {
		return Organisation{}, fmt.Errorf("organisation: %w", err)
	}
	return o, nil
}

// Organisation returns an organisation to one of its members or an admin.
// Errors: EUNAUTHORIZED; ENOTFOUND account.org_not_found (also for
// organisations the caller may not see).
func (s *Service) Organisation(ctx context.Context, id string) (Organisation, error) {
	actor, err := s.actor(ctx)
	if err != nil {
		return Organisation{}, err
	}
	return s.visibleOrg(ctx, actor, id)
}

// Members returns an organisation's members (oldest first) and its pending,
// unexpired invitations, to its members and admins. Errors: EUNAUTHORIZED;
// ENOTFOUND account.org_not_found.
func (s *Service) Members(ctx context.Context, orgID string) ([]Member, []Invitation, error) {
	actor, err := s.actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	o, err := s.visibleOrg(ctx, actor, orgID)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.repo.OrgUsers(ctx, o.ID, maxMembers)
	if err != nil {
		return nil, nil, fmt.Errorf("members: %w", err)
	}
	invs, err := s.repo.PendingInvitations(ctx, o.ID, maxInvitations)
	if err != nil {
		return nil, nil, fmt.Errorf("members: %w", err)
	}
	members := make([]Member, 0, len(users))
	emails := make(map[string]bool, len(users))
	for _, u := range users {
		members = append(members, Member{UserID: u.ID, Name: u.Name, Email: u.Email, Owner: u.ID == o.OwnerID, Since: u.CreatedAt})
		emails[u.Email] = true
	}
	now := s.now()
	// An invitation whose invitee is already a member is left pending only by
	// a crash during its acceptance (see AcceptInvitation); it can no longer
	// be used, so it is not shown.
	invs = slices.DeleteFunc(invs, func(i Invitation) bool { return emails[i.Email] || !now.Before(i.ExpiresAt) })
	return members, invs, nil
}

// Invite invites email to join orgID and mails them a link valid
// InvitationTTL; the token is returned as well (for tests and for an admin
// to pass on by hand). Only the organisation's owner and admins may invite.
// The invitee will be an employer of a company or an adviser of an adviser
// organisation. Inviting an address with a pending invitation replaces it:
// the old link stops working. It does not say whether the address has an
// account (any company owner could otherwise probe addresses); accepting
// then answers that the address is taken, to its owner only.
//
// Errors: EUNAUTHORIZED; ENOTFOUND account.org_not_found for non-members;
// EFORBIDDEN account.owner_only for members who are not the owner; EINVALID
// (email); EUNAVAILABLE account.mail_failed when the invitation was saved
// but the e-mail not sent (the invitation and token are returned with it).
func (s *Service) Invite(ctx context.Context, orgID, email string) (Invitation, string, error) {
	actor, err := s.actor(ctx)
	if err != nil {
		return Invitation{}, "", err
	}
	o, err := s.visibleOrg(ctx, actor, orgID)
	if err != nil {
		return Invitation{}, "", err
	}
	if actor.Role != auth.RoleAdmin && o.OwnerID != actor.UserID {
		return Invitation{}, "", passerelle.Errorf(passerelle.EFORBIDDEN, "account.owner_only")
	}
	var f fieldErrors
	email = normalizeEmail(email)
	f.email("email", email)
	if err := f.err(); err != nil {
		return Invitation{}, "", err
	}
	inviter, err := s.repo.User(ctx, actor.UserID)
	if err != nil {
		return Invitation{}, "", fmt.Errorf("invite: %w", err)
	}
	return s.invite(ctx, o, email, inviter)
}

// invite saves an invitation and mails it in the inviter's language (the
// invitee's is unknown).
func (s *Service) invite(ctx context.Context, o Organisation, email string, inviter User) (Invitation, string, error) {
	token := auth.NewToken()
	now := s.now()
	inv, err := s.repo.SaveInvitation(ctx, Invitation{ID: newID(), OrgID: o.ID, Email: email, InvitedBy: inviter.ID,
		ExpiresAt: now.Add(s.o.InvitationTTL), CreatedAt: now}, auth.HashToken(token))
	if err != nil {
		return Invitation{}, "", fmt.Errorf("invite: %w", err)
	}
	err = s.send(ctx, inviter.Lang, email, "account.mail.invite.subject", []any{o.Name}, "account.mail.invite.body",
		inviter.Name, o.Name, s.link("/invitations/accept", token), days(s.o.InvitationTTL))
	if err != nil {
		s.log.ErrorContext(ctx, "account: invitation e-mail not sent", "invitation", inv.ID, "err", err)
		return inv, token, &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "account.mail_failed", Err: err}
	}
	return inv, token, nil
}

// pendingInvitation returns the pending invitation of token. Errors:
// ENOTFOUND account.invitation_invalid (unknown, accepted or replaced) or
// account.invitation_expired.
func (s *Service) pendingInvitation(ctx context.Context, token string) (Invitation, error) {
	if token == "" || len(token) > maxTokenLen {
		return Invitation{}, errInvitationGone()
	}
	inv, err := s.repo.InvitationByToken(ctx, auth.HashToken(token))
	if is(err, passerelle.ENOTFOUND) {
		return Invitation{}, errInvitationGone()
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("invitation: %w", err)
	}
	if !inv.AcceptedAt.IsZero() {
		return Invitation{}, errInvitationGone()
	}
	if !s.now().Before(inv.ExpiresAt) {
		return Invitation{}, passerelle.Errorf(passerelle.ENOTFOUND, "account.invitation_expired")
	}
	return inv, nil
}

// InvitationInfo returns a pending invitation and its organisation, for
// the acceptance page; anyone holding the token may see them. Errors:
// ENOTFOUND account.invitation_invalid or account.invitation_expired.
func (s *Service) InvitationInfo(ctx context.Context, token string) (Invitation, Organisation, error) {
	inv, err := s.pendingInvitation(ctx, token)
	if err != nil {
		return Invitation{}, Organisation{}, err
	}
	o, err := s.repo.Organisation(ctx, inv.OrgID)
	if is(err, passerelle.ENOTFOUND) {
		return Invitation{}, Organisation{}, errInvitationGone()
	}
	if err != nil {
		return Invitation{}, Organisation{}, fmt.Errorf("invitation: %w", err)
	}
	return inv, o, nil
}

// AcceptInvitation creates the invitee's account in the organisation, with
// the invitation's e-mail, confirmed (the link reached it). An invitation
// works once. The first invitee to accept into an organisation without an
// owner (an adviser organisation created by an admin) becomes its owner.
//
// Errors: ENOTFOUND account.invitation_invalid or
// account.invitation_expired; EINVALID (name, password, lang); ECONFLICT
// account.email_taken when the address has an account (only the address's
// owner receives the link, so saying so reveals nothing to anyone else).
//
// Without transactions, the writes come in this order:
//  1. the user: the unique e-mail index makes this the step that decides,
//     so that two concurrent acceptances cannot both succeed; and since the
//     invitation is for that e-mail, it can never be accepted again, even
//     if a crash prevents step 3;
//  2. the organisation's owner, if it has none, by a conditional update, so
//     that exactly one first member wins;
//  3. the invitation marked accepted, conditionally on its token, which
//     fails if it was replaced meanwhile: then steps 2 and 1 are undone;
//  4. the user's owner flag, a copy of step 2 for display.
//
// A crash after step 1 leaves a member and a pending invitation nobody can
// use (Members hides it); after step 2 or 3, a stale owner flag only (the
// organisation's OwnerID decides).
func (s *Service) AcceptInvitation(ctx context.Context, token string, in AcceptInvitation) (User, error) {
	inv, o, err := s.InvitationInfo(ctx, token)
	if err != nil {
		return User{}, err
	}
	var f fieldErrors
	name := f.name("name", in.Name)
	f.password("password", in.Password)
	lang := f.lang("lang", in.Lang)
	if err := f.err(); err != nil {
		return User{}, err
	}
	if _, err := s.repo.UserByEmail(ctx, inv.Email); err == nil {
		return User{}, errEmailTaken()
	} else if !is(err, passerelle.ENOTFOUND) {
		return User{}, fmt.Errorf("accept invitation: %w", err)
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, fmt.Errorf("accept invitation: %w", err)
	}
	now := s.now()
	u, err := s.repo.CreateUser(ctx, User{ID: newID(), Email: inv.Email, Name: name, Role: o.MemberRole(), OrgID: o.ID,
		PasswordHash: hash, Verified: true, Lang: lang, CreatedAt: now, UpdatedAt: now})
	if is(err, passerelle.ECONFLICT) {
		return User{}, errEmailTaken()
	}
	if err != nil {
		return User{}, fmt.Errorf("accept invitation: %w", err)
	}

	owner := false
	if o.OwnerID == "" {
		_, err := s.repo.ClaimOwnership(ctx, o.ID, u.ID, now)
		switch {
		case err == nil:
			owner = true
		case !is(err, passerelle.ECONFLICT): // ECONFLICT: someone else was first
			s.undoAccept(ctx, u, false)
			return User{}, fmt.Errorf("accept invitation: %w", err)
		}
	}
	if err := s.repo.MarkInvitationAccepted(ctx, inv.ID, auth.HashToken(token), now); err != nil {
		s.undoAccept(ctx, u, owner)
		if is(err, passerelle.ENOTFOUND) {
			return User{}, errInvitationGone()
		}
		return User{}, fmt.Errorf("accept invitation: %w", err)
	}
	if owner {
		saved, err := s.updateUser(ctx, u.ID, func(x *User) error {
			x.OrgOwner = true
			return nil
		})
		if err != nil {
			s.log.WarnContext(ctx, "account: owner flag not set", "user", u.ID, "org", o.ID, "err", err)
			u.OrgOwner = true
		} else {
			u = saved
		}
	}
	return u, nil
}

// undoAccept removes what a failed acceptance wrote, newest first.
func (s *Service) undoAccept(ctx context.Context, u User, owner bool) {
	if owner {
		s.cleanup(ctx, "undo ownership of a failed acceptance", func(ctx context.Context) error {
			return s.repo.ReleaseOwnership(ctx, u.OrgID, u.ID, s.now())
		})
	}
	s.cleanup(ctx, "undo user of a failed acceptance", func(ctx context.Context) error {
		return s.repo.DeleteUser(ctx, u.ID)
	})
}

// CreateAdviserOrganisation creates an adviser organisation (admins only)
// and invites its future owner, who becomes owner on accepting. It returns
// the invitation token too, for the admin to pass on if the e-mail does not
// arrive.
//
// Errors: EUNAUTHORIZED; EFORBIDDEN account.admin_only; EINVALID (name,
// adviserType, city, ownerEmail); EUNAVAILABLE account.mail_failed with the
// organisation and token when only the e-mail failed. If the invitation
// itself cannot be saved, the organisation is returned with the error and
// an admin can invite its owner with Invite.
func (s *Service) CreateAdviserOrganisation(ctx context.Context, name, adviserType, city, ownerEmail string) (Organisation, string, error) {
	actor, err := s.admin(ctx)
	if err != nil {
		return Organisation{}, "", err
	}
	var f fieldErrors
	name = f.text("name", "account.org_name", name, minOrgRunes, maxOrgRunes)
	if !slices.Contains(AdviserTypes(), adviserType) {
		f.add("adviserType", "account.adviser_type.invalid", "")
	}
	city = f.text("city", "account.city", city, 1, maxCityRunes)
	email := normalizeEmail(ownerEmail)
	f.email("ownerEmail", email)
	if err := f.err(); err != nil {
		return Organisation{}, "", err
	}
	inviter, err := s.repo.User(ctx, actor.UserID)
	if err != nil {
		return Organisation{}, "", fmt.Errorf("create adviser organisation: %w", err)
	}
	now := s.now()
	o, err := s.repo.CreateOrganisation(ctx, Organisation{ID: newID(), Kind: KindAdviser, Name: name, City: city,
		AdviserType: adviserType, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return Organisation{}, "", fmt.Errorf("create adviser organisation: %w", err)
	}
	_, token, err := s.invite(ctx, o, email, inviter)
	return o, token, err
}

// SetDisabled disables or re-enables an account (admins only). Either way
// the user's token version moves on, so every session and token ends on its
// next request; disabling also deletes them. An admin cannot disable
// themselves, so the platform always keeps the admin doing it. Errors:
// EUNAUTHORIZED; EFORBIDDEN account.admin_only or
// account.cannot_disable_self; ENOTFOUND account.user_not_found.
func (s *Service) SetDisabled(ctx context.Context, userID string, disabled bool) error {
	actor, err := s.admin(ctx)
	if err != nil {
		return err
	}
	if disabled && userID == actor.UserID {
		return passerelle.Errorf(passerelle.EFORBIDDEN, "account.cannot_disable_self")
	}
	_, err = s.updateUser(ctx, userID, func(u *User) error {
		u.Disabled = disabled
		u.TokenVersion++
		return nil
	})
	if is(err, passerelle.ENOTFOUND) {
		return passerelle.Errorf(passerelle.ENOTFOUND, "account.user_not_found")
	}
	if err != nil {
		return err
	}
	if disabled {
		s.endSessions(ctx, userID)
	}
	return nil
}

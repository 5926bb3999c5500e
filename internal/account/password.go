package account

import (
	"context"
	"fmt"

	"passerelle"
)

// ChangePassword changes the caller's password after checking the current
// one, and ends every session and token of the user, this one included (by
// bumping the token version): whoever may have learnt the old password is
// logged out on their next request. The HTTP layer starts a new session for
// the caller afterwards if it wants to keep them logged in.
//
// Guesses of the current password count against the account's login limit,
// so a stolen session cannot be used to brute-force the password. Errors:
// EUNAUTHORIZED without a caller; ETOOMANY; EINVALID with currentPassword
// (wrong) and newPassword (policy) field errors, both at once.
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	actor, err := s.actor(ctx)
	if err != nil {
		return err
	}
	u, err := s.repo.User(ctx, actor.UserID)
	if is(err, passerelle.ENOTFOUND) {
		return errLoginRequired()
	}
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	key := "acct:" + u.Email
	if ok, wait := s.acct.Allow(key); !ok {
		return tooMany(wait)
	}
	var f fieldErrors
	match, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !match {
		s.acct.Fail(key)
		f.add("currentPassword", "account.password.current_wrong", "")
	}
	f.password("newPassword", next)
	if err := f.err(); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	_, err = s.updateUser(ctx, u.ID, func(x *User) error {
		if x.Disabled {
			return errLoginRequired()
		}
		x.PasswordHash = hash
		x.TokenVersion++
		return nil
	})
	if err != nil {
		return err
	}
	s.endSessions(ctx, u.ID)
	// A reset link sent before the change would undo it.
	s.cleanup(ctx, "delete reset tokens", func(ctx context.Context) error {
		return s.repo.DeleteOneTimeTokens(ctx, u.ID, PurposeResetPassword)
	})
	return nil
}

// UpdateMe changes the caller's name and language; nothing else can change
// through it, whatever the request held. Errors: EUNAUTHORIZED; EINVALID
// (name, lang).
func (s *Service) UpdateMe(ctx context.Context, in UpdateMe) (User, error) {
	actor, err := s.actor(ctx)
	if err != nil {
		return User{}, err
	}
	var f fieldErrors
	var name, lang string
	if in.Name != nil {
		name = f.name("name", *in.Name)
	}
	if in.Lang != nil {
		if *in.Lang == "" {
			f.add("lang", "account.lang.invalid", "")
		} else {
			lang = f.lang("lang", *in.Lang)
		}
	}
	if err := f.err(); err != nil {
		return User{}, err
	}
	u, err := s.updateUser(ctx, actor.UserID, func(u *User) error {
		if in.Name != nil {
			u.Name = name
		}
		if in.Lang != nil {
			u.Lang = lang
		}
		return nil
	})
	if is(err, passerelle.ENOTFOUND) {
		return User{}, errLoginRequired()
	}
	return u, err
}

// RequestPasswordReset mails a reset link valid ResetTTL to the address if
// it has an enabled account, and returns nil either way, so that the form
// does not tell who is registered. Errors: EINVALID (email) for a malformed
// address only.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	var f fieldErrors
	email = normalizeEmail(email)
	f.email("email", email)
	if err := f.err(); err != nil {
		return err
	}
	u, err := s.repo.UserByEmail(ctx, email)
	if is(err, passerelle.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("request password reset: %w", err)
	}
	if u.Disabled {
		return nil
	}
	token, err := s.newOneTimeToken(ctx, u.ID, PurposeResetPassword, s.o.ResetTTL)
	if err == nil {
		err = s.send(ctx, u.Lang, u.Email, "account.mail.reset.subject", nil, "account.mail.reset.body",
			u.Name, s.link("/password/reset", token), minutes(s.o.ResetTTL))
	}
	if err != nil {
		// Logged, not returned: an error only for existing accounts would
		// answer the question this function refuses to answer.
		s.log.ErrorContext(ctx, "account: reset e-mail not sent", "user", u.ID, "err", err)
	}
	return nil
}

// ResetPassword sets a new password with the token of a reset link. The
// token works once and expires; the reset ends every session and token of
// the user, clears the login throttle of the account, and confirms the
// address (the link reached it). The password is checked before the token
// is spent, so a refused password does not burn the link. Errors: EINVALID
// (password); ENOTFOUND account.link_invalid or account.link_expired.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	var f fieldErrors
	f.password("password", newPassword)
	if err := f.err(); err != nil {
		return err
	}
	t, err := s.consume(ctx, PurposeResetPassword, token)
	if err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	u, err := s.updateUser(ctx, t.UserID, func(u *User) error {
		if u.Disabled {
			return errLinkInvalid()
		}
		u.PasswordHash = hash
		u.TokenVersion++
		u.Verified = true
		return nil
	})
	if is(err, passerelle.ENOTFOUND) {
		return errLinkInvalid()
	}
	if err != nil {
		return err
	}
	s.acct.Reset("acct:" + u.Email)
	s.endSessions(ctx, u.ID)
	s.cleanup(ctx, "delete other reset tokens", func(ctx context.Context) error {
		return s.repo.DeleteOneTimeTokens(ctx, u.ID, PurposeResetPassword)
	})
	return nil
}

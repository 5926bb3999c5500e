package account

import (
	"context"
	"fmt"
	"time"

	"passerelle"
	"passerelle/internal/auth"
)

// RegisterCandidate creates a candidate account and sends the address a
// verification link. It returns nil whether or not the e-mail already has an
// account, so that the form cannot be used to find out who is registered:
// an existing address receives an e-mail saying someone tried to register
// with it instead. Errors: EINVALID listing every invalid field (email,
// password, name, lang).
func (s *Service) RegisterCandidate(ctx context.Context, in RegisterCandidate) error {
	var f fieldErrors
	email := normalizeEmail(in.Email)
	f.email("email", email)
	f.password("password", in.Password)
	name := f.name("name", in.Name)
	lang := f.lang("lang", in.Lang)
	if err := f.err(); err != nil {
		return err
	}
	u := User{Email: email, Name: name, Role: auth.RoleCandidate, Lang: lang}
	return s.register(ctx, u, in.Password, nil)
}

// RegisterEmployer creates an employer account with its company, the
// employer being the company's owner. Like RegisterCandidate, it does not
// reveal whether the e-mail has an account. Errors: EINVALID listing every
// invalid field (email, password, name, lang, company.name, company.siren,
// company.city); ECONFLICT account.company_exists when the SIREN is
// registered (companies are public, so saying so leaks nothing; the message
// tells the person to ask a member for an invitation).
func (s *Service) RegisterEmployer(ctx context.Context, in RegisterEmployer) error {
	var f fieldErrors
	email := normalizeEmail(in.Email)
	f.email("email", email)
	f.password("password", in.Password)
	name := f.name("name", in.Name)
	lang := f.lang("lang", in.Lang)
	company := f.text("company.name", "account.company_name", in.CompanyName, minOrgRunes, maxOrgRunes)
	siren := f.siren("company.siren", in.SIREN)
	city := f.text("company.city", "account.city", in.City, 1, maxCityRunes)
	if err := f.err(); err != nil {
		return err
	}
	u := User{Email: email, Name: name, Role: auth.RoleEmployer, Lang: lang, OrgOwner: true}
	org := Organisation{Kind: KindCompany, Name: company, SIREN: siren, City: city}
	return s.register(ctx, u, in.Password, &org)
}

// register creates u (and org, when not nil) unless the e-mail is taken.
//
// Both outcomes hash the password and send one e-mail, so they take about
// the same time and answer the same.
//
// Without transactions, the writes are ordered so that any prefix of them
// breaks no rule: the organisation (with its SIREN claim) first, naming its
// future owner; the user last. The user is what makes the account exist, and
// it only ever points to an organisation already written. A crash after the
// organisation leaves an organisation without members that nobody can reach;
// the store treats its SIREN as free once a grace period has passed (see
// Repository.SIRENTaken) and deletes it when the SIREN is registered again.
// A failure after the organisation is compensated by deleting it.
func (s *Service) register(ctx context.Context, u User, password string, org *Organisation) error {
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	now := s.now()
	if org != nil {
		// Checked before the e-mail so that the answer does not depend on
		// whether the e-mail exists; CreateOrganisation enforces it.
		taken, err := s.repo.SIRENTaken(ctx, org.SIREN, now)
		if err != nil {
			return fmt.Errorf("register: %w", err)
		}
		if taken {
			return errCompanyExists()
		}
	}
	existing, err := s.repo.UserByEmail(ctx, u.Email)
	switch {
	case err == nil:
		s.notifyExisting(ctx, existing)
		return nil
	case !is(err, passerelle.ENOTFOUND):
		return fmt.Errorf("register: %w", err)
	}

	u.ID, u.PasswordHash, u.CreatedAt, u.UpdatedAt = newID(), hash, now, now
	if org != nil {
		org.ID, org.OwnerID, org.CreatedAt, org.UpdatedAt = newID(), u.ID, now, now
		if _, err := s.repo.CreateOrganisation(ctx, *org); err != nil {
			if is(err, passerelle.ECONFLICT) {
				return errCompanyExists()
			}
			return fmt.Errorf("register: %w", err)
		}
		u.OrgID = org.ID
	}
	created, err := s.repo.CreateUser(ctx, u)
	if err != nil {
		if org != nil {
			s.cleanup(ctx, "undo organisation of a failed registration", func(ctx context.Context) error {
				return s.repo.DeleteOrganisation(ctx, *org)
			})
		}
		if !is(err, passerelle.ECONFLICT) {
			return fmt.Errorf("register: %w", err)
		}
		// Another registration of the same address won the race: answer as
		// for any existing address.
		if existing, err := s.repo.UserByEmail(ctx, u.Email); err == nil {
			s.notifyExisting(ctx, existing)
		}
		return nil
	}
	s.sendVerification(ctx, created)
	return nil
}

// sendVerification mails a new address verification link. Failures are
// logged, not returned: returning them would make registration answer
// differently for new addresses. The person can still get a link by logging
// in (Authenticate sends a new one) or verify through a password reset.
func (s *Service) sendVerification(ctx context.Context, u User) {
	token, err := s.newOneTimeToken(ctx, u.ID, PurposeVerifyEmail, s.o.VerifyTTL)
	if err == nil {
		err = s.send(ctx, u.Lang, u.Email, "account.mail.verify.subject", nil, "account.mail.verify.body",
			u.Name, s.link("/verify", token), days(s.o.VerifyTTL))
	}
	if err != nil {
		s.log.ErrorContext(ctx, "account: verification e-mail not sent", "user", u.ID, "err", err)
	}
}

// notifyExisting tells the owner of an address that someone tried to
// register with it, with a password reset link in case it was them and they
// forgot. Disabled accounts get nothing: they cannot reset. Failures are
// logged for the same reason as in sendVerification.
func (s *Service) notifyExisting(ctx context.Context, u User) {
	if u.Disabled {
		return
	}
	token, err := s.newOneTimeToken(ctx, u.ID, PurposeResetPassword, s.o.ResetTTL)
	if err == nil {
		err = s.send(ctx, u.Lang, u.Email, "account.mail.exists.subject", nil, "account.mail.exists.body",
			u.Name, s.link("/password/reset", token), minutes(s.o.ResetTTL))
	}
	if err != nil {
		s.log.ErrorContext(ctx, "account: existing-account e-mail not sent", "user", u.ID, "err", err)
	}
}

// newOneTimeToken stores a new e-mail link token and returns it.
func (s *Service) newOneTimeToken(ctx context.Context, userID string, p Purpose, ttl time.Duration) (string, error) {
	token := auth.NewToken()
	now := s.now()
	err := s.repo.CreateOneTimeToken(ctx, OneTimeToken{Hash: auth.HashToken(token), Purpose: p, UserID: userID, ExpiresAt: now.Add(ttl), CreatedAt: now})
	if err != nil {
		return "", fmt.Errorf("create %s token: %w", p, err)
	}
	return token, nil
}

// consume spends a one-time token: unknown, used, and expired tokens fail
// (ENOTFOUND account.link_invalid or account.link_expired). The token is
// deleted before its expiry is looked at, so it never works twice.
func (s *Service) consume(ctx context.Context, p Purpose, token string) (OneTimeToken, error) {
	if token == "" || len(token) > maxTokenLen {
		return OneTimeToken{}, errLinkInvalid()
	}
	t, err := s.repo.ConsumeOneTimeToken(ctx, p, auth.HashToken(token))
	if is(err, passerelle.ENOTFOUND) {
		return OneTimeToken{}, errLinkInvalid()
	}
	if err != nil {
		return OneTimeToken{}, fmt.Errorf("consume %s token: %w", p, err)
	}
	if !s.now().Before(t.ExpiresAt) {
		return OneTimeToken{}, errLinkExpired()
	}
	return t, nil
}

// VerifyEmail confirms an address with the token of a verification link.
// Errors: ENOTFOUND account.link_invalid (unknown or used) or
// account.link_expired.
func (s *Service) VerifyEmail(ctx context.Context, token string) error {
	t, err := s.consume(ctx, PurposeVerifyEmail, token)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, t.UserID, func(u *User) error {
		u.Verified = true
		return nil
	})
	if is(err, passerelle.ENOTFOUND) {
		return errLinkInvalid()
	}
	return err
}

// CreateAdmin creates a platform administrator, verified. It checks no
// caller: it is for the command line (the first admin has nobody to be
// created by) and must not be reachable over HTTP. Errors: EINVALID;
// ECONFLICT account.email_taken.
func (s *Service) CreateAdmin(ctx context.Context, email, password, name string) (User, error) {
	var f fieldErrors
	email = normalizeEmail(email)
	f.email("email", email)
	f.password("password", password)
	name = f.name("name", name)
	if err := f.err(); err != nil {
		return User{}, err
	}
	if _, err := s.repo.UserByEmail(ctx, email); err == nil {
		return User{}, errEmailTaken()
	} else if !is(err, passerelle.ENOTFOUND) {
		return User{}, fmt.Errorf("create admin: %w", err)
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return User{}, fmt.Errorf("create admin: %w", err)
	}
	now := s.now()
	u, err := s.repo.CreateUser(ctx, User{ID: newID(), Email: email, Name: name, Role: auth.RoleAdmin, PasswordHash: hash,
		Verified: true, Lang: defaultLang, CreatedAt: now, UpdatedAt: now})
	if is(err, passerelle.ECONFLICT) {
		return User{}, errEmailTaken()
	}
	if err != nil {
		return User{}, fmt.Errorf("create admin: %w", err)
	}
	return u, nil
}

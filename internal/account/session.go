package account

import (
	"context"
	"fmt"
	"time"

	"passerelle"
	"passerelle/internal/auth"
)

// Authenticate checks an e-mail and password, throttled per account and per
// client address (clientAddr, as the HTTP layer resolved it behind trusted
// proxies).
//
// An unknown e-mail, a wrong password and a disabled account give the same
// error (EUNAUTHORIZED account.invalid_credentials) at the same cost (one
// argon2id verification), so that neither the answer nor its timing tells
// which e-mails have an account. Past the limits it answers ETOOMANY
// account.too_many_attempts with the delay in seconds as Args[0], without
// checking the password (a correct password is refused too: otherwise the
// limit would not stop guessing). An unverified account with the right
// password gets EFORBIDDEN account.email_not_verified and a new
// verification link (unless Options.AllowUnverifiedLogin): saying so
// reveals nothing to someone who does not hold the password.
func (s *Service) Authenticate(ctx context.Context, email, password, clientAddr string) (User, error) {
	email = normalizeEmail(email)
	acctKey, addrKey := "acct:"+email, "ip:"+clientAddr
	okA, waitA := s.acct.Allow(acctKey)
	okB, waitB := s.addr.Allow(addrKey)
	if !okA || !okB {
		return User{}, tooMany(max(waitA, waitB))
	}
	fail := func() (User, error) {
		s.acct.Fail(acctKey)
		s.addr.Fail(addrKey)
		return User{}, errInvalidCredentials()
	}

	// A malformed address cannot be stored: it is unknown without a lookup.
	var u User
	found := false
	if validEmail(email) {
		var err error
		u, err = s.repo.UserByEmail(ctx, email)
		switch {
		case err == nil:
			found = true
		case !is(err, passerelle.ENOTFOUND):
			return User{}, fmt.Errorf("authenticate: %w", err)
		}
	}
	if !found {
		if err := s.hasher.VerifyDummy(ctx, password); err != nil {
			return User{}, fmt.Errorf("authenticate: %w", err)
		}
		return fail()
	}
	match, err := s.hasher.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	// Disabled is checked after the verification so that it costs the same.
	if !match || u.Disabled {
		return fail()
	}
	s.acct.Reset(acctKey)
	if s.hasher.NeedsRehash(u.PasswordHash) {
		u = s.rehash(ctx, u, password)
	}
	if !u.Verified && !s.o.AllowUnverifiedLogin {
		s.sendVerification(ctx, u)
		return User{}, passerelle.Errorf(passerelle.EFORBIDDEN, "account.email_not_verified")
	}
	return u, nil
}

// rehash stores the password hashed with the current parameters, so raised
// costs reach existing accounts without a reset. It is best effort: on
// failure the old hash still works and the next login tries again.
func (s *Service) rehash(ctx context.Context, u User, password string) User {
	hash, err := s.hasher.Hash(ctx, password)
	if err == nil {
		old := u.PasswordHash
		var saved User
		saved, err = s.updateUser(ctx, u.ID, func(x *User) error {
			if x.PasswordHash != old {
				return nil // changed meanwhile: keep the newer password
			}
			x.PasswordHash = hash
			return nil
		})
		if err == nil {
			return saved
		}
	}
	s.log.WarnContext(ctx, "account: password rehash failed", "user", u.ID, "err", err)
	return u
}

// StartAPISession starts an API session for u (just authenticated): a new
// refresh-token family and an access token whose "sid" is that family.
// Errors: EUNAUTHORIZED account.session_invalid if the account is gone or
// disabled meanwhile.
func (s *Service) StartAPISession(ctx context.Context, u User) (Tokens, error) {
	// Re-read: the token must carry the stored version, role and organisation.
	cur, err := s.repo.User(ctx, u.ID)
	if is(err, passerelle.ENOTFOUND) || (err == nil && cur.Disabled) {
		return Tokens{}, errSession()
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("start api session: %w", err)
	}
	now := s.now()
	return s.issueTokens(ctx, cur, auth.NewRefreshFamily(), now, now)
}

// issueTokens stores a new refresh token of family and returns it with an
// access token. The refresh token lives RefreshTTL from now (a sliding
// window for active clients) but never beyond RefreshMaxAge after login.
func (s *Service) issueTokens(ctx context.Context, u User, family string, familyStart, now time.Time) (Tokens, error) {
	exp := now.Add(s.o.RefreshTTL)
	if limit := familyStart.Add(s.o.RefreshMaxAge); limit.Before(exp) {
		exp = limit
	}
	if !now.Before(exp) {
		return Tokens{}, errSession()
	}
	refresh, rec, err := auth.IssueRefresh(u.ID, family, exp)
	if err != nil {
		return Tokens{}, fmt.Errorf("issue tokens: %w", err)
	}
	err = s.repo.CreateRefreshToken(ctx, RefreshToken{Hash: rec.Hash, Family: family, UserID: u.ID, TokenVersion: u.TokenVersion,
		FamilyStartedAt: familyStart, ExpiresAt: exp, CreatedAt: now})
	if err != nil {
		return Tokens{}, fmt.Errorf("issue tokens: %w", err)
	}
	access, _, err := s.tokens.Issue(u.Identity(family))
	if err != nil {
		return Tokens{}, fmt.Errorf("issue tokens: %w", err)
	}
	return Tokens{Access: access, Refresh: refresh, ExpiresIn: int(s.tokens.TTL().Seconds())}, nil
}

// RefreshAPISession exchanges a refresh token for new tokens, following
// auth.DecideRefresh: each token works once. Presenting a token that was
// already exchanged means two parties hold the family, one of them a thief:
// the whole family is revoked (its newest token and its access tokens stop
// working too) and the answer is EUNAUTHORIZED account.session_invalid, as
// for unknown, expired and revoked tokens, and for a user disabled or whose
// password changed since login.
func (s *Service) RefreshAPISession(ctx context.Context, refresh string) (Tokens, error) {
	if refresh == "" || len(refresh) > maxTokenLen {
		return Tokens{}, errSession()
	}
	rec, err := s.repo.RefreshToken(ctx, auth.HashToken(refresh))
	if is(err, passerelle.ENOTFOUND) {
		return Tokens{}, errSession()
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("refresh: %w", err)
	}
	now := s.now()
	switch auth.DecideRefresh(rec.record(), now) {
	case auth.RefreshRotate:
		// The conditional update is the decision: of two requests racing
		// with one token, exactly one rotates and the other is reuse.
		used, err := s.repo.UseRefreshToken(ctx, rec.Hash, now)
		if err != nil {
			return Tokens{}, fmt.Errorf("refresh: %w", err)
		}
		if !used {
			return Tokens{}, s.revokeFamily(ctx, rec, "refresh token reused concurrently")
		}
	case auth.RefreshReuseDetected:
		return Tokens{}, s.revokeFamily(ctx, rec, "refresh token reused")
	default: // expired, revoked
		return Tokens{}, errSession()
	}
	u, err := s.repo.User(ctx, rec.UserID)
	if is(err, passerelle.ENOTFOUND) {
		return Tokens{}, errSession()
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("refresh: %w", err)
	}
	if u.Disabled || u.TokenVersion != rec.TokenVersion || u.sessionRevoked(rec.Family) {
		return Tokens{}, errSession()
	}
	// Marking the old token used came first: a crash here ends the family
	// (the client logs in again), it can never leave two live tokens.
	return s.issueTokens(ctx, u, rec.Family, rec.FamilyStartedAt, now)
}

// revokeFamily ends a refresh family after reuse: its records, and its
// access tokens through the user's revoked sessions. It returns the error
// to answer.
func (s *Service) revokeFamily(ctx context.Context, rec RefreshToken, why string) error {
	s.log.WarnContext(ctx, "account: "+why+"; family revoked", "user", rec.UserID, "family", rec.Family)
	now := s.now()
	if err := s.repo.RevokeRefreshFamily(context.WithoutCancel(ctx), rec.UserID, rec.Family, now); err != nil {
		return fmt.Errorf("revoke refresh family: %w", err)
	}
	if err := s.revokeSession(context.WithoutCancel(ctx), rec.UserID, rec.Family); err != nil && !is(err, passerelle.ENOTFOUND) {
		return fmt.Errorf("revoke refresh family: %w", err)
	}
	return errSession()
}

// revokeSession records sid in the user's revoked sessions until its access
// tokens have expired, pruning entries that have.
func (s *Service) revokeSession(ctx context.Context, userID, sid string) error {
	now := s.now()
	until := now.Add(s.tokens.TTL() + auth.AccessLeeway)
	_, err := s.updateUser(ctx, userID, func(u *User) error {
		kept := make([]RevokedSession, 0, len(u.RevokedSessions)+1)
		for _, r := range u.RevokedSessions {
			if r.Until.After(now) && r.ID != sid {
				kept = append(kept, r)
			}
		}
		kept = append(kept, RevokedSession{ID: sid, Until: until})
		if len(kept) > maxRevokedSessions {
			// The document must stay small; ending every session of this
			// user is the safe way to forget the list.
			u.TokenVersion++
			kept = nil
		}
		u.RevokedSessions = kept
		return nil
	})
	return err
}

// StartBrowserSession starts a browser session for u (just authenticated)
// and returns the token for the cookie, which is not stored anywhere. A new
// token at each login defeats session fixation.
func (s *Service) StartBrowserSession(ctx context.Context, u User) (string, Session, error) {
	cur, err := s.repo.User(ctx, u.ID)
	if is(err, passerelle.ENOTFOUND) || (err == nil && cur.Disabled) {
		return "", Session{}, errSession()
	}
	if err != nil {
		return "", Session{}, fmt.Errorf("start browser session: %w", err)
	}
	token := auth.NewToken()
	now := s.now()
	sess := Session{ID: auth.HashToken(token), UserID: cur.ID, TokenVersion: cur.TokenVersion,
		CreatedAt: now, ExpiresAt: now.Add(s.o.SessionTTL), LastSeenAt: now}
	if err := s.repo.CreateSession(ctx, sess); err != nil {
		return "", Session{}, fmt.Errorf("start browser session: %w", err)
	}
	return token, sess, nil
}

// BrowserSession returns the user and session of a session cookie.
// Unknown, expired and ended sessions, disabled users and users whose token
// version moved on (password change, reset, disabling) give EUNAUTHORIZED
// account.session_invalid.
func (s *Service) BrowserSession(ctx context.Context, cookieToken string) (User, Session, error) {
	if cookieToken == "" || len(cookieToken) > maxTokenLen {
		return User{}, Session{}, errSession()
	}
	sess, err := s.repo.Session(ctx, auth.HashToken(cookieToken))
	if is(err, passerelle.ENOTFOUND) {
		return User{}, Session{}, errSession()
	}
	if err != nil {
		return User{}, Session{}, fmt.Errorf("browser session: %w", err)
	}
	now := s.now()
	drop := func() (User, Session, error) {
		s.cleanup(ctx, "delete dead browser session", func(ctx context.Context) error {
			return s.repo.DeleteSession(ctx, sess.UserID, sess.ID)
		})
		return User{}, Session{}, errSession()
	}
	if !now.Before(sess.ExpiresAt) {
		return drop()
	}
	u, err := s.repo.User(ctx, sess.UserID)
	if is(err, passerelle.ENOTFOUND) {
		return drop()
	}
	if err != nil {
		return User{}, Session{}, fmt.Errorf("browser session: %w", err)
	}
	if u.Disabled || u.TokenVersion != sess.TokenVersion || u.sessionRevoked(sess.ID) {
		return drop()
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		s.cleanup(ctx, "touch browser session", func(ctx context.Context) error {
			return s.repo.TouchSession(ctx, sess.ID, now)
		})
		sess.LastSeenAt = now
	}
	return u, sess, nil
}

// Identify checks verified access-token claims against the stored user; the
// API middleware calls it on every request. The user must exist, be
// enabled, have the token's version, role and organisation, and the token's
// session must not have been logged out. Errors: EUNAUTHORIZED
// account.session_invalid.
func (s *Service) Identify(ctx context.Context, c auth.Claims) (User, error) {
	u, err := s.repo.User(ctx, c.UserID)
	if is(err, passerelle.ENOTFOUND) {
		return User{}, errSession()
	}
	if err != nil {
		return User{}, fmt.Errorf("identify: %w", err)
	}
	if u.Disabled || u.TokenVersion != c.Version || u.Role != c.Role || u.OrgID != c.OrgID || u.sessionRevoked(c.SessionID) {
		return User{}, errSession()
	}
	return u, nil
}

// Logout ends the actor's current session only: its refresh family (API) or
// its browser session, and its access tokens through the user's revoked
// sessions. Both kinds are ended by the session id alone (the ids cannot
// collide: families are 22 characters, session ids 64), so the caller need
// not say which it is. Errors: EUNAUTHORIZED without an identity.
func (s *Service) Logout(ctx context.Context, actor auth.Identity) error {
	if actor.UserID == "" || actor.SessionID == "" {
		return errLoginRequired()
	}
	// The session may be half-ended when the client goes away; finish.
	ctx = context.WithoutCancel(ctx)
	now := s.now()
	if err := s.repo.RevokeRefreshFamily(ctx, actor.UserID, actor.SessionID, now); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := s.repo.DeleteSession(ctx, actor.UserID, actor.SessionID); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := s.revokeSession(ctx, actor.UserID, actor.SessionID); err != nil && !is(err, passerelle.ENOTFOUND) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

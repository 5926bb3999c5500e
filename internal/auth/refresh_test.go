package auth

import (
	"testing"
	"time"
)

func TestDecideRefresh(t *testing.T) {
	now := newFakeClock().Now()
	tests := []struct {
		name string
		rec  RefreshRecord
		want RefreshDecision
	}{
		{"fresh", RefreshRecord{ExpiresAt: now.Add(time.Hour)}, RefreshRotate},
		{"one ns before expiry", RefreshRecord{ExpiresAt: now.Add(time.Nanosecond)}, RefreshRotate},
		{"at expiry", RefreshRecord{ExpiresAt: now}, RefreshExpired},
		{"expired", RefreshRecord{ExpiresAt: now.Add(-time.Hour)}, RefreshExpired},
		{"used", RefreshRecord{ExpiresAt: now.Add(time.Hour), UsedAt: now.Add(-time.Minute)}, RefreshReuseDetected},
		{"used and expired", RefreshRecord{ExpiresAt: now.Add(-time.Hour), UsedAt: now.Add(-2 * time.Hour)}, RefreshReuseDetected},
		{"revoked", RefreshRecord{ExpiresAt: now.Add(time.Hour), Revoked: true}, RefreshRevoked},
		{"revoked and used", RefreshRecord{ExpiresAt: now.Add(time.Hour), UsedAt: now, Revoked: true}, RefreshRevoked},
		{"revoked and expired", RefreshRecord{ExpiresAt: now.Add(-time.Hour), Revoked: true}, RefreshRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecideRefresh(tt.rec, now); got != tt.want {
				t.Errorf("DecideRefresh = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRefreshDecisionString(t *testing.T) {
	tests := []struct {
		d    RefreshDecision
		want string
	}{
		{RefreshRotate, "rotate"},
		{RefreshReuseDetected, "reuse_detected"},
		{RefreshExpired, "expired"},
		{RefreshRevoked, "revoked"},
		{0, "RefreshDecision(0)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIssueRefresh(t *testing.T) {
	exp := newFakeClock().Now().Add(30 * 24 * time.Hour)
	fam := NewRefreshFamily()
	tok, rec, err := IssueRefresh("u-1", fam, exp)
	if err != nil {
		t.Fatal(err)
	}
	if !b64urlPattern.MatchString(tok) {
		t.Errorf("token %q is not a NewToken", tok)
	}
	want := RefreshRecord{Hash: HashToken(tok), Family: fam, UserID: "u-1", ExpiresAt: exp}
	if rec != want {
		t.Errorf("record = %+v, want %+v", rec, want)
	}
	if rec.Hash == tok {
		t.Error("record holds the token itself")
	}
	for _, args := range [][2]string{{"", fam}, {"u-1", ""}} {
		if _, _, err := IssueRefresh(args[0], args[1], exp); err == nil {
			t.Errorf("IssueRefresh(%q, %q) succeeded, want an error", args[0], args[1])
		}
	}
	if NewRefreshFamily() == fam {
		t.Error("NewRefreshFamily repeated an id")
	}
}

// memRefreshStore is a hand-written fake of the store side of the rotation
// protocol, to check that the pure pieces compose into the intended flow.
type memRefreshStore struct{ byHash map[string]*RefreshRecord }

func (s *memRefreshStore) insert(r RefreshRecord) { s.byHash[r.Hash] = &r }

func (s *memRefreshStore) revokeFamily(family string) {
	for _, r := range s.byHash {
		if r.Family == family {
			r.Revoked = true
		}
	}
}

// refresh follows the protocol documented on RefreshRecord.
func (s *memRefreshStore) refresh(tb testing.TB, presented string, now time.Time) (string, RefreshDecision) {
	tb.Helper()
	r, ok := s.byHash[HashToken(presented)]
	if !ok {
		return "", 0
	}
	d := DecideRefresh(*r, now)
	switch d {
	case RefreshRotate:
		r.UsedAt = now
		tok, next, err := IssueRefresh(r.UserID, r.Family, now.Add(time.Hour))
		if err != nil {
			tb.Fatal(err)
		}
		s.insert(next)
		return tok, d
	case RefreshReuseDetected:
		s.revokeFamily(r.Family)
	}
	return "", d
}

func TestRefreshRotationFlow(t *testing.T) {
	clock := newFakeClock()
	s := &memRefreshStore{byHash: map[string]*RefreshRecord{}}
	fam := NewRefreshFamily()
	t0, rec, err := IssueRefresh("u-1", fam, clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s.insert(rec)
	_, other, _ := IssueRefresh("u-1", NewRefreshFamily(), clock.Now().Add(time.Hour))
	s.insert(other)

	clock.Advance(time.Minute)
	t1, d := s.refresh(t, t0, clock.Now())
	if d != RefreshRotate || t1 == "" {
		t.Fatalf("first use: %v, want rotate", d)
	}
	clock.Advance(time.Minute)
	t2, d := s.refresh(t, t1, clock.Now())
	if d != RefreshRotate {
		t.Fatalf("second use: %v, want rotate", d)
	}

	// A thief replays t0: the whole family dies, including the user's t2.
	if _, d := s.refresh(t, t0, clock.Now()); d != RefreshReuseDetected {
		t.Fatalf("replay of used token: %v, want reuse_detected", d)
	}
	if _, d := s.refresh(t, t2, clock.Now()); d != RefreshRevoked {
		t.Fatalf("latest token after reuse: %v, want revoked", d)
	}
	// Other families (other devices) are untouched.
	if s.byHash[other.Hash].Revoked {
		t.Error("reuse in one family revoked another family")
	}
	if _, d := s.refresh(t, "never-issued", clock.Now()); d != 0 {
		t.Errorf("unknown token: %v, want not found", d)
	}
}

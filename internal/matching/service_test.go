package matching

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/candidate"
	"passerelle/internal/match"
	"passerelle/internal/offer"
)

// bruteForce answers the engine queries for every offer and every profile
// by scoring every pair of the store's documents (match.ScoreAll), with no
// index: the reference the index must equal.
type bruteForce struct {
	profiles []match.Profile
	offers   map[string]match.Offer
	rel      match.Relations
}

func (w *world) bruteForce(rel match.Relations) bruteForce {
	ps, os := w.storeContents()
	b := bruteForce{offers: map[string]match.Offer{}, rel: rel}
	for _, p := range ps {
		b.profiles = append(b.profiles, p.MatchProfile())
	}
	for _, o := range os {
		b.offers[o.ID] = o.MatchOffer()
	}
	return b
}

func (b bruteForce) candidates(t *testing.T, offerID string, q match.Query) (match.Page, error) {
	return match.ScoreAll(context.Background(), slices.Values(b.profiles), b.offers[offerID], b.rel, match.DefaultWeights, q)
}

func (b bruteForce) offersFor(t *testing.T, profileID string, q match.Query) (match.Page, error) {
	var p match.Profile
	for _, x := range b.profiles {
		if x.ID == profileID {
			p = x
		}
	}
	var all []match.Offer
	for _, id := range slices.Sorted(mapKeys(b.offers)) {
		all = append(all, b.offers[id])
	}
	return match.ScoreAllOffers(context.Background(), slices.Values(all), p, b.rel, match.DefaultWeights, q)
}

func mapKeys[V any](m map[string]V) iter.Seq[string] {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// sameAnswers compares, for every offer and every profile of the store, the
// index of svc with the brute-force recomputation from the store.
func sameAnswers(t *testing.T, what string, svc *Service, b bruteForce) (pairs int) {
	t.Helper()
	ctx := context.Background()
	for id := range b.offers {
		for _, q := range engineQueries {
			got, gerr := svc.ix.CandidatesForOffer(ctx, id, q)
			want, werr := b.candidates(t, id, q)
			if (gerr == nil) != (werr == nil) || (gerr != nil && !errorsIs(gerr, match.ErrOfferClosed)) {
				t.Fatalf("%s: candidates for %s: error %v, brute force %v", what, id, gerr, werr)
			}
			samePage(t, fmt.Sprintf("%s: candidates for offer %s %+v", what, id, q), got, want)
			pairs += len(got.Results)
		}
	}
	for _, p := range b.profiles {
		for _, q := range []match.Query{{}, {K: 2, Offset: 1}} {
			got, gerr := svc.ix.OffersForCandidate(ctx, p.ID, q)
			want, werr := b.offersFor(t, p.ID, q)
			if gerr != nil || werr != nil {
				t.Fatalf("%s: offers for %s: error %v, brute force %v", what, p.ID, gerr, werr)
			}
			samePage(t, fmt.Sprintf("%s: offers for %s %+v", what, p.ID, q), got, want)
			pairs += len(got.Results)
		}
	}
	return pairs
}

func TestBuildEqualsBruteForce(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		w.newCandidate(r, i, w.profiles)
	}
	for i := range 12 {
		w.newOffer(r, w.offers, pick(r, []context.Context{employerA, employerB}), i%6 == 5)
	}
	// Close two offers: they must answer "closed", never a list.
	_, os := w.storeContents()
	for _, o := range os[:2] {
		if o.Status == offer.StatusPublished {
			if _, err := w.offers.Close(pick(r, []context.Context{employerA, employerB}), o.ID, offer.CloseFilled, ""); err != nil && code(err) != passerelle.EFORBIDDEN {
				t.Fatal(err)
			}
		}
	}
	built := w.fresh()
	if pairs := sameAnswers(t, "fresh build", built, w.bruteForce(built.rel)); pairs == 0 {
		t.Fatal("no pair scored above zero: the world is too sparse to test anything")
	}
}

// TestIndexFollowsWrites drives random writes through the services and
// checks that the index they fed answers exactly what a fresh build from the
// store answers, and what brute force answers.
func TestIndexFollowsWrites(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(3, 4))
	var cands, offers []string
	members := map[string]context.Context{}
	for step := range 160 {
		switch op := r.IntN(10); {
		case op < 3 || len(cands) == 0:
			cands = append(cands, w.newCandidate(r, step, w.profiles))
		case op < 5 || len(offers) == 0:
			m := pick(r, []context.Context{employerA, employerB})
			id := w.newOffer(r, w.offers, m, r.IntN(5) == 0)
			offers = append(offers, id)
			members[id] = m
		case op < 7:
			// Rewrite a profile: new skills, place, visibility, consent.
			id := pick(r, cands)
			cur, err := w.profiles.Get(candidateCtx(id), id)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.profiles.Update(candidateCtx(id), id, w.randomProfile(r, cur.DisplayName), cur.Revision); err != nil {
				t.Fatal(err)
			}
		case op < 8:
			// Caseload changes, and the "deletions" the services offer:
			// hiding a profile or withdrawing consent takes it out of
			// every list.
			id := pick(r, cands)
			ctx := candidateCtx(id)
			var err error
			switch r.IntN(4) {
			case 0:
				_, err = w.profiles.LinkAdviser(ctx, id, pick(r, []string{orgX, orgY}))
			case 1:
				_, err = w.profiles.UnlinkAdviser(ctx, id, pick(r, []string{orgX, orgY}))
			default:
				cur, gerr := w.profiles.Get(ctx, id)
				if gerr != nil {
					t.Fatal(gerr)
				}
				in := cur.Input()
				in.Visibility, in.MatchingConsent = candidate.VisibilityHidden, r.IntN(2) == 0
				_, err = w.profiles.Update(ctx, id, in, cur.Revision)
			}
			if err != nil {
				t.Fatal(err)
			}
		default:
			// Offers: edit, publish a draft, close (an offer's end of life).
			id := pick(r, offers)
			m := members[id]
			cur, err := w.offers.Get(m, id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case cur.Status == offer.StatusDraft && r.IntN(2) == 0:
				_, err = w.offers.Publish(m, id)
			case cur.Status == offer.StatusPublished && r.IntN(3) == 0:
				_, err = w.offers.Close(m, id, offer.CloseCancelled, "")
			case cur.Status != offer.StatusClosed:
				_, err = w.offers.Update(m, id, w.randomOffer(r), cur.Revision)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	b := w.bruteForce(w.svc.rel)
	pairs := sameAnswers(t, "index fed by the services", w.svc, b)
	fresh := w.fresh()
	sameAnswers(t, "fresh build", fresh, b)
	t.Logf("%d candidates, %d offers, %d ranked pairs compared", len(cands), len(offers), pairs)

	// The product's answers agree too, for every reader.
	for _, id := range offers {
		for _, who := range []context.Context{employerA, employerB, adviserX, adviserY} {
			for _, q := range []Query{{}, {K: 2, Offset: 1, Lang: "en"}} {
				got, gerr := w.svc.CandidatesForOffer(who, id, q)
				want, werr := fresh.CandidatesForOffer(who, id, q)
				if code(gerr) != code(werr) || !reflect.DeepEqual(got, want) {
					t.Fatalf("candidates for %s: index fed by writes and fresh build differ:\n%+v (%v)\n%+v (%v)", id, got, gerr, want, werr)
				}
			}
		}
	}
	for _, id := range cands {
		got, gerr := w.svc.OffersForCandidate(candidateCtx(id), Query{})
		want, werr := fresh.OffersForCandidate(candidateCtx(id), Query{})
		if gerr != nil || werr != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("offers for %s differ:\n%+v (%v)\n%+v (%v)", id, got, gerr, want, werr)
		}
	}
	checkNeverShown(t, w, w.svc, cands, offers, members)
}

// checkNeverShown: hidden profiles, profiles without consent, drafts and
// closed offers appear in no list, whoever reads it.
func checkNeverShown(t *testing.T, w *world, svc *Service, cands, offers []string, members map[string]context.Context) {
	t.Helper()
	ps, os := w.storeContents()
	hidden := map[string]bool{}
	names := map[string]string{}
	for _, p := range ps {
		hidden[p.ID] = p.Visibility == candidate.VisibilityHidden || !p.MatchingConsent
		names[p.ID] = p.DisplayName
	}
	status := map[string]offer.Status{}
	for _, o := range os {
		status[o.ID] = o.Status
	}
	shown := 0
	for _, id := range offers {
		for _, who := range []context.Context{members[id], adviserX, adviserY} {
			page, err := svc.CandidatesForOffer(who, id, Query{K: MaxK})
			if status[id] == offer.StatusClosed {
				if code(err) != passerelle.ECONFLICT {
					t.Fatalf("candidates for closed offer %s: %v, want a conflict", id, err)
				}
				continue
			}
			if err != nil {
				if code(err) == passerelle.ENOTFOUND && who != members[id] && status[id] == offer.StatusDraft {
					continue // advisers do not see drafts
				}
				t.Fatalf("candidates for %s: %v", id, err)
			}
			for _, c := range page.Results {
				shown++
				if c.Anonymous {
					if c.CandidateID != "" || c.Name != "" || !strings.HasPrefix(c.Pseudonym, "Profil ") {
						t.Fatalf("anonymous candidate shows identity: %+v", c)
					}
					continue
				}
				if hidden[c.CandidateID] {
					t.Fatalf("hidden or unconsenting profile %s listed for offer %s", c.CandidateID, id)
				}
				if c.Name != names[c.CandidateID] {
					t.Fatalf("candidate %s named %q, stored %q", c.CandidateID, c.Name, names[c.CandidateID])
				}
			}
		}
	}
	for _, id := range cands {
		page, err := svc.OffersForCandidate(candidateCtx(id), Query{K: MaxK})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Results {
			if status[o.Offer.ID] != offer.StatusPublished {
				t.Fatalf("offer %s (%s) listed for candidate %s", o.Offer.ID, status[o.Offer.ID], id)
			}
		}
	}
	if shown == 0 {
		t.Fatal("no candidate listed at all: the check proves nothing")
	}
}

// TestTwoInstancesConverge: two processes on one store, each with its own
// services and index. A write through one shows in the other within 2 s,
// by its poll alone.
func TestTwoInstancesConverge(t *testing.T) {
	w := newWorld(t)
	_, _, other := w.instance()
	r := rand.New(rand.NewPCG(5, 6))
	// A candidate who matches the offer below for sure: they hold its skills.
	id := hexID(0xc0ffee)
	p, err := w.profiles.Mine(candidateCtx(id), "Awa")
	if err != nil {
		t.Fatal(err)
	}
	in := w.randomProfile(r, "Awa Diallo")
	in.Visibility, in.MatchingConsent, in.MobilityKm, in.CommuneID, in.Contracts, in.AvailableFrom = candidate.VisibilityVisible, true, 50, "44109", nil, time.Time{}
	oin := w.randomOffer(r)
	oin.CommuneID, oin.StartDate = "44109", time.Time{}
	in.Skills = nil
	for _, s := range oin.Skills {
		in.Skills = append(in.Skills, candidate.SkillInput{Code: s.Code, Level: 4})
	}
	if _, err := w.profiles.Update(candidateCtx(id), id, in, p.Revision); err != nil {
		t.Fatal(err)
	}
	o, err := w.offers.Create(employerA, oin)
	if err != nil {
		t.Fatal(err)
	}
	if o, err = w.offers.Publish(employerA, o.ID); err != nil {
		t.Fatal(err)
	}
	took := within(t, 2*time.Second, "the other instance lists the new offer's candidate", func() bool {
		page, err := other.CandidatesForOffer(employerA, o.ID, Query{})
		return err == nil && len(page.Results) == 1
	})
	t.Logf("new offer and profile visible in the other instance after %v", took.Round(time.Millisecond))

	// The writer's own index had it at once (observers), no poll needed.
	if page, err := w.svc.CandidatesForOffer(employerA, o.ID, Query{}); err != nil || len(page.Results) != 1 {
		t.Fatalf("writer's own index: %+v %v", page, err)
	}

	// Hiding the profile takes it out of the other instance's lists.
	cur, err := w.profiles.Get(candidateCtx(id), id)
	if err != nil {
		t.Fatal(err)
	}
	hidden := cur.Input()
	hidden.Visibility = candidate.VisibilityHidden
	if _, err := w.profiles.Update(candidateCtx(id), id, hidden, cur.Revision); err != nil {
		t.Fatal(err)
	}
	within(t, 2*time.Second, "the other instance drops the hidden profile", func() bool {
		page, err := other.CandidatesForOffer(employerA, o.ID, Query{})
		return err == nil && len(page.Results) == 0
	})

	// Closing the offer takes it out of the candidate's list there too.
	if _, err := w.offers.Close(employerA, o.ID, offer.CloseFilled, ""); err != nil {
		t.Fatal(err)
	}
	within(t, 2*time.Second, "the other instance knows the offer is closed", func() bool {
		_, err := other.CandidatesForOffer(employerA, o.ID, Query{})
		return code(err) == passerelle.ECONFLICT
	})
	page, err := other.OffersForCandidate(candidateCtx(id), Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Results {
		if m.Offer.ID == o.ID {
			t.Fatal("closed offer still proposed by the other instance")
		}
	}
}

// within polls cond until it holds or the deadline passes, and returns how
// long it took. Polling is the waiting; the deadline is the assertion.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if cond() {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

package match_test

import (
	"context"
	"slices"
	"testing"

	"passerelle/internal/match"
)

// TestPreferredBreaksTiesOnly checks Query.Preferred: a preferred profile
// ranks first among equal scores, never above a higher score, the same in
// the index, its brute-force scan and ScoreAll, and across pages.
func TestPreferredBreaksTiesOnly(t *testing.T) {
	ctx := context.Background()
	rel := testRelations()
	o := baseOffer(1, must("tag:go", 2), must("tag:sql", 2))
	profiles := []match.Profile{
		baseProfile(1, held("tag:go", 2)),                     // half
		baseProfile(2, held("tag:go", 2)),                     // half, the same as 1
		baseProfile(3, held("tag:go", 2)),                     // half, the same as 1
		baseProfile(4, held("tag:go", 3), held("tag:sql", 3)), // best
		baseProfile(5, held("tag:sql", 1)),                    // lower
	}
	ix := mustIndex(t, rel, profiles, []match.Offer{o})
	plain := mustCandidates(t, ix, o.ID, match.Query{})
	if got, want := ids(plain), []string{pid(4), pid(1), pid(2), pid(3), pid(5)}; !slices.Equal(got, want) {
		t.Fatalf("without preference: %v, want %v", got, want)
	}
	if plain[1].Score != plain[3].Score {
		t.Fatalf("profiles 1 and 3 should tie: %v and %v", plain[1].Score, plain[3].Score)
	}
	q := match.Query{Preferred: []string{pid(3), pid(5), "not-an-id", pid(99)}}
	want := []string{pid(4), pid(3), pid(1), pid(2), pid(5)}
	if got := ids(mustCandidates(t, ix, o.ID, q)); !slices.Equal(got, want) {
		t.Errorf("index: %v, want %v (3 first among the tie, 5 still last)", got, want)
	}
	brute, err := ix.BruteForceCandidates(ctx, o.ID, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(brute.Results); !slices.Equal(got, want) {
		t.Errorf("brute force: %v, want %v", got, want)
	}
	all, err := match.ScoreAll(ctx, slices.Values(profiles), o, rel, match.DefaultWeights, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(all.Results); !slices.Equal(got, want) {
		t.Errorf("ScoreAll: %v, want %v", got, want)
	}
	// Page by page, the same order.
	var paged []string
	for off := 0; off < len(profiles); off += 2 {
		q.K, q.Offset = 2, off
		paged = append(paged, ids(mustCandidates(t, ix, o.ID, q))...)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages of 2: %v, want %v", paged, want)
	}
	// The offers direction ignores it.
	if got := ids(mustOffers(t, ix, pid(3), match.Query{Preferred: []string{o.ID}})); !slices.Equal(got, []string{o.ID}) {
		t.Errorf("offers for profile 3: %v", got)
	}
}

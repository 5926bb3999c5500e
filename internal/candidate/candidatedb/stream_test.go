package candidatedb_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
)

// TestStreamChangedProfiles reads through one cursor across several
// batches (two documents each): everything after since, by revision, as
// ChangedProfiles returns it; it stops at the callback's error and when
// the context is cancelled.
func TestStreamChangedProfiles(t *testing.T) {
	_, repo := open(t)
	candidatedb.SetStreamBatch(repo, 2)
	ctx := context.Background()
	var revs []int64
	for i := range 7 {
		p, err := repo.CreateProfile(ctx, full(fmt.Sprintf("p%d", 6-i))) // ids in reverse order of revision
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, p.Revision)
	}
	want, err := repo.ChangedProfiles(ctx, revs[1], 10)
	if err != nil || len(want) != 5 {
		t.Fatalf("ChangedProfiles: %d %v", len(want), err)
	}
	var got []candidate.Profile
	if err := repo.StreamChangedProfiles(ctx, revs[1], func(p candidate.Profile) error {
		got = append(got, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stream since %d mismatch:\n got %v\nwant %v", revs[1], got, want)
	}

	stop := errors.New("stop")
	t.Run("callback error", func(t *testing.T) {
		n := 0
		err := repo.StreamChangedProfiles(ctx, 0, func(candidate.Profile) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Errorf("stream: %v after %d profiles, want stop after 3", err, n)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		n := 0
		err := repo.StreamChangedProfiles(ctx, 0, func(candidate.Profile) error {
			if n++; n == 3 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n != 3 {
			t.Errorf("stream: %v after %d profiles, want context.Canceled after 3", err, n)
		}
		// The store still answers: the cursor was released.
		if _, err := repo.Profile(context.Background(), "p0"); err != nil {
			t.Errorf("after a cancelled stream: %v", err)
		}
	})
}

package offerdb_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
)

// TestStreamChangedOffers reads through one cursor across several batches
// (two documents each): every offer of any status after since, by
// revision, as ChangedOffers returns it; it stops at the callback's error
// and when the context is cancelled.
func TestStreamChangedOffers(t *testing.T) {
	_, repo := open(t)
	offerdb.SetStreamBatch(repo, 2)
	ctx := context.Background()
	var all []offer.Offer
	for i := range 7 {
		o := full(10 - i) // ids in decreasing order of revision
		o.Status = []offer.Status{offer.StatusDraft, offer.StatusPublished, offer.StatusClosed}[i%3]
		o, err := repo.CreateOffer(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, o)
	}
	want, err := repo.ChangedOffers(ctx, all[1].Revision, 10)
	if err != nil || len(want) != 5 {
		t.Fatalf("ChangedOffers: %v %v", ids(want), err)
	}
	var got []offer.Offer
	if err := repo.StreamChangedOffers(ctx, all[1].Revision, func(o offer.Offer) error {
		got = append(got, o)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stream since %d mismatch:\n got %v\nwant %v", all[1].Revision, ids(got), ids(want))
	}

	stop := errors.New("stop")
	t.Run("callback error", func(t *testing.T) {
		n := 0
		err := repo.StreamChangedOffers(ctx, 0, func(offer.Offer) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Errorf("stream: %v after %d offers, want stop after 3", err, n)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		n := 0
		err := repo.StreamChangedOffers(ctx, 0, func(offer.Offer) error {
			if n++; n == 3 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n != 3 {
			t.Errorf("stream: %v after %d offers, want context.Canceled after 3", err, n)
		}
		if _, err := repo.Offer(context.Background(), all[0].ID); err != nil {
			t.Errorf("after a cancelled stream: %v", err)
		}
	})
}

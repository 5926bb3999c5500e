package offerdb_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/skill"
	"passerelle/internal/store"
	"passerelle/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func open(t *testing.T) (*store.Store, *offerdb.Store) {
	t.Helper()
	st := storetest.MustOpen(t)
	// Twice: the migration list may run it again after a crash.
	for range 2 {
		if err := offerdb.EnsureIndexes(context.Background(), st); err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	return st, offerdb.New(st)
}

func code(err error) string { return passerelle.ErrorCode(err) }

func oid(n int) string { return fmt.Sprintf("%024x", n) }

var at = time.Date(2026, 3, 2, 10, 0, 0, 123_000_000, time.UTC)

// full is an offer with every field set, so that a lost field shows.
func full(n int) offer.Offer {
	return offer.Offer{
		ID: oid(n), CompanyID: "c1", Title: "Développeur Go", Rome: "M1805", RomeLabel: "Développeur", RomeMissing: true,
		Description: "Ligne 1\nLigne 2",
		Skills: []offer.Skill{
			{Code: "tag:go", Label: "Go", MinLevel: 2, MustHave: true},
			{Code: "tag:docker", Label: "Docker", MinLevel: 1, Learnable: true, Missing: true},
		},
		Contract: contract.CDI, Place: offer.Place{CommuneID: "44109", Name: "Nantes", Lat: 47.23, Lon: -1.55},
		Remote: offer.RemoteHybrid, Salary: offer.Salary{Min: 30000, Max: 40000}, StartDate: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		OpenToCareerChangers: true, Status: offer.StatusClosed, Closure: offer.Closure{Reason: offer.CloseOther, Note: "Budget"},
		PublishedAt: at, ClosedAt: at.Add(time.Hour), CreatedBy: "u1", CreatedAt: at, UpdatedAt: at,
	}
}

func TestRoundTrip(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	minimal := offer.Offer{ID: oid(2), CompanyID: "c1", Title: "Min", Rome: "M1805", Skills: []offer.Skill{{Code: "tag:go", MinLevel: 1, MustHave: true}},
		Contract: contract.Stage, Remote: offer.RemoteOnsite, Status: offer.StatusDraft, CreatedAt: at, UpdatedAt: at}
	for name, o := range map[string]offer.Offer{"full": full(1), "minimal": minimal} {
		t.Run(name, func(t *testing.T) {
			created, err := repo.CreateOffer(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			o.Revision = created.Revision
			got, err := repo.Offer(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, o) || !reflect.DeepEqual(created, o) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, o)
			}
		})
	}
	c := offer.Company{OrgID: "c1", Name: "ACME", SIREN: "732829320", Sector: "Logiciel", Size: offer.Size1to9, City: "Nantes",
		Description: "Texte", Website: "https://acme.example", UpdatedBy: "u1", CreatedAt: at, UpdatedAt: at}
	created, err := repo.CreateCompany(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	c.Revision = created.Revision
	if got, err := repo.Company(ctx, "c1"); err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("company round trip: %+v %v", got, err)
	}
}

func TestErrors(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	for _, id := range []string{oid(9), "not-an-id", ""} {
		if _, err := repo.Offer(ctx, id); code(err) != passerelle.ENOTFOUND {
			t.Errorf("Offer(%q): %v, want not found", id, err)
		}
	}
	o, err := repo.CreateOffer(ctx, full(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateOffer(ctx, full(1)); code(err) != passerelle.ECONFLICT {
		t.Errorf("second create: %v, want conflict", err)
	}
	if _, err := repo.ReplaceOffer(ctx, o, o.Revision-1); code(err) != passerelle.ECONFLICT {
		t.Errorf("stale replace: %v", err)
	}
	if _, err := repo.ReplaceOffer(ctx, full(7), 1); code(err) != passerelle.ECONFLICT {
		t.Errorf("replace of a missing offer: %v", err)
	}
	if _, err := repo.Company(ctx, "nobody"); code(err) != passerelle.ENOTFOUND {
		t.Errorf("missing company: %v", err)
	}
	c, err := repo.CreateCompany(ctx, offer.Company{OrgID: "c1", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateCompany(ctx, offer.Company{OrgID: "c1", Name: "B"}); code(err) != passerelle.ECONFLICT {
		t.Errorf("second company: %v", err)
	}
	if _, err := repo.ReplaceCompany(ctx, c, c.Revision+1); code(err) != passerelle.ECONFLICT {
		t.Errorf("stale company: %v", err)
	}
}

func TestIndexes(t *testing.T) {
	st, _ := open(t)
	for coll, want := range map[string][]string{
		offerdb.Offers:    {"revision", "status_revision", "companyId_createdAt"},
		offerdb.Companies: {"revision"},
	} {
		cur, err := st.DB.Collection(coll).Indexes().List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var idx []struct {
			Name string `bson:"name"`
			Key  bson.D `bson:"key"`
		}
		if err := cur.All(context.Background(), &idx); err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, i := range idx {
			names[i.Name] = true
		}
		for _, w := range want {
			if !names[w] {
				t.Errorf("%s: index %q missing (have %v)", coll, w, names)
			}
		}
	}
}

func TestQueries(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	var all []offer.Offer
	for i := range 7 {
		o := full(10 - i) // ids in decreasing order of insertion
		o.CompanyID = []string{"c1", "c2"}[i%2]
		o.CreatedAt = at.Add(time.Duration(i%3) * time.Minute)
		o.Status = []offer.Status{offer.StatusDraft, offer.StatusPublished, offer.StatusClosed}[i%3]
		o, err := repo.CreateOffer(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, o)
	}
	// Company list: c1 holds offers 0, 2, 4, 6; newest created first, then
	// the greater id.
	page, total, err := repo.CompanyOffers(ctx, "c1", 1, 2)
	if err != nil || total != 4 {
		t.Fatalf("CompanyOffers: %d %v", total, err)
	}
	// createdAt: 0 → +0, 2 → +2m, 4 → +1m, 6 → +0; ids: 0 > 6.
	want := []string{all[4].ID, all[0].ID}
	if len(page) != 2 || page[0].ID != want[0] || page[1].ID != want[1] {
		t.Errorf("CompanyOffers page 2 = %v, want %v", ids(page), want)
	}
	if page, total, _ := repo.CompanyOffers(ctx, "c1", 10, 2); len(page) != 0 || total != 4 {
		t.Errorf("beyond the end: %v %d", ids(page), total)
	}
	pub, err := repo.PublishedOffers(ctx, all[1].Revision, 10)
	if err != nil || len(pub) != 1 || pub[0].ID != all[4].ID {
		t.Errorf("PublishedOffers since the first published: %v %v", ids(pub), err)
	}
	ch, err := repo.ChangedOffers(ctx, all[4].Revision, 10)
	if err != nil || len(ch) != 2 || ch[0].ID != all[5].ID || ch[1].ID != all[6].ID {
		t.Errorf("ChangedOffers: %v %v", ids(ch), err)
	}
	var scanned []string
	after := ""
	for {
		page, err := repo.ScanOffers(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		scanned = append(scanned, ids(page)...)
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	if fmt.Sprint(scanned) != fmt.Sprint([]string{oid(4), oid(5), oid(6), oid(7), oid(8), oid(9), oid(10)}) {
		t.Errorf("scan = %v, want every offer once by id", scanned)
	}
}

func ids(os []offer.Offer) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

// TestConcurrentWrites: writers in parallel, as request handlers; every
// write lands or reports a conflict, none is lost silently.
func TestConcurrentWrites(t *testing.T) {
	_, repo := open(t)
	ctx := context.Background()
	const writers, rounds = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Go(func() {
			o, err := repo.CreateOffer(ctx, full(100+w))
			if err != nil {
				errs <- err
				return
			}
			for i := range rounds {
				o.Skills[0].MinLevel = skill.Level(i%4 + 1)
				o.Title = fmt.Sprintf("v%d", i)
				if o, err = repo.ReplaceOffer(ctx, o, o.Revision); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	for w := range writers {
		o, err := repo.Offer(ctx, oid(100+w))
		if err != nil || o.Title != fmt.Sprintf("v%d", rounds-1) {
			t.Errorf("writer %d: %q %v, want its last write", w, o.Title, err)
		}
	}
}

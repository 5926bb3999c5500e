package offer_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
)

func TestCreateStoresEverything(t *testing.T) {
	e := newEnv(t)
	o := create(t, e, validInput())
	if len(o.ID) != 24 || o.CompanyID != company || o.CreatedBy != recruiter || o.Status != offer.StatusDraft {
		t.Fatalf("created = %+v", o)
	}
	if o.RomeLabel != "Développeur / Développeuse informatique" || o.Skills[0].Label != "Go" || o.Place.Name != "Nantes" {
		t.Errorf("snapshots: rome %q skills %+v place %+v", o.RomeLabel, o.Skills, o.Place)
	}
	if o.Revision <= 0 || !o.CreatedAt.Equal(start) || !o.UpdatedAt.Equal(start) || !o.PublishedAt.IsZero() {
		t.Errorf("bookkeeping: rev %d created %v updated %v published %v", o.Revision, o.CreatedAt, o.UpdatedAt, o.PublishedAt)
	}
	got, err := e.repo.Offer(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, o) {
		t.Fatalf("stored:\n got %+v\nwant %+v", got, o)
	}
	// A form starting from the offer gives back the same content.
	again, err := e.svc.Update(memberCtx, o.ID, o.Input(), o.Revision)
	if err != nil {
		t.Fatal(err)
	}
	again.Revision = o.Revision
	if !reflect.DeepEqual(again, o) {
		t.Fatalf("re-saved:\n got %+v\nwant %+v", again, o)
	}
}

func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	o := create(t, e, validInput())

	_, err := e.svc.Close(memberCtx, o.ID, offer.CloseFilled, "")
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.not_published")

	e.clock.advance(time.Hour)
	p, err := e.svc.Publish(memberCtx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != offer.StatusPublished || !p.PublishedAt.Equal(start.Add(time.Hour)) || p.Revision <= o.Revision {
		t.Fatalf("published = %+v", p)
	}
	_, err = e.svc.Publish(memberCtx, o.ID)
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.already_published")

	// A published offer may still be corrected.
	in := p.Input()
	in.Title = "Développeur Go confirmé (H/F)"
	p, err = e.svc.Update(memberCtx, o.ID, in, p.Revision)
	if err != nil || p.Status != offer.StatusPublished {
		t.Fatalf("update of a published offer: %+v %v", p, err)
	}

	for _, tt := range []struct {
		reason offer.CloseReason
		note   string
		field  string
		key    string
	}{
		{"hired", "", "reason", "offer.close.reason.invalid"},
		{offer.CloseOther, " ", "note", "offer.close.note.required"},
		{offer.CloseFilled, strings.Repeat("x", offer.MaxCloseNoteRunes+1), "note", "offer.text.too_long"},
	} {
		_, err := e.svc.Close(memberCtx, o.ID, tt.reason, tt.note)
		if f := fields(t, err)[tt.field]; f.Key != tt.key {
			t.Errorf("Close(%q, %q): %+v, want %s on %s", tt.reason, tt.note, f, tt.key, tt.field)
		}
	}

	e.clock.advance(time.Hour)
	c, err := e.svc.Close(memberCtx, o.ID, offer.CloseOther, "Budget gelé")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != offer.StatusClosed || c.Closure != (offer.Closure{Reason: offer.CloseOther, Note: "Budget gelé"}) ||
		!c.ClosedAt.Equal(start.Add(2*time.Hour)) || !c.PublishedAt.Equal(p.PublishedAt) {
		t.Fatalf("closed = %+v", c)
	}
	_, err = e.svc.Close(memberCtx, o.ID, offer.CloseFilled, "")
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.already_closed")
	_, err = e.svc.Publish(memberCtx, o.ID)
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.closed")
	_, err = e.svc.Update(memberCtx, o.ID, c.Input(), c.Revision)
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.closed")
	stored, _ := e.repo.Offer(context.Background(), o.ID)
	if !reflect.DeepEqual(stored, c) {
		t.Fatalf("refused transitions changed the offer:\n got %+v\nwant %+v", stored, c)
	}
}

// TestValidation checks every rule of an offer: each case breaks the valid
// input one way and names the field errors it must produce.
func TestValidation(t *testing.T) {
	e := newEnv(t)
	o := create(t, e, validInput())
	type want struct{ key, param string }
	tests := []struct {
		name   string
		change func(in *offer.OfferInput)
		want   map[string]want
	}{
		{"valid", func(*offer.OfferInput) {}, nil},
		{"title too short", func(in *offer.OfferInput) { in.Title = " Go " }, map[string]want{"title": {"offer.title.too_short", "3"}}},
		{"title too long", func(in *offer.OfferInput) { in.Title = strings.Repeat("é", 121) }, map[string]want{"title": {"offer.text.too_long", "120"}}},
		{"title of 120 characters", func(in *offer.OfferInput) { in.Title = strings.Repeat("é", 120) }, nil},
		{"control character in title", func(in *offer.OfferInput) { in.Title = "Dev\x1bGo" }, map[string]want{"title": {"offer.text.invalid", ""}}},
		{"description too long", func(in *offer.OfferInput) { in.Description = strings.Repeat("a", offer.MaxDescriptionRunes+1) },
			map[string]want{"description": {"offer.text.too_long", "10000"}}},
		{"description keeps line breaks", func(in *offer.OfferInput) { in.Description = "Ligne 1\r\n\tLigne 2" }, nil},
		{"no occupation", func(in *offer.OfferInput) { in.Rome = "" }, map[string]want{"rome": {"offer.rome.required", ""}}},
		{"unknown occupation", func(in *offer.OfferInput) { in.Rome = "M9999" }, map[string]want{"rome": {"offer.rome.unknown_no_suggestion", ""}}},
		{"occupation by its job title", func(in *offer.OfferInput) { in.Rome = "Scrum Master" }, map[string]want{"rome": {"offer.rome.unknown", "M1814"}}},
		{"no skills", func(in *offer.OfferInput) { in.Skills = nil }, map[string]want{"skills": {"offer.skills.required", ""}}},
		{"too many skills", func(in *offer.OfferInput) {
			in.Skills = nil
			for _, tag := range skill.Builtin().Tags().All()[:offer.MaxSkills+1] {
				in.Skills = append(in.Skills, offer.SkillInput{Code: tag.Code(), MinLevel: 1, MustHave: true})
			}
		}, map[string]want{"skills": {"offer.skills.too_many", "30"}}},
		{"no must-have", func(in *offer.OfferInput) { in.Skills[0].MustHave, in.Skills[1].MustHave = false, false },
			map[string]want{"skills": {"offer.skills.must_have_required", ""}}},
		{"unknown skill suggests", func(in *offer.OfferInput) { in.Skills[2].Code = "Golang" },
			map[string]want{"skills[2].code": {"offer.skill.unknown", "Go (tag:go)"}}},
		{"misspelt skill suggests", func(in *offer.OfferInput) { in.Skills[2].Code = "tag:dokcer" },
			map[string]want{"skills[2].code": {"offer.skill.unknown", "tag:docker"}}},
		{"unknown skill without suggestion", func(in *offer.OfferInput) { in.Skills[2].Code = "ogr:1" },
			map[string]want{"skills[2].code": {"offer.skill.unknown_no_suggestion", ""}}},
		{"duplicate skill", func(in *offer.OfferInput) { in.Skills[2].Code = "tag:go" },
			map[string]want{"skills[2].code": {"offer.skill.duplicate", ""}}},
		{"level 0", func(in *offer.OfferInput) { in.Skills[0].MinLevel = 0 }, map[string]want{"skills[0].minLevel": {"offer.skill.level.invalid", ""}}},
		{"level 5", func(in *offer.OfferInput) { in.Skills[0].MinLevel = 5 }, map[string]want{"skills[0].minLevel": {"offer.skill.level.invalid", ""}}},
		{"contract", func(in *offer.OfferInput) { in.Contract = "CDI" }, map[string]want{"contract": {"offer.contract.invalid", ""}}},
		{"no place", func(in *offer.OfferInput) { in.CommuneID = "" }, map[string]want{"communeId": {"offer.place.required", ""}}},
		{"unknown place", func(in *offer.OfferInput) { in.CommuneID = "99999" }, map[string]want{"communeId": {"offer.place.unknown", ""}}},
		{"remote policy", func(in *offer.OfferInput) { in.Remote = "remote_ok" }, map[string]want{"remote": {"offer.remote.invalid", ""}}},
		{"salary range upside down", func(in *offer.OfferInput) { in.Salary = offer.Salary{Min: 45000, Max: 40000} },
			map[string]want{"salary.max": {"offer.salary.min_above_max", ""}}},
		{"negative salary", func(in *offer.OfferInput) { in.Salary.Min = -1 }, map[string]want{"salary.min": {"offer.salary.out_of_range", "1000000"}}},
		{"salary typo", func(in *offer.OfferInput) { in.Salary.Max = 42_000_000 }, map[string]want{"salary.max": {"offer.salary.out_of_range", "1000000"}}},
		{"floor only", func(in *offer.OfferInput) { in.Salary = offer.Salary{Min: 30000} }, nil},
		{"no salary", func(in *offer.OfferInput) { in.Salary = offer.Salary{} }, nil},
		{"start year typo", func(in *offer.OfferInput) { in.StartDate = time.Date(2206, 9, 1, 0, 0, 0, 0, time.UTC) },
			map[string]want{"startDate": {"offer.start_date.out_of_range", ""}}},
		{"no start date", func(in *offer.OfferInput) { in.StartDate = time.Time{} }, nil},
		{"all at once", func(in *offer.OfferInput) {
			in.Title = ""
			in.Rome = "X"
			in.Skills[0].Code = "tag:golang"
			in.Contract = ""
			in.CommuneID = ""
			in.Remote = ""
			in.Salary.Min = 50000
		}, map[string]want{
			"title":          {"offer.title.too_short", "3"},
			"rome":           {"offer.rome.unknown_no_suggestion", ""},
			"skills[0].code": {"offer.skill.unknown", "tag:go"},
			"contract":       {"offer.contract.invalid", ""},
			"communeId":      {"offer.place.required", ""},
			"remote":         {"offer.remote.invalid", ""},
			"salary.max":     {"offer.salary.min_above_max", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.change(&in)
			// Create and Update apply the same rules.
			_, cerr := e.svc.Create(memberCtx, in)
			cur, err := e.repo.Offer(context.Background(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, uerr := e.svc.Update(memberCtx, o.ID, in, cur.Revision)
			if tt.want == nil {
				if cerr != nil || uerr != nil {
					t.Fatalf("Create: %v, Update: %v; want success", cerr, uerr)
				}
				return
			}
			for op, err := range map[string]error{"Create": cerr, "Update": uerr} {
				fs := fields(t, err)
				if len(fs) != len(tt.want) {
					t.Errorf("%s: field errors %v, want exactly %v", op, fs, tt.want)
				}
				for f, w := range tt.want {
					if g := fs[f]; g.Key != w.key || !strings.Contains(g.Param, w.param) {
						t.Errorf("%s: %s: got %+v, want %s with param containing %q", op, f, g, w.key, w.param)
					}
				}
			}
			after, _ := e.repo.Offer(context.Background(), o.ID)
			if !reflect.DeepEqual(after, cur) {
				t.Errorf("a refused update changed the offer")
			}
		})
	}
}

// TestAuthorization is the access matrix of offers.
func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	draft := create(t, e, validInput())
	pub := published(t, e, validInput())
	closed := published(t, e, validInput())
	closed, err := e.svc.Close(memberCtx, closed.ID, offer.CloseFilled, "")
	if err != nil {
		t.Fatal(err)
	}
	const ok = ""
	actors := []struct {
		name string
		ctx  context.Context
		// Get on draft, published, closed; then a write on each.
		get   [3]string
		write [3]string
	}{
		{"member", memberCtx, [3]string{ok, ok, ok}, [3]string{ok, ok, ok}},
		{"employer of another company", outsiderCtx, [3]string{passerelle.ENOTFOUND, ok, passerelle.ENOTFOUND}, [3]string{passerelle.ENOTFOUND, passerelle.EFORBIDDEN, passerelle.ENOTFOUND}},
		{"candidate", candCtx, [3]string{passerelle.ENOTFOUND, ok, passerelle.ENOTFOUND}, [3]string{passerelle.ENOTFOUND, passerelle.EFORBIDDEN, passerelle.ENOTFOUND}},
		{"adviser", adviserCtx, [3]string{passerelle.ENOTFOUND, ok, ok}, [3]string{passerelle.ENOTFOUND, passerelle.EFORBIDDEN, passerelle.EFORBIDDEN}},
		{"admin", adminCtx, [3]string{passerelle.ENOTFOUND, ok, ok}, [3]string{passerelle.ENOTFOUND, passerelle.EFORBIDDEN, passerelle.EFORBIDDEN}},
		{"adviser whose org id is the company's", as(auth.RoleAdviser, hexID(0xad9), company), [3]string{passerelle.ENOTFOUND, ok, ok}, [3]string{passerelle.ENOTFOUND, passerelle.EFORBIDDEN, passerelle.EFORBIDDEN}},
		{"anonymous", anonCtx, [3]string{passerelle.ENOTFOUND, ok, passerelle.ENOTFOUND}, [3]string{passerelle.EUNAUTHORIZED, passerelle.EUNAUTHORIZED, passerelle.EUNAUTHORIZED}},
	}
	offers := [3]offer.Offer{draft, pub, closed}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			for i, o := range offers {
				_, err := e.svc.Get(a.ctx, o.ID)
				if got := passerelle.ErrorCode(err); got != a.get[i] {
					t.Errorf("Get %s: %q (%v), want %q", o.Status, got, err, a.get[i])
				}
				// The member's writes are covered elsewhere; here, a write
				// that must be refused is refused with the right code.
				if a.write[i] == ok {
					continue
				}
				cur, _ := e.repo.Offer(context.Background(), o.ID)
				_, err = e.svc.Update(a.ctx, o.ID, cur.Input(), cur.Revision)
				if got := passerelle.ErrorCode(err); got != a.write[i] {
					t.Errorf("Update %s: %q (%v), want %q", o.Status, got, err, a.write[i])
				}
				_, err = e.svc.Publish(a.ctx, o.ID)
				if got := passerelle.ErrorCode(err); got != a.write[i] {
					t.Errorf("Publish %s: %q (%v), want %q", o.Status, got, err, a.write[i])
				}
				_, err = e.svc.Close(a.ctx, o.ID, offer.CloseFilled, "")
				if got := passerelle.ErrorCode(err); got != a.write[i] {
					t.Errorf("Close %s: %q (%v), want %q", o.Status, got, err, a.write[i])
				}
			}
		})
	}

	t.Run("create", func(t *testing.T) {
		for name, tt := range map[string]struct {
			ctx  context.Context
			code string
		}{
			"anonymous":                {anonCtx, passerelle.EUNAUTHORIZED},
			"candidate":                {candCtx, passerelle.EFORBIDDEN},
			"adviser":                  {adviserCtx, passerelle.EFORBIDDEN},
			"admin":                    {adminCtx, passerelle.EFORBIDDEN},
			"employer without company": {as(auth.RoleEmployer, hexID(0xe09), ""), passerelle.EFORBIDDEN},
		} {
			if _, err := e.svc.Create(tt.ctx, validInput()); passerelle.ErrorCode(err) != tt.code {
				t.Errorf("%s: Create: %v, want %s", name, err, tt.code)
			}
		}
		o, err := e.svc.Create(outsiderCtx, validInput())
		if err != nil || o.CompanyID != otherCompany {
			t.Errorf("an employer's offer belongs to their company: %+v %v", o.CompanyID, err)
		}
	})

	t.Run("list company", func(t *testing.T) {
		for name, tt := range map[string]struct {
			ctx  context.Context
			code string
		}{
			"member":    {memberCtx, ok},
			"admin":     {adminCtx, ok},
			"outsider":  {outsiderCtx, passerelle.EFORBIDDEN},
			"adviser":   {adviserCtx, passerelle.EFORBIDDEN},
			"anonymous": {anonCtx, passerelle.EUNAUTHORIZED},
		} {
			if _, err := e.svc.ListCompany(tt.ctx, company, offer.PageRequest{}); passerelle.ErrorCode(err) != tt.code {
				t.Errorf("%s: ListCompany: %v, want %q", name, err, tt.code)
			}
		}
	})

	t.Run("malformed and missing ids", func(t *testing.T) {
		for _, id := range []string{"", "xyz", strings.ToUpper(pub.ID), hexID(0xdead)} {
			_, err := e.svc.Get(memberCtx, id)
			wantErr(t, err, passerelle.ENOTFOUND, "error.offer.not_found")
		}
	})
}

func TestOptimisticConcurrency(t *testing.T) {
	e := newEnv(t)
	o := create(t, e, validInput())
	in := o.Input()
	in.Title = "Première correction"
	o2, err := e.svc.Update(memberCtx, o.ID, in, o.Revision)
	if err != nil {
		t.Fatal(err)
	}
	in.Title = "Correction faite sans avoir rechargé"
	_, err = e.svc.Update(memberCtx, o.ID, in, o.Revision)
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.stale")
	stored, _ := e.repo.Offer(context.Background(), o.ID)
	if !reflect.DeepEqual(stored, o2) {
		t.Fatalf("a stale update changed the offer")
	}
	_, err = e.repo.ReplaceOffer(context.Background(), stored, o.Revision)
	wantErr(t, err, passerelle.ECONFLICT, "error.offer.stale")

	// Racing editors from one revision: exactly one wins; racing publishers
	// all see the offer published once.
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			in := stored.Input()
			in.Title = "Version " + string(rune('A'+i))
			_, errs[i] = e.svc.Update(memberCtx, o.ID, in, stored.Revision)
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if passerelle.ErrorCode(err) != passerelle.ECONFLICT {
			t.Errorf("racing update: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d racing updates won, want 1: %v", wins, errs)
	}
	for i := range errs {
		wg.Go(func() { _, errs[i] = e.svc.Publish(memberCtx, o.ID) })
	}
	wg.Wait()
	wins = 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if passerelle.ErrorCode(err) != passerelle.ECONFLICT {
			t.Errorf("racing publish: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d racing publishes won, want 1: %v", wins, errs)
	}
}

func TestRevisionsAndChanged(t *testing.T) {
	e := newEnv(t)
	a := create(t, e, validInput())
	b := create(t, e, validInput())
	c := create(t, e, validInput())
	a2, err := e.svc.Publish(memberCtx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !(a.Revision < b.Revision && b.Revision < c.Revision && c.Revision < a2.Revision) {
		t.Fatalf("revisions %d %d %d %d, want increasing", a.Revision, b.Revision, c.Revision, a2.Revision)
	}
	ids := func(os []offer.Offer) string {
		var s []string
		for _, o := range os {
			s = append(s, o.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		since int64
		limit int
		want  string
	}{
		{0, 100, b.ID + "," + c.ID + "," + a.ID},
		{b.Revision, 100, c.ID + "," + a.ID},
		{c.Revision, 100, a.ID},
		{a2.Revision, 100, ""},
		{0, 1, b.ID},
	} {
		got, err := e.svc.Changed(context.Background(), tt.since, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if ids(got) != tt.want {
			t.Errorf("Changed(%d, %d) = %s, want %s", tt.since, tt.limit, ids(got), tt.want)
		}
	}
}

func TestListCompany(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := range 7 {
		e.clock.advance(time.Minute)
		in := validInput()
		in.Title = "Offre " + string(rune('A'+i))
		o := create(t, e, in)
		want = append([]string{o.ID}, want...) // newest first
	}
	if _, err := e.svc.Create(outsiderCtx, validInput()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for n := 1; ; n++ {
		page, err := e.svc.ListCompany(memberCtx, company, offer.PageRequest{Number: n, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 7 || page.Size != 3 || page.Number != n {
			t.Fatalf("page %d: total %d size %d number %d", n, page.Total, page.Size, page.Number)
		}
		if len(page.Results) == 0 {
			break
		}
		got = append(got, ids(page.Results)...)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("company list = %v, want newest first %v", got, want)
	}
}

func TestFlagMissing(t *testing.T) {
	e := newEnv(t)
	pub := published(t, e, validInput())
	draft := create(t, e, validInput())
	in := validInput()
	in.Skills = []offer.SkillInput{{Code: "tag:python", MinLevel: 2, MustHave: true}}
	in.Rome = "M1811"
	other := create(t, e, in)

	tax := skill.Builtin()
	gone := map[skill.Code]bool{"tag:docker": true}
	knownSkill := func(c skill.Code) bool { return !gone[c] && tax.Known(c) }
	knownOcc := func(r skill.RomeCode) bool { _, ok := tax.Occupation(r); return ok && r != "M1805" }

	_, err := e.svc.FlagMissing(memberCtx, knownSkill, knownOcc)
	wantErr(t, err, passerelle.EFORBIDDEN, "")
	n, err := e.svc.FlagMissing(context.Background(), knownSkill, knownOcc)
	if err != nil || n != 2 {
		t.Fatalf("FlagMissing = %d, %v; want the 2 offers naming the codes", n, err)
	}
	for _, id := range []string{pub.ID, draft.ID} {
		o, _ := e.repo.Offer(context.Background(), id)
		if !o.RomeMissing || o.RomeLabel == "" || !o.Skills[2].Missing || o.Skills[2].Label != "Docker" || o.Skills[0].Missing {
			t.Errorf("offer %s after import: rome missing %v %q, skills %+v", id, o.RomeMissing, o.RomeLabel, o.Skills)
		}
	}
	if o, _ := e.repo.Offer(context.Background(), other.ID); o.Revision != other.Revision {
		t.Errorf("an offer without vanished codes was rewritten")
	}
	if n, _ := e.svc.FlagMissing(context.Background(), knownSkill, knownOcc); n != 0 {
		t.Errorf("second run rewrote %d offers", n)
	}
	// A published offer stays published and searchable, with its labels.
	page, err := e.svc.Search(anonCtx, offer.SearchQuery{})
	if err != nil || len(page.Results) != 1 || !page.Results[0].Offer.Skills[2].Missing {
		t.Fatalf("search after import: %+v %v", page, err)
	}
	// A draft with vanished codes cannot be published until edited.
	_, err = e.svc.Publish(memberCtx, draft.ID)
	fs := fields(t, err)
	if fs["rome"].Key != "offer.rome.missing" || fs["skills[2].code"].Key != "offer.skill.missing" {
		t.Errorf("publish with vanished codes: %v", fs)
	}
	// Editing keeps the vanished codes the offer had (the service here has
	// the built-in taxonomy, so use one that lacks them, as after an import).
	reduced := offer.NewService(e.repo, reducedTaxonomy{tax, gone, "M1805"}, communes(), e.clock.now)
	cur, _ := e.repo.Offer(context.Background(), draft.ID)
	in = cur.Input()
	in.Title = "Toujours modifiable"
	saved, err := reduced.Update(memberCtx, draft.ID, in, cur.Revision)
	if err != nil || !saved.RomeMissing || !saved.Skills[2].Missing {
		t.Fatalf("editing an offer with vanished codes: %+v %v", saved, err)
	}
	in.Skills[2].Code = "tag:docker"
	in.Skills = append(in.Skills, offer.SkillInput{Code: "tag:rust", MinLevel: 1})
	if _, err := reduced.Update(memberCtx, draft.ID, in, saved.Revision); err != nil {
		t.Fatalf("keeping a vanished code: %v", err)
	}
}

type reducedTaxonomy struct {
	*skill.Taxonomy
	gone    map[skill.Code]bool
	goneOcc skill.RomeCode
}

func (r reducedTaxonomy) Known(c skill.Code) bool { return !r.gone[c] && r.Taxonomy.Known(c) }

func (r reducedTaxonomy) Occupation(c skill.RomeCode) (skill.Occupation, bool) {
	if c == r.goneOcc {
		return skill.Occupation{}, false
	}
	return r.Taxonomy.Occupation(c)
}

func TestMatchOffer(t *testing.T) {
	e := newEnv(t)
	o := published(t, e, validInput())
	m := o.MatchOffer()
	want := match.Offer{
		ID: o.ID, CompanyID: company, ROME: "M1805",
		Skills: []match.OfferSkill{
			{Code: "tag:go", MinLevel: 2, MustHave: true},
			{Code: "tag:sql", MinLevel: 2, MustHave: true, Learnable: true},
			{Code: "tag:docker", MinLevel: 1},
		},
		Contract:             match.ContractCDI,
		Place:                match.Place{Commune: "Nantes", Lat: 47.2316356767, Lon: -1.54831008605},
		Remote:               match.PolicyHybrid,
		Start:                time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		Status:               match.OfferPublished,
		OpenToCareerChangers: true,
		Revision:             uint64(o.Revision),
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("MatchOffer:\n got %+v\nwant %+v", m, want)
	}
	ix, err := match.New(nil, match.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.UpsertOffer(m); err != nil {
		t.Fatalf("index refuses the converted offer: %v", err)
	}
	for _, c := range contract.All() {
		if contract.Match(c) == 0 {
			t.Errorf("contract %s has no engine bit", c)
		}
	}
}

func TestCompany(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Company(anonCtx, company)
	wantErr(t, err, passerelle.ENOTFOUND, "error.company.not_found")

	in := offer.CompanyInput{
		Name: "Logistique Ouest", SIREN: "732 829 320", Sector: "Logiciel", Size: offer.Size10to49, City: "Nantes",
		Description: "Éditeur nantais.\nNous recrutons.", Website: "https://logistique-ouest.example.fr",
	}
	_, err = e.svc.UpdateCompany(outsiderCtx, company, in, 0)
	wantErr(t, err, passerelle.EFORBIDDEN, "error.company.forbidden")
	_, err = e.svc.UpdateCompany(anonCtx, company, in, 0)
	wantErr(t, err, passerelle.EUNAUTHORIZED, "")

	c, err := e.svc.UpdateCompany(memberCtx, company, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.OrgID != company || c.SIREN != "732829320" || c.UpdatedBy != recruiter || c.Revision <= 0 {
		t.Fatalf("company = %+v", c)
	}
	_, err = e.svc.UpdateCompany(memberCtx, company, in, 0)
	wantErr(t, err, passerelle.ECONFLICT, "error.company.stale")

	pub, err := e.svc.Company(anonCtx, company)
	if err != nil || !reflect.DeepEqual(pub, c) {
		t.Fatalf("public read: %+v %v", pub, err)
	}
	in.Description = "Mis à jour par l'administration"
	c2, err := e.svc.UpdateCompany(adminCtx, company, in, c.Revision)
	if err != nil || c2.Revision <= c.Revision || !c2.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("admin update: %+v %v", c2, err)
	}
	_, err = e.svc.UpdateCompany(memberCtx, company, in, c.Revision)
	wantErr(t, err, passerelle.ECONFLICT, "error.company.stale")

	bad := offer.CompanyInput{Name: " ", SIREN: "123456789", Size: "huge", Website: "javascript:alert(1)", City: strings.Repeat("x", 81)}
	_, err = e.svc.UpdateCompany(memberCtx, company, bad, c2.Revision)
	fs := fields(t, err)
	for f, key := range map[string]string{
		"name": "company.name.required", "siren": "company.siren.invalid", "size": "company.size.invalid",
		"website": "company.website.invalid", "city": "company.text.too_long",
	} {
		if fs[f].Key != key {
			t.Errorf("%s: %+v, want %s", f, fs[f], key)
		}
	}
	if after, _ := e.svc.Company(anonCtx, company); !reflect.DeepEqual(after, c2) {
		t.Errorf("a refused update changed the page")
	}
	changed, err := e.svc.ChangedCompanies(context.Background(), c.Revision, 10)
	if err != nil || len(changed) != 1 || changed[0].Revision != c2.Revision {
		t.Errorf("ChangedCompanies: %+v %v", changed, err)
	}
}

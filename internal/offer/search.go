package offer

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"passerelle/internal/contract"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Search bounds.
const (
	DefaultRadiusKm    = 30
	MaxRadiusKm        = 500
	MaxSearchTextRunes = 200
	MaxSearchSkills    = 30
)

// SearchQuery selects published offers. Every filter is optional; the
// filters combine with AND, the values inside one filter with OR.
type SearchQuery struct {
	// Text: every word must appear in the title or the description
	// (whole words, ignoring case, accents and plurals).
	Text string
	// Skills: offers asking for any of these codes.
	Skills    []skill.Code
	Contracts []contract.Type
	Remote    []RemotePolicy
	// NearCommuneID and RadiusKm keep offers within RadiusKm of the
	// commune (DefaultRadiusKm when 0). Fully remote offers are kept
	// wherever they are, as the matching engine does: distance does not
	// matter for a job done from home.
	NearCommuneID string
	RadiusKm      int
	Page          PageRequest
}

// compiled is a validated query, ready to run.
type compiled struct {
	keys      []string // search keys, all of which must match
	skills    map[skill.Code]bool
	contracts uint8 // bits of contractBit; 0: any
	remote    uint8 // bits of remoteBit; 0: any
	near      *place.LatLon
	radiusKm  float64
	page      PageRequest
}

// contractBit and remoteBit turn the string filters into bits, so that the
// scan compares bytes instead of looking strings up in maps.
func contractBit(c contract.Type) uint8 {
	if i := slices.Index(contract.All(), c); i >= 0 {
		return 1 << i
	}
	return 0
}

func remoteBit(r RemotePolicy) uint8 {
	if i := slices.Index(RemotePolicies(), r); i >= 0 {
		return 1 << i
	}
	return 0
}

func (s *Service) compile(q SearchQuery) (compiled, error) {
	var errs fieldErrors
	c := compiled{page: q.Page.normalize()}
	if utf8.RuneCountInString(q.Text) > MaxSearchTextRunes {
		errs.add("text", "offer.search.text.too_long", strconv.Itoa(MaxSearchTextRunes))
	}
	c.keys = queryKeys(q.Text)
	if len(q.Skills) > MaxSearchSkills {
		errs.add("skills", "offer.search.skills.too_many", strconv.Itoa(MaxSearchSkills))
	}
	for i, code := range q.Skills {
		if code.Validate() != nil {
			errs.add(fmt.Sprintf("skills[%d]", i), "offer.search.skill.invalid")
			continue
		}
		if c.skills == nil {
			c.skills = map[skill.Code]bool{}
		}
		c.skills[code] = true
	}
	for i, k := range q.Contracts {
		if !k.Valid() {
			errs.add(fmt.Sprintf("contracts[%d]", i), "offer.contract.invalid")
			continue
		}
		c.contracts |= contractBit(k)
	}
	for i, r := range q.Remote {
		if !r.Valid() {
			errs.add(fmt.Sprintf("remote[%d]", i), "offer.remote.invalid")
			continue
		}
		c.remote |= remoteBit(r)
	}
	if id := strings.TrimSpace(q.NearCommuneID); id != "" {
		if com, ok := s.places.ByID(id); ok {
			c.near = &place.LatLon{Lat: com.Lat, Lon: com.Lon}
		} else {
			errs.add("nearCommuneId", "offer.place.unknown")
		}
		r := cmp.Or(q.RadiusKm, DefaultRadiusKm)
		if r < 1 || r > MaxRadiusKm {
			errs.add("radiusKm", "offer.search.radius.out_of_range", strconv.Itoa(MaxRadiusKm))
		}
		c.radiusKm = float64(r)
	} else if q.RadiusKm != 0 {
		errs.add("nearCommuneId", "offer.search.near.required")
	}
	return c, errs.err()
}

// Search returns a page of published offers matching q, to anyone, signed
// in or not. The order is stable: most recently published first, then by
// ID, so that paging through never shows an offer twice or skips one while
// nothing changes. Errors: EINVALID for a malformed query; the store's
// errors only while the catalogue is first loaded.
//
// Why a catalogue in memory: the embedded store answers every query but
// _id equality with a full scan decoded in Go (STORE.md), and so would a
// text search on MongoDB without a text index (which the embedded store
// lacks). Reading all published offers per search would cost about 20 s at
// the 100,000 offers DESIGN.md sizes for. The catalogue holds the published
// offers with their search keys, sorted; a search is one pass over it with
// no I/O: milliseconds to a few tens of milliseconds at 100,000 offers
// (BenchmarkSearch). Correctness: this instance's own writes are applied to it
// as they succeed, so they show at once; other instances' writes arrive
// through the revision counter (Changed) within WithRefresh's period, or at
// each Sync.
func (s *Service) Search(ctx context.Context, q SearchQuery) (Page, error) {
	cq, err := s.compile(q)
	if err != nil {
		return Page{}, err
	}
	if err := s.fresh(ctx); err != nil {
		return Page{}, err
	}
	return s.cat.search(cq), nil
}

// Sync catches the search catalogue up with the store: the first call loads
// every published offer, later ones apply what changed since. Call it from a
// background loop to keep searches from paying for it, or rely on
// WithRefresh.
func (s *Service) Sync(ctx context.Context) error {
	s.cat.syncMu.Lock()
	defer s.cat.syncMu.Unlock()
	return s.cat.sync(ctx, s)
}

// fresh loads the catalogue on first use and refreshes it when older than
// refreshEvery. Only one search refreshes at a time; the others go on with
// the current data rather than queue behind it.
func (s *Service) fresh(ctx context.Context) error {
	if !s.cat.isLoaded() {
		s.cat.syncMu.Lock()
		defer s.cat.syncMu.Unlock()
		if s.cat.isLoaded() {
			return nil
		}
		if err := s.cat.sync(ctx, s); err != nil {
			return fmt.Errorf("load offer catalogue: %w", err)
		}
		return nil
	}
	if s.refreshEvery <= 0 || s.now().Sub(s.cat.lastSyncTime()) < s.refreshEvery || !s.cat.syncMu.TryLock() {
		return nil
	}
	defer s.cat.syncMu.Unlock()
	if err := s.cat.sync(ctx, s); err != nil {
		s.log.WarnContext(ctx, "offer catalogue: refresh failed; searching the data held", "err", err)
	}
	return nil
}

// catalogue is the in-memory copy of the published offers that Search reads.
type catalogue struct {
	mu sync.RWMutex
	// entries are the published offers, by PublishedAt descending then ID.
	entries []*entry
	byID    map[string]*entry
	// gone holds the revision at which an offer left the catalogue (closed),
	// so that an older version arriving late from a sync cannot bring it
	// back. Pruned once the sync cursor passes it.
	gone     map[string]int64
	loaded   bool
	cursor   int64 // every revision up to it is applied
	lastSync time.Time
	// words interns search keys: an entry holds small sorted integers, which
	// a search compares in one or two cache lines instead of chasing string
	// pointers (about four times faster at 100,000 offers, BenchmarkSearch).
	// It only grows, with the vocabulary of the offers.
	words map[string]uint32

	// syncMu lets one sync run at a time; it is taken before mu, never after.
	syncMu sync.Mutex
}

// entry is one published offer with what a search filters on, laid out
// close together.
type entry struct {
	keys     []uint32 // sorted interned search keys of title and description
	contract uint8    // contractBit
	remote   uint8    // remoteBit
	lat, lon float64
	offer    Offer
}

func newCatalogue() *catalogue {
	return &catalogue{byID: map[string]*entry{}, gone: map[string]int64{}, words: map[string]uint32{}}
}

// intern returns the ids of keys, adding new ones; the caller holds mu.
func (c *catalogue) intern(keys []string) []uint32 {
	ids := make([]uint32, len(keys))
	for i, k := range keys {
		id, ok := c.words[k]
		if !ok {
			id = uint32(len(c.words))
			c.words[k] = id
		}
		ids[i] = id
	}
	slices.Sort(ids)
	return ids
}

func compareEntries(a, b *entry) int {
	return cmp.Or(b.offer.PublishedAt.Compare(a.offer.PublishedAt), strings.Compare(a.offer.ID, b.offer.ID))
}

func (c *catalogue) isLoaded() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.loaded
}

func (c *catalogue) lastSyncTime() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lastSync
}

// apply records one version of an offer. Versions may arrive out of order
// (an own write and a concurrent sync); the highest revision wins.
func (c *catalogue) apply(o Offer) {
	var e *entry
	var keys []string
	if o.Status == StatusPublished {
		o.Skills = slices.Clone(o.Skills) // the caller keeps its copy
		keys = searchKeys(o.Title, o.Description)
		e = &entry{contract: contractBit(o.Contract), remote: remoteBit(o.Remote), lat: o.Place.Lat, lon: o.Place.Lon, offer: o}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byID[o.ID]; ok {
		if old.offer.Revision >= o.Revision {
			return
		}
		i, found := slices.BinarySearchFunc(c.entries, old, compareEntries)
		if found {
			c.entries = slices.Delete(c.entries, i, i+1)
		}
		delete(c.byID, o.ID)
	} else if r, ok := c.gone[o.ID]; ok && r >= o.Revision {
		return
	}
	if e == nil {
		c.gone[o.ID] = o.Revision
		return
	}
	delete(c.gone, o.ID)
	e.keys = c.intern(keys)
	i, _ := slices.BinarySearchFunc(c.entries, e, compareEntries)
	c.entries = slices.Insert(c.entries, i, e)
	c.byID[o.ID] = e
}

// syncBatch is how many offers one catch-up query reads.
const syncBatch = 500

// sync reads what changed since the cursor and applies it; the caller holds
// syncMu.
//
// Revisions are taken before a write lands, so a write with a lower
// revision may become visible after one with a higher revision: moving the
// cursor to the highest revision seen could skip it for ever. The cursor
// therefore only moves over offers written more than settle ago — by then
// any write that took an earlier revision has landed (a write is bounded by
// the store's call deadline) — and the few recent ones are read again next
// time, which apply makes harmless.
func (c *catalogue) sync(ctx context.Context, s *Service) error {
	start := s.now()
	horizon := start.Add(-s.settle)
	fetch := s.repo.ChangedOffers
	if !c.isLoaded() {
		// Nothing to remove yet: drafts and closed offers need not be read.
		fetch = s.repo.PublishedOffers
	}
	c.mu.RLock()
	after := c.cursor
	c.mu.RUnlock()
	settled, settling := after, true
	for {
		page, err := fetch(ctx, after, syncBatch)
		if err != nil {
			return fmt.Errorf("sync offer catalogue: %w", err)
		}
		for _, o := range page {
			c.apply(o)
			if settling && !o.UpdatedAt.After(horizon) {
				settled = o.Revision
			} else {
				settling = false
			}
		}
		if len(page) < syncBatch {
			break
		}
		after = page[len(page)-1].Revision
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cursor, c.loaded, c.lastSync = settled, true, start
	for id, r := range c.gone {
		if r <= settled {
			delete(c.gone, id)
		}
	}
	return nil
}

// search runs a compiled query over the catalogue: one pass in order,
// counting every match and keeping the requested page.
func (c *catalogue) search(q compiled) Page {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := Page{Number: q.page.Number, Size: q.page.Size}
	want := make([]uint32, 0, len(q.keys))
	for _, k := range q.keys {
		id, ok := c.words[k]
		if !ok {
			return out // a word no offer uses: nothing matches
		}
		want = append(want, id)
	}
	// A degree of latitude is at least 111 km along any path, so offers
	// further north or south than the radius allows are skipped before any
	// trigonometry.
	var maxDLat float64
	if q.near != nil {
		maxDLat = q.radiusKm/(place.EarthRadiusKm*math.Pi/180) + 1e-9
	}
	from := q.page.offset()
	for _, e := range c.entries {
		if q.contracts != 0 && q.contracts&e.contract == 0 || q.remote != 0 && q.remote&e.remote == 0 {
			continue
		}
		if q.skills != nil && !slices.ContainsFunc(e.offer.Skills, func(sk Skill) bool { return q.skills[sk.Code] }) {
			continue
		}
		var d float64
		if q.near != nil {
			full := e.offer.Remote == RemoteFull
			if !full && math.Abs(e.lat-q.near.Lat) > maxDLat {
				continue
			}
			d = place.Distance(*q.near, place.LatLon{Lat: e.lat, Lon: e.lon})
			if d > q.radiusKm && !full {
				continue
			}
		}
		if !hasAllIDs(e.keys, want) {
			continue
		}
		if out.Total >= from && out.Total < from+q.page.Size {
			r := Result{Offer: e.offer, DistanceKm: d, HasDistance: q.near != nil}
			r.Offer.Skills = slices.Clone(e.offer.Skills) // the catalogue keeps its copy
			out.Results = append(out.Results, r)
		}
		out.Total++
	}
	return out
}

// hasAllIDs reports whether every id of want is in have (sorted).
func hasAllIDs(have, want []uint32) bool {
	for _, w := range want {
		if _, ok := slices.BinarySearch(have, w); !ok {
			return false
		}
	}
	return true
}

// Package release replaces a whole data set in the store at once, without
// transactions: an import writes a new release of the data beside the active
// one, switches a pointer document to it, then deletes the previous release.
// skilldb (the ROME) and placedb (the communes) store their data this way.
//
// # Layout
//
// A data set has two collections. The documents collection holds the
// documents of every release, each tagged with its release id in the field
// "release" (the caller's documents carry it; an index on it is the caller's
// to create). The meta collection holds one document, {_id: "active"}: the
// Pointer, naming the active release with its document count and the
// caller's info about it, and, while an import runs, its Lease.
//
// # Atomic switch
//
// There are no multi-document transactions (STORE.md), so an import never
// touches the active release: it writes the whole new release under a new
// release id, then switches the pointer in one single-document write, then
// deletes the previous release's documents. A crash before the switch leaves
// the previous release active and whole, and the crashed import's lease in
// place; the next import, once that lease has expired (LeaseTTL), deletes the
// partial release first. A reader follows the pointer, so it sees one release
// or the other, never a mix; Set.Load re-reads the pointer if documents went
// missing under it. The lease keeps two imports from interleaving: an import
// renews it after every batch and can switch only while it holds it (see
// Set.Replace for the steps).
package release

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/store"
)

// activeID is the _id of the pointer document naming the active release.
const activeID = "active"

// LeaseTTL bounds how long a crashed import blocks the next one. A running
// import renews its lease after every batch, so a batch (bounded by
// batchBytes) must take far less than this.
const LeaseTTL = 2 * time.Minute

// Batches of insertMany: large enough that the embedded store's per-call
// overhead vanishes, small enough that one batch stays well inside the
// lease and the 48 MB wire message limit.
const (
	batchDocs  = 2000
	batchBytes = 4 << 20
	// batchRate is the slowest write rate a batch's deadline allows for,
	// on top of the store's call timeout: a 4 MB batch gets 8 s more. The
	// embedded store writes about 3 MB/s on a 2-core machine.
	batchRate = 512 << 10 // bytes per second
	// deleteTime is what a deleteMany of a whole release may take beyond
	// the call timeout: the embedded store scans and deletes the 3,000
	// documents of two full ROME releases in a few seconds.
	deleteTime = time.Minute
)

// Pointer is the document {_id: "active"} of the meta collection. Release is
// empty until a first import switches to one; Lock is set while an import
// runs. Info is what the data set records about its release as a whole.
type Pointer[I comparable] struct {
	ID        string    `bson:"_id"`               // always "active"
	Release   string    `bson:"release,omitempty"` // id of the active release
	Docs      int       `bson:"docs"`              // how many documents it has
	Info      I         `bson:"info"`
	Revision  int64     `bson:"revision"` // from the shared counter, new at every change
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"` // when the active release or its info was written
	Lock      *Lease    `bson:"lock,omitempty"`
}

// Lease marks the pointer as taken by one import until a time.
type Lease struct {
	Owner string    `bson:"owner"` // the release id the import writes
	Until time.Time `bson:"until"`
}

// Set is the releases of one data set, of documents D whose pointer records
// info I, and runs the protocol on them.
type Set[D any, I comparable] struct {
	st   *store.Store
	docs *mongo.Collection
	meta *mongo.Collection
	name string // of the data set, for errors: "ROME release"
	// now stamps what an import writes; clock, which starts at now and runs
	// on, times the lease, so that tests control its expiry.
	now   time.Time
	clock func() time.Time

	// BeforeSwitch, when set, runs between the last batch and the switch;
	// an error from it fails the import as a failed switch would. Tests
	// inject failures and concurrent imports there.
	BeforeSwitch func() error
}

// New returns the Set whose documents are in the collection docs and whose
// pointer is in the collection meta. name names the data set in errors ("ROME
// release"); now stamps what an import writes and starts the clock that
// times the lease, so that a Set made with a later now sees an older lease
// as expired.
func New[D any, I comparable](st *store.Store, docs, meta, name string, now time.Time) *Set[D, I] {
	start := time.Now()
	return &Set[D, I]{
		st: st, docs: st.DB.Collection(docs), meta: st.DB.Collection(meta), name: name, now: now,
		clock: func() time.Time { return now.Add(time.Since(start)) },
	}
}

// NewID returns a fresh release id: the data's own version, when it has one,
// helps whoever reads the database; the random part makes two imports of the
// same version distinct.
func NewID(version string, now time.Time) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("release id: %v", err)) // crypto/rand does not fail on Linux
	}
	id := now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
	if version != "" {
		id = version + "-" + id
	}
	return id
}

// Active reads the pointer document, in one read by _id; false when none
// exists yet. A pointer with an empty Release exists once an import has
// started, before any switched.
func (s *Set[D, I]) Active(ctx context.Context) (Pointer[I], bool, error) {
	var p Pointer[I]
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	err := s.meta.FindOne(cctx, bson.D{{Key: "_id", Value: activeID}}).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Pointer[I]{}, false, nil
	}
	if err != nil {
		return Pointer[I]{}, false, fmt.Errorf("read active %s: %w", s.name, err)
	}
	return p, true, nil
}

// Acquire takes the import lease for owner and returns the pointer as it is
// under the lease. Another import holding an unexpired lease makes it fail
// with ECONFLICT; an expired one (its import crashed, or could not clean
// up) is taken over, and takenOver says so. Replace takes it itself; tests
// call it to stage a crashed import.
func (s *Set[D, I]) Acquire(ctx context.Context, owner string) (p Pointer[I], takenOver bool, err error) {
	before, _, err := s.Active(ctx)
	if err != nil {
		return Pointer[I]{}, false, err
	}
	now := s.clock()
	// The conditional update below needs the document to exist: insert it
	// once, and let the loser of a race see a duplicate key.
	cctx, cancel := s.st.Deadline(ctx)
	_, err = s.meta.InsertOne(cctx, bson.D{
		{Key: "_id", Value: activeID}, {Key: "docs", Value: 0}, {Key: "revision", Value: int64(0)},
		{Key: "createdAt", Value: s.now}, {Key: "updatedAt", Value: s.now},
	})
	cancel()
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return Pointer[I]{}, false, fmt.Errorf("create %s pointer: %w", s.name, err)
	}
	cctx, cancel = s.st.Deadline(ctx)
	res, err := s.meta.UpdateOne(cctx,
		bson.D{{Key: "_id", Value: activeID}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "lock", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "lock.until", Value: bson.D{{Key: "$lt", Value: now}}}},
		}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lock", Value: Lease{Owner: owner, Until: now.Add(LeaseTTL)}}}}})
	cancel()
	if err != nil {
		return Pointer[I]{}, false, fmt.Errorf("take %s import lease: %w", s.name, err)
	}
	if p, _, err = s.Active(ctx); err != nil {
		return Pointer[I]{}, false, err
	}
	if res.MatchedCount == 0 || p.Lock == nil || p.Lock.Owner != owner {
		held := "another import"
		if p.Lock != nil {
			held = fmt.Sprintf("import %s until %s", p.Lock.Owner, p.Lock.Until.UTC().Format(time.RFC3339))
		}
		return Pointer[I]{}, false, &passerelle.Error{Code: passerelle.ECONFLICT,
			Err: fmt.Errorf("take %s import lease: held by %s", s.name, held)}
	}
	// Had another import held the lease when it was read, the update would
	// have failed unless that lease had expired.
	return p, before.Lock != nil, nil
}

// ownerUpdate applies update to the pointer only while owner holds the
// lease: after a takeover, the stale import can neither renew nor switch.
func (s *Set[D, I]) ownerUpdate(ctx context.Context, op, owner string, update bson.D) error {
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.meta.UpdateOne(cctx, bson.D{{Key: "_id", Value: activeID}, {Key: "lock.owner", Value: owner}}, update)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, s.name, err)
	}
	if res.MatchedCount == 0 {
		return &passerelle.Error{Code: passerelle.ECONFLICT,
			Err: fmt.Errorf("%s %s: import lease of %s lost to another import", op, s.name, owner)}
	}
	return nil
}

func (s *Set[D, I]) renew(ctx context.Context, owner string) error {
	return s.ownerUpdate(ctx, "renew import lease of", owner,
		bson.D{{Key: "$set", Value: bson.D{{Key: "lock.until", Value: s.clock().Add(LeaseTTL)}}}})
}

// unlock gives the lease up once an import has left nothing behind (see
// Replace). It works also after the caller's context is cancelled, so that
// an interrupted import that cleaned up does not make the next one wait for
// the lease to expire.
func (s *Set[D, I]) unlock(ctx context.Context, owner string) error {
	ctx = context.WithoutCancel(ctx)
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := s.meta.UpdateOne(cctx, bson.D{{Key: "_id", Value: activeID}, {Key: "lock.owner", Value: owner}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "lock", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("release %s import lease: %w", s.name, err)
	}
	return nil
}

// Insert writes docs, which the caller tagged with release owner, as
// Replace writes a release: in unordered batches, each under its own
// deadline, renewing owner's lease (taken with Acquire) after each batch.
// Replace writes itself; tests call it to stage a crashed import.
func (s *Set[D, I]) Insert(ctx context.Context, owner string, docs []D) error {
	raws, err := marshalAll(docs)
	if err != nil {
		return fmt.Errorf("insert %s documents: %w", s.name, err)
	}
	return s.insert(ctx, owner, raws)
}

// insert is Insert of documents already encoded, so that batches can be cut
// by size.
func (s *Set[D, I]) insert(ctx context.Context, owner string, docs []bson.Raw) error {
	for start := 0; start < len(docs); {
		end, size := start, 0
		for end < len(docs) && end-start < batchDocs && (end == start || size+len(docs[end]) <= batchBytes) {
			size += len(docs[end])
			end++
		}
		batch := make([]any, end-start)
		for i, d := range docs[start:end] {
			batch[i] = d
		}
		// A big batch outlasts the store's per-call timeout on the embedded
		// store: grant it time in proportion to its size.
		cctx, cancel := s.deadline(ctx, time.Duration(size)*time.Second/batchRate)
		_, err := s.docs.InsertMany(cctx, batch, options.InsertMany().SetOrdered(false))
		cancel()
		if err != nil {
			return fmt.Errorf("insert %s documents %d-%d of %d: %w", s.name, start+1, end, len(docs), err)
		}
		if err := s.renew(ctx, owner); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// commit is the switch: one write of the pointer makes owner's release (the
// release id is the lease owner's) the active one, with its document count
// and info. It keeps the lease, so that the clean-up that follows cannot race
// a new import.
func (s *Set[D, I]) commit(ctx context.Context, owner string, docs int, info I) error {
	if s.BeforeSwitch != nil {
		if err := s.BeforeSwitch(); err != nil {
			return err
		}
	}
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return fmt.Errorf("switch %s: %w", s.name, err)
	}
	return s.ownerUpdate(ctx, "switch", owner, bson.D{{Key: "$set", Value: bson.D{
		{Key: "release", Value: owner}, {Key: "docs", Value: docs}, {Key: "info", Value: info},
		{Key: "revision", Value: rev}, {Key: "updatedAt", Value: s.now},
	}}})
}

// collect deletes the documents of every release but keep: the previous
// release after a switch, and what an import that lost its lease left. It
// runs under the lease, so no other import can switch meanwhile (one whose
// lease expired may still write, and fails at its switch; the next switch
// collects what it wrote).
func (s *Set[D, I]) collect(ctx context.Context, keep string) error {
	cctx, cancel := s.deadline(ctx, deleteTime)
	defer cancel()
	if _, err := s.docs.DeleteMany(cctx, bson.D{{Key: "release", Value: bson.D{{Key: "$ne", Value: keep}}}}); err != nil {
		return fmt.Errorf("delete old %s documents: %w", s.name, err)
	}
	return nil
}

// discard deletes the documents of a release that failed before its switch.
// Like unlock it outlives a cancelled context; if it fails anyway, the lease
// is kept, and the next import collects them.
func (s *Set[D, I]) discard(ctx context.Context, release string) error {
	cctx, cancel := s.deadline(context.WithoutCancel(ctx), deleteTime)
	defer cancel()
	if _, err := s.docs.DeleteMany(cctx, bson.D{{Key: "release", Value: release}}); err != nil {
		return fmt.Errorf("delete %s documents of failed import %s: %w", s.name, release, err)
	}
	return nil
}

// deadline bounds one call that may outlast the store's call timeout (a big
// batch, a bulk delete): that timeout plus extra. Each such call gets its
// own, so that a slow import is not cut off as a whole.
func (s *Set[D, I]) deadline(ctx context.Context, extra time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.st.Timeout+extra)
}

// readDocs returns the documents of p's release. Each batch of the cursor
// gets its own deadline, since the whole read of a large release can outlast
// one call's timeout on the embedded store.
func (s *Set[D, I]) readDocs(ctx context.Context, p Pointer[I]) ([]D, error) {
	cctx, cancel := s.st.Deadline(ctx)
	cur, err := s.docs.Find(cctx, bson.D{{Key: "release", Value: p.Release}})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", s.name, p.Release, err)
	}
	defer func() {
		cctx, cancel := s.st.Deadline(context.WithoutCancel(ctx))
		defer cancel()
		_ = cur.Close(cctx) // only frees the server's cursor, which times out anyway
	}()
	out := make([]D, 0, p.Docs)
	for {
		cctx, cancel := s.st.Deadline(ctx)
		ok := cur.Next(cctx)
		cancel()
		if !ok {
			break
		}
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("decode %s document: %w", s.name, err)
		}
		out = append(out, d)
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", s.name, p.Release, err)
	}
	return out, nil
}

// errSwitched reports that the release being read was replaced meanwhile.
var errSwitched = errors.New("release switched while reading")

// Load reads the active release: the pointer, then its documents, in no
// particular order. It returns false when no release is active. A switch and
// clean-up between the two reads shows as missing documents; the read then
// starts over with the new pointer, up to three times.
func (s *Set[D, I]) Load(ctx context.Context) (Pointer[I], []D, bool, error) {
	for range 3 {
		p, ok, err := s.Active(ctx)
		if err != nil || !ok || p.Release == "" {
			return Pointer[I]{}, nil, false, err
		}
		docs, err := s.readDocs(ctx, p)
		if err != nil {
			return Pointer[I]{}, nil, false, err
		}
		if len(docs) == p.Docs {
			return p, docs, true, nil
		}
		now, _, err := s.Active(ctx)
		if err != nil {
			return Pointer[I]{}, nil, false, err
		}
		if now.Release == p.Release {
			return Pointer[I]{}, nil, false, fmt.Errorf("read %s %s: %d documents, want %d", s.name, p.Release, len(docs), p.Docs)
		}
	}
	return Pointer[I]{}, nil, false, fmt.Errorf("read %s: %w three times", s.name, errSwitched)
}

// marshalAll encodes docs once, so that batches can be cut by size.
func marshalAll[D any](docs []D) ([]bson.Raw, error) {
	out := make([]bson.Raw, len(docs))
	for i, d := range docs {
		b, err := bson.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("encode document %d: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

// Replace runs one import of a whole data set under the lease:
//
//  1. take the lease (ECONFLICT while another import holds it);
//  2. if the lease was taken over from an import that never gave it up,
//     delete the documents of any release but the active one: what that
//     import left;
//  3. read the active release and let differ compare it with the new data
//     (stored is empty and active false before a first switch); when differ
//     reports no difference, only a changed info is written, to the pointer;
//  4. write the new release's documents, from build, in batches; build gets
//     the fresh release id (made by NewID from version) that every document
//     must carry in its field "release", a revision from the shared counter,
//     and the Set's now to stamp them with;
//  5. switch: one write of the pointer names the new release; this is the
//     commit point, atomic because it is one document;
//  6. delete the previous release's documents (and any other leftover), then
//     give the lease up.
//
// An import gives its lease up only once no document of its own or of the
// previous release remains outside the active release; when it cannot (a
// crash, a failed delete), the lease expires and the next import does step
// 2. That spares the common path a delete, which costs a full scan on the
// embedded store.
//
// A failure before 5 deletes what 4 wrote and leaves the previous release
// active. It returns whether the switch happened: an error with committed
// true comes from step 6 only, and the next import finishes that clean-up.
// (Should the switch's answer be lost and the pointer then be unreadable
// too, the outcome is unknown: the error says committed false, the new
// documents are kept, and the next import keeps whichever release the
// pointer names.)
func (s *Set[D, I]) Replace(ctx context.Context, version string, info I,
	differ func(stored []D, active bool) bool, build func(release string, rev int64, now time.Time) []D,
) (committed bool, err error) {
	owner := NewID(version, s.now)
	p, takenOver, err := s.Acquire(ctx, owner)
	if err != nil {
		return false, err
	}
	clean := false
	defer func() {
		if !clean {
			return // leave the lease to expire: the next import collects
		}
		if uerr := s.unlock(ctx, owner); uerr != nil && err == nil {
			err = uerr
		}
	}()
	if takenOver {
		if err := s.collect(ctx, p.Release); err != nil {
			return false, err
		}
	}
	clean = true
	var stored []D
	if p.Release != "" {
		if stored, err = s.readDocs(ctx, p); err != nil {
			return false, err
		}
		if len(stored) != p.Docs {
			return false, fmt.Errorf("read %s %s: %d documents, want %d", s.name, p.Release, len(stored), p.Docs)
		}
	}
	if !differ(stored, p.Release != "") {
		if p.Info == info {
			return false, nil
		}
		rev, err := s.st.NextRevision(ctx)
		if err != nil {
			return false, fmt.Errorf("update %s info: %w", s.name, err)
		}
		return false, s.ownerUpdate(ctx, "update info of", owner, bson.D{{Key: "$set", Value: bson.D{
			{Key: "info", Value: info}, {Key: "revision", Value: rev}, {Key: "updatedAt", Value: s.now},
		}}})
	}
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return false, fmt.Errorf("write %s: %w", s.name, err)
	}
	raws, err := marshalAll(build(owner, rev, s.now))
	if err != nil {
		return false, fmt.Errorf("write %s: %w", s.name, err)
	}
	clean = false
	if err := s.insert(ctx, owner, raws); err != nil {
		clean = s.discard(ctx, owner) == nil
		return false, err
	}
	if err := s.commit(ctx, owner, len(raws), info); err != nil {
		// The switch may have landed even though its answer was lost:
		// delete the new documents only when the pointer shows it did not.
		now, _, rerr := s.Active(ctx)
		switch {
		case rerr != nil:
			return false, err // unknown outcome: leave the documents to the next import
		case now.Release != owner:
			clean = s.discard(ctx, owner) == nil
			return false, err
		}
	}
	if err := s.collect(ctx, owner); err != nil {
		return true, fmt.Errorf("%w (release %s is active; the next import retries)", err, owner)
	}
	clean = true
	return true, nil
}

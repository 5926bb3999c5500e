// Package offerdb stores offers ("offers" collection, keyed by ObjectID) and
// company pages ("companies", keyed by the organisation id) in MongoDB or
// the embedded store. It implements offer.Repository.
//
// Every query shape used here is one STORE.md lists as behaving the same on
// both stores: _id equality, equality and $gt filters with scalar sorts,
// skip and limit, countDocuments, and whole-document replaceOne filtered on
// _id and revision.
package offerdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/contract"
	"passerelle/internal/offer"
	"passerelle/internal/skill"
	"passerelle/internal/store"
)

// Collection names.
const (
	Offers    = "offers"
	Companies = "companies"
)

// Store is the MongoDB implementation of offer.Repository.
type Store struct {
	st        *store.Store
	offers    *mongo.Collection
	companies *mongo.Collection
	// batch is how many documents a stream asks for per round trip
	// (streamBatch; tests set fewer to cross batch boundaries).
	batch int32
}

var _ offer.Repository = (*Store)(nil)

// New returns a Store on st's database.
func New(st *store.Store) *Store {
	return &Store{st: st, offers: st.DB.Collection(Offers), companies: st.DB.Collection(Companies), batch: streamBatch}
}

// EnsureIndexes creates the collections' indexes; it is idempotent, for the
// migration list. "revision" serves Changed; "status_revision" the first
// load of the search catalogue (published offers by revision);
// "companyId_createdAt" a company's list of offers.
//
// One index per call: the embedded store (FerretDB 1.24) drops the
// connection when one createIndexes command names several indexes that all
// exist already, which would make a rerun fail.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	for _, x := range []struct {
		coll string
		idx  store.Index
	}{
		{Offers, store.Index{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"}},
		{Offers, store.Index{Keys: bson.D{{Key: "status", Value: 1}, {Key: "revision", Value: 1}}, Name: "status_revision"}},
		{Offers, store.Index{Keys: bson.D{{Key: "companyId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, Name: "companyId_createdAt"}},
		{Companies, store.Index{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"}},
	} {
		if err := st.EnsureIndexes(ctx, x.coll, x.idx); err != nil {
			return err
		}
	}
	return nil
}

type offerDoc struct {
	ID                   bson.ObjectID `bson:"_id"`
	CompanyID            string        `bson:"companyId"`
	Title                string        `bson:"title"`
	Rome                 string        `bson:"rome"`
	RomeLabel            string        `bson:"romeLabel"`
	RomeMissing          bool          `bson:"romeMissing,omitempty"`
	Description          string        `bson:"description"`
	Skills               []skillDoc    `bson:"skills"`
	Contract             string        `bson:"contract"`
	Place                placeDoc      `bson:"place"`
	Remote               string        `bson:"remote"`
	Salary               *salaryDoc    `bson:"salary,omitempty"`
	StartDate            time.Time     `bson:"startDate,omitempty"`
	OpenToCareerChangers bool          `bson:"openToCareerChangers"`
	Status               string        `bson:"status"`
	Closure              *closureDoc   `bson:"closure,omitempty"`
	PublishedAt          time.Time     `bson:"publishedAt,omitempty"`
	ClosedAt             time.Time     `bson:"closedAt,omitempty"`
	CreatedBy            string        `bson:"createdBy"`
	CreatedAt            time.Time     `bson:"createdAt"`
	UpdatedAt            time.Time     `bson:"updatedAt"`
	Revision             int64         `bson:"revision"`
}

type skillDoc struct {
	Code      string `bson:"code"`
	Label     string `bson:"label"`
	MinLevel  int    `bson:"minLevel"`
	MustHave  bool   `bson:"mustHave"`
	Learnable bool   `bson:"learnable"`
	Missing   bool   `bson:"missing,omitempty"`
}

type placeDoc struct {
	CommuneID string  `bson:"communeId"`
	Name      string  `bson:"name"`
	Lat       float64 `bson:"lat"`
	Lon       float64 `bson:"lon"`
}

type salaryDoc struct {
	Min int `bson:"min,omitempty"`
	Max int `bson:"max,omitempty"`
}

type closureDoc struct {
	Reason string `bson:"reason"`
	Note   string `bson:"note,omitempty"`
}

type companyDoc struct {
	OrgID       string    `bson:"_id"`
	Name        string    `bson:"name"`
	SIREN       string    `bson:"siren,omitempty"`
	Sector      string    `bson:"sector"`
	Size        string    `bson:"size,omitempty"`
	City        string    `bson:"city"`
	Description string    `bson:"description"`
	Website     string    `bson:"website,omitempty"`
	UpdatedBy   string    `bson:"updatedBy"`
	CreatedAt   time.Time `bson:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt"`
	Revision    int64     `bson:"revision"`
}

func toOfferDoc(o offer.Offer) (offerDoc, error) {
	id, err := bson.ObjectIDFromHex(o.ID)
	if err != nil {
		return offerDoc{}, fmt.Errorf("offer id %q: %w", o.ID, err)
	}
	d := offerDoc{
		ID:                   id,
		CompanyID:            o.CompanyID,
		Title:                o.Title,
		Rome:                 string(o.Rome),
		RomeLabel:            o.RomeLabel,
		RomeMissing:          o.RomeMissing,
		Description:          o.Description,
		Skills:               make([]skillDoc, len(o.Skills)),
		Contract:             string(o.Contract),
		Place:                placeDoc{CommuneID: o.Place.CommuneID, Name: o.Place.Name, Lat: o.Place.Lat, Lon: o.Place.Lon},
		Remote:               string(o.Remote),
		StartDate:            o.StartDate,
		OpenToCareerChangers: o.OpenToCareerChangers,
		Status:               string(o.Status),
		PublishedAt:          o.PublishedAt,
		ClosedAt:             o.ClosedAt,
		CreatedBy:            o.CreatedBy,
		CreatedAt:            o.CreatedAt,
		UpdatedAt:            o.UpdatedAt,
		Revision:             o.Revision,
	}
	for i, s := range o.Skills {
		d.Skills[i] = skillDoc{Code: string(s.Code), Label: s.Label, MinLevel: int(s.MinLevel), MustHave: s.MustHave, Learnable: s.Learnable, Missing: s.Missing}
	}
	if !o.Salary.IsZero() {
		d.Salary = &salaryDoc{Min: o.Salary.Min, Max: o.Salary.Max}
	}
	if o.Closure != (offer.Closure{}) {
		d.Closure = &closureDoc{Reason: string(o.Closure.Reason), Note: o.Closure.Note}
	}
	return d, nil
}

func fromOfferDoc(d offerDoc) offer.Offer {
	o := offer.Offer{
		ID:                   d.ID.Hex(),
		CompanyID:            d.CompanyID,
		Title:                d.Title,
		Rome:                 skill.RomeCode(d.Rome),
		RomeLabel:            d.RomeLabel,
		RomeMissing:          d.RomeMissing,
		Description:          d.Description,
		Contract:             contract.Type(d.Contract),
		Place:                offer.Place{CommuneID: d.Place.CommuneID, Name: d.Place.Name, Lat: d.Place.Lat, Lon: d.Place.Lon},
		Remote:               offer.RemotePolicy(d.Remote),
		StartDate:            d.StartDate,
		OpenToCareerChangers: d.OpenToCareerChangers,
		Status:               offer.Status(d.Status),
		PublishedAt:          d.PublishedAt,
		ClosedAt:             d.ClosedAt,
		CreatedBy:            d.CreatedBy,
		CreatedAt:            d.CreatedAt,
		UpdatedAt:            d.UpdatedAt,
		Revision:             d.Revision,
	}
	for _, s := range d.Skills {
		o.Skills = append(o.Skills, offer.Skill{Code: skill.Code(s.Code), Label: s.Label, MinLevel: skill.Level(s.MinLevel), MustHave: s.MustHave, Learnable: s.Learnable, Missing: s.Missing})
	}
	if d.Salary != nil {
		o.Salary = offer.Salary{Min: d.Salary.Min, Max: d.Salary.Max}
	}
	if d.Closure != nil {
		o.Closure = offer.Closure{Reason: offer.CloseReason(d.Closure.Reason), Note: d.Closure.Note}
	}
	return o
}

func toCompanyDoc(c offer.Company) companyDoc {
	return companyDoc{OrgID: c.OrgID, Name: c.Name, SIREN: c.SIREN, Sector: c.Sector, Size: string(c.Size), City: c.City,
		Description: c.Description, Website: c.Website, UpdatedBy: c.UpdatedBy, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Revision: c.Revision}
}

func fromCompanyDoc(d companyDoc) offer.Company {
	return offer.Company{OrgID: d.OrgID, Name: d.Name, SIREN: d.SIREN, Sector: d.Sector, Size: offer.CompanySize(d.Size), City: d.City,
		Description: d.Description, Website: d.Website, UpdatedBy: d.UpdatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Revision: d.Revision}
}

// mapErr turns driver errors into domain errors, wrapped with the operation;
// what names the kind of document for the message keys ("offer", "company").
func mapErr(what, op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error." + what + ".not_found", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsDuplicateKeyError(err):
		return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error." + what + ".exists", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func offerNotFound(op string, err error) error {
	return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.offer.not_found", Err: fmt.Errorf("%s: %w", op, err)}
}

// Offer implements offer.Repository.
func (s *Store) Offer(ctx context.Context, id string) (offer.Offer, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return offer.Offer{}, offerNotFound("find offer", err)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d offerDoc
	if err := s.offers.FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&d); err != nil {
		return offer.Offer{}, mapErr("offer", "find offer "+id, err)
	}
	return fromOfferDoc(d), nil
}

// CreateOffer implements offer.Repository.
func (s *Store) CreateOffer(ctx context.Context, o offer.Offer) (offer.Offer, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return offer.Offer{}, mapErr("offer", "create offer", err)
	}
	o.Revision = rev
	d, err := toOfferDoc(o)
	if err != nil {
		return offer.Offer{}, fmt.Errorf("create offer: %w", err)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.offers.InsertOne(ctx, d); err != nil {
		return offer.Offer{}, mapErr("offer", "insert offer "+o.ID, err)
	}
	return fromOfferDoc(d), nil
}

// ReplaceOffer implements offer.Repository.
func (s *Store) ReplaceOffer(ctx context.Context, o offer.Offer, expectedRevision int64) (offer.Offer, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return offer.Offer{}, mapErr("offer", "replace offer", err)
	}
	o.Revision = rev
	d, err := toOfferDoc(o)
	if err != nil {
		return offer.Offer{}, offerNotFound("replace offer", err)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.offers.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "revision", Value: expectedRevision}}, d)
	if err != nil {
		return offer.Offer{}, mapErr("offer", "replace offer "+o.ID, err)
	}
	if res.MatchedCount == 0 {
		return offer.Offer{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.offer.stale",
			Err: fmt.Errorf("replace offer %s: revision %d is no longer current", o.ID, expectedRevision)}
	}
	return fromOfferDoc(d), nil
}

// CompanyOffers implements offer.Repository.
func (s *Store) CompanyOffers(ctx context.Context, companyID string, offset, limit int) ([]offer.Offer, int, error) {
	filter := bson.D{{Key: "companyId", Value: companyID}}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	total, err := s.offers.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, mapErr("offer", "count company offers", err)
	}
	if int64(offset) >= total {
		return nil, int(total), nil
	}
	cur, err := s.offers.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(int64(max(offset, 0))).SetLimit(int64(min(max(limit, 1), 1000))))
	if err != nil {
		return nil, 0, mapErr("offer", "list company offers", err)
	}
	out, err := decodeOffers(ctx, cur)
	if err != nil {
		return nil, 0, mapErr("offer", "list company offers", err)
	}
	return out, int(total), nil
}

// ChangedOffers implements offer.Repository.
func (s *Store) ChangedOffers(ctx context.Context, since int64, limit int) ([]offer.Offer, error) {
	return s.findOffers(ctx, "changed offers",
		bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}},
		bson.D{{Key: "revision", Value: 1}}, limit)
}

// StreamChangedOffers implements offer.Repository: one find sorted by
// revision, read batch by batch through one cursor under one deadline (see
// streamDeadline). Paging with ChangedOffers instead costs a full
// collection scan and sort per page on the embedded store.
func (s *Store) StreamChangedOffers(ctx context.Context, since int64, fn func(offer.Offer) error) error {
	const op = "stream offers"
	ctx, cancel, err := s.st.StreamDeadline(ctx, since)
	if err != nil {
		return mapErr("offer", op, err)
	}
	defer cancel()
	cur, err := s.offers.Find(ctx, bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}},
		options.Find().SetSort(bson.D{{Key: "revision", Value: 1}}).SetBatchSize(s.batch))
	if err != nil {
		return mapErr("offer", op, err)
	}
	defer s.st.CloseCursor(ctx, cur)
	for cur.Next(ctx) {
		// Next serves a fetched batch without looking at ctx.
		if err := ctx.Err(); err != nil {
			return mapErr("offer", op, err)
		}
		var d offerDoc
		if err := cur.Decode(&d); err != nil {
			return mapErr("offer", op, err)
		}
		if err := fn(fromOfferDoc(d)); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	return mapErr("offer", op, cur.Err())
}

const (
	// streamBatch is how many documents a stream fetches per round trip,
	// the most a page of Changed returns.
	streamBatch = 1000
)

// PublishedOffers implements offer.Repository.
func (s *Store) PublishedOffers(ctx context.Context, since int64, limit int) ([]offer.Offer, error) {
	return s.findOffers(ctx, "published offers",
		bson.D{{Key: "status", Value: string(offer.StatusPublished)}, {Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}},
		bson.D{{Key: "revision", Value: 1}}, limit)
}

// ScanOffers implements offer.Repository.
func (s *Store) ScanOffers(ctx context.Context, afterID string, limit int) ([]offer.Offer, error) {
	after := bson.NilObjectID
	if afterID != "" {
		var err error
		if after, err = bson.ObjectIDFromHex(afterID); err != nil {
			return nil, fmt.Errorf("scan offers after %q: %w", afterID, err)
		}
	}
	return s.findOffers(ctx, "scan offers",
		bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		bson.D{{Key: "_id", Value: 1}}, limit)
}

func (s *Store) findOffers(ctx context.Context, op string, filter, sort bson.D, limit int) ([]offer.Offer, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.offers.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(min(max(limit, 1), 1000))))
	if err != nil {
		return nil, mapErr("offer", op, err)
	}
	out, err := decodeOffers(ctx, cur)
	if err != nil {
		return nil, mapErr("offer", op, err)
	}
	return out, nil
}

func decodeOffers(ctx context.Context, cur *mongo.Cursor) ([]offer.Offer, error) {
	var docs []offerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]offer.Offer, len(docs))
	for i, d := range docs {
		out[i] = fromOfferDoc(d)
	}
	return out, nil
}

// Company implements offer.Repository.
func (s *Store) Company(ctx context.Context, orgID string) (offer.Company, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d companyDoc
	if err := s.companies.FindOne(ctx, bson.D{{Key: "_id", Value: orgID}}).Decode(&d); err != nil {
		return offer.Company{}, mapErr("company", "find company "+orgID, err)
	}
	return fromCompanyDoc(d), nil
}

// CreateCompany implements offer.Repository.
func (s *Store) CreateCompany(ctx context.Context, c offer.Company) (offer.Company, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return offer.Company{}, mapErr("company", "create company", err)
	}
	c.Revision = rev
	d := toCompanyDoc(c)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.companies.InsertOne(ctx, d); err != nil {
		return offer.Company{}, mapErr("company", "insert company "+c.OrgID, err)
	}
	return fromCompanyDoc(d), nil
}

// ReplaceCompany implements offer.Repository.
func (s *Store) ReplaceCompany(ctx context.Context, c offer.Company, expectedRevision int64) (offer.Company, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return offer.Company{}, mapErr("company", "replace company", err)
	}
	c.Revision = rev
	d := toCompanyDoc(c)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.companies.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.OrgID}, {Key: "revision", Value: expectedRevision}}, d)
	if err != nil {
		return offer.Company{}, mapErr("company", "replace company "+c.OrgID, err)
	}
	if res.MatchedCount == 0 {
		return offer.Company{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.company.stale",
			Err: fmt.Errorf("replace company %s: revision %d is no longer current", c.OrgID, expectedRevision)}
	}
	return fromCompanyDoc(d), nil
}

// ChangedCompanies implements offer.Repository.
func (s *Store) ChangedCompanies(ctx context.Context, since int64, limit int) ([]offer.Company, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.companies.Find(ctx, bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}},
		options.Find().SetSort(bson.D{{Key: "revision", Value: 1}}).SetLimit(int64(min(max(limit, 1), 1000))))
	if err != nil {
		return nil, mapErr("company", "changed companies", err)
	}
	var docs []companyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("company", "changed companies", err)
	}
	out := make([]offer.Company, len(docs))
	for i, d := range docs {
		out[i] = fromCompanyDoc(d)
	}
	return out, nil
}

// InsertOffers writes new offers in bulk, for loads that bypass the service
// (the synthetic worlds of package demo): one reservation of len(batch)
// revisions, then one unordered insertMany under one store deadline, so
// callers send batches of about a thousand. The offers are written as
// given, without validation; their IDs must be set. Offers whose ID is
// already stored are left as they are and not counted, so that an
// interrupted load can be run again. It returns how many it inserted.
func (s *Store) InsertOffers(ctx context.Context, batch []offer.Offer) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	last, err := s.st.NextRevisions(ctx, int64(len(batch)))
	if err != nil {
		return 0, mapErr("offer", "insert offers", err)
	}
	docs := make([]any, len(batch))
	for i, o := range batch {
		o.Revision = last - int64(len(batch)-1-i)
		d, err := toOfferDoc(o)
		if err != nil {
			return 0, fmt.Errorf("insert offers: %w", err)
		}
		docs[i] = d
	}
	return s.insertMany(ctx, s.offers, "offer", "insert offers", docs)
}

// InsertCompanies writes new company pages in bulk, like InsertOffers:
// pages of organisations that already have one are left as they are and
// not counted.
func (s *Store) InsertCompanies(ctx context.Context, cs []offer.Company) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	last, err := s.st.NextRevisions(ctx, int64(len(cs)))
	if err != nil {
		return 0, mapErr("company", "insert companies", err)
	}
	docs := make([]any, len(cs))
	for i, c := range cs {
		c.Revision = last - int64(len(cs)-1-i)
		docs[i] = toCompanyDoc(c)
	}
	return s.insertMany(ctx, s.companies, "company", "insert companies", docs)
}

// insertMany inserts docs unordered under one deadline and returns how many
// were new, duplicates of stored IDs being skipped.
func (s *Store) insertMany(ctx context.Context, coll *mongo.Collection, what, op string, docs []any) (int, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) > 0 {
		dups := 0
		for _, we := range bwe.WriteErrors {
			if mongo.IsDuplicateKeyError(we.WriteError) {
				dups++
			}
		}
		if dups == len(bwe.WriteErrors) {
			return len(docs) - dups, nil
		}
	}
	if err != nil {
		return 0, mapErr(what, op, err)
	}
	return len(docs), nil
}

// Package applicationdb stores the workflow of package application in
// MongoDB or the embedded store. It implements application.Repository.
//
// Collections, each keyed so that what must be unique is the primary key
// (the embedded store enforces nothing else reliably, see STORE.md):
//
//	applications            _id candidateId:offerId, the history embedded
//	application_invitations _id digest(offer, candidate)
//	endorsements            _id candidateId:offerId:orgId
//	talent_pool             _id digest(company, candidate)
//	application_settings    _id candidateId
//
// Query shapes, all listed by STORE.md as behaving the same on both stores:
// _id equality; equality, $ne, $in and $gt filters with scalar sorts, skip
// and limit; projections; countDocuments; findOneAndUpdate with $set and $push filtered
// on _id plus the fields the change depends on (revision, status), returning
// the document after; replaceOne with upsert; deleteOne.
package applicationdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/application"
	"passerelle/internal/auth"
	"passerelle/internal/store"
)

// Collection names.
const (
	Applications = "applications"
	Invitations  = "application_invitations"
	Endorsements = "endorsements"
	Pool         = "talent_pool"
	Settings     = "application_settings"
)

// Store is the MongoDB implementation of application.Repository.
type Store struct {
	st           *store.Store
	applications *mongo.Collection
	invitations  *mongo.Collection
	endorsements *mongo.Collection
	pool         *mongo.Collection
	settings     *mongo.Collection
}

var _ application.Repository = (*Store)(nil)

// New returns a Store on st's database.
func New(st *store.Store) *Store {
	return &Store{
		st:           st,
		applications: st.DB.Collection(Applications),
		invitations:  st.DB.Collection(Invitations),
		endorsements: st.DB.Collection(Endorsements),
		pool:         st.DB.Collection(Pool),
		settings:     st.DB.Collection(Settings),
	}
}

// EnsureIndexes creates the collections' indexes; it is idempotent, for the
// migration list. Each serves one list: a candidate's and an offer's
// applications and invitations (newest first), "is this candidate known to
// this company" (companyId_candidateId), a candidate's reviews and an
// offer's recommendations, the catch-up of reviews by revision, a company's
// pool and a candidate's pools.
//
// One index per call: the embedded store (FerretDB 1.24) drops the
// connection when one createIndexes command names several indexes that all
// exist already, which would make a rerun fail.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	newest := func(field string) bson.D {
		return bson.D{{Key: field, Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
	}
	for _, x := range []struct {
		coll string
		idx  store.Index
	}{
		{Applications, store.Index{Keys: newest("candidateId"), Name: "candidateId_createdAt"}},
		{Applications, store.Index{Keys: newest("offerId"), Name: "offerId_createdAt"}},
		{Applications, store.Index{Keys: bson.D{{Key: "companyId", Value: 1}, {Key: "candidateId", Value: 1}}, Name: "companyId_candidateId"}},
		{Invitations, store.Index{Keys: newest("candidateId"), Name: "candidateId_createdAt"}},
		{Invitations, store.Index{Keys: newest("offerId"), Name: "offerId_createdAt"}},
		{Endorsements, store.Index{Keys: bson.D{{Key: "candidateId", Value: 1}, {Key: "at", Value: -1}}, Name: "candidateId_at"}},
		{Endorsements, store.Index{Keys: bson.D{{Key: "offerId", Value: 1}, {Key: "decision", Value: 1}, {Key: "at", Value: -1}}, Name: "offerId_decision_at"}},
		{Endorsements, store.Index{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"}},
		{Pool, store.Index{Keys: newest("companyId"), Name: "companyId_createdAt"}},
		{Pool, store.Index{Keys: newest("candidateId"), Name: "candidateId_createdAt"}},
	} {
		if err := st.EnsureIndexes(ctx, x.coll, x.idx); err != nil {
			return err
		}
	}
	return nil
}

// Documents.

type actorDoc struct {
	UserID string `bson:"userId"`
	Role   string `bson:"role"`
	OrgID  string `bson:"orgId,omitempty"`
}

type transitionDoc struct {
	From   string    `bson:"from"`
	To     string    `bson:"to"`
	By     string    `bson:"by"`
	Role   string    `bson:"role"`
	At     time.Time `bson:"at"`
	Reason string    `bson:"reason,omitempty"`
	Note   string    `bson:"note,omitempty"`
}

type rejectionDoc struct {
	Reason string `bson:"reason"`
	Note   string `bson:"note,omitempty"`
}

type applicationDoc struct {
	ID           string          `bson:"_id"`
	CandidateID  string          `bson:"candidateId"`
	OfferID      string          `bson:"offerId"`
	CompanyID    string          `bson:"companyId"`
	Message      string          `bson:"message"`
	Status       string          `bson:"status"`
	Rejection    *rejectionDoc   `bson:"rejection,omitempty"`
	AppliedBy    actorDoc        `bson:"appliedBy"`
	InvitationID string          `bson:"invitationId,omitempty"`
	History      []transitionDoc `bson:"history"`
	CreatedAt    time.Time       `bson:"createdAt"`
	UpdatedAt    time.Time       `bson:"updatedAt"`
	Revision     int64           `bson:"revision"`
}

type invitationDoc struct {
	ID            string    `bson:"_id"`
	OfferID       string    `bson:"offerId"`
	CompanyID     string    `bson:"companyId"`
	CandidateID   string    `bson:"candidateId"`
	Pseudonym     string    `bson:"pseudonym"`
	Message       string    `bson:"message"`
	InvitedBy     string    `bson:"invitedBy"`
	Status        string    `bson:"status"`
	ApplicationID string    `bson:"applicationId,omitempty"`
	CreatedAt     time.Time `bson:"createdAt"`
	RespondedAt   time.Time `bson:"respondedAt,omitempty"`
	Revision      int64     `bson:"revision"`
}

type endorsementDoc struct {
	ID          string    `bson:"_id"`
	CandidateID string    `bson:"candidateId"`
	OfferID     string    `bson:"offerId"`
	CompanyID   string    `bson:"companyId"`
	OrgID       string    `bson:"orgId"`
	Decision    string    `bson:"decision"`
	Note        string    `bson:"note"`
	By          string    `bson:"by"`
	At          time.Time `bson:"at"`
	Revision    int64     `bson:"revision"`
}

type poolDoc struct {
	ID          string    `bson:"_id"`
	CompanyID   string    `bson:"companyId"`
	CandidateID string    `bson:"candidateId"`
	Pseudonym   string    `bson:"pseudonym"`
	Note        string    `bson:"note"`
	AddedBy     string    `bson:"addedBy"`
	Status      string    `bson:"status"`
	CreatedAt   time.Time `bson:"createdAt"`
	RespondedAt time.Time `bson:"respondedAt,omitempty"`
	Revision    int64     `bson:"revision"`
}

type settingsDoc struct {
	ID              string    `bson:"_id"`
	AdviserMayApply bool      `bson:"adviserMayApply"`
	UpdatedAt       time.Time `bson:"updatedAt"`
	Revision        int64     `bson:"revision"`
}

// Converters.

func toActorDoc(a application.Actor) actorDoc {
	return actorDoc{UserID: a.UserID, Role: string(a.Role), OrgID: a.OrgID}
}

func fromActorDoc(d actorDoc) application.Actor {
	return application.Actor{UserID: d.UserID, Role: auth.Role(d.Role), OrgID: d.OrgID}
}

func toTransitionDoc(t application.Transition) transitionDoc {
	return transitionDoc{From: string(t.From), To: string(t.To), By: t.By, Role: string(t.Role), At: t.At, Reason: string(t.Reason), Note: t.Note}
}

func fromTransitionDoc(d transitionDoc) application.Transition {
	return application.Transition{From: application.Status(d.From), To: application.Status(d.To), By: d.By, Role: auth.Role(d.Role),
		At: d.At, Reason: application.RejectReason(d.Reason), Note: d.Note}
}

func toApplicationDoc(a application.Application) applicationDoc {
	d := applicationDoc{
		ID: a.ID, CandidateID: a.CandidateID, OfferID: a.OfferID, CompanyID: a.CompanyID, Message: a.Message,
		Status: string(a.Status), AppliedBy: toActorDoc(a.AppliedBy), InvitationID: a.InvitationID,
		History: make([]transitionDoc, len(a.History)), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Revision: a.Revision,
	}
	for i, t := range a.History {
		d.History[i] = toTransitionDoc(t)
	}
	if a.Rejection != (application.Rejection{}) {
		d.Rejection = &rejectionDoc{Reason: string(a.Rejection.Reason), Note: a.Rejection.Note}
	}
	return d
}

func fromApplicationDoc(d applicationDoc) application.Application {
	a := application.Application{
		ID: d.ID, CandidateID: d.CandidateID, OfferID: d.OfferID, CompanyID: d.CompanyID, Message: d.Message,
		Status: application.Status(d.Status), AppliedBy: fromActorDoc(d.AppliedBy), InvitationID: d.InvitationID,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Revision: d.Revision,
	}
	for _, t := range d.History {
		a.History = append(a.History, fromTransitionDoc(t))
	}
	if d.Rejection != nil {
		a.Rejection = application.Rejection{Reason: application.RejectReason(d.Rejection.Reason), Note: d.Rejection.Note}
	}
	return a
}

func toInvitationDoc(i application.Invitation) invitationDoc {
	return invitationDoc{ID: i.ID, OfferID: i.OfferID, CompanyID: i.CompanyID, CandidateID: i.CandidateID, Pseudonym: i.Pseudonym,
		Message: i.Message, InvitedBy: i.InvitedBy, Status: string(i.Status), ApplicationID: i.ApplicationID,
		CreatedAt: i.CreatedAt, RespondedAt: i.RespondedAt, Revision: i.Revision}
}

func fromInvitationDoc(d invitationDoc) application.Invitation {
	return application.Invitation{ID: d.ID, OfferID: d.OfferID, CompanyID: d.CompanyID, CandidateID: d.CandidateID, Pseudonym: d.Pseudonym,
		Message: d.Message, InvitedBy: d.InvitedBy, Status: application.InvitationStatus(d.Status), ApplicationID: d.ApplicationID,
		CreatedAt: d.CreatedAt, RespondedAt: d.RespondedAt, Revision: d.Revision}
}

func toEndorsementDoc(e application.Endorsement) endorsementDoc {
	return endorsementDoc{ID: e.ID, CandidateID: e.CandidateID, OfferID: e.OfferID, CompanyID: e.CompanyID, OrgID: e.OrgID,
		Decision: string(e.Decision), Note: e.Note, By: e.By, At: e.At, Revision: e.Revision}
}

func fromEndorsementDoc(d endorsementDoc) application.Endorsement {
	return application.Endorsement{ID: d.ID, CandidateID: d.CandidateID, OfferID: d.OfferID, CompanyID: d.CompanyID, OrgID: d.OrgID,
		Decision: application.Decision(d.Decision), Note: d.Note, By: d.By, At: d.At, Revision: d.Revision}
}

func toPoolDoc(e application.PoolEntry) poolDoc {
	return poolDoc{ID: e.ID, CompanyID: e.CompanyID, CandidateID: e.CandidateID, Pseudonym: e.Pseudonym, Note: e.Note,
		AddedBy: e.AddedBy, Status: string(e.Status), CreatedAt: e.CreatedAt, RespondedAt: e.RespondedAt, Revision: e.Revision}
}

func fromPoolDoc(d poolDoc) application.PoolEntry {
	return application.PoolEntry{ID: d.ID, CompanyID: d.CompanyID, CandidateID: d.CandidateID, Pseudonym: d.Pseudonym, Note: d.Note,
		AddedBy: d.AddedBy, Status: application.PoolStatus(d.Status), CreatedAt: d.CreatedAt, RespondedAt: d.RespondedAt, Revision: d.Revision}
}

// mapErr turns driver errors into domain errors, wrapped with the operation;
// what names the kind of document for the message keys.
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

// Message-key stems of mapErr.
const (
	whatApplication = "application"
	whatInvitation  = "application.invitation"
	whatEndorsement = "application.endorsement"
	whatPool        = "application.pool"
	whatSettings    = "application.settings"
)

func stale(op string) error {
	return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.application.stale", Err: fmt.Errorf("%s: the document changed or is gone", op)}
}

func limitOf(limit int) int64 { return int64(min(max(limit, 1), 1000)) }

var newestFirst = bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}

// after is the option of a findOneAndUpdate that returns the updated document.
func after() *options.FindOneAndUpdateOptionsBuilder {
	return options.FindOneAndUpdate().SetReturnDocument(options.After)
}

// findPage counts the documents of filter and returns one page of them,
// sorted by sort, decoded into D.
func findPage[D any](ctx context.Context, s *Store, coll *mongo.Collection, filter, sort bson.D, offset, limit int) ([]D, int, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	total, err := coll.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, err
	}
	if int64(offset) >= total {
		return nil, int(total), nil
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(sort).SetSkip(int64(max(offset, 0))).SetLimit(limitOf(limit)))
	if err != nil {
		return nil, 0, err
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, err
	}
	return docs, int(total), nil
}

// findAll returns at most limit documents of filter sorted by sort.
func findAll[D any](ctx context.Context, s *Store, coll *mongo.Collection, filter, sort bson.D, limit int) ([]D, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(limitOf(limit)))
	if err != nil {
		return nil, err
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	return docs, nil
}

func convert[D, T any](docs []D, f func(D) T) []T {
	out := make([]T, len(docs))
	for i, d := range docs {
		out[i] = f(d)
	}
	return out
}

// Applications.

// CreateApplication implements application.Repository.
func (s *Store) CreateApplication(ctx context.Context, a application.Application) (application.Application, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.Application{}, mapErr(whatApplication, "create application", err)
	}
	a.Revision = rev
	d := toApplicationDoc(a)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.applications.InsertOne(ctx, d); err != nil {
		return application.Application{}, mapErr(whatApplication, "insert application "+a.ID, err)
	}
	return fromApplicationDoc(d), nil
}

// Application implements application.Repository.
func (s *Store) Application(ctx context.Context, id string) (application.Application, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d applicationDoc
	if err := s.applications.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return application.Application{}, mapErr(whatApplication, "find application "+id, err)
	}
	return fromApplicationDoc(d), nil
}

// AppendTransition implements application.Repository.
func (s *Store) AppendTransition(ctx context.Context, id string, expectedRevision int64, t application.Transition, r application.Rejection) (application.Application, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.Application{}, mapErr(whatApplication, "move application", err)
	}
	set := bson.D{{Key: "status", Value: string(t.To)}, {Key: "updatedAt", Value: t.At}, {Key: "revision", Value: rev}}
	if r != (application.Rejection{}) {
		set = append(set, bson.E{Key: "rejection", Value: rejectionDoc{Reason: string(r.Reason), Note: r.Note}})
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d applicationDoc
	err = s.applications.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revision", Value: expectedRevision}, {Key: "status", Value: string(t.From)}},
		bson.D{{Key: "$set", Value: set}, {Key: "$push", Value: bson.D{{Key: "history", Value: toTransitionDoc(t)}}}},
		after()).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return application.Application{}, stale("move application " + id)
	}
	if err != nil {
		return application.Application{}, mapErr(whatApplication, "move application "+id, err)
	}
	return fromApplicationDoc(d), nil
}

// CandidateApplications implements application.Repository.
func (s *Store) CandidateApplications(ctx context.Context, candidateID string, offset, limit int) ([]application.Application, int, error) {
	docs, total, err := findPage[applicationDoc](ctx, s, s.applications, bson.D{{Key: "candidateId", Value: candidateID}}, newestFirst, offset, limit)
	if err != nil {
		return nil, 0, mapErr(whatApplication, "list candidate applications", err)
	}
	return convert(docs, fromApplicationDoc), total, nil
}

// briefDoc is the projection of an application that CandidatesBriefs reads.
type briefDoc struct {
	ID          string    `bson:"_id"`
	CandidateID string    `bson:"candidateId"`
	Status      string    `bson:"status"`
	UpdatedAt   time.Time `bson:"updatedAt"`
}

// CandidatesBriefs implements application.Repository: one query, $in on
// candidateId (the field of the candidateId_createdAt index) sorted by
// candidate then newest first, projected to the brief's fields. The per
// candidate bound is applied while reading the cursor.
func (s *Store) CandidatesBriefs(ctx context.Context, candidateIDs []string, perCandidate int) ([]application.Brief, error) {
	const op = "list candidates' application briefs"
	if len(candidateIDs) == 0 {
		return []application.Brief{}, nil
	}
	if len(candidateIDs) > application.MaxCaseloadRead {
		return nil, fmt.Errorf("%s: %d candidates, at most %d", op, len(candidateIDs), application.MaxCaseloadRead)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.applications.Find(ctx,
		bson.D{{Key: "candidateId", Value: bson.D{{Key: "$in", Value: candidateIDs}}}},
		options.Find().
			SetSort(bson.D{{Key: "candidateId", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
			SetProjection(bson.D{{Key: "candidateId", Value: 1}, {Key: "status", Value: 1}, {Key: "updatedAt", Value: 1}}))
	if err != nil {
		return nil, mapErr(whatApplication, op, err)
	}
	defer func() { _ = cur.Close(ctx) }()
	out := []application.Brief{}
	n, last := 0, ""
	for cur.Next(ctx) {
		var d briefDoc
		if err := cur.Decode(&d); err != nil {
			return nil, mapErr(whatApplication, op, err)
		}
		if d.CandidateID != last {
			n, last = 0, d.CandidateID
		}
		if n++; n > perCandidate {
			continue
		}
		out = append(out, application.Brief{ID: d.ID, CandidateID: d.CandidateID, Status: application.Status(d.Status), UpdatedAt: d.UpdatedAt})
	}
	if err := cur.Err(); err != nil {
		return nil, mapErr(whatApplication, op, err)
	}
	return out, nil
}

// OfferApplications implements application.Repository.
func (s *Store) OfferApplications(ctx context.Context, offerID string, status application.Status, offset, limit int) ([]application.Application, int, error) {
	filter := bson.D{{Key: "offerId", Value: offerID}}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(status)})
	}
	docs, total, err := findPage[applicationDoc](ctx, s, s.applications, filter, newestFirst, offset, limit)
	if err != nil {
		return nil, 0, mapErr(whatApplication, "list offer applications", err)
	}
	return convert(docs, fromApplicationDoc), total, nil
}

// HasLiveApplication implements application.Repository.
func (s *Store) HasLiveApplication(ctx context.Context, companyID, candidateID string) (bool, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	n, err := s.applications.CountDocuments(ctx, bson.D{
		{Key: "companyId", Value: companyID}, {Key: "candidateId", Value: candidateID},
		{Key: "status", Value: bson.D{{Key: "$ne", Value: string(application.StatusWithdrawn)}}},
	}, options.Count().SetLimit(1))
	if err != nil {
		return false, mapErr(whatApplication, "find live application", err)
	}
	return n > 0, nil
}

// Invitations.

// CreateInvitation implements application.Repository.
func (s *Store) CreateInvitation(ctx context.Context, inv application.Invitation) (application.Invitation, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.Invitation{}, mapErr(whatInvitation, "create invitation", err)
	}
	inv.Revision = rev
	d := toInvitationDoc(inv)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.invitations.InsertOne(ctx, d); err != nil {
		return application.Invitation{}, mapErr(whatInvitation, "insert invitation "+inv.ID, err)
	}
	return fromInvitationDoc(d), nil
}

// Invitation implements application.Repository.
func (s *Store) Invitation(ctx context.Context, id string) (application.Invitation, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d invitationDoc
	if err := s.invitations.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return application.Invitation{}, mapErr(whatInvitation, "find invitation "+id, err)
	}
	return fromInvitationDoc(d), nil
}

// AnswerInvitation implements application.Repository.
func (s *Store) AnswerInvitation(ctx context.Context, id string, to application.InvitationStatus, applicationID string, at time.Time) (application.Invitation, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.Invitation{}, mapErr(whatInvitation, "answer invitation", err)
	}
	set := bson.D{{Key: "status", Value: string(to)}, {Key: "respondedAt", Value: at}, {Key: "revision", Value: rev}}
	if applicationID != "" {
		set = append(set, bson.E{Key: "applicationId", Value: applicationID})
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d invitationDoc
	err = s.invitations.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(application.InvitationPending)}},
		bson.D{{Key: "$set", Value: set}}, after()).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return application.Invitation{}, stale("answer invitation " + id)
	}
	if err != nil {
		return application.Invitation{}, mapErr(whatInvitation, "answer invitation "+id, err)
	}
	return fromInvitationDoc(d), nil
}

// CandidateInvitations implements application.Repository.
func (s *Store) CandidateInvitations(ctx context.Context, candidateID string, offset, limit int) ([]application.Invitation, int, error) {
	docs, total, err := findPage[invitationDoc](ctx, s, s.invitations, bson.D{{Key: "candidateId", Value: candidateID}}, newestFirst, offset, limit)
	if err != nil {
		return nil, 0, mapErr(whatInvitation, "list candidate invitations", err)
	}
	return convert(docs, fromInvitationDoc), total, nil
}

// OfferInvitations implements application.Repository.
func (s *Store) OfferInvitations(ctx context.Context, offerID string, offset, limit int) ([]application.Invitation, int, error) {
	docs, total, err := findPage[invitationDoc](ctx, s, s.invitations, bson.D{{Key: "offerId", Value: offerID}}, newestFirst, offset, limit)
	if err != nil {
		return nil, 0, mapErr(whatInvitation, "list offer invitations", err)
	}
	return convert(docs, fromInvitationDoc), total, nil
}

// Endorsements.

// PutEndorsement implements application.Repository.
func (s *Store) PutEndorsement(ctx context.Context, e application.Endorsement) (application.Endorsement, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.Endorsement{}, mapErr(whatEndorsement, "put endorsement", err)
	}
	e.Revision = rev
	d := toEndorsementDoc(e)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.endorsements.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return application.Endorsement{}, mapErr(whatEndorsement, "put endorsement "+e.ID, err)
	}
	return fromEndorsementDoc(d), nil
}

var latestFirst = bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}

// CandidateEndorsements implements application.Repository.
func (s *Store) CandidateEndorsements(ctx context.Context, candidateID string, limit int) ([]application.Endorsement, error) {
	docs, err := findAll[endorsementDoc](ctx, s, s.endorsements, bson.D{{Key: "candidateId", Value: candidateID}}, latestFirst, limit)
	if err != nil {
		return nil, mapErr(whatEndorsement, "list candidate endorsements", err)
	}
	return convert(docs, fromEndorsementDoc), nil
}

// OfferEndorsements implements application.Repository.
func (s *Store) OfferEndorsements(ctx context.Context, offerID string, dec application.Decision, limit int) ([]application.Endorsement, error) {
	docs, err := findAll[endorsementDoc](ctx, s, s.endorsements,
		bson.D{{Key: "offerId", Value: offerID}, {Key: "decision", Value: string(dec)}}, latestFirst, limit)
	if err != nil {
		return nil, mapErr(whatEndorsement, "list offer endorsements", err)
	}
	return convert(docs, fromEndorsementDoc), nil
}

// ChangedEndorsements implements application.Repository.
func (s *Store) ChangedEndorsements(ctx context.Context, since int64, limit int) ([]application.Endorsement, error) {
	docs, err := findAll[endorsementDoc](ctx, s, s.endorsements,
		bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}}, bson.D{{Key: "revision", Value: 1}}, limit)
	if err != nil {
		return nil, mapErr(whatEndorsement, "changed endorsements", err)
	}
	return convert(docs, fromEndorsementDoc), nil
}

// Talent pool.

// CreatePoolEntry implements application.Repository.
func (s *Store) CreatePoolEntry(ctx context.Context, e application.PoolEntry) (application.PoolEntry, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.PoolEntry{}, mapErr(whatPool, "create pool entry", err)
	}
	e.Revision = rev
	d := toPoolDoc(e)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.pool.InsertOne(ctx, d); err != nil {
		return application.PoolEntry{}, mapErr(whatPool, "insert pool entry "+e.ID, err)
	}
	return fromPoolDoc(d), nil
}

// PoolEntry implements application.Repository.
func (s *Store) PoolEntry(ctx context.Context, id string) (application.PoolEntry, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d poolDoc
	if err := s.pool.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return application.PoolEntry{}, mapErr(whatPool, "find pool entry "+id, err)
	}
	return fromPoolDoc(d), nil
}

func statusIn(from []application.PoolStatus) bson.D {
	in := make(bson.A, len(from))
	for i, f := range from {
		in[i] = string(f)
	}
	return bson.D{{Key: "$in", Value: in}}
}

// SetPoolStatus implements application.Repository.
func (s *Store) SetPoolStatus(ctx context.Context, id string, from []application.PoolStatus, to application.PoolStatus, at time.Time) (application.PoolEntry, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.PoolEntry{}, mapErr(whatPool, "set pool status", err)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d poolDoc
	err = s.pool.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: statusIn(from)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(to)}, {Key: "respondedAt", Value: at}, {Key: "revision", Value: rev}}}},
		after()).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return application.PoolEntry{}, stale("set pool status " + id)
	}
	if err != nil {
		return application.PoolEntry{}, mapErr(whatPool, "set pool status "+id, err)
	}
	return fromPoolDoc(d), nil
}

// DeletePoolEntry implements application.Repository: ENOTFOUND when there
// is no such entry, ECONFLICT when its status is not one of from.
func (s *Store) DeletePoolEntry(ctx context.Context, id string, from []application.PoolStatus) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.pool.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: statusIn(from)}})
	if err != nil {
		return mapErr(whatPool, "delete pool entry "+id, err)
	}
	if res.DeletedCount == 1 {
		return nil
	}
	n, err := s.pool.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr(whatPool, "delete pool entry "+id, err)
	}
	if n == 0 {
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.application.pool.not_found", Err: fmt.Errorf("delete pool entry %s: none", id)}
	}
	return stale("delete pool entry " + id)
}

// CompanyPool implements application.Repository.
func (s *Store) CompanyPool(ctx context.Context, companyID string, offset, limit int) ([]application.PoolEntry, int, error) {
	docs, total, err := findPage[poolDoc](ctx, s, s.pool, bson.D{{Key: "companyId", Value: companyID}}, newestFirst, offset, limit)
	if err != nil {
		return nil, 0, mapErr(whatPool, "list company pool", err)
	}
	return convert(docs, fromPoolDoc), total, nil
}

// CandidatePool implements application.Repository.
func (s *Store) CandidatePool(ctx context.Context, candidateID string, limit int) ([]application.PoolEntry, error) {
	docs, err := findAll[poolDoc](ctx, s, s.pool, bson.D{{Key: "candidateId", Value: candidateID}}, newestFirst, limit)
	if err != nil {
		return nil, mapErr(whatPool, "list candidate pools", err)
	}
	return convert(docs, fromPoolDoc), nil
}

// Settings.

// Settings implements application.Repository.
func (s *Store) Settings(ctx context.Context, candidateID string) (application.Settings, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d settingsDoc
	err := s.settings.FindOne(ctx, bson.D{{Key: "_id", Value: candidateID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return application.Settings{CandidateID: candidateID}, nil
	}
	if err != nil {
		return application.Settings{}, mapErr(whatSettings, "find settings "+candidateID, err)
	}
	return application.Settings{CandidateID: d.ID, AdviserMayApply: d.AdviserMayApply, UpdatedAt: d.UpdatedAt, Revision: d.Revision}, nil
}

// PutSettings implements application.Repository.
func (s *Store) PutSettings(ctx context.Context, st application.Settings) (application.Settings, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return application.Settings{}, mapErr(whatSettings, "put settings", err)
	}
	st.Revision = rev
	d := settingsDoc{ID: st.CandidateID, AdviserMayApply: st.AdviserMayApply, UpdatedAt: st.UpdatedAt, Revision: st.Revision}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return application.Settings{}, mapErr(whatSettings, "put settings "+st.CandidateID, err)
	}
	return st, nil
}

// Revision feeds.

// ChangedApplications returns at most limit applications with a revision
// above since, by increasing revision: how the notification sweeper finds
// the workflow's writes whose events may have been lost.
func (s *Store) ChangedApplications(ctx context.Context, since int64, limit int) ([]application.Application, error) {
	docs, err := findAll[applicationDoc](ctx, s, s.applications,
		bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}}, bson.D{{Key: "revision", Value: 1}}, limit)
	if err != nil {
		return nil, mapErr(whatApplication, "changed applications", err)
	}
	return convert(docs, fromApplicationDoc), nil
}

// ChangedInvitations returns at most limit invitations with a revision
// above since, by increasing revision.
func (s *Store) ChangedInvitations(ctx context.Context, since int64, limit int) ([]application.Invitation, error) {
	docs, err := findAll[invitationDoc](ctx, s, s.invitations,
		bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}}, bson.D{{Key: "revision", Value: 1}}, limit)
	if err != nil {
		return nil, mapErr(whatInvitation, "changed invitations", err)
	}
	return convert(docs, fromInvitationDoc), nil
}

// EnsureRevisionIndexes creates the revision indexes of applications and
// invitations (endorsements have theirs since EnsureIndexes): the feeds
// above read them every minute. Idempotent, for the migration list.
func EnsureRevisionIndexes(ctx context.Context, st *store.Store) error {
	for _, coll := range []string{Applications, Invitations} {
		if err := st.EnsureIndexes(ctx, coll, store.Index{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"}); err != nil {
			return err
		}
	}
	return nil
}

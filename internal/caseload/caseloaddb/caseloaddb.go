// Package caseloaddb stores the caseload links of package caseload in
// MongoDB or the embedded store. It implements caseload.Repository.
//
// Collections, each keyed by an opaque digest of what makes a document
// unique (the primary key is the one constraint the embedded store
// enforces reliably, see STORE.md):
//
//	caseload_invitations  _id digest(org, e-mail)
//	caseload_requests     _id digest(candidate, org)
//	caseload_links        _id digest(candidate, org)
//
// Query shapes, all listed by STORE.md as behaving the same on both stores
// and exercised by the store contract test: _id equality; equality on one
// or two fields with a scalar sort and a limit; insertOne; replaceOne
// filtered on _id and revision, or by _id with upsert; findOneAndUpdate
// with $set filtered on _id and status, returning the document after.
package caseloaddb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/caseload"
	"passerelle/internal/store"
)

// Collection names.
const (
	Invitations = "caseload_invitations"
	Requests    = "caseload_requests"
	Links       = "caseload_links"
)

// Store is the MongoDB implementation of caseload.Repository.
type Store struct {
	st                           *store.Store
	invitations, requests, links *mongo.Collection
}

var _ caseload.Repository = (*Store)(nil)

// New returns a Store on st's database.
func New(st *store.Store) *Store {
	return &Store{st: st, invitations: st.DB.Collection(Invitations), requests: st.DB.Collection(Requests), links: st.DB.Collection(Links)}
}

// EnsureIndexes creates the collections' indexes; it is idempotent, for the
// migration list. Each serves one list, newest first: an organisation's
// invitations, an e-mail's pending invitations, a candidate's requests, an
// organisation's pending requests, a candidate's link records.
//
// One index per call: the embedded store (FerretDB 1.24) drops the
// connection when one createIndexes command names several indexes that all
// exist already, which would make a rerun fail.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	for _, x := range []struct {
		coll string
		idx  store.Index
	}{
		{Invitations, store.Index{Keys: bson.D{{Key: "orgId", Value: 1}, {Key: "createdAt", Value: -1}}, Name: "orgId_createdAt"}},
		{Invitations, store.Index{Keys: bson.D{{Key: "email", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}, Name: "email_status_createdAt"}},
		{Requests, store.Index{Keys: bson.D{{Key: "candidateId", Value: 1}, {Key: "createdAt", Value: -1}}, Name: "candidateId_createdAt"}},
		{Requests, store.Index{Keys: bson.D{{Key: "orgId", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}, Name: "orgId_status_createdAt"}},
		{Links, store.Index{Keys: bson.D{{Key: "candidateId", Value: 1}, {Key: "since", Value: -1}}, Name: "candidateId_since"}},
	} {
		if err := st.EnsureIndexes(ctx, x.coll, x.idx); err != nil {
			return err
		}
	}
	return nil
}

// Documents.

type invitationDoc struct {
	ID          string    `bson:"_id"`
	OrgID       string    `bson:"orgId"`
	Email       string    `bson:"email"`
	InvitedBy   string    `bson:"invitedBy"`
	Status      string    `bson:"status"`
	CandidateID string    `bson:"candidateId,omitempty"`
	CreatedAt   time.Time `bson:"createdAt"`
	RespondedAt time.Time `bson:"respondedAt,omitempty"`
	Revision    int64     `bson:"revision"`
}

type requestDoc struct {
	ID            string    `bson:"_id"`
	CandidateID   string    `bson:"candidateId"`
	CandidateName string    `bson:"candidateName"`
	OrgID         string    `bson:"orgId"`
	Status        string    `bson:"status"`
	AnsweredBy    string    `bson:"answeredBy,omitempty"`
	CreatedAt     time.Time `bson:"createdAt"`
	RespondedAt   time.Time `bson:"respondedAt,omitempty"`
	Revision      int64     `bson:"revision"`
}

type linkDoc struct {
	ID          string    `bson:"_id"`
	CandidateID string    `bson:"candidateId"`
	OrgID       string    `bson:"orgId"`
	Via         string    `bson:"via,omitempty"`
	Since       time.Time `bson:"since,omitempty"`
	EndedAt     time.Time `bson:"endedAt,omitempty"`
	EndedBy     string    `bson:"endedBy,omitempty"`
	Revision    int64     `bson:"revision"`
}

func toInvitationDoc(i caseload.Invitation) invitationDoc {
	return invitationDoc{ID: i.ID, OrgID: i.OrgID, Email: i.Email, InvitedBy: i.InvitedBy, Status: string(i.Status),
		CandidateID: i.CandidateID, CreatedAt: i.CreatedAt.UTC(), RespondedAt: i.RespondedAt.UTC(), Revision: i.Revision}
}

func fromInvitationDoc(d invitationDoc) caseload.Invitation {
	return caseload.Invitation{ID: d.ID, OrgID: d.OrgID, Email: d.Email, InvitedBy: d.InvitedBy, Status: caseload.Status(d.Status),
		CandidateID: d.CandidateID, CreatedAt: d.CreatedAt.UTC(), RespondedAt: utcOrZero(d.RespondedAt), Revision: d.Revision}
}

func toRequestDoc(r caseload.Request) requestDoc {
	return requestDoc{ID: r.ID, CandidateID: r.CandidateID, CandidateName: r.CandidateName, OrgID: r.OrgID, Status: string(r.Status),
		AnsweredBy: r.AnsweredBy, CreatedAt: r.CreatedAt.UTC(), RespondedAt: r.RespondedAt.UTC(), Revision: r.Revision}
}

func fromRequestDoc(d requestDoc) caseload.Request {
	return caseload.Request{ID: d.ID, CandidateID: d.CandidateID, CandidateName: d.CandidateName, OrgID: d.OrgID,
		Status: caseload.Status(d.Status), AnsweredBy: d.AnsweredBy, CreatedAt: d.CreatedAt.UTC(), RespondedAt: utcOrZero(d.RespondedAt), Revision: d.Revision}
}

func toLinkDoc(l caseload.Link) linkDoc {
	return linkDoc{ID: l.ID, CandidateID: l.CandidateID, OrgID: l.OrgID, Via: string(l.Via), Since: l.Since.UTC(),
		EndedAt: l.EndedAt.UTC(), EndedBy: l.EndedBy, Revision: l.Revision}
}

func fromLinkDoc(d linkDoc) caseload.Link {
	return caseload.Link{ID: d.ID, CandidateID: d.CandidateID, OrgID: d.OrgID, Via: caseload.Via(d.Via), Since: utcOrZero(d.Since),
		EndedAt: utcOrZero(d.EndedAt), EndedBy: d.EndedBy, Revision: d.Revision}
}

// utcOrZero keeps a zero time zero: omitempty leaves it out of the
// document, and the driver would decode a stored zero as 1970.
func utcOrZero(t time.Time) time.Time {
	if t.IsZero() || t.Unix() <= 0 {
		return time.Time{}
	}
	return t.UTC()
}

// mapErr turns driver errors into domain errors, wrapped with the operation.
func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.caseload.not_found", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsDuplicateKeyError(err):
		return stale(op + ": duplicate")
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func stale(what string) error {
	return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.caseload.stale", Err: errors.New(what)}
}

var newestFirst = bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}

func after() *options.FindOneAndUpdateOptionsBuilder {
	return options.FindOneAndUpdate().SetReturnDocument(options.After)
}

func findOne[D any](ctx context.Context, s *Store, c *mongo.Collection, op, id string) (D, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d D
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	return d, mapErr(op+" "+id, err)
}

func findAll[D any](ctx context.Context, s *Store, c *mongo.Collection, op string, filter, sort bson.D, limit int) ([]D, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := c.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(min(max(limit, 1), 1000))))
	if err != nil {
		return nil, mapErr(op, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(op, err)
	}
	return docs, nil
}

// save inserts doc when expectedRevision is 0, or replaces the stored one
// still at expectedRevision.
func save(ctx context.Context, s *Store, c *mongo.Collection, op, id string, doc any, expectedRevision int64) error {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if expectedRevision == 0 {
		_, err := c.InsertOne(ctx, doc)
		return mapErr(op+" "+id, err)
	}
	res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "revision", Value: expectedRevision}}, doc)
	if err != nil {
		return mapErr(op+" "+id, err)
	}
	if res.MatchedCount == 0 {
		return stale(fmt.Sprintf("%s %s: revision %d is no longer current", op, id, expectedRevision))
	}
	return nil
}

// answer moves document id from status from to to with set, returning it.
func answer[D any](ctx context.Context, s *Store, c *mongo.Collection, op, id string, from caseload.Status, set bson.D) (D, error) {
	var d D
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return d, mapErr(op, err)
	}
	set = append(set, bson.E{Key: "revision", Value: rev})
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	err = c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(from)}},
		bson.D{{Key: "$set", Value: set}}, after()).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, stale(fmt.Sprintf("%s %s: no longer %s", op, id, from))
	}
	return d, mapErr(op+" "+id, err)
}

// Invitation implements caseload.Repository.
func (s *Store) Invitation(ctx context.Context, id string) (caseload.Invitation, error) {
	d, err := findOne[invitationDoc](ctx, s, s.invitations, "find invitation", id)
	if err != nil {
		return caseload.Invitation{}, err
	}
	return fromInvitationDoc(d), nil
}

// SaveInvitation implements caseload.Repository.
func (s *Store) SaveInvitation(ctx context.Context, inv caseload.Invitation, expectedRevision int64) (caseload.Invitation, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return caseload.Invitation{}, mapErr("save invitation", err)
	}
	inv.Revision = rev
	d := toInvitationDoc(inv)
	if err := save(ctx, s, s.invitations, "save invitation", inv.ID, d, expectedRevision); err != nil {
		return caseload.Invitation{}, err
	}
	return fromInvitationDoc(d), nil
}

// AnswerInvitation implements caseload.Repository.
func (s *Store) AnswerInvitation(ctx context.Context, id string, from, to caseload.Status, candidateID string, at time.Time) (caseload.Invitation, error) {
	d, err := answer[invitationDoc](ctx, s, s.invitations, "answer invitation", id, from,
		bson.D{{Key: "status", Value: string(to)}, {Key: "candidateId", Value: candidateID}, {Key: "respondedAt", Value: at.UTC()}})
	if err != nil {
		return caseload.Invitation{}, err
	}
	return fromInvitationDoc(d), nil
}

// OrgInvitations implements caseload.Repository.
func (s *Store) OrgInvitations(ctx context.Context, orgID string, limit int) ([]caseload.Invitation, error) {
	docs, err := findAll[invitationDoc](ctx, s, s.invitations, "list org invitations", bson.D{{Key: "orgId", Value: orgID}}, newestFirst, limit)
	return convert(docs, fromInvitationDoc), err
}

// EmailInvitations implements caseload.Repository.
func (s *Store) EmailInvitations(ctx context.Context, email string, st caseload.Status, limit int) ([]caseload.Invitation, error) {
	docs, err := findAll[invitationDoc](ctx, s, s.invitations, "list e-mail invitations",
		bson.D{{Key: "email", Value: email}, {Key: "status", Value: string(st)}}, newestFirst, limit)
	return convert(docs, fromInvitationDoc), err
}

// Request implements caseload.Repository.
func (s *Store) Request(ctx context.Context, id string) (caseload.Request, error) {
	d, err := findOne[requestDoc](ctx, s, s.requests, "find request", id)
	if err != nil {
		return caseload.Request{}, err
	}
	return fromRequestDoc(d), nil
}

// SaveRequest implements caseload.Repository.
func (s *Store) SaveRequest(ctx context.Context, r caseload.Request, expectedRevision int64) (caseload.Request, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return caseload.Request{}, mapErr("save request", err)
	}
	r.Revision = rev
	d := toRequestDoc(r)
	if err := save(ctx, s, s.requests, "save request", r.ID, d, expectedRevision); err != nil {
		return caseload.Request{}, err
	}
	return fromRequestDoc(d), nil
}

// AnswerRequest implements caseload.Repository.
func (s *Store) AnswerRequest(ctx context.Context, id string, from, to caseload.Status, by string, at time.Time) (caseload.Request, error) {
	d, err := answer[requestDoc](ctx, s, s.requests, "answer request", id, from,
		bson.D{{Key: "status", Value: string(to)}, {Key: "answeredBy", Value: by}, {Key: "respondedAt", Value: at.UTC()}})
	if err != nil {
		return caseload.Request{}, err
	}
	return fromRequestDoc(d), nil
}

// CandidateRequests implements caseload.Repository.
func (s *Store) CandidateRequests(ctx context.Context, candidateID string, limit int) ([]caseload.Request, error) {
	docs, err := findAll[requestDoc](ctx, s, s.requests, "list candidate requests", bson.D{{Key: "candidateId", Value: candidateID}}, newestFirst, limit)
	return convert(docs, fromRequestDoc), err
}

// OrgRequests implements caseload.Repository.
func (s *Store) OrgRequests(ctx context.Context, orgID string, st caseload.Status, limit int) ([]caseload.Request, error) {
	docs, err := findAll[requestDoc](ctx, s, s.requests, "list org requests",
		bson.D{{Key: "orgId", Value: orgID}, {Key: "status", Value: string(st)}}, newestFirst, limit)
	return convert(docs, fromRequestDoc), err
}

// PutLink implements caseload.Repository.
func (s *Store) PutLink(ctx context.Context, l caseload.Link) (caseload.Link, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return caseload.Link{}, mapErr("put link", err)
	}
	l.Revision = rev
	d := toLinkDoc(l)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.links.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return caseload.Link{}, mapErr("put link "+d.ID, err)
	}
	return fromLinkDoc(d), nil
}

// CandidateLinks implements caseload.Repository.
func (s *Store) CandidateLinks(ctx context.Context, candidateID string, limit int) ([]caseload.Link, error) {
	docs, err := findAll[linkDoc](ctx, s, s.links, "list candidate links", bson.D{{Key: "candidateId", Value: candidateID}},
		bson.D{{Key: "since", Value: -1}, {Key: "_id", Value: -1}}, limit)
	return convert(docs, fromLinkDoc), err
}

func convert[D, T any](docs []D, f func(D) T) []T {
	out := make([]T, len(docs))
	for i, d := range docs {
		out[i] = f(d)
	}
	return out
}

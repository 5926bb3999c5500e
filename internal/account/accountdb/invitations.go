package accountdb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/account"
)

// invitationDoc is a stored invitation: one per organisation and e-mail
// (unique index), holding the hash of its current token only.
type invitationDoc struct {
	ID         bson.ObjectID `bson:"_id"`
	OrgID      bson.ObjectID `bson:"orgId"`
	Email      string        `bson:"email"`
	TokenHash  string        `bson:"tokenHash"`
	InvitedBy  bson.ObjectID `bson:"invitedBy"`
	ExpiresAt  time.Time     `bson:"expiresAt"`
	Accepted   bool          `bson:"accepted"`
	AcceptedAt *time.Time    `bson:"acceptedAt,omitempty"`
	CreatedAt  time.Time     `bson:"createdAt"`
	UpdatedAt  time.Time     `bson:"updatedAt"`
	Revision   int64         `bson:"revision"`
}

func (d invitationDoc) invitation() account.Invitation {
	return account.Invitation{ID: d.ID.Hex(), OrgID: d.OrgID.Hex(), Email: d.Email, InvitedBy: d.InvitedBy.Hex(),
		ExpiresAt: d.ExpiresAt.UTC(), AcceptedAt: timeOf(d.AcceptedAt), CreatedAt: d.CreatedAt.UTC()}
}

// SaveInvitation implements account.Repository with one upsert keyed by
// (orgId, email): a re-invitation rewrites the token hash, expiry and
// state of the same document, so the old token stops matching at once.
func (s *Store) SaveInvitation(ctx context.Context, inv account.Invitation, tokenHash string) (account.Invitation, error) {
	const op = "save invitation"
	org, err := oid(op, inv.OrgID)
	if err != nil {
		return account.Invitation{}, err
	}
	by, err := oid(op, inv.InvitedBy)
	if err != nil {
		return account.Invitation{}, fmt.Errorf("%s: malformed inviter id", op)
	}
	id, err := oid(op, inv.ID)
	if err != nil {
		return account.Invitation{}, fmt.Errorf("%s: malformed id", op)
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return account.Invitation{}, err
	}
	filter := bson.D{{Key: "orgId", Value: org}, {Key: "email", Value: inv.Email}}
	update := bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "tokenHash", Value: tokenHash},
			{Key: "invitedBy", Value: by},
			{Key: "expiresAt", Value: inv.ExpiresAt.UTC()},
			{Key: "accepted", Value: false},
			{Key: "createdAt", Value: inv.CreatedAt.UTC()},
			{Key: "updatedAt", Value: inv.CreatedAt.UTC()},
			{Key: "revision", Value: rev},
		}},
		{Key: "$unset", Value: bson.D{{Key: "acceptedAt", Value: ""}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "_id", Value: id}}},
	}
	var d invitationDoc
	// Two concurrent first invitations of one address may both try to
	// insert on MongoDB; the loser's duplicate key error means the document
	// now exists, and the retry updates it.
	for range 2 {
		cctx, cancel := s.st.Deadline(ctx)
		err = s.invitations.FindOneAndUpdate(cctx, filter, update,
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
		cancel()
		if err == nil || !isCode(dbErr(op, err), passerelle.ECONFLICT) {
			break
		}
	}
	if err != nil {
		return account.Invitation{}, dbErr(op, err)
	}
	return d.invitation(), nil
}

// InvitationByToken implements account.Repository.
func (s *Store) InvitationByToken(ctx context.Context, tokenHash string) (account.Invitation, error) {
	var d invitationDoc
	if err := s.findOne(ctx, "find invitation", s.invitations, bson.D{{Key: "tokenHash", Value: tokenHash}}, &d); err != nil {
		return account.Invitation{}, err
	}
	return d.invitation(), nil
}

// MarkInvitationAccepted implements account.Repository: conditional on the
// invitation being pending with this very token, so it succeeds once.
func (s *Store) MarkInvitationAccepted(ctx context.Context, id, tokenHash string, at time.Time) error {
	const op = "accept invitation"
	o, err := oid(op, id)
	if err != nil {
		return err
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.invitations.UpdateOne(cctx,
		bson.D{{Key: "_id", Value: o}, {Key: "tokenHash", Value: tokenHash}, {Key: "accepted", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "accepted", Value: true}, {Key: "acceptedAt", Value: at.UTC()},
			{Key: "updatedAt", Value: at.UTC()}, {Key: "revision", Value: rev}}}})
	if err != nil {
		return dbErr(op, err)
	}
	if res.MatchedCount == 0 {
		return notFound(op)
	}
	return nil
}

// PendingInvitations implements account.Repository.
func (s *Store) PendingInvitations(ctx context.Context, orgID string, limit int) ([]account.Invitation, error) {
	const op = "list invitations"
	o, err := oid(op, orgID)
	if err != nil {
		return nil, nil
	}
	var docs []invitationDoc
	sort := bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}
	if err := s.findAll(ctx, op, s.invitations, bson.D{{Key: "orgId", Value: o}, {Key: "accepted", Value: false}}, sort, limit, &docs); err != nil {
		return nil, err
	}
	out := make([]account.Invitation, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.invitation())
	}
	return out, nil
}

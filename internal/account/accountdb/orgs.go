package accountdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/account"
)

// claimGrace is how long a SIREN claim without any member is presumed to
// belong to a registration still in progress. A registration writes the
// claim, the organisation and the user within a few store deadlines; past
// this, the registration has died and the SIREN is free again.
const claimGrace = 15 * time.Minute

// orgDoc is a stored organisation.
type orgDoc struct {
	ID          bson.ObjectID  `bson:"_id"`
	Kind        string         `bson:"kind"`
	Name        string         `bson:"name"`
	SIREN       string         `bson:"siren,omitempty"`
	City        string         `bson:"city"`
	AdviserType string         `bson:"adviserType,omitempty"`
	OwnerID     *bson.ObjectID `bson:"ownerId,omitempty"` // missing until an owner is known
	CreatedAt   time.Time      `bson:"createdAt"`
	UpdatedAt   time.Time      `bson:"updatedAt"`
	Revision    int64          `bson:"revision"`
}

// claimDoc reserves a SIREN for one organisation: its _id is the SIREN, so
// the always-present unique _id index enforces one company per number on
// both stores, where a unique index on organisations.siren would also
// reject the many adviser organisations without one.
type claimDoc struct {
	ID        string        `bson:"_id"`
	OrgID     bson.ObjectID `bson:"orgId"`
	CreatedAt time.Time     `bson:"createdAt"`
	UpdatedAt time.Time     `bson:"updatedAt"`
	Revision  int64         `bson:"revision"`
}

func toOrgDoc(o account.Organisation) (orgDoc, error) {
	id, err := oid("organisation", o.ID)
	if err != nil {
		return orgDoc{}, fmt.Errorf("organisation: malformed id %q", o.ID)
	}
	owner, err := optOID("organisation owner", o.OwnerID)
	if err != nil {
		return orgDoc{}, err
	}
	return orgDoc{ID: id, Kind: string(o.Kind), Name: o.Name, SIREN: o.SIREN, City: o.City, AdviserType: o.AdviserType,
		OwnerID: owner, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(), Revision: o.Revision}, nil
}

func (d orgDoc) org() account.Organisation {
	return account.Organisation{ID: d.ID.Hex(), Kind: account.OrgKind(d.Kind), Name: d.Name, SIREN: d.SIREN, City: d.City,
		AdviserType: d.AdviserType, OwnerID: hexOf(d.OwnerID), CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Revision: d.Revision}
}

// CreateOrganisation implements account.Repository. With a SIREN, the
// claim is written first and the organisation second, so that no
// organisation ever holds a SIREN it has not claimed; if the organisation
// cannot be written, the claim is released.
func (s *Store) CreateOrganisation(ctx context.Context, o account.Organisation) (account.Organisation, error) {
	rev, err := s.revision(ctx, "insert organisation")
	if err != nil {
		return account.Organisation{}, err
	}
	o.Revision = rev
	d, err := toOrgDoc(o)
	if err != nil {
		return account.Organisation{}, fmt.Errorf("insert organisation: %w", err)
	}
	if d.SIREN != "" {
		if err := s.claimSIREN(ctx, claimDoc{ID: d.SIREN, OrgID: d.ID, CreatedAt: d.CreatedAt, UpdatedAt: d.CreatedAt, Revision: rev}); err != nil {
			return account.Organisation{}, err
		}
	}
	if err := s.insert(ctx, "insert organisation", s.orgs, d); err != nil {
		if d.SIREN != "" {
			_ = s.deleteMany(context.WithoutCancel(ctx), "release siren", s.claims,
				bson.D{{Key: "_id", Value: d.SIREN}, {Key: "orgId", Value: d.ID}})
		}
		return account.Organisation{}, err
	}
	return d.org(), nil
}

// claimSIREN inserts c, taking over a claim abandoned by a registration that
// died half-way (see SIRENTaken).
func (s *Store) claimSIREN(ctx context.Context, c claimDoc) error {
	const op = "claim siren"
	for range 3 {
		err := s.insert(ctx, op, s.claims, c)
		if err == nil || !isCode(err, passerelle.ECONFLICT) {
			return err
		}
		var old claimDoc
		err = s.findOne(ctx, op, s.claims, bson.D{{Key: "_id", Value: c.ID}}, &old)
		if isCode(err, passerelle.ENOTFOUND) {
			continue // released meanwhile: try again
		}
		if err != nil {
			return err
		}
		free, err := s.abandoned(ctx, old, c.CreatedAt)
		if err != nil {
			return err
		}
		if !free {
			return &passerelle.Error{Code: passerelle.ECONFLICT, Err: fmt.Errorf("%s: siren registered", op)}
		}
		// Conditional on the old holder: of two registrations taking over
		// the same abandoned claim, one matches.
		cctx, cancel := s.st.Deadline(ctx)
		res, err := s.claims.ReplaceOne(cctx, bson.D{{Key: "_id", Value: c.ID}, {Key: "orgId", Value: old.OrgID}}, c)
		cancel()
		if err != nil {
			return dbErr(op, err)
		}
		if res.MatchedCount == 0 {
			continue
		}
		// The abandoned organisation has no member and no claim any more;
		// deleting it is tidying only.
		_ = s.deleteMany(ctx, "delete abandoned organisation", s.orgs, bson.D{{Key: "_id", Value: old.OrgID}})
		return nil
	}
	return &passerelle.Error{Code: passerelle.ECONFLICT, Err: fmt.Errorf("%s: contended", op)}
}

// abandoned reports whether a claim was left by a registration that died
// before writing its user: older than claimGrace and no user in its
// organisation. An organisation that had members and lost them all is
// treated the same: nobody can act for it any more.
func (s *Store) abandoned(ctx context.Context, c claimDoc, now time.Time) (bool, error) {
	if now.Sub(c.CreatedAt) < claimGrace {
		return false, nil
	}
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	err := s.users.FindOne(cctx, bson.D{{Key: "orgId", Value: c.OrgID}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	switch {
	case err == nil:
		return false, nil
	case isCode(dbErr("", err), passerelle.ENOTFOUND):
		return true, nil
	}
	return false, dbErr("find claim members", err)
}

// SIRENTaken implements account.Repository.
func (s *Store) SIRENTaken(ctx context.Context, siren string, now time.Time) (bool, error) {
	var c claimDoc
	err := s.findOne(ctx, "find siren claim", s.claims, bson.D{{Key: "_id", Value: siren}}, &c)
	if isCode(err, passerelle.ENOTFOUND) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	free, err := s.abandoned(ctx, c, now.UTC())
	return !free, err
}

// Organisation implements account.Repository.
func (s *Store) Organisation(ctx context.Context, id string) (account.Organisation, error) {
	o, err := oid("find organisation", id)
	if err != nil {
		return account.Organisation{}, err
	}
	var d orgDoc
	if err := s.findOne(ctx, "find organisation", s.orgs, bson.D{{Key: "_id", Value: o}}, &d); err != nil {
		return account.Organisation{}, err
	}
	return d.org(), nil
}

// ClaimOwnership implements account.Repository with one conditional update
// (no owner yet), atomic on both stores.
func (s *Store) ClaimOwnership(ctx context.Context, orgID, userID string, now time.Time) (account.Organisation, error) {
	const op = "claim organisation ownership"
	o, err := oid(op, orgID)
	if err != nil {
		return account.Organisation{}, err
	}
	u, err := oid(op, userID)
	if err != nil {
		return account.Organisation{}, fmt.Errorf("%s: malformed user id", op)
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return account.Organisation{}, err
	}
	cctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d orgDoc
	err = s.orgs.FindOneAndUpdate(cctx,
		bson.D{{Key: "_id", Value: o}, {Key: "ownerId", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "ownerId", Value: u}, {Key: "updatedAt", Value: now.UTC()}, {Key: "revision", Value: rev}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err == nil {
		return d.org(), nil
	}
	if err = dbErr(op, err); !isCode(err, passerelle.ENOTFOUND) {
		return account.Organisation{}, err
	}
	// Nothing matched: either there is no such organisation or it has an owner.
	if _, err := s.Organisation(ctx, orgID); err != nil {
		return account.Organisation{}, err
	}
	return account.Organisation{}, &passerelle.Error{Code: passerelle.ECONFLICT, Err: fmt.Errorf("%s: organisation has an owner", op)}
}

// ReleaseOwnership implements account.Repository.
func (s *Store) ReleaseOwnership(ctx context.Context, orgID, userID string, now time.Time) error {
	const op = "release organisation ownership"
	o, err := oid(op, orgID)
	if err != nil {
		return nil
	}
	u, err := oid(op, userID)
	if err != nil {
		return nil
	}
	rev, err := s.revision(ctx, op)
	if err != nil {
		return err
	}
	return s.updateMany(ctx, op, s.orgs,
		bson.D{{Key: "_id", Value: o}, {Key: "ownerId", Value: u}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "ownerId", Value: ""}}},
			{Key: "$set", Value: bson.D{{Key: "updatedAt", Value: now.UTC()}, {Key: "revision", Value: rev}}}})
}

// DeleteOrganisation implements account.Repository: the organisation
// first, its claim second, so that an interruption leaves a claim without
// organisation (which SIRENTaken ignores after the grace period), never an
// organisation without its claim.
func (s *Store) DeleteOrganisation(ctx context.Context, o account.Organisation) error {
	id, err := oid("delete organisation", o.ID)
	if err != nil {
		return nil
	}
	if err := s.deleteMany(ctx, "delete organisation", s.orgs, bson.D{{Key: "_id", Value: id}}); err != nil {
		return err
	}
	if o.SIREN == "" {
		return nil
	}
	return s.deleteMany(ctx, "release siren", s.claims, bson.D{{Key: "_id", Value: o.SIREN}, {Key: "orgId", Value: id}})
}

// isCode reports whether err carries the domain code.
func isCode(err error, code string) bool {
	var e *passerelle.Error
	return errors.As(err, &e) && e.Code == code
}

// AdviserOrganisations returns at most limit adviser organisations (clamped
// to 1…1000) by name: the directory a candidate chooses from to ask to join
// a caseload (package caseload reads it through the wiring). It is not part
// of account.Repository: the account service has no use for it.
func (s *Store) AdviserOrganisations(ctx context.Context, limit int) ([]account.Organisation, error) {
	var docs []orgDoc
	if err := s.findAll(ctx, "list adviser organisations", s.orgs, bson.D{{Key: "kind", Value: string(account.KindAdviser)}},
		bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}, min(max(limit, 1), 1000), &docs); err != nil {
		return nil, err
	}
	out := make([]account.Organisation, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.org())
	}
	return out, nil
}

// Package candidatedb stores candidate profiles in MongoDB (or the embedded
// store): one document per candidate in the "profiles" collection, keyed by
// the candidate's user id. It implements candidate.Repository.
//
// Every query shape used here is one STORE.md lists as behaving the same on
// both stores: _id equality, a $gt range with a scalar sort and a limit,
// scalar membership in an array field, and whole-document replaceOne
// filtered on _id and revision.
package candidatedb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/contract"
	"passerelle/internal/skill"
	"passerelle/internal/store"
)

// Collection is the name of the profiles collection.
const Collection = "profiles"

// Store is the MongoDB implementation of candidate.Repository.
type Store struct {
	st   *store.Store
	coll *mongo.Collection
	// batch is how many documents a stream asks for per round trip
	// (streamBatch; tests set fewer to cross batch boundaries).
	batch int32
}

var _ candidate.Repository = (*Store)(nil)

// New returns a Store on st's database.
func New(st *store.Store) *Store {
	return &Store{st: st, coll: st.DB.Collection(Collection), batch: streamBatch}
}

// EnsureIndexes creates the collection's indexes; it is idempotent, for the
// migration list. "revision" serves Changed (catching up since revision N);
// "adviserOrgs" (multikey) serves caseload lists.
//
// One index per call: the embedded store (FerretDB 1.24) drops the
// connection when one createIndexes command names several indexes that all
// exist already, which would make a rerun fail.
func EnsureIndexes(ctx context.Context, st *store.Store) error {
	for _, idx := range []store.Index{
		{Keys: bson.D{{Key: "revision", Value: 1}}, Name: "revision"},
		{Keys: bson.D{{Key: "adviserOrgs", Value: 1}}, Name: "adviserOrgs"},
	} {
		if err := st.EnsureIndexes(ctx, Collection, idx); err != nil {
			return err
		}
	}
	return nil
}

// Documents. Slices are never nil when written, so that a field is always an
// array in the store and array queries behave alike on every document.

type profileDoc struct {
	ID                string        `bson:"_id"`
	DisplayName       string        `bson:"displayName"`
	Headline          string        `bson:"headline"`
	Skills            []skillDoc    `bson:"skills"`
	Trainings         []trainingDoc `bson:"trainings"`
	FormerOccupations []formerDoc   `bson:"formerOccupations"`
	Place             *placeDoc     `bson:"place,omitempty"`
	MobilityKm        int           `bson:"mobilityKm"`
	Remote            string        `bson:"remote"`
	Contracts         []string      `bson:"contracts"`
	AvailableFrom     time.Time     `bson:"availableFrom,omitempty"`
	Languages         []languageDoc `bson:"languages"`
	Visibility        string        `bson:"visibility"`
	MatchingConsent   bool          `bson:"matchingConsent"`
	AdviserOrgs       []string      `bson:"adviserOrgs"`
	LastEditedBy      editorDoc     `bson:"lastEditedBy"`
	CreatedAt         time.Time     `bson:"createdAt"`
	UpdatedAt         time.Time     `bson:"updatedAt"`
	Revision          int64         `bson:"revision"`
}

type skillDoc struct {
	Code        string `bson:"code"`
	Label       string `bson:"label"`
	Level       int    `bson:"level"`
	Evidence    string `bson:"evidence"`
	ValidatedBy string `bson:"validatedBy,omitempty"`
	Missing     bool   `bson:"missing,omitempty"`
	// How, when and over what the validation was made.
	ValidationKind string    `bson:"validationKind,omitempty"`
	ValidatedAt    time.Time `bson:"validatedAt,omitempty"`
	PriorEvidence  string    `bson:"priorEvidence,omitempty"`
}

type refDoc struct {
	Code    string `bson:"code"`
	Label   string `bson:"label"`
	Missing bool   `bson:"missing,omitempty"`
}

type trainingDoc struct {
	Title    string    `bson:"title"`
	Provider string    `bson:"provider"`
	Start    time.Time `bson:"start,omitempty"`
	End      time.Time `bson:"end,omitempty"`
	Status   string    `bson:"status"`
	Skills   []refDoc  `bson:"skills"`
}

type formerDoc struct {
	Rome    string `bson:"rome"`
	Label   string `bson:"label"`
	Years   int    `bson:"years"`
	Missing bool   `bson:"missing,omitempty"`
}

type placeDoc struct {
	CommuneID string  `bson:"communeId"`
	Name      string  `bson:"name"`
	Lat       float64 `bson:"lat"`
	Lon       float64 `bson:"lon"`
}

type languageDoc struct {
	Code  string `bson:"code"`
	Level string `bson:"level"`
}

type editorDoc struct {
	UserID string `bson:"userId"`
	Role   string `bson:"role"`
}

// conv maps a slice with f, never returning nil.
func conv[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// back maps a slice with f, returning nil for an empty one: the domain's
// zero value for "none".
func back[T, U any](in []T, f func(T) U) []U {
	if len(in) == 0 {
		return nil
	}
	return conv(in, f)
}

func toDoc(p candidate.Profile) profileDoc {
	d := profileDoc{
		ID:          p.ID,
		DisplayName: p.DisplayName,
		Headline:    p.Headline,
		Skills: conv(p.Skills, func(s candidate.Skill) skillDoc {
			return skillDoc{Code: string(s.Code), Label: s.Label, Level: int(s.Level), Evidence: string(s.Evidence), ValidatedBy: s.ValidatedBy, Missing: s.Missing,
				ValidationKind: string(s.ValidationKind), ValidatedAt: s.ValidatedAt, PriorEvidence: string(s.PriorEvidence)}
		}),
		Trainings: conv(p.Trainings, func(t candidate.Training) trainingDoc {
			return trainingDoc{Title: t.Title, Provider: t.Provider, Start: t.Start, End: t.End, Status: string(t.Status),
				Skills: conv(t.Skills, func(r candidate.SkillRef) refDoc {
					return refDoc{Code: string(r.Code), Label: r.Label, Missing: r.Missing}
				})}
		}),
		FormerOccupations: conv(p.FormerOccupations, func(f candidate.FormerOccupation) formerDoc {
			return formerDoc{Rome: string(f.Rome), Label: f.Label, Years: f.Years, Missing: f.Missing}
		}),
		MobilityKm:      p.MobilityKm,
		Remote:          string(p.Remote),
		Contracts:       conv(p.Contracts, func(c contract.Type) string { return string(c) }),
		AvailableFrom:   p.AvailableFrom,
		Languages:       conv(p.Languages, func(l candidate.Language) languageDoc { return languageDoc{Code: l.Code, Level: string(l.Level)} }),
		Visibility:      string(p.Visibility),
		MatchingConsent: p.MatchingConsent,
		AdviserOrgs:     conv(p.AdviserOrgs, func(s string) string { return s }),
		LastEditedBy:    editorDoc{UserID: p.LastEditedBy.UserID, Role: string(p.LastEditedBy.Role)},
		CreatedAt:       p.CreatedAt.UTC(),
		UpdatedAt:       p.UpdatedAt.UTC(),
		Revision:        p.Revision,
	}
	if !p.Place.IsZero() {
		d.Place = &placeDoc{CommuneID: p.Place.CommuneID, Name: p.Place.Name, Lat: p.Place.Lat, Lon: p.Place.Lon}
	}
	return d
}

func fromDoc(d profileDoc) candidate.Profile {
	p := candidate.Profile{
		ID:          d.ID,
		DisplayName: d.DisplayName,
		Headline:    d.Headline,
		Skills: back(d.Skills, func(s skillDoc) candidate.Skill {
			return candidate.Skill{Code: skill.Code(s.Code), Label: s.Label, Level: skill.Level(s.Level), Evidence: skill.Evidence(s.Evidence), ValidatedBy: s.ValidatedBy, Missing: s.Missing,
				ValidationKind: candidate.ValidationKind(s.ValidationKind), ValidatedAt: s.ValidatedAt, PriorEvidence: skill.Evidence(s.PriorEvidence)}
		}),
		Trainings: back(d.Trainings, func(t trainingDoc) candidate.Training {
			return candidate.Training{Title: t.Title, Provider: t.Provider, Start: t.Start, End: t.End, Status: candidate.TrainingStatus(t.Status),
				Skills: back(t.Skills, func(r refDoc) candidate.SkillRef {
					return candidate.SkillRef{Code: skill.Code(r.Code), Label: r.Label, Missing: r.Missing}
				})}
		}),
		FormerOccupations: back(d.FormerOccupations, func(f formerDoc) candidate.FormerOccupation {
			return candidate.FormerOccupation{Rome: skill.RomeCode(f.Rome), Label: f.Label, Years: f.Years, Missing: f.Missing}
		}),
		MobilityKm:    d.MobilityKm,
		Remote:        candidate.RemotePreference(d.Remote),
		Contracts:     back(d.Contracts, func(c string) contract.Type { return contract.Type(c) }),
		AvailableFrom: d.AvailableFrom,
		Languages: back(d.Languages, func(l languageDoc) candidate.Language {
			return candidate.Language{Code: l.Code, Level: candidate.LanguageLevel(l.Level)}
		}),
		Visibility:      candidate.Visibility(d.Visibility),
		MatchingConsent: d.MatchingConsent,
		AdviserOrgs:     back(d.AdviserOrgs, func(s string) string { return s }),
		LastEditedBy:    candidate.Editor{UserID: d.LastEditedBy.UserID, Role: auth.Role(d.LastEditedBy.Role)},
		CreatedAt:       d.CreatedAt,
		UpdatedAt:       d.UpdatedAt,
		Revision:        d.Revision,
	}
	if d.Place != nil {
		p.Place = candidate.Place{CommuneID: d.Place.CommuneID, Name: d.Place.Name, Lat: d.Place.Lat, Lon: d.Place.Lon}
	}
	return p
}

// mapErr turns driver errors into domain errors, wrapped with the operation.
func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "error.profile.not_found", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsDuplicateKeyError(err):
		return &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.profile.exists", Err: fmt.Errorf("%s: %w", op, err)}
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded):
		return &passerelle.Error{Code: passerelle.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Profile implements candidate.Repository.
func (s *Store) Profile(ctx context.Context, id string) (candidate.Profile, error) {
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	var d profileDoc
	if err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return candidate.Profile{}, mapErr("find profile "+id, err)
	}
	return fromDoc(d), nil
}

// CreateProfile implements candidate.Repository.
func (s *Store) CreateProfile(ctx context.Context, p candidate.Profile) (candidate.Profile, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return candidate.Profile{}, mapErr("create profile", err)
	}
	p.Revision = rev
	d := toDoc(p)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	if _, err := s.coll.InsertOne(ctx, d); err != nil {
		return candidate.Profile{}, mapErr("insert profile "+p.ID, err)
	}
	return fromDoc(d), nil
}

// ReplaceProfile implements candidate.Repository.
func (s *Store) ReplaceProfile(ctx context.Context, p candidate.Profile, expectedRevision int64) (candidate.Profile, error) {
	rev, err := s.st.NextRevision(ctx)
	if err != nil {
		return candidate.Profile{}, mapErr("replace profile", err)
	}
	p.Revision = rev
	d := toDoc(p)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	res, err := s.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.ID}, {Key: "revision", Value: expectedRevision}}, d)
	if err != nil {
		return candidate.Profile{}, mapErr("replace profile "+p.ID, err)
	}
	if res.MatchedCount == 0 {
		return candidate.Profile{}, &passerelle.Error{Code: passerelle.ECONFLICT, Key: "error.profile.stale",
			Err: fmt.Errorf("replace profile %s: revision %d is no longer current", p.ID, expectedRevision)}
	}
	return fromDoc(d), nil
}

// ChangedProfiles implements candidate.Repository.
func (s *Store) ChangedProfiles(ctx context.Context, since int64, limit int) ([]candidate.Profile, error) {
	return s.find(ctx, "changed profiles",
		bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}},
		bson.D{{Key: "revision", Value: 1}}, limit)
}

// StreamChangedProfiles implements candidate.Repository: one find sorted
// by revision, read batch by batch through one cursor under one deadline
// (see store.StreamDeadline). Paging with ChangedProfiles instead costs a full
// collection scan and sort per page on the embedded store.
func (s *Store) StreamChangedProfiles(ctx context.Context, since int64, fn func(candidate.Profile) error) error {
	const op = "stream profiles"
	ctx, cancel, err := s.st.StreamDeadline(ctx, since)
	if err != nil {
		return mapErr(op, err)
	}
	defer cancel()
	cur, err := s.coll.Find(ctx, bson.D{{Key: "revision", Value: bson.D{{Key: "$gt", Value: since}}}},
		options.Find().SetSort(bson.D{{Key: "revision", Value: 1}}).SetBatchSize(s.batch))
	if err != nil {
		return mapErr(op, err)
	}
	defer s.st.CloseCursor(ctx, cur)
	for cur.Next(ctx) {
		// Next serves a fetched batch without looking at ctx.
		if err := ctx.Err(); err != nil {
			return mapErr(op, err)
		}
		var d profileDoc
		if err := cur.Decode(&d); err != nil {
			return mapErr(op, err)
		}
		if err := fn(fromDoc(d)); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	return mapErr(op, cur.Err())
}

const (
	// streamBatch is how many documents a stream fetches per round trip,
	// the most a page of Changed returns.
	streamBatch = 1000
)

// ScanProfiles implements candidate.Repository.
func (s *Store) ScanProfiles(ctx context.Context, afterID string, limit int) ([]candidate.Profile, error) {
	return s.find(ctx, "scan profiles",
		bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: afterID}}}},
		bson.D{{Key: "_id", Value: 1}}, limit)
}

// CaseloadProfiles implements candidate.Repository: scalar membership in
// the adviserOrgs array (served by the multikey "adviserOrgs" index) with a
// $gt on _id, sorted by _id.
func (s *Store) CaseloadProfiles(ctx context.Context, orgID, afterID string, limit int) ([]candidate.Profile, error) {
	return s.find(ctx, "caseload profiles",
		bson.D{{Key: "adviserOrgs", Value: orgID}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: afterID}}}},
		bson.D{{Key: "_id", Value: 1}}, limit)
}

// MaxMembersRead is the most ids CaseloadMembers checks in one call.
const MaxMembersRead = 1000

// CaseloadMembers returns those of ids (at most MaxMembersRead: more is
// the caller's bug) whose adviserOrgs hold orgID, by increasing id, in one query:
// $in on _id and scalar membership in the array, projected to the _id. It
// reads without access rules: the application workflow uses it to decide
// whether an adviser's organisation follows candidates.
func (s *Store) CaseloadMembers(ctx context.Context, orgID string, ids []string) ([]string, error) {
	const op = "caseload members"
	if len(ids) == 0 {
		return []string{}, nil
	}
	if len(ids) > MaxMembersRead {
		return nil, fmt.Errorf("%s: %d ids, at most %d", op, len(ids), MaxMembersRead)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.coll.Find(ctx,
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "adviserOrgs", Value: orgID}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(len(ids))))
	if err != nil {
		return nil, mapErr(op, err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out, nil
}

func (s *Store) find(ctx context.Context, op string, filter, sort bson.D, limit int) ([]candidate.Profile, error) {
	limit = min(max(limit, 1), 1000)
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	cur, err := s.coll.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
	if err != nil {
		return nil, mapErr(op, err)
	}
	var docs []profileDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]candidate.Profile, len(docs))
	for i, d := range docs {
		out[i] = fromDoc(d)
	}
	return out, nil
}

// InsertProfiles writes new profiles in bulk, for loads that bypass the
// service (the synthetic worlds of package demo): one reservation of
// len(ps) revisions, then one unordered insertMany under one store
// deadline, so callers send batches of about a thousand. The profiles are
// written as given, without validation; their IDs must be set. Profiles
// whose ID is already stored are left as they are and not counted, so that
// an interrupted load can simply be run again. It returns how many profiles
// it inserted.
func (s *Store) InsertProfiles(ctx context.Context, ps []candidate.Profile) (int, error) {
	if len(ps) == 0 {
		return 0, nil
	}
	last, err := s.st.NextRevisions(ctx, int64(len(ps)))
	if err != nil {
		return 0, mapErr("insert profiles", err)
	}
	docs := make([]any, len(ps))
	for i, p := range ps {
		p.Revision = last - int64(len(ps)-1-i)
		docs[i] = toDoc(p)
	}
	ctx, cancel := s.st.Deadline(ctx)
	defer cancel()
	_, err = s.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if dups, ok := onlyDuplicates(err); ok {
		return len(ps) - dups, nil
	}
	if err != nil {
		return 0, mapErr("insert profiles", err)
	}
	return len(ps), nil
}

// onlyDuplicates reports whether err is a bulk write error made only of
// duplicate keys, and how many.
func onlyDuplicates(err error) (int, bool) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return 0, false
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we.WriteError) {
			return 0, false
		}
	}
	return len(bwe.WriteErrors), true
}

// Package candidate holds the candidate profile: the skills, trainings,
// former occupations, place and wishes of a person retraining into a digital
// job, and the business rules for reading and editing it (who may, what is
// valid). It is one of the two documents the matching engine reads, so a
// Profile converts to a match.Profile (see Profile.MatchProfile).
//
// A profile is one document per candidate, identified by the candidate's user
// id, so that reading or replacing it is one operation on one document: there
// are no transactions to lean on (see STORE.md), and a profile is what is read
// together.
//
// Codes from the skill taxonomy are stored with a French label snapshot. A
// later taxonomy import may drop a code; the profile then keeps its label and
// the entry is flagged Missing (Service.FlagMissing) instead of breaking.
//
// Storage lives in candidatedb; this package knows nothing of MongoDB or HTTP.
package candidate

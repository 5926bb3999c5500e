// Package application holds the workflow between candidates, employers and
// advisers once a match exists: applications and their pipeline, invitations
// to apply, advisers' reviews of matches (endorsements), the talent pools of
// companies, and the candidate's consent for an adviser to apply on their
// behalf.
//
// Every piece is one document, so that each change is atomic without
// transactions (see STORE.md):
//
//   - an Application is keyed by candidate and offer (ID), so that applying
//     twice collides on the primary key; its transitions are appended to an
//     embedded history in the same conditional write that changes its status;
//   - an Invitation, a PoolEntry and an Endorsement are keyed by what makes
//     them unique too, so that repeating a request is a conflict (for a
//     review: a new decision replacing the last), never a second copy. Invitation and pool ids are opaque digests, because they
//     are shown to employers who must not learn who a candidate is before
//     the candidate agrees;
//   - Settings hold what the candidate decides here (an adviser may apply
//     for them).
//
// Accepting an invitation writes two documents (the application, then the
// invitation's answer); each write is idempotent, so a retry after a crash
// in between finishes the job instead of failing.
//
// The package reads offers and candidates through its own small interfaces
// (Offers, Candidates) and tells the rest of the product what happened
// through Events, so that it knows nothing of MongoDB, HTTP or e-mail.
// Storage lives in applicationdb.
package application

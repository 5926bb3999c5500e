// Package caseload holds how a candidate joins the caseload of an adviser
// organisation and leaves it, and the adviser's dashboard of that caseload.
//
// A candidate is linked to an organisation in one of two ways, each with
// the candidate's consent:
//
//   - an adviser invites an e-mail address (Invite). Nothing tells the
//     adviser whether an account exists for it: the invitation simply waits.
//     The candidate whose verified e-mail it is sees it and accepts or
//     declines (AcceptInvitation, DeclineInvitation);
//   - the candidate asks to join an organisation chosen from the directory
//     (RequestLink); an adviser of that organisation accepts or declines
//     (AcceptRequest, DeclineRequest). Only an adviser of that organisation
//     sees or answers the request.
//
// The link itself is the organisation in candidate.Profile.AdviserOrgs,
// which decides every access (the candidate service's rule). This package
// keeps the way there (invitations, requests) and the history of each link
// (Link: since when, by which way, when the candidate ended it). The
// candidate ends a link at any time (EndLink); their advisers then lose
// access at once.
//
// Without transactions (see STORE.md), accepting writes in this order: the
// invitation's or request's answer, conditional on it being pending (the
// step that decides, so that two answers cannot both win); the profile's
// link; the link's record. A failure at the second step puts the answer
// back to pending; a failure at the third leaves a working link whose
// record is missing (logged), which only hides its start date.
//
// The dashboard (Dashboard) is computed in Go from the caseload's profiles,
// each candidate's applications (read with the adviser's rights, through
// the application service's caseload rule) and their best match score.
//
// Storage lives in caseloaddb; this package knows nothing of MongoDB or
// HTTP.
package caseload

// Package demo fills a Passerelle database with data to look at and to
// measure.
//
// Seed writes a small, hand-written world in the Nantes area through the
// domain services, exactly as people would have written it: a few digital
// companies with their offers, people retraining into digital jobs with
// their trainings and former occupations, and an adviser organisation
// following some of them. Every demo account logs in with DemoPassword;
// Report.Logins lists them for the server to print. It is what `make run`
// shows on an empty database.
//
// The world is alive: Seed also writes, through the application workflow
// and as the people concerned, what happened once matches existed —
// applications at every stage of the pipeline (received, in review,
// interview with a note, rejected with a reason, withdrawn, one made by an
// adviser for a candidate who allowed it), advisers' endorsements that the
// companies' lists of candidates show as recommended, and an invitation to
// apply waiting for an answer. The workflow publishes its events as in the
// server, so people find their notifications when they log in: Claire
// Moreau (Loire Data Conseil) has applications, a recommendation and
// unread notifications, Sandrine Le Goff a caseload with applications.
//
// Generate writes a large synthetic world (hundreds of thousands of
// profiles, tens of thousands of offers) reproducibly from a seed, straight
// through the storage adapters in bulk, for benchmarks of matching and
// search. Generated candidates and companies have no accounts: nobody logs
// in as them.
//
// Both are for development machines and demonstrations. The demo password
// is public, so a production deployment must never run Seed.
package demo

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
// Generate writes a large synthetic world (hundreds of thousands of
// profiles, tens of thousands of offers) reproducibly from a seed, straight
// through the storage adapters in bulk, for benchmarks of matching and
// search. Generated candidates and companies have no accounts: nobody logs
// in as them.
//
// Both are for development machines and demonstrations. The demo password
// is public, so a production deployment must never run Seed.
package demo

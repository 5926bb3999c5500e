// Package matching serves the ranked lists of Passerelle — candidates for an
// offer, offers for a candidate — from an in-memory match.Index, and decides
// who may read them.
//
// The Service owns the index of its process. Start builds it from the store
// by streaming every profile and offer (candidate.Service.Changed and
// offer.Service.Changed from revision 0), then keeps it current in two ways:
// writes made through this process's services reach it at once (their
// observers call ApplyProfile and ApplyOffer, see Hook), and writes made by
// other processes are picked up by polling Changed every second (see Sync
// for the safety window that makes the poll miss nothing). The store stays
// the source of truth: any instance can rebuild its index from it.
//
// Authorization lives here, in one place (access.go): employers read the
// candidates of their company's offers, always anonymised (a pseudonym, the
// commune, the explanation without free text); advisers read the candidates
// of their organisation's caseload, by name; a candidate reads the offers
// ranked for them, and their advisers read the same list.
package matching

// Package auth holds Passerelle's security building blocks: password hashing
// and policy, access tokens (JWT), rotating refresh tokens, opaque tokens,
// CSRF tokens, signed links, login throttling, client IP resolution behind
// trusted proxies, roles and SIREN validation.
//
// The package is deliberately pure: it imports no HTTP framework and no
// database driver, takes its clock as a parameter wherever time matters, and
// never puts a secret, a token or a password in an error message. The HTTP
// layer wires these pieces into Fiber and the store persists what they
// produce (only hashes of tokens, never the tokens themselves).
//
// Failures that a user can cause carry a machine-readable [Code] (see [Error]
// and [CodeOf]) so that the HTTP layer can answer in French or English
// without parsing messages.
package auth

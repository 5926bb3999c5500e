// Package account holds Passerelle's accounts, organisations and access
// control: who may register, log in and stay logged in, which organisation
// a user acts for, and who may see or change it.
//
// It is the business layer between the HTTP layer (which decodes requests,
// sets cookies and maps errors to statuses) and storage (package accountdb,
// behind the Repository interface). It is written as a security component:
//
//   - nothing it answers tells a stranger whether an e-mail has an account
//     (registration and password reset succeed alike, login failures are
//     identical and cost the same);
//   - secrets (passwords, refresh, session, invitation and e-mail link
//     tokens) are stored only as argon2id hashes or SHA-256 digests;
//   - every access token and browser session is tied to the user's token
//     version, so password changes, resets and disabling end them all on the
//     next request, and logout ends one session by its id;
//   - authorization is decided here, once per operation, from the caller's
//     auth.Identity in the context.
//
// Every failure a user can cause is a *passerelle.Error whose Key names a
// message of web/i18n/account.<lang>.json.
package account

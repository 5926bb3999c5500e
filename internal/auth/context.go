package auth

import "context"

type identityKey struct{}

// NewContext returns a copy of ctx carrying id, the authenticated caller.
// The HTTP middleware sets it once, after verifying a token or a session;
// services below read it with FromContext instead of taking the caller as
// a parameter of every function.
func NewContext(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the caller stored by NewContext; ok is false for an
// anonymous request.
func FromContext(ctx context.Context) (id Identity, ok bool) {
	id, ok = ctx.Value(identityKey{}).(Identity)
	return id, ok
}

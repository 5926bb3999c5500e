package auth

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"plain error", errors.New("boom"), ""},
		{"config error", ErrKeyTooShort, ""},
		{"sentinel", ErrPasswordCommon, CodePasswordCommon},
		{"wrapped twice", fmt.Errorf("register: %w", fmt.Errorf("check password: %w", ErrPasswordTooShort)), CodePasswordTooShort},
		{"joined", errors.Join(errors.New("x"), ErrTokenExpired), CodeTokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.want {
				t.Errorf("CodeOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContextIdentity(t *testing.T) {
	ctx := t.Context()
	if _, ok := FromContext(ctx); ok {
		t.Fatal("FromContext on a bare context: ok = true")
	}
	ctx = NewContext(ctx, testIdentity)
	if got, ok := FromContext(ctx); !ok || got != testIdentity {
		t.Errorf("FromContext = %+v, %v; want %+v", got, ok, testIdentity)
	}
}

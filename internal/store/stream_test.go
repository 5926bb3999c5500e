package store_test

import (
	"testing"
	"time"

	"passerelle/internal/store"
)

func TestStreamTimeout(t *testing.T) {
	s := &store.Store{Timeout: 5 * time.Second}
	tests := []struct {
		n    int64
		want time.Duration
	}{
		{0, 5 * time.Second},
		{-3, 5 * time.Second},
		{10_000, 25 * time.Second},
		{100_000, 205 * time.Second},
		{10_000_000, time.Hour},
	}
	for _, tt := range tests {
		if got := s.StreamTimeout(tt.n); got != tt.want {
			t.Errorf("StreamTimeout(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

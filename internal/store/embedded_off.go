//go:build noembedded

package store

import (
	"context"
	"log/slog"
)

// embeddedStore is absent from builds tagged noembedded (the production
// image), which need PASSERELLE_MONGO_URI.
type embeddedStore struct {
	dir, uri string
}

func (e *embeddedStore) stop() {}

func startEmbedded(context.Context, string, *slog.Logger) (*embeddedStore, error) {
	return nil, ErrEmbeddedUnavailable
}

package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"passerelle/internal/config"
)

// masterKey returns the secret that every signing key is derived from:
// PASSERELLE_JWT_KEY when set (required in production), otherwise a random
// key generated once and kept under the data folder, so that sessions
// survive restarts of a development server.
func masterKey(cfg config.Config, log *slog.Logger) ([]byte, error) {
	if cfg.JWTKey != "" {
		return []byte(cfg.JWTKey), nil
	}
	if cfg.Production() {
		return nil, errors.New("PASSERELLE_JWT_KEY is required in production")
	}
	path := filepath.Join(cfg.DataDir, "secrets", "signing.key")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(key) < 32 {
			return nil, fmt.Errorf("development key %s is damaged: delete it to generate a new one", path)
		}
		log.Info("using the development signing key kept under the data folder", "path", path)
		return key, nil
	case errors.Is(err, fs.ErrNotExist):
		key := make([]byte, 48)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generate development key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("keep development key: %w", err)
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("keep development key: %w", err)
		}
		log.Info("generated a development signing key and kept it under the data folder (set PASSERELLE_JWT_KEY in production)", "path", path)
		return key, nil
	default:
		return nil, fmt.Errorf("read development key: %w", err)
	}
}

package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/candidate"
)

// Profiles is what the HTTP layer asks of the candidate profile service.
type Profiles interface {
	Get(ctx context.Context, candidateID string) (candidate.Profile, error)
	Mine(ctx context.Context, displayName string) (candidate.Profile, error)
	Update(ctx context.Context, candidateID string, in candidate.ProfileInput, expectedRevision int64) (candidate.Profile, error)
}

func (s *Server) mountProfileAPI(api fiber.Router) {}

func (s *Server) mountProfilePages(r fiber.Router) {}

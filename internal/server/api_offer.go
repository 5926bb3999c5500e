package server

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"passerelle/internal/offer"
)

// Offers is what the HTTP layer asks of the offer service.
type Offers interface {
	Get(ctx context.Context, id string) (offer.Offer, error)
	Search(ctx context.Context, q offer.SearchQuery) (offer.Page, error)
}

func (s *Server) mountOfferAPI(api fiber.Router) {}

func (s *Server) mountOfferPages(r fiber.Router) {}

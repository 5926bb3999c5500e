package server

import (
	"github.com/gofiber/fiber/v2"
)

// Matches is what the HTTP layer asks of the matching service.
type Matches interface{}

func (s *Server) mountMatchAPI(api fiber.Router) {}

func (s *Server) mountMatchPages(r fiber.Router) {}

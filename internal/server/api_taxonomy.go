package server

import (
	"github.com/gofiber/fiber/v2"

	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// Taxonomy is the skills language the pages and the autocomplete speak.
type Taxonomy interface {
	Suggest(prefix, lang string, limit int, kinds ...skill.EntryKind) []skill.Suggestion
	Label(code skill.Code, lang string) (string, bool)
}

// Places is the communes directory.
type Places interface {
	ByID(id string) (place.Commune, bool)
	Search(query string, limit int) []place.Commune
}

func (s *Server) mountTaxonomyAPI(api fiber.Router) {}

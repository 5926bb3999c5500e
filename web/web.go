// Package web embeds Passerelle's templates, static files and message
// catalogues, so that the binary carries everything it serves.
package web

import "embed"

// FS holds templates/, static/ and i18n/.
//
//go:embed templates static i18n
var FS embed.FS

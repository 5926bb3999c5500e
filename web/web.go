// Package web embeds Passerelle's templates, static files and message
// catalogues, so that the binary carries everything it serves.
package web

import "embed"

// FS holds templates/, static/, i18n/ and the OpenAPI document in parts (openapi/).
//
//go:embed all:templates static i18n openapi
var FS embed.FS

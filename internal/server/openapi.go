package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// OpenAPI assembles the API description from openapi/base.json and one part
// per area of the product (openapi/<area>.json, each holding "paths" and
// "components.schemas"), so that each feature documents its routes beside
// the others without editing one shared file. A path or schema defined twice
// is an error.
func OpenAPI(fsys fs.FS) ([]byte, error) {
	var doc map[string]any
	b, err := fs.ReadFile(fsys, "openapi/base.json")
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("openapi: base.json: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	files, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	for _, f := range files {
		if path.Base(f) == "base.json" {
			continue
		}
		var part struct {
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", f, err)
		}
		for k, v := range part.Paths {
			if _, dup := paths[k]; dup {
				return nil, fmt.Errorf("openapi: %s: path %s defined twice", f, k)
			}
			paths[k] = v
		}
		for k, v := range part.Components.Schemas {
			if _, dup := schemas[k]; dup {
				return nil, fmt.Errorf("openapi: %s: schema %s defined twice", f, k)
			}
			schemas[k] = v
		}
	}
	return json.MarshalIndent(doc, "", " ")
}

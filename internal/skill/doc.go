// Package skill is Passerelle's shared skills language: the codes every other
// package uses to talk about skills and occupations, the curated technology tags,
// the ROME 4.0 reference (parsed from France Travail's CSV release, or the small
// built-in subset shipped with the binary), and the Taxonomy that answers label,
// relation, resolution and autocomplete questions over both.
//
// Skill codes come in two namespaces so that a profile or an offer can mix what
// employers write ("tag:react") with what the public employment service indexes
// ("ogr:403870"). Occupations are identified separately by their ROME code
// ("M1805").
//
// Data shipped with the package, embedded at build time:
//   - data/tags.txt: the curated technology tags, one per line (format in
//     ParseTags and at the top of the file), validated when first used and by
//     the tests;
//   - data/rome: the built-in ROME subset, generated from an official release
//     by internal/gen ("go generate" in this folder; see data/rome/README.md).
//
// The package is a leaf: it imports only the standard library and
// golang.org/x/text, and holds no state besides immutable, lazily built
// built-in data, so that every API instance can build the same Taxonomy.
package skill

package skill

import (
	"testing"
)

// The benchmarks run over the built-in taxonomy and, when the official
// release is present, over the full one (about 50,000 searchable spellings):
//
//	go test -bench . -benchmem -run '^$' ./internal/skill/

var benchQueries = []string{"d", "donn", "java", "dev web", "analyse donn", "pyhton"}

func benchTaxonomies(b *testing.B, run func(b *testing.B, tax *Taxonomy)) {
	b.Run("builtin", func(b *testing.B) { run(b, Builtin()) })
	b.Run("full", func(b *testing.B) {
		_, tax := mustRelease(b)
		run(b, tax)
	})
}

func BenchmarkSuggest(b *testing.B) {
	benchTaxonomies(b, func(b *testing.B, tax *Taxonomy) {
		for _, q := range benchQueries {
			b.Run(q, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					tax.Suggest(q, "fr", DefaultSuggestions)
				}
			})
		}
	})
}

func BenchmarkResolve(b *testing.B) {
	texts := []string{"React.JS", "golang", "Réaliser des études et développements informatiques", "astrophysique quantique"}
	benchTaxonomies(b, func(b *testing.B, tax *Taxonomy) {
		for _, s := range texts {
			b.Run(s, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					tax.Resolve(s)
				}
			})
		}
	})
}

func BenchmarkRelated(b *testing.B) {
	benchTaxonomies(b, func(b *testing.B, tax *Taxonomy) {
		for _, c := range []Code{"tag:java", "ogr:400261"} {
			b.Run(string(c), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					tax.Related(c)
				}
			})
		}
	})
}

func BenchmarkParseROME(b *testing.B) {
	mustRelease(b) // skips without the release
	dir := releaseDir()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseROME(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewTaxonomy(b *testing.B) {
	r, _ := mustRelease(b)
	b.ReportAllocs()
	for b.Loop() {
		New(BuiltinTags(), r)
	}
}

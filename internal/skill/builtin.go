package skill

import (
	"embed"
	"fmt"
	"io/fs"
	"sync"
)

// The built-in ROME subset: a few digital occupations and the former
// occupations of the demo, with all their items and the mobility links among
// them, plus the knowledge items the tags link to. It is generated from an
// official release by internal/gen (see data/rome/README.md) and committed,
// so that the product runs without an import.
//
//go:generate go run ./internal/gen -src ../../../shared/data/rome-4.0 -out data/rome

//go:embed data/rome/*.csv
var builtinROMEFiles embed.FS

var builtinROME = sync.OnceValue(func() *ROME {
	sub, err := fs.Sub(builtinROMEFiles, "data/rome")
	if err == nil {
		var r *ROME
		if r, err = ParseROMEFS(sub); err == nil {
			return r
		}
	}
	// The files ship inside the binary and a test parses them: an error here
	// is a build defect, not a runtime condition.
	panic(fmt.Sprintf("skill: built-in ROME: %v", err))
})

// BuiltinROME returns the ROME subset shipped with the binary. It is parsed on
// first use and shared: do not modify it.
func BuiltinROME() *ROME { return builtinROME() }

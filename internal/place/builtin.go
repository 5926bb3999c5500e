package place

import (
	_ "embed"
	"strings"
	"sync"
)

// nantesMetropole holds the 24 communes of Nantes Métropole in the official
// form: INSEE codes from the code officiel géographique, postal codes and
// centroids from the Base officielle des codes postaux (Licence Ouverte).
//
//go:embed nantes_metropole.csv
var nantesMetropole string

var builtin = sync.OnceValue(func() *Directory {
	d, err := Parse(strings.NewReader(nantesMetropole))
	if err != nil {
		// The file is part of the package and its tests parse it: this is a
		// build defect, not a runtime condition.
		panic(err)
	}
	return d
})

// Builtin returns the directory of the 24 communes of Nantes Métropole, compiled
// into the package, identified by their INSEE codes. It needs no import and is
// shared: every call returns the same immutable Directory.
func Builtin() *Directory { return builtin() }

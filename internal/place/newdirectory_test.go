package place

import (
	"reflect"
	"testing"
)

func TestNewDirectoryRebuildsBuiltin(t *testing.T) {
	want := Builtin()
	got, err := NewDirectory(want.All(), want.Stats())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.All(), want.All()) || got.Stats() != want.Stats() {
		t.Fatal("NewDirectory(Builtin().All()) differs from Builtin()")
	}
	// The indexes are rebuilt too, not only the list.
	if g, w := names(got.Search("st herb", 5)), names(want.Search("st herb", 5)); !reflect.DeepEqual(g, w) {
		t.Fatalf("Search = %v, want %v", g, w)
	}
	if c, ok := got.ByID("44-nantes"); !ok || c.INSEE != "44109" {
		t.Fatalf("ByID(44-nantes) = %+v, %v", c, ok)
	}
}

func TestNewDirectoryRejectsBadIDs(t *testing.T) {
	for name, cs := range map[string][]Commune{
		"empty":     {{Name: "Nantes"}},
		"duplicate": {{ID: "44109", Name: "Nantes"}, {ID: "44109", Name: "Nantes bis"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewDirectory(cs, ImportStats{}); err == nil {
				t.Fatal("NewDirectory accepted it")
			}
		})
	}
}

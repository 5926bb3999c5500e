package place

import (
	"bytes"
	"encoding/csv"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// The shared copy of the reduced form: 39,201 rows (README in its folder).
// PASSERELLE_COMMUNES_CSV points the tests at another copy.
const defaultSharedFile = "/work/shared/data/communes/communes-departement-region.csv"

// sharedFile returns the contents of the shared communes file, read once, or
// skips the test when there is none.
func sharedFile(tb testing.TB) []byte {
	tb.Helper()
	shared.once.Do(func() {
		path := os.Getenv("PASSERELLE_COMMUNES_CSV")
		if path == "" {
			path = defaultSharedFile
		}
		shared.path = path
		shared.data, shared.err = os.ReadFile(path)
	})
	if shared.err != nil {
		tb.Skipf("shared communes file not available (%v); set PASSERELLE_COMMUNES_CSV to run this test", shared.err)
	}
	return shared.data
}

var shared struct {
	once sync.Once
	path string
	data []byte
	err  error
	dir  *Directory
}

// sharedDirectory returns the shared file parsed, once for all tests.
func sharedDirectory(tb testing.TB) *Directory {
	tb.Helper()
	data := sharedFile(tb)
	if shared.dir == nil {
		d, err := Parse(bytes.NewReader(data))
		if err != nil {
			tb.Fatalf("Parse(%s): %v", shared.path, err)
		}
		shared.dir = d
	}
	return shared.dir
}

func TestSharedFile(t *testing.T) {
	d := sharedDirectory(t)

	// 39,201 rows; the 269 without coordinates are overseas collectivities
	// (Polynesia, New Caledonia, Wallis, Saint-Pierre, …) and two communes nouvelles.
	if got, want := d.Stats(), (ImportStats{Format: FormatReduced, Rows: 39201, SkippedNoCoordinates: 269}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	if got, want := d.Len(), 35920; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	var loireAtlantique int
	for _, c := range d.All() {
		if c.Department == "44" {
			loireAtlantique++
		}
	}
	// 260 rows in Loire-Atlantique, one per (postal code, commune) and locality.
	if loireAtlantique != 212 {
		t.Errorf("%d communes in Loire-Atlantique, want 212", loireAtlantique)
	}

	c, ok := d.ByID("44-nantes")
	if !ok {
		t.Fatal(`ByID("44-nantes"): not found`)
	}
	if want := []string{"44000", "44100", "44200", "44300"}; !reflect.DeepEqual(c.PostalCodes, want) {
		t.Errorf("Nantes postal codes = %q, want %q", c.PostalCodes, want)
	}
	if got := names(d.ByPostalCode("44300")); !reflect.DeepEqual(got, []string{"Nantes"}) {
		t.Errorf("ByPostalCode(44300) = %q, want [Nantes]", got)
	}
	for id, want := range map[string]string{
		"01-l-abergement-clemenciat": "01400", // zeros restored
		"2A-ajaccio":                 "20000",
		"2B-bastia":                  "20200",
		"971-les-abymes":             "97139",
	} {
		if c, ok := d.ByID(id); !ok || !strings.Contains(strings.Join(c.PostalCodes, " "), want) {
			t.Errorf("ByID(%q) = %+v, %v; want a commune with postal code %s", id, c, ok, want)
		}
	}

	tests := []struct {
		query string
		first string // ID of the first result
	}{
		{query: "st herblain", first: "44-saint-herblain"},
		{query: "saint-herblain", first: "44-saint-herblain"},
		{query: "Saint Herblain", first: "44-saint-herblain"},
		{query: "reze", first: "44-reze"},
		{query: "nantes", first: "44-nantes"},
		{query: "la chapelle sur erdre", first: "44-la-chapelle-sur-erdre"},
		{query: "paris", first: "75-paris-01"},
		{query: "l'ile d'yeu", first: "85-l-ile-d-yeu"},
		{query: "coeuvres", first: "02-coeuvres-et-valsery"},
	}
	for _, tt := range tests {
		t.Run("search "+tt.query, func(t *testing.T) {
			res := d.Search(tt.query, 5)
			if len(res) == 0 || res[0].ID != tt.first {
				var ids []string
				for _, c := range res {
					ids = append(ids, c.ID)
				}
				t.Errorf("Search(%q) = %q, want %s first", tt.query, ids, tt.first)
			}
		})
	}
	if got := len(d.Search("s", 0)); got != DefaultSearchLimit {
		t.Errorf("Search(s, 0) gave %d communes, want DefaultSearchLimit = %d", got, DefaultSearchLimit)
	}
	if got := len(d.Search("s", 100_000)); got != MaxSearchLimit {
		t.Errorf("Search(s, 100000) gave %d communes, want MaxSearchLimit = %d", got, MaxSearchLimit)
	}
}

func TestSharedFileIDs(t *testing.T) {
	data := sharedFile(t)
	d := sharedDirectory(t)

	// No two communes of the file share an id: as many communes as distinct
	// (département, full name) pairs among the rows with coordinates.
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	distinct := make(map[[2]string]bool)
	for _, row := range rows[1:] {
		if row[2] != "" && row[3] != "" {
			distinct[[2]string{row[6], row[5]}] = true
		}
	}
	if d.Len() != len(distinct) {
		t.Errorf("%d communes for %d distinct (département, name) pairs: some ids collide", d.Len(), len(distinct))
	}

	// Parsing again, rows in reverse order, gives the same communes and ids.
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var rev strings.Builder
	rev.WriteString(lines[0] + "\n")
	for i := len(lines) - 1; i > 0; i-- {
		rev.WriteString(lines[i] + "\n")
	}
	again := mustParse(t, rev.String())
	if !reflect.DeepEqual(d.All(), again.All()) {
		t.Error("parsing the rows in reverse order gives other communes or ids")
	}
}

func TestBuiltinMatchesSharedFile(t *testing.T) {
	d := sharedDirectory(t)
	for _, b := range Builtin().All() {
		t.Run(b.Name, func(t *testing.T) {
			id := b.Department + "-" + slug(b.Name)
			c, ok := d.ByID(id)
			if !ok {
				t.Fatalf("the shared file has no %s", id)
			}
			if c.Name != b.Name || c.LatLon != b.LatLon || !reflect.DeepEqual(c.PostalCodes, b.PostalCodes) {
				t.Errorf("builtin %+v\nshared file %+v", b, c)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data := sharedFile(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	d := sharedDirectory(b)
	for _, q := range []string{"s", "st", "saint", "st herblain", "la chapelle", "nantes", "reze", "zzz"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				d.Search(q, DefaultSearchLimit)
			}
		})
	}
}

func BenchmarkByPostalCode(b *testing.B) {
	d := sharedDirectory(b)
	for b.Loop() {
		d.ByPostalCode("44000")
	}
}

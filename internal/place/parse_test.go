package place

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mustParseFile parses a file or fails the test.
func mustParseFile(tb testing.TB, path string) *Directory {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, err := Parse(f)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", path, err)
	}
	return d
}

// mustParse parses text or fails the test.
func mustParse(tb testing.TB, text string) *Directory {
	tb.Helper()
	d, err := Parse(strings.NewReader(text))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return d
}

func TestParseFixtures(t *testing.T) {
	abergement := Commune{
		INSEE: "01001", Name: "L'Abergement-Clémenciat", PostalCodes: []string{"01400"}, Department: "01",
		LatLon: LatLon{46.1534255214, 4.92611354223},
	}
	ajaccio := Commune{
		INSEE: "2A004", Name: "Ajaccio", PostalCodes: []string{"20000", "20090"}, Department: "2A",
		LatLon: LatLon{41.9347926638, 8.70132275974},
	}
	nantesC := Commune{
		INSEE: "44109", Name: "Nantes", PostalCodes: []string{"44000", "44100", "44200", "44300"}, Department: "44",
		LatLon: nantes,
	}
	rezeC := Commune{INSEE: "44143", Name: "Rezé", PostalCodes: []string{"44400"}, Department: "44", LatLon: reze}
	herblain := Commune{Name: "Saint-Herblain", PostalCodes: []string{"44800"}, Department: "44", LatLon: saintHerblain}
	// Two rows, two localities: the one named like the commune gives the centroid.
	bernwiller := Commune{
		Name: "Bernwiller", PostalCodes: []string{"68210"}, Department: "68",
		LatLon: LatLon{47.7001534046, 7.1910425266},
	}
	indre := Commune{
		INSEE: "44074", Name: "Indre", PostalCodes: []string{"44610"}, Department: "44",
		LatLon: LatLon{47.1985008197, -1.6717810311},
	}
	withID := func(c Commune, id string) Commune {
		c.ID = id
		return c
	}
	noINSEE := func(c Commune, id string) Commune {
		c.ID, c.INSEE = id, ""
		return c
	}

	tests := []struct {
		file  string
		stats ImportStats
		want  []Commune // sorted by ID
	}{
		{
			file:  "reduced.csv",
			stats: ImportStats{Format: FormatReduced, Rows: 13, SkippedNoCoordinates: 1},
			want: []Commune{
				noINSEE(abergement, "01-l-abergement-clemenciat"),
				noINSEE(ajaccio, "2A-ajaccio"),
				noINSEE(nantesC, "44-nantes"),
				noINSEE(rezeC, "44-reze"),
				withID(herblain, "44-saint-herblain"),
				withID(bernwiller, "68-bernwiller"),
			},
		},
		{
			file:  "official.csv",
			stats: ImportStats{Format: FormatOfficial, Rows: 11, SkippedNoCoordinates: 1},
			want: []Commune{
				withID(abergement, "01001"),
				withID(ajaccio, "2A004"),
				withID(indre, "44074"),
				withID(nantesC, "44109"),
				withID(rezeC, "44143"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := mustParseFile(t, filepath.Join("testdata", tt.file))
			if got := d.Stats(); got != tt.stats {
				t.Errorf("Stats() = %+v, want %+v", got, tt.stats)
			}
			if got := d.All(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("All() mismatch\n got: %+v\nwant: %+v", got, tt.want)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	const reducedHeader = "code_postal;libelle_acheminement;latitude;longitude;nom_commune;nom_commune_complet;code_departement;nom_departement;nom_region\n"
	const officialHeader = "code_commune_INSEE,nom_commune,code_postal,libelle_acheminement,ligne_5,latitude,longitude,code_commune,article,nom_commune_complet,code_departement,nom_departement,code_region,nom_region\n"
	const nantesRow = "44000;NANTES;47.23;-1.55;Nantes;Nantes;44;Loire-Atlantique;Pays de la Loire\n"
	fixture := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	tests := []struct {
		name   string
		input  string
		line   int    // 0: not a *ParseError
		column string // expected ParseError.Column
		reason string // substring of the message
	}{
		{name: "bad latitude", input: fixture("bad_latitude.csv"), line: 4, column: "latitude", reason: `"47,2243762412" is not a number`},
		{name: "missing column", input: fixture("missing_column.csv"), line: 1, reason: `missing column "longitude" for the official form`},
		{name: "wrong separator", input: fixture("wrong_separator.csv"), line: 2, reason: "fields: got 1, want 9"},
		{name: "empty input", input: "", line: 1, reason: "empty header"},
		{name: "tab-separated", input: "code_postal\tlatitude\n44000\t47.2\n", line: 1, reason: "neither"},
		{name: "unrecognised header", input: "a;b;c\n1;2;3\n", line: 1, reason: "unrecognised header"},
		{name: "header only", input: reducedHeader, reason: "no commune with coordinates in 0 rows"},
		{name: "only rows without coordinates", input: reducedHeader + "97500;ST PIERRE;;;St pierre;St pierre;97;;\n", reason: "no commune with coordinates in 1 rows"},
		{name: "duplicate column", input: "code_postal;latitude;latitude;longitude;nom_commune;code_departement\n", line: 1, reason: `column "latitude" appears twice`},
		{
			name:  "latitude out of range",
			input: reducedHeader + nantesRow + "44400;REZE;147.17;-1.54;Rezé;Rezé;44;Loire-Atlantique;Pays de la Loire\n",
			line:  3, column: "latitude", reason: "out of range",
		},
		{
			name:  "longitude not a number",
			input: reducedHeader + "44400;REZE;47.17;NaN;Rezé;Rezé;44;Loire-Atlantique;Pays de la Loire\n",
			line:  2, column: "longitude", reason: "not a number",
		},
		{
			name:  "postal code",
			input: reducedHeader + nantesRow + nantesRow + "444;REZE;47.17;-1.54;Rezé;Rezé;44;Loire-Atlantique;Pays de la Loire\n",
			line:  4, column: "code_postal", reason: `postal code "444": want 5 digits`,
		},
		{
			name:  "département",
			input: reducedHeader + "44400;REZE;47.17;-1.54;Rezé;Rezé;440;Loire-Atlantique;Pays de la Loire\n",
			line:  2, column: "code_departement", reason: `"440"`,
		},
		{
			name:  "missing département",
			input: reducedHeader + "44400;REZE;47.17;-1.54;Rezé;Rezé;;Loire-Atlantique;Pays de la Loire\n",
			line:  2, column: "code_departement", reason: "missing département",
		},
		{
			name:  "missing name",
			input: reducedHeader + "44400;REZE;47.17;-1.54;;;44;Loire-Atlantique;Pays de la Loire\n",
			line:  2, column: "nom_commune_complet", reason: "missing commune name",
		},
		{
			name:  "INSEE code",
			input: officialHeader + "44A43,Rezé,44400,REZE,,47.17,-1.54,143,,Rezé,44,Loire-Atlantique,52,Pays de la Loire\n",
			line:  2, column: "code_commune_INSEE", reason: `INSEE code "44A43"`,
		},
		{
			name:  "stray quote",
			input: reducedHeader + nantesRow + "44400;RE\"ZE;47.17;-1.54;Rezé;Rezé;44;Loire-Atlantique;Pays de la Loire\n",
			line:  3, reason: "bare",
		},
		{
			name:  "short row after good ones",
			input: reducedHeader + nantesRow + "44400;REZE;47.17;-1.54\n",
			line:  3, reason: "fields: got 4, want 9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(strings.NewReader(tt.input))
			if err == nil {
				t.Fatalf("Parse succeeded with %d communes, want an error", d.Len())
			}
			if d != nil {
				t.Errorf("Parse returned a Directory along with the error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "parse communes: ") {
				t.Errorf("error %q does not name the operation", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not say %q", err, tt.reason)
			}
			var pe *ParseError
			switch {
			case tt.line == 0:
				if errors.As(err, &pe) {
					t.Errorf("error %q is a *ParseError, want a plain error", err)
				}
			case !errors.As(err, &pe):
				t.Errorf("error %q is not a *ParseError", err)
			default:
				if pe.Line != tt.line || pe.Column != tt.column {
					t.Errorf("ParseError at line %d, column %q; want line %d, column %q", pe.Line, pe.Column, tt.line, tt.column)
				}
				if want := fmt.Sprintf("line %d", tt.line); !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Commune
	}{
		{
			// Headers are matched by name, in any order and case; CRLF and a BOM are fine.
			name: "reordered columns, CRLF, BOM",
			input: "\uFEFFNOM_COMMUNE_COMPLET;Code_Departement;LONGITUDE;LATITUDE;CODE_POSTAL\r\n" +
				"Rezé;44;-1.54966399893;47.1762338904;44400\r\n",
			want: []Commune{{ID: "44-reze", Name: "Rezé", PostalCodes: []string{"44400"}, Department: "44", LatLon: reze}},
		},
		{
			// Without code_departement the official form reads it from the INSEE code.
			name: "official without département",
			input: "code_commune_INSEE,nom_commune,code_postal,latitude,longitude\n" +
				"97411,Saint-Denis,97400,-20.93,55.45\n2B033,Bastia,20200,42.68,9.42\n",
			want: []Commune{
				{ID: "2B033", INSEE: "2B033", Name: "Bastia", PostalCodes: []string{"20200"}, Department: "2B", LatLon: LatLon{42.68, 9.42}},
				{ID: "97411", INSEE: "97411", Name: "Saint-Denis", PostalCodes: []string{"97400"}, Department: "974", LatLon: LatLon{-20.93, 55.45}},
			},
		},
		{
			// Of a commune's rows, the one named after it and without a ligne_5
			// gives the centroid, wherever it comes in the file.
			name: "centroid from the commune's own row",
			input: "code_commune_INSEE,nom_commune,code_postal,libelle_acheminement,ligne_5,latitude,longitude\n" +
				"99001,Exampleville,99100,HAMEAU,,1,1\n" +
				"99001,Exampleville,99100,EXAMPLEVILLE,LE BOURG,2,2\n" +
				"99001,Exampleville,99200,EXAMPLEVILLE,,3,3\n" +
				"99001,Exampleville,99300,EXAMPLEVILLE,AUTRE,4,4\n",
			want: []Commune{{ID: "99001", INSEE: "99001", Name: "Exampleville", PostalCodes: []string{"99100", "99200", "99300"}, Department: "99", LatLon: LatLon{3, 3}}},
		},
		{
			// An official file with a row lacking its INSEE code falls back on the derived id.
			name: "official row without INSEE code",
			input: "code_commune_INSEE,nom_commune,code_postal,latitude,longitude,code_departement\n" +
				",Rezé,44400,47.1762338904,-1.54966399893,44\n",
			want: []Commune{{ID: "44-reze", Name: "Rezé", PostalCodes: []string{"44400"}, Department: "44", LatLon: reze}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.input).All()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("All() mismatch\n got: %+v\nwant: %+v", got, tt.want)
			}
		})
	}
}

func TestParseIDStable(t *testing.T) {
	// The same rows in another order give the same communes, the same ids.
	for _, file := range []string{"reduced.csv", "official.csv"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			reversed := []string{lines[0]}
			for i := len(lines) - 1; i > 0; i-- {
				reversed = append(reversed, lines[i])
			}
			a := mustParse(t, string(b)).All()
			z := mustParse(t, strings.Join(reversed, "\n")+"\n").All()
			if !reflect.DeepEqual(a, z) {
				t.Errorf("reversed rows give other communes\nforward:  %+v\nreversed: %+v", a, z)
			}
		})
	}
}

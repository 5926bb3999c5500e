package place

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Format is the layout of an import file, told apart by its header.
type Format int

const (
	// FormatReduced is the ";"-separated reduced form without INSEE codes:
	// code_postal;libelle_acheminement;latitude;longitude;nom_commune;
	// nom_commune_complet;code_departement;nom_departement;nom_region.
	FormatReduced Format = iota + 1
	// FormatOfficial is La Poste's "Base officielle des codes postaux" as
	// published on data.gouv.fr, ","-separated, with code_commune_INSEE.
	FormatOfficial
)

// String returns the format's name as the import command reports it.
func (f Format) String() string {
	switch f {
	case FormatReduced:
		return "reduced"
	case FormatOfficial:
		return "official"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ImportStats says what Parse made of its input.
type ImportStats struct {
	// Format is the layout detected from the header.
	Format Format
	// Rows counts data rows read, the header excluded.
	Rows int
	// SkippedNoCoordinates counts rows left out because their latitude or
	// longitude was empty (overseas collectivities, a few communes nouvelles).
	SkippedNoCoordinates int
}

// ParseError is a malformed import file: the line (1 is the header) and why.
type ParseError struct {
	// Line is the 1-based line of the input where the problem is.
	Line int
	// Column names the column at fault, empty when the whole line is.
	Column string
	// Err is the reason.
	Err error
}

// Error reports the line, the column when known, and the reason.
func (e *ParseError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %s: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// Unwrap returns the reason.
func (e *ParseError) Unwrap() error { return e.Err }

// Column names of the two forms, lower-cased: headers are matched regardless of case.
const (
	colINSEE      = "code_commune_insee"
	colPostal     = "code_postal"
	colLibelle    = "libelle_acheminement"
	colLigne5     = "ligne_5"
	colLat        = "latitude"
	colLon        = "longitude"
	colName       = "nom_commune"
	colNameFull   = "nom_commune_complet"
	colDepartment = "code_departement"
)

// columns locates the columns Parse reads; -1 marks an absent optional one.
type columns struct {
	n                                    int
	insee, postal, libelle, ligne5       int
	lat, lon, name, nameFull, department int
}

// Parse reads communes from r, in either import form, detected by the header
// line: the separator is whichever of ";" and "," the header holds more of, the
// form is official when a code_commune_INSEE column is present and reduced
// otherwise, and columns are found by name, in any order.
//
// Rows of the same commune (one per postal code, or per locality) are merged into
// one Commune holding all their postal codes; the commune is identified by its
// INSEE code when the file has one, by département and name otherwise (see
// Commune.ID). Leading zeros the file dropped are restored ("1400" → "01400",
// département "1" → "01", INSEE "1001" → "01001"). Rows without coordinates are
// skipped and counted in Stats.
//
// A malformed file yields a *ParseError naming the line and the reason, and no
// Directory; so does a file with no commune left to keep. Errors from r are
// returned wrapped.
func Parse(r io.Reader) (*Directory, error) {
	d, err := parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse communes: %w", err)
	}
	return d, nil
}

// pending is a commune being assembled from its rows.
type pending struct {
	c      Commune
	postal map[string]bool
	score  int // how well the row the coordinates came from stands for the commune
}

func parse(r io.Reader) (*Directory, error) {
	br := bufio.NewReader(r)
	header, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read header: %w", err)
	}
	header = strings.TrimPrefix(header, "\uFEFF")
	header = strings.TrimRight(header, "\r\n")
	if strings.TrimSpace(header) == "" {
		return nil, &ParseError{Line: 1, Err: errors.New("empty header: not a communes file")}
	}
	sep := ';'
	if strings.Count(header, ",") > strings.Count(header, ";") {
		sep = ','
	}
	if !strings.ContainsRune(header, sep) {
		return nil, &ParseError{Line: 1, Err: errors.New(`header has neither ";" nor "," separators`)}
	}
	hr := csv.NewReader(strings.NewReader(header))
	hr.Comma = sep
	names, err := hr.Read()
	if err != nil {
		return nil, &ParseError{Line: 1, Err: fmt.Errorf("header: %w", unwrapCSV(err))}
	}
	cols, format, err := locate(names)
	if err != nil {
		return nil, &ParseError{Line: 1, Err: err}
	}

	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = true

	stats := ImportStats{Format: format}
	byID := make(map[string]*pending)
	var order []*pending
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ParseError{Line: pe.Line + 1, Err: pe.Err}
			}
			return nil, fmt.Errorf("read: %w", err)
		}
		line, _ := cr.FieldPos(0)
		line++ // the header was read before cr started counting
		stats.Rows++
		if len(rec) != cols.n {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("fields: got %d, want %d as in the header (wrong separator?)", len(rec), cols.n)}
		}
		row, ok, err := readRow(rec, cols)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				pe.Line = line
			}
			return nil, err
		}
		if !ok {
			stats.SkippedNoCoordinates++
			continue
		}
		p := byID[row.c.ID]
		switch {
		case p == nil:
			p = &pending{c: row.c, postal: make(map[string]bool), score: row.score}
			byID[row.c.ID] = p
			order = append(order, p)
		case row.score > p.score:
			p.c.LatLon, p.score = row.c.LatLon, row.score
		}
		p.postal[row.postal] = true
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no commune with coordinates in %d rows", stats.Rows)
	}
	communes := make([]Commune, 0, len(order))
	for _, p := range order {
		pcs := make([]string, 0, len(p.postal))
		for pc := range p.postal {
			pcs = append(pcs, pc)
		}
		slices.Sort(pcs)
		p.c.PostalCodes = slices.Clip(pcs)
		communes = append(communes, p.c)
	}
	return newDirectory(communes, stats), nil
}

// locate finds the columns Parse needs by name and tells the form apart.
func locate(names []string) (columns, Format, error) {
	idx := make(map[string]int, len(names))
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if _, dup := idx[n]; dup && n != "" {
			return columns{}, 0, fmt.Errorf("column %q appears twice", n)
		}
		idx[n] = i
	}
	get := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
	c := columns{
		n:          len(names),
		insee:      get(colINSEE),
		postal:     get(colPostal),
		libelle:    get(colLibelle),
		ligne5:     get(colLigne5),
		lat:        get(colLat),
		lon:        get(colLon),
		name:       get(colName),
		nameFull:   get(colNameFull),
		department: get(colDepartment),
	}
	format := FormatReduced
	if c.insee >= 0 {
		format = FormatOfficial
	}
	if c.postal < 0 && c.lat < 0 && c.department < 0 && format == FormatReduced {
		return c, 0, fmt.Errorf("unrecognised header: want the reduced form (%s;%s;…) or the official one (code_commune_INSEE,…)",
			colPostal, colLibelle)
	}
	type need struct {
		name string
		i    int
	}
	required := []need{{colPostal, c.postal}, {colLat, c.lat}, {colLon, c.lon}}
	// The official form carries the département in the INSEE code; the reduced
	// form has nothing else to tell Saint-Aubin (36) from Saint-Aubin (40).
	if format == FormatReduced {
		required = append(required, need{colDepartment, c.department})
	}
	for _, r := range required {
		if r.i < 0 {
			return c, 0, fmt.Errorf("missing column %q for the %s form", r.name, format)
		}
	}
	if c.name < 0 && c.nameFull < 0 {
		return c, 0, fmt.Errorf("missing column %q (or %q) for the %s form", colNameFull, colName, format)
	}
	return c, format, nil
}

// row is one data line, checked and normalised.
type row struct {
	c      Commune // ID, INSEE, Name, Department, LatLon; no postal codes yet
	postal string
	score  int
}

// readRow checks one record. ok is false for a row without coordinates. Errors
// are *ParseError without their line, which the caller knows.
func readRow(rec []string, cols columns) (r row, ok bool, err error) {
	field := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	fail := func(col string, format string, args ...any) (row, bool, error) {
		return row{}, false, &ParseError{Column: col, Err: fmt.Errorf(format, args...)}
	}

	latS, lonS := field(cols.lat), field(cols.lon)
	if latS == "" || lonS == "" {
		return row{}, false, nil
	}
	lat, err := coordinate(latS, 90)
	if err != nil {
		return fail(colLat, "%w", err)
	}
	lon, err := coordinate(lonS, 180)
	if err != nil {
		return fail(colLon, "%w", err)
	}

	postal := field(cols.postal)
	if len(postal) == 4 {
		postal = "0" + postal
	}
	if !allDigits(postal) || len(postal) != 5 {
		return fail(colPostal, "postal code %q: want 5 digits", field(cols.postal))
	}

	var insee string
	if cols.insee >= 0 {
		insee = strings.ToUpper(field(cols.insee))
		if len(insee) == 4 && allDigits(insee) {
			insee = "0" + insee
		}
		if insee != "" && !validINSEE(insee) {
			return fail("code_commune_INSEE", "INSEE code %q: want 5 digits, or 2A/2B and 3 digits", field(cols.insee))
		}
	}

	dep := strings.ToUpper(field(cols.department))
	if len(dep) == 1 && allDigits(dep) {
		dep = "0" + dep
	}
	if dep == "" && insee != "" {
		dep = departmentOf(insee)
	}
	if dep == "" {
		return fail(colDepartment, "missing département code")
	}
	if !validDepartment(dep) {
		return fail(colDepartment, "département code %q: want 2 digits, 2A, 2B or 3 digits", field(cols.department))
	}

	name := field(cols.nameFull)
	if name == "" {
		name = field(cols.name)
	}
	if name == "" {
		return fail(colNameFull, "missing commune name")
	}
	s := slug(name)
	if s == "" {
		return fail(colNameFull, "commune name %q has no letter or digit", name)
	}

	id := insee
	if id == "" {
		id = dep + "-" + s
	}
	// Among a commune's rows, take the coordinates of the one that stands for
	// the commune itself rather than for one of its localities.
	score := 0
	if searchKey(field(cols.libelle)) == searchKey(name) {
		score += 2
	}
	if field(cols.ligne5) == "" {
		score++
	}
	return row{
		c: Commune{
			ID:         id,
			INSEE:      insee,
			Name:       name,
			Department: dep,
			LatLon:     LatLon{Lat: lat, Lon: lon},
		},
		postal: postal,
		score:  score,
	}, true, nil
}

// coordinate parses a latitude (limit 90) or longitude (limit 180) in degrees.
func coordinate(s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number of degrees", s)
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%s is out of range [-%g, %g]", s, limit, limit)
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validINSEE accepts "44109", "2A004", "97411".
func validINSEE(s string) bool {
	if len(s) != 5 {
		return false
	}
	if s[0] == '2' && (s[1] == 'A' || s[1] == 'B') {
		return allDigits(s[2:])
	}
	return allDigits(s)
}

// validDepartment accepts "01"–"95" and the two-digit codes the source uses for
// collectivities ("97", "98"), "2A", "2B", and the three-digit overseas "971"–"989".
func validDepartment(s string) bool {
	switch len(s) {
	case 2:
		return allDigits(s) || s == "2A" || s == "2B"
	case 3:
		return allDigits(s) && (s[:2] == "97" || s[:2] == "98")
	}
	return false
}

// departmentOf reads the département out of an INSEE code: three characters
// overseas (97x, 98x), two elsewhere.
func departmentOf(insee string) string {
	if strings.HasPrefix(insee, "97") || strings.HasPrefix(insee, "98") {
		return insee[:3]
	}
	return insee[:2]
}

// unwrapCSV drops encoding/csv's own line prefix: the ParseError adds ours.
func unwrapCSV(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

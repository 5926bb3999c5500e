package skill

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ROME is a parsed ROME 4.0 release (or the built-in subset): the occupation
// sheets, their job titles, the skill and knowledge items, which items belong
// to which occupation, and the mobility links between occupations. Slices are
// sorted by code so that two parses of the same files are equal. Treat a ROME
// as read-only once built: a Taxonomy keeps a reference to it.
type ROME struct {
	// Version is the release tag found in the file names, e.g. "v460".
	Version      string
	Occupations  []Occupation  // sorted by code
	Appellations []Appellation // sorted by code_ogr
	Skills       []Item        // savoir-faire and savoir-être items, sorted by code_ogr
	Knowledge    []Item        // knowledge items (savoirs), sorted by code_ogr
	Links        []Link        // sorted by occupation, then item
	Mobility     []Mobility    // sorted by source, order, target
	// SkippedLinks counts coherence rows that name an item in neither the
	// skills nor the knowledge file. The official release indexes work
	// contexts ("contextes de travail") there too, whose referential is not
	// part of the files read here; such plain links are left out rather than
	// failing the import. A core or emerging link to an unknown item is an
	// error.
	SkippedLinks int
}

// Occupation is a ROME occupation sheet ("fiche métier").
type Occupation struct {
	Code  RomeCode
	Label string
	// TransitionNum is France Travail's "transition numérique" tag: the
	// occupation is part of, or strongly affected by, the digital transition.
	TransitionNum bool
	// Parent is the sheet this one is attached to in ROME 4.0 (itself for a
	// top-level sheet, empty when the release gives none).
	Parent RomeCode
}

// Appellation is a job title attached to an occupation ("Développeur web").
type Appellation struct {
	ID    string // code_ogr
	Label string // long label
	Rome  RomeCode
}

// ItemKind tells the two ROME item referentials apart.
type ItemKind uint8

// The item kinds.
const (
	ItemSkill     ItemKind = iota + 1 // a skill ("compétence": savoir-faire, savoir-être)
	ItemKnowledge                     // a knowledge item ("savoir"), technologies among them
)

// String returns "skill" or "knowledge".
func (k ItemKind) String() string {
	switch k {
	case ItemSkill:
		return "skill"
	case ItemKnowledge:
		return "knowledge"
	}
	return "item(" + strconv.Itoa(int(k)) + ")"
}

// Item is a ROME skill or knowledge item.
type Item struct {
	Code     Code // "ogr:<code_ogr>"
	Kind     ItemKind
	Label    string
	Category string // cat_comp for skills, categorie_savoir for knowledge
	// Macro marks a macro-skill ("macro-compétence"), the broad skills ROME
	// groups finer ones under.
	Macro bool
}

// LinkFlag says how central an item is to an occupation.
type LinkFlag uint8

// The link flags.
const (
	LinkPlain    LinkFlag = iota // part of the occupation
	LinkCore                     // "Principale": core to the occupation ("cœur de métier")
	LinkEmerging                 // "Émergente": becoming part of the occupation
)

// String returns "plain", "core" or "emerging".
func (f LinkFlag) String() string {
	switch f {
	case LinkPlain:
		return "plain"
	case LinkCore:
		return "core"
	case LinkEmerging:
		return "emerging"
	}
	return "flag(" + strconv.Itoa(int(f)) + ")"
}

// Link attaches an item to an occupation.
type Link struct {
	Rome RomeCode
	Item Code
	Flag LinkFlag
}

// Mobility is an expert-curated mobility link: people in From can move to To.
// Order is ROME's rank of the target among the source's links (1 first).
type Mobility struct {
	From  RomeCode
	To    RomeCode
	Order int
}

// The ROME release files read by ParseROME, by name prefix. The version part
// ("v460") is matched separately so that a later release parses unchanged.
const (
	fileOccupations  = "unix_referentiel_code_rome"
	fileAppellations = "unix_referentiel_appellation"
	fileSkills       = "unix_referentiel_competence"
	fileKnowledge    = "unix_referentiel_savoir"
	fileLinks        = "unix_coherence_item"
	fileMobility     = "unix_rubrique_mobilite"
)

var romeFileName = regexp.MustCompile(`^(unix_[a-z_]+?)_(v[0-9]+)_utf8\.csv$`)

// ParseROME reads the official ROME 4.0 CSV release in dir. See ParseROMEFS.
func ParseROME(dir string) (*ROME, error) {
	r, err := parseROME(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("parse ROME release %s: %w", dir, err)
	}
	return r, nil
}

// ParseROMEFS reads a ROME 4.0 CSV release from the root of fsys: the
// occupation, appellation, skill, knowledge, coherence and mobility files,
// found by name prefix whatever their version number
// ("unix_referentiel_code_rome_v460_utf8.csv", "…_v461_…").
//
// Columns are found by header name, so that added or reordered columns do not
// matter. Everything is checked: codes, labels, flags, duplicate keys, links
// to unknown occupations or items. The first problem is returned, wrapped, as
// an *ImportError naming the file and the line; nothing partial is returned.
func ParseROMEFS(fsys fs.FS) (*ROME, error) {
	r, err := parseROME(fsys)
	if err != nil {
		return nil, fmt.Errorf("parse ROME release: %w", err)
	}
	return r, nil
}

func parseROME(fsys fs.FS) (*ROME, error) {
	files, version, err := findROMEFiles(fsys)
	if err != nil {
		return nil, err
	}
	p := &romeParser{fsys: fsys, files: files, rome: &ROME{Version: version}}
	for _, step := range []func() error{
		p.occupations, p.appellations, p.skills, p.knowledge, p.links, p.mobility,
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	p.sort()
	return p.rome, nil
}

// findROMEFiles maps each required prefix to its file, refusing a folder that
// holds two versions of a file or files of different versions: mixing
// releases would silently produce links to missing codes.
func findROMEFiles(fsys fs.FS) (map[string]string, string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, "", &ImportError{File: ".", Reason: "read folder", Err: err}
	}
	required := []string{fileOccupations, fileAppellations, fileSkills, fileKnowledge, fileLinks, fileMobility}
	found := map[string][]string{}
	versions := map[string]string{}
	for _, e := range entries {
		m := romeFileName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() || !slices.Contains(required, m[1]) {
			continue
		}
		found[m[1]] = append(found[m[1]], e.Name())
		versions[e.Name()] = m[2]
	}
	files := map[string]string{}
	version := ""
	for _, p := range required {
		switch names := found[p]; len(names) {
		case 0:
			return nil, "", &ImportError{File: p + "_v*_utf8.csv", Reason: "missing file"}
		case 1:
			files[p] = names[0]
		default:
			return nil, "", &ImportError{File: names[1], Reason: fmt.Sprintf("two files for %s_*: %s; keep one release per folder", p, strings.Join(names, " and "))}
		}
		if v := versions[files[p]]; version == "" {
			version = v
		} else if v != version {
			return nil, "", &ImportError{File: files[p], Reason: fmt.Sprintf("version %s differs from %s of the other files; keep one release per folder", v, version)}
		}
	}
	return files, version, nil
}

type romeParser struct {
	fsys  fs.FS
	files map[string]string
	rome  *ROME

	occ   map[RomeCode]int // index in rome.Occupations
	items map[string]ItemKind
}

// table is one CSV file being read.
type table struct {
	name string
	r    *csv.Reader
	cols map[string]int
	rec  []string
	line int
}

// open opens the file for prefix and checks its header for the columns.
func (p *romeParser) open(prefix string, columns ...string) (*table, func(), error) {
	name := p.files[prefix]
	f, err := p.fsys.Open(name)
	if err != nil {
		return nil, nil, &ImportError{File: name, Reason: "open", Err: err}
	}
	br := bufio.NewReaderSize(f, 64<<10)
	// Spreadsheet exports often start with a UTF-8 byte order mark, which
	// encoding/csv would take as part of the first field.
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.ReuseRecord = true
	t := &table{name: name, r: r, cols: map[string]int{}}
	header, err := r.Read()
	if err != nil {
		f.Close()
		if err == io.EOF {
			return nil, nil, &ImportError{File: name, Line: 1, Reason: "empty file: want a header line"}
		}
		return nil, nil, t.csvError(err)
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := t.cols[h]; dup {
			f.Close()
			return nil, nil, &ImportError{File: name, Line: 1, Reason: fmt.Sprintf("column %q appears twice", h)}
		}
		t.cols[h] = i
	}
	for _, c := range columns {
		if _, ok := t.cols[c]; !ok {
			f.Close()
			return nil, nil, &ImportError{File: name, Line: 1, Reason: fmt.Sprintf("missing column %q", c)}
		}
	}
	return t, func() { f.Close() }, nil
}

// next reads the next record; it returns false at the end of the file.
func (t *table) next() (bool, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, t.csvError(err)
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return true, nil
}

// get returns the trimmed value of a column of the current record; a column
// absent from the header reads as empty.
func (t *table) get(col string) string {
	i, ok := t.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(t.rec[i])
}

func (t *table) errorf(format string, args ...any) error {
	return &ImportError{File: t.name, Line: t.line, Reason: fmt.Sprintf(format, args...)}
}

func (t *table) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportError{File: t.name, Line: pe.Line, Reason: "malformed CSV", Err: pe.Err}
	}
	return &ImportError{File: t.name, Reason: "read", Err: err}
}

// readAll runs row for every record of the file for prefix.
func (p *romeParser) readAll(prefix string, columns []string, row func(t *table) error) error {
	t, closeFile, err := p.open(prefix, columns...)
	if err != nil {
		return err
	}
	defer closeFile()
	for {
		ok, err := t.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if err := row(t); err != nil {
			return err
		}
	}
}

func (p *romeParser) romeCode(t *table, col string) (RomeCode, error) {
	v := RomeCode(t.get(col))
	if err := v.Validate(); err != nil {
		return "", t.errorf("bad %s %q: want a letter A-N and 4 digits", col, string(v))
	}
	return v, nil
}

func (p *romeParser) ogr(t *table, col string) (string, error) {
	v := t.get(col)
	if err := validOGR(v); err != nil {
		return "", t.errorf("bad %s %q: %v", col, v, err)
	}
	return v, nil
}

func (p *romeParser) label(t *table, col string) (string, error) {
	v := t.get(col)
	if v == "" {
		return "", t.errorf("empty %s", col)
	}
	return strings.Clone(v), nil
}

// knownOccupation checks a reference to an occupation read before.
func (p *romeParser) knownOccupation(t *table, col string) (RomeCode, error) {
	c, err := p.romeCode(t, col)
	if err != nil {
		return "", err
	}
	if _, ok := p.occ[c]; !ok {
		return "", t.errorf("%s %s: unknown occupation (not in %s)", col, c, p.files[fileOccupations])
	}
	return c, nil
}

func (p *romeParser) occupations() error {
	p.occ = map[RomeCode]int{}
	parents := map[RomeCode]int{} // parent → line of its first use, checked at the end
	var firstChild = map[RomeCode]RomeCode{}
	err := p.readAll(fileOccupations, []string{"code_rome", "libelle_rome"}, func(t *table) error {
		code, err := p.romeCode(t, "code_rome")
		if err != nil {
			return err
		}
		if _, dup := p.occ[code]; dup {
			return t.errorf("duplicate code_rome %s", code)
		}
		o := Occupation{Code: code}
		if o.Label, err = p.label(t, "libelle_rome"); err != nil {
			return err
		}
		switch v := t.get("transition_num"); strings.ToUpper(v) {
		case "O", "OUI", "Y", "YES":
			o.TransitionNum = true
		case "N", "NON", "NO", "":
		default:
			return t.errorf("bad transition_num %q: want O, N or empty", v)
		}
		if v := t.get("code_rome_parent"); v != "" {
			if o.Parent, err = p.romeCode(t, "code_rome_parent"); err != nil {
				return err
			}
			if _, seen := parents[o.Parent]; !seen {
				parents[o.Parent], firstChild[o.Parent] = t.line, code
			}
		}
		p.occ[code] = len(p.rome.Occupations)
		p.rome.Occupations = append(p.rome.Occupations, o)
		return nil
	})
	if err != nil {
		return err
	}
	if len(p.rome.Occupations) == 0 {
		return &ImportError{File: p.files[fileOccupations], Reason: "no occupations"}
	}
	// Parents may come after their children in the file: check once all are known.
	for parent, line := range parents {
		if _, ok := p.occ[parent]; !ok {
			return &ImportError{File: p.files[fileOccupations], Line: line,
				Reason: fmt.Sprintf("code_rome_parent %s of %s: unknown occupation", parent, firstChild[parent])}
		}
	}
	return nil
}

func (p *romeParser) appellations() error {
	seen := map[string]bool{}
	return p.readAll(fileAppellations, []string{"code_ogr", "libelle_appellation_long", "code_rome"}, func(t *table) error {
		id, err := p.ogr(t, "code_ogr")
		if err != nil {
			return err
		}
		if seen[id] {
			return t.errorf("duplicate code_ogr %s", id)
		}
		seen[id] = true
		a := Appellation{ID: strings.Clone(id)}
		if a.Label, err = p.label(t, "libelle_appellation_long"); err != nil {
			return err
		}
		if a.Rome, err = p.knownOccupation(t, "code_rome"); err != nil {
			return err
		}
		p.rome.Appellations = append(p.rome.Appellations, a)
		return nil
	})
}

func (p *romeParser) skills() error {
	p.items = map[string]ItemKind{}
	return p.readAll(fileSkills, []string{"code_ogr", "libelle_competence", "cat_comp"}, func(t *table) error {
		it, err := p.item(t, ItemSkill, "code_ogr", "libelle_competence", "cat_comp")
		if err != nil {
			return err
		}
		// "Macro-compétence" versus "Compétence"; the column is optional.
		it.Macro = strings.HasPrefix(Normalize(t.get("nature")), "macro")
		p.rome.Skills = append(p.rome.Skills, it)
		return nil
	})
}

func (p *romeParser) knowledge() error {
	return p.readAll(fileKnowledge, []string{"code_ogr_savoir", "libelle_savoir", "categorie_savoir"}, func(t *table) error {
		it, err := p.item(t, ItemKnowledge, "code_ogr_savoir", "libelle_savoir", "categorie_savoir")
		if err != nil {
			return err
		}
		p.rome.Knowledge = append(p.rome.Knowledge, it)
		return nil
	})
}

// item reads a skill or knowledge row. The two referentials share one code
// space, so a code may appear in only one of them.
func (p *romeParser) item(t *table, kind ItemKind, codeCol, labelCol, catCol string) (Item, error) {
	id, err := p.ogr(t, codeCol)
	if err != nil {
		return Item{}, err
	}
	if prev, dup := p.items[id]; dup {
		if prev == kind {
			return Item{}, t.errorf("duplicate %s %s", codeCol, id)
		}
		return Item{}, t.errorf("duplicate %s %s: already a %s item in %s", codeCol, id, prev, p.files[fileSkills])
	}
	p.items[id] = kind
	it := Item{Code: OGRCode(id), Kind: kind, Category: strings.Clone(t.get(catCol))}
	if it.Label, err = p.label(t, labelCol); err != nil {
		return Item{}, err
	}
	return it, nil
}

func (p *romeParser) links() error {
	type key struct {
		rome RomeCode
		item string
	}
	seen := map[key]int{}
	return p.readAll(fileLinks, []string{"code_rome", "code_ogr", "coeur_metier"}, func(t *table) error {
		rc, err := p.knownOccupation(t, "code_rome")
		if err != nil {
			return err
		}
		id, err := p.ogr(t, "code_ogr")
		if err != nil {
			return err
		}
		var flag LinkFlag
		switch v := t.get("coeur_metier"); Normalize(v) {
		case "":
			flag = LinkPlain
		case "principale":
			flag = LinkCore
		case "emergente":
			flag = LinkEmerging
		default:
			return t.errorf("bad coeur_metier %q: want \"Principale\", \"Émergente\" or empty", v)
		}
		if _, ok := p.items[id]; !ok {
			if flag != LinkPlain {
				return t.errorf("code_ogr %s is a %s item of %s but is in neither %s nor %s",
					id, flag, rc, p.files[fileSkills], p.files[fileKnowledge])
			}
			p.rome.SkippedLinks++
			return nil
		}
		k := key{rc, id}
		if first, dup := seen[k]; dup {
			return t.errorf("duplicate link %s → %s (first on line %d)", rc, id, first)
		}
		seen[k] = t.line
		p.rome.Links = append(p.rome.Links, Link{Rome: rc, Item: OGRCode(id), Flag: flag})
		return nil
	})
}

func (p *romeParser) mobility() error {
	type key struct{ from, to RomeCode }
	seen := map[key]int{}
	return p.readAll(fileMobility, []string{"code_rome", "code_rome_cible", "numero_ordre"}, func(t *table) error {
		from, err := p.knownOccupation(t, "code_rome")
		if err != nil {
			return err
		}
		to, err := p.knownOccupation(t, "code_rome_cible")
		if err != nil {
			return err
		}
		if from == to {
			return t.errorf("mobility from %s to itself", from)
		}
		v := t.get("numero_ordre")
		order, err := strconv.Atoi(v)
		if err != nil || order < 1 {
			return t.errorf("bad numero_ordre %q: want a positive integer", v)
		}
		k := key{from, to}
		if first, dup := seen[k]; dup {
			return t.errorf("duplicate mobility %s → %s (first on line %d)", from, to, first)
		}
		seen[k] = t.line
		p.rome.Mobility = append(p.rome.Mobility, Mobility{From: from, To: to, Order: order})
		return nil
	})
}

// sort puts every slice in code order so that parses compare equal and
// lookups can binary-search.
func (p *romeParser) sort() {
	r := p.rome
	slices.SortFunc(r.Occupations, func(a, b Occupation) int { return strings.Compare(string(a.Code), string(b.Code)) })
	slices.SortFunc(r.Appellations, func(a, b Appellation) int { return compareOGR(a.ID, b.ID) })
	byCode := func(a, b Item) int { return compareOGR(a.Code.ID(), b.Code.ID()) }
	slices.SortFunc(r.Skills, byCode)
	slices.SortFunc(r.Knowledge, byCode)
	slices.SortFunc(r.Links, func(a, b Link) int {
		if c := strings.Compare(string(a.Rome), string(b.Rome)); c != 0 {
			return c
		}
		return compareOGR(a.Item.ID(), b.Item.ID())
	})
	slices.SortFunc(r.Mobility, func(a, b Mobility) int {
		if c := strings.Compare(string(a.From), string(b.From)); c != 0 {
			return c
		}
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(string(a.To), string(b.To))
	})
}

// compareOGR orders code_ogr numerically (they have no leading zeros).
func compareOGR(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// Command gen writes the built-in ROME subset of package skill (data/rome)
// from an official ROME 4.0 CSV release: the occupations listed below and the
// occupations they hang from, their job titles, all their skill and knowledge
// items with the core/emerging flags, the mobility links among them, and the
// knowledge items the built-in tags link to.
//
// It is run by hand when the list below or the release changes, from
// internal/skill:
//
//	go generate            # uses ../../../shared/data/rome-4.0
//	go run ./internal/gen -src /path/to/rome-4.0 -out data/rome
//
// and its output is committed. The files keep the official layout and
// column names, so that the built-in subset goes through the same parser
// (ParseROMEFS) as an imported release.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"passerelle/internal/skill"
)

// occupations are the built-in occupation sheets: digital occupations people
// retrain into, and the former occupations of the demo's candidates.
var occupations = []skill.RomeCode{
	// Digital.
	"M1801", // Administrateur / Administratrice de systèmes d'information (SI)
	"M1802", // Expert / Experte systèmes et réseaux informatiques
	"M1803", // Directeur / Directrice des systèmes d'information -DSI-
	"M1805", // Développeur / Développeuse informatique
	"M1806", // Consultant fonctionnel / Consultante fonctionnelle des systèmes d'information
	"M1810", // Technicien / Technicienne d'exploitation informatique
	"M1811", // Data engineer
	"M1812", // Responsable de la Sécurité des Systèmes d'Information (RSSI)
	"M1814", // Scrum Master
	"M1815", // Spécialiste test et validation logiciel ou application
	"M1824", // Développeur / Développeuse décisionnel - Business Intelligence
	"M1827", // Ingénieur / Ingénieure DevOps
	"M1851", // Analyste décisionnel - Business Intelligence
	"M1855", // Développeur / Développeuse web
	"M1864", // Product Owner
	"M1874", // Spécialiste support
	"M1403", // Chargé / Chargée d'études socio-économiques (data analyst)
	"E1104", // Concepteur / Conceptrice de contenus multimedia
	"E1205", // Designer graphique
	"E1206", // UX - UI Designer
	// Former occupations of career changers.
	"M1203", // Comptable
	"M1607", // Secrétaire
	"D1106", // Vendeur / Vendeuse en épicerie
	"D1505", // Hôte / Hôtesse de caisse
	"K2111", // Formateur / Formatrice
	"H2102", // Conducteur / Conductrice de ligne en industrie alimentaire
	"N4101", // Conducteur / Conductrice de poids lourd
}

func main() {
	src := flag.String("src", os.Getenv("PASSERELLE_ROME_DIR"), "folder of the official ROME 4.0 CSV release")
	out := flag.String("out", "data/rome", "folder to write the built-in subset to")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	if src == "" {
		return fmt.Errorf("no release folder: pass -src or set PASSERELLE_ROME_DIR")
	}
	r, err := skill.ParseROME(src)
	if err != nil {
		return err
	}
	sub, err := subset(r, skill.BuiltinTags())
	if err != nil {
		return err
	}
	return write(out, sub)
}

// subset selects the built-in occupations (and their parents, so that every
// reference resolves) with what hangs from them.
func subset(r *skill.ROME, tags *skill.TagSet) (*skill.ROME, error) {
	occ := map[skill.RomeCode]skill.Occupation{}
	for _, o := range r.Occupations {
		occ[o.Code] = o
	}
	keep := map[skill.RomeCode]bool{}
	for _, c := range occupations {
		for c != "" && !keep[c] {
			o, ok := occ[c]
			if !ok {
				return nil, fmt.Errorf("occupation %s is not in release %s", c, r.Version)
			}
			keep[c] = true
			c = o.Parent
		}
	}
	items := map[skill.Code]bool{}
	for _, t := range tags.All() {
		for _, c := range t.ROME {
			items[c] = true
		}
	}
	s := &skill.ROME{Version: r.Version}
	for _, o := range r.Occupations {
		if keep[o.Code] {
			s.Occupations = append(s.Occupations, o)
		}
	}
	for _, a := range r.Appellations {
		if keep[a.Rome] {
			s.Appellations = append(s.Appellations, a)
		}
	}
	for _, l := range r.Links {
		if keep[l.Rome] {
			s.Links = append(s.Links, l)
			items[l.Item] = true
		}
	}
	for _, it := range r.Skills {
		if items[it.Code] {
			s.Skills = append(s.Skills, it)
		}
	}
	for _, it := range r.Knowledge {
		if items[it.Code] {
			s.Knowledge = append(s.Knowledge, it)
		}
	}
	for _, m := range r.Mobility {
		if keep[m.From] && keep[m.To] {
			s.Mobility = append(s.Mobility, m)
		}
	}
	return s, nil
}

func write(out string, r *skill.ROME) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// A previous version's files would make the folder ambiguous.
	old, err := filepath.Glob(filepath.Join(out, "unix_*_utf8.csv"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	name := func(prefix string) string {
		return filepath.Join(out, prefix+"_"+r.Version+"_utf8.csv")
	}
	yn := map[bool]string{true: "O", false: "N"}
	var rows [][]string
	for _, o := range r.Occupations {
		rows = append(rows, []string{string(o.Code), o.Label, yn[o.TransitionNum], string(o.Parent)})
	}
	if err := writeCSV(name("unix_referentiel_code_rome"), []string{"code_rome", "libelle_rome", "transition_num", "code_rome_parent"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, a := range r.Appellations {
		rows = append(rows, []string{a.ID, a.Label, string(a.Rome)})
	}
	if err := writeCSV(name("unix_referentiel_appellation"), []string{"code_ogr", "libelle_appellation_long", "code_rome"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, it := range r.Skills {
		nature := "Compétence"
		if it.Macro {
			nature = "Macro-compétence"
		}
		rows = append(rows, []string{it.Code.ID(), nature, it.Label, it.Category})
	}
	if err := writeCSV(name("unix_referentiel_competence"), []string{"code_ogr", "nature", "libelle_competence", "cat_comp"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, it := range r.Knowledge {
		rows = append(rows, []string{it.Code.ID(), it.Label, it.Category})
	}
	if err := writeCSV(name("unix_referentiel_savoir"), []string{"code_ogr_savoir", "libelle_savoir", "categorie_savoir"}, rows); err != nil {
		return err
	}
	rows = nil
	flags := map[skill.LinkFlag]string{skill.LinkPlain: "", skill.LinkCore: "Principale", skill.LinkEmerging: "Émergente"}
	for _, l := range r.Links {
		rows = append(rows, []string{string(l.Rome), l.Item.ID(), flags[l.Flag]})
	}
	if err := writeCSV(name("unix_coherence_item"), []string{"code_rome", "code_ogr", "coeur_metier"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, m := range r.Mobility {
		rows = append(rows, []string{string(m.From), string(m.To), strconv.Itoa(m.Order)})
	}
	return writeCSV(name("unix_rubrique_mobilite"), []string{"code_rome", "code_rome_cible", "numero_ordre"}, rows)
}

// writeCSV quotes every field, as the official release does, so that the
// files read the same.
func writeCSV(path string, header []string, rows [][]string) error {
	var b strings.Builder
	line := func(fields []string) {
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		}
		b.WriteByte('\n')
	}
	line(header)
	for _, r := range slices.Clip(rows) {
		line(r)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

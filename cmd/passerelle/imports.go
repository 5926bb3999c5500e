package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"passerelle/internal/place"
	"passerelle/internal/place/placedb"
	"passerelle/internal/skill"
	"passerelle/internal/skill/skilldb"
)

// importData runs `passerelle import rome DIR` and `passerelle import
// communes FILE`. A ROME import that removes codes flags the profiles and
// offers that still point at them: they keep their labels and say so.
func importData(ctx context.Context, app *application, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: passerelle import rome DIR | passerelle import communes FILE")
	}
	switch what, path := args[0], args[1]; what {
	case "rome":
		rome, err := skill.ParseROME(path)
		if err != nil {
			return fmt.Errorf("import rome: %w", err)
		}
		diff, err := skilldb.Import(ctx, app.store, rome, time.Now())
		if err != nil {
			return fmt.Errorf("import rome: %w", err)
		}
		fmt.Fprintf(stdout, "ROME %s: %d occupations, %d job titles, %d skills, %d knowledge items, %d links, %d mobility links.\n",
			rome.Version, len(rome.Occupations), len(rome.Appellations), len(rome.Skills), len(rome.Knowledge), len(rome.Links), len(rome.Mobility))
		if diff.Empty() {
			fmt.Fprintln(stdout, "Nothing changed since the release already imported.")
			return nil
		}
		fmt.Fprintf(stdout, "Changes:\n%s\n", diff.String())
		tax := skill.New(skill.BuiltinTags(), rome)
		knownOcc := func(r skill.RomeCode) bool { _, ok := tax.Occupation(r); return ok }
		profiles, err := app.profiles.FlagMissing(ctx, tax.Known, knownOcc)
		if err != nil {
			return fmt.Errorf("import rome: flag profiles: %w", err)
		}
		offers, err := app.offers.FlagMissing(ctx, tax.Known, knownOcc)
		if err != nil {
			return fmt.Errorf("import rome: flag offers: %w", err)
		}
		fmt.Fprintf(stdout, "Profiles with a code no longer in ROME: %d flagged; offers: %d flagged (they keep their labels).\n", profiles, offers)
		fmt.Fprintln(stdout, "Running servers use the new release after a restart.")
		return nil
	case "communes":
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("import communes: %w", err)
		}
		defer f.Close()
		dir, err := place.Parse(f)
		if err != nil {
			return fmt.Errorf("import communes: %s: %w", path, err)
		}
		report, err := placedb.Import(ctx, app.store, dir)
		if err != nil {
			return fmt.Errorf("import communes: %w", err)
		}
		st := dir.Stats()
		fmt.Fprintf(stdout, "%d communes (%s form, %d rows, %d rows without coordinates skipped). %s\n", dir.Len(), st.Format, st.Rows, st.SkippedNoCoordinates, report.String())
		fmt.Fprintln(stdout, "Running servers use the new directory after a restart.")
		return nil
	default:
		return fmt.Errorf("import: unknown kind %q (rome or communes)", what)
	}
}

// loadReferences reads the imported ROME release and communes directory,
// falling back on the built-in ones so that a fresh install runs.
func loadReferences(ctx context.Context, app *application) (*skill.Taxonomy, *place.Directory, error) {
	tax, places := skill.Builtin(), place.Builtin()
	rome, ok, err := skilldb.Load(ctx, app.store)
	if err != nil {
		return nil, nil, fmt.Errorf("load ROME: %w", err)
	}
	if ok {
		tax = skill.New(skill.BuiltinTags(), rome)
		app.log.Info("taxonomy: imported ROME release", "version", rome.Version, "occupations", len(rome.Occupations))
	} else {
		app.log.Info("taxonomy: built-in digital occupations (import a ROME release with `passerelle import rome DIR`)")
	}
	dir, ok, err := placedb.Load(ctx, app.store)
	if err != nil {
		return nil, nil, fmt.Errorf("load communes: %w", err)
	}
	if ok {
		places = dir
		app.log.Info("communes: imported directory", "communes", dir.Len())
	} else {
		app.log.Info("communes: built-in Nantes Métropole list (import the national file with `passerelle import communes FILE`)")
	}
	return tax, places, nil
}

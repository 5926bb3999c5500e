package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"passerelle/internal/account/accountdb"
	"passerelle/internal/demo"
)

// seed fills the database with the demo world of the Nantes area (a no-op
// when it is already there) and prints the demo logins.
func seed(ctx context.Context, app *application, stdout io.Writer) error {
	if app.production {
		return errors.New("seed: the demo world is not for production (PASSERELLE_ENV=production)")
	}
	// The index serves the demo's invitations to apply; serve goes on
	// with it.
	if err := app.startMatching(ctx); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	rep, err := demo.Seed(ctx, demo.Deps{
		Accounts: app.accounts,
		Users:    accountdb.New(app.store),
		Profiles: app.profiles,
		Offers:   app.offers,
		Taxonomy: app.taxonomy,
		Places:   app.places,
		// The server's workflow, with its events: the demo's people find
		// their notifications when they log in.
		Workflow: app.applications.Service,
		Caseload: app.caseload,
		Matches:  app.matches,
		Log:      app.log,
	})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if rep.AlreadySeeded {
		fmt.Fprintln(stdout, "The demo world is already in this database.")
	}
	return rep.Write(stdout)
}

// generate writes a large synthetic world for benchmarks.
func generate(ctx context.Context, app *application, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	candidates := fs.Int("candidates", 10_000, "number of candidate profiles")
	offers := fs.Int("offers", 1_000, "number of offers")
	seedValue := fs.Uint64("seed", 1, "random seed: the same seed writes the same world")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *candidates < 0 || *offers < 0 || *candidates > 10_000_000 || *offers > 1_000_000 {
		return errors.New("generate: -candidates must be 0–10,000,000 and -offers 0–1,000,000")
	}
	if app.production {
		return errors.New("generate: synthetic worlds are not for production (PASSERELLE_ENV=production)")
	}
	start, last := time.Now(), time.Now()
	err := demo.Generate(ctx, app.store, demo.GenerateOptions{
		Candidates: *candidates, Offers: *offers, Seed: *seedValue,
		Taxonomy: app.taxonomy, Places: app.places,
		Progress: func(done, total int) {
			if time.Since(last) > 5*time.Second || done == total {
				last = time.Now()
				fmt.Fprintf(stdout, "%d / %d documents\n", done, total)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %d profiles and %d offers (seed %d) in %s.\n", *candidates, *offers, *seedValue, time.Since(start).Round(time.Second))
	return nil
}

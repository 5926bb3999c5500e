// Command passerelle is the whole product in one binary: the web server and
// the administration commands (migrations, imports, demo data).
//
//	passerelle [serve]    serve the API and the pages (default)
//	passerelle migrate    apply the schema migrations and exit
//	passerelle healthcheck  ask the running server's /readyz (for containers)
//	passerelle create-admin -email E -name N   create an administrator (password on stdin)
//	passerelle import rome DIR                 import a ROME 4.0 CSV release (France Travail)
//	passerelle import communes FILE            import the postal-codes-with-coordinates file
//	passerelle seed                            add the demo world of the Nantes area and print its logins
//	passerelle generate -candidates N -offers M -seed S   write a large synthetic world
//
// Configuration comes from PASSERELLE_* environment variables (README.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"passerelle/internal/config"
	"passerelle/internal/server"
	"passerelle/internal/store"
	"passerelle/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runWithInput(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "passerelle:", err)
		os.Exit(1)
	}
}

const usage = `usage: passerelle [command]

commands:
  serve      serve the web application (default)
  migrate    apply the schema migrations and exit
  healthcheck  ask the server at PASSERELLE_ADDR whether it is ready (exit 0 or 1)
  create-admin -email E -name N
             create an administrator account; the password is read from stdin
  import rome DIR
             import (or update to) a ROME 4.0 CSV release; reports what changed
  import communes FILE
             import the communes with postal codes and coordinates (; or , form)
  seed       add the demo world of the Nantes area (idempotent) and print its logins
  generate -candidates N -offers M -seed S
             write a reproducible synthetic world (benchmarks)
  help       show this help

Configuration: PASSERELLE_* environment variables, see README.md.
`

// run is the program: it parses the command, loads the configuration, wires
// the parts by hand and runs until ctx is done. Tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runWithInput(ctx, args, getenv, nil, stdout, stderr)
}

// runWithInput is run with a standard input, for the commands that read one.
func runWithInput(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve", "migrate", "healthcheck", "create-admin", "import", "seed", "generate":
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	if len(args) > 0 && cmd != "create-admin" && cmd != "import" && cmd != "generate" {
		return fmt.Errorf("%s takes no arguments, got %q", cmd, args)
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cmd == "healthcheck" {
		return healthcheck(ctx, cfg)
	}
	log := newLogger(cfg, stdout)
	log.Info("passerelle starting", append([]any{"command", cmd}, cfg.Fields()...)...)

	st, err := store.Open(ctx, store.Options{
		URI:      cfg.MongoURI,
		Database: cfg.MongoDatabase,
		DataDir:  cfg.DataDir,
		Timeout:  cfg.DBTimeout,
		Logger:   log,
	})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if err := st.Close(context.WithoutCancel(ctx)); err != nil {
			log.Warn("close store", "err", err)
		}
	}()

	steps := schema()
	n, err := st.Migrate(ctx, steps)
	if err != nil {
		return err
	}
	log.Info("schema up to date", "applied", n, "steps", len(steps))
	if cmd == "migrate" {
		return nil
	}
	app, err := wire(ctx, cfg, log, st)
	if err != nil {
		return err
	}
	defer app.matches.Close() // started by serve or the seed; safe if not
	switch cmd {
	case "create-admin":
		return createAdmin(ctx, app, args, stdin, stdout)
	case "import":
		return importData(ctx, app, args, stdout)
	case "seed":
		return seed(ctx, app, stdout)
	case "generate":
		return generate(ctx, app, args, stdout)
	}
	if cfg.Seed {
		if err := seed(ctx, app, stdout); err != nil {
			return err
		}
	}
	return serve(ctx, cfg, log, app)
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, app *application) error {
	// The matching index is built before the first request, then kept
	// current until shutdown.
	if err := app.startMatching(ctx); err != nil {
		return err
	}
	defer app.matches.Close()
	// E-mails, digests and the purge run beside the server and stop with it.
	stopBackground := startBackground(ctx, app, log)
	defer stopBackground()
	srv, err := server.New(server.Deps{
		Config:       cfg,
		Log:          log,
		Store:        app.store,
		Assets:       web.FS,
		Catalog:      app.catalog,
		Accounts:     app.accounts,
		Tokens:       app.tokens,
		CSRFKey:      app.csrfKey,
		Profiles:     app.profiles,
		Offers:       app.offers,
		Taxonomy:     app.taxonomy,
		Places:       app.places,
		Matches:      app.matches,
		Applications: app.applications,
		Audit:        app.audit,
		Orgs:         app.orgs,

		Notifications: app.notifications,
		Caseload:      app.caseload, AdviserConsent: app.applications,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (PASSERELLE_ADDR): %w", cfg.Addr, err)
	}
	log.Info("http server listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String())
	if err := srv.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("stopped")
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// healthcheck asks a running server whether it is ready; the distroless image
// has no curl, so the container's health check runs the binary itself.
func healthcheck(ctx context.Context, cfg config.Config) error {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /readyz answered %d", res.StatusCode)
	}
	return nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"passerelle"
	"runtime"
	"strings"
	"time"

	"passerelle/internal/account"
	"passerelle/internal/account/accountdb"
	workflow "passerelle/internal/application"
	"passerelle/internal/application/applicationdb"
	"passerelle/internal/audit"
	"passerelle/internal/audit/auditdb"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/candidate/candidatedb"
	"passerelle/internal/caseload"
	"passerelle/internal/caseload/caseloaddb"
	"passerelle/internal/config"
	"passerelle/internal/i18n"
	"passerelle/internal/mail"
	"passerelle/internal/matching"
	"passerelle/internal/notices"
	"passerelle/internal/notices/noticesdb"
	"passerelle/internal/notify"
	"passerelle/internal/notify/notifydb"
	"passerelle/internal/offer"
	"passerelle/internal/offer/offerdb"
	"passerelle/internal/place"
	"passerelle/internal/place/placedb"
	"passerelle/internal/server"
	"passerelle/internal/skill"
	"passerelle/internal/skill/skilldb"
	"passerelle/internal/store"
	"passerelle/web"
)

// schema is the ordered list of migrations: the store's own first, then each
// domain's indexes. Append; never reorder or edit a step that has shipped.
func schema() []store.Migration {
	return append(append([]store.Migration{}, store.Schema...),
		store.Migration{ID: 2, Name: "account indexes", Up: accountdb.EnsureIndexes},
		store.Migration{ID: 3, Name: "profile indexes", Up: candidatedb.EnsureIndexes},
		store.Migration{ID: 4, Name: "offer and company indexes", Up: offerdb.EnsureIndexes},
		store.Migration{ID: 5, Name: "ROME release indexes", Up: skilldb.EnsureIndexes},
		store.Migration{ID: 6, Name: "communes indexes", Up: placedb.EnsureIndexes},
		store.Migration{ID: 7, Name: "application indexes", Up: applicationdb.EnsureIndexes},
		store.Migration{ID: 8, Name: "notification indexes", Up: notifydb.EnsureIndexes},
		store.Migration{ID: 9, Name: "audit trail indexes", Up: auditdb.EnsureIndexes},
		store.Migration{ID: 10, Name: "caseload indexes", Up: caseloaddb.EnsureIndexes},
		store.Migration{ID: 11, Name: "workflow revision indexes", Up: applicationdb.EnsureRevisionIndexes},
		store.Migration{ID: 12, Name: "notice job indexes", Up: noticesdb.EnsureIndexes},
	)
}

// application is everything wired together, shared by the commands.
type application struct {
	log        *slog.Logger
	production bool
	store      *store.Store
	catalog    *i18n.Catalog
	accounts   *account.Service
	profiles   *candidate.Service
	offers     *offer.Service
	taxonomy   *skill.Taxonomy
	places     *place.Directory
	tokens     *auth.Tokens
	csrfKey    []byte
	matches    *matching.Service // started by serve, or earlier by the seed (startMatching)
	// matchesStarted is set by startMatching.
	matchesStarted bool
	// applications reads offers and candidates with the caller's rights,
	// and candidate names (shown to companies applied to) from the store.
	applications server.ApplicationWorkflow
	// audit is the trail of who opened a candidate's data.
	audit *audit.Log
	// orgs names organisations in the trail a candidate reads.
	orgs server.OrgDirectory
	// notifications tells people what happened; outbox delivers its
	// e-mails and digest finds strong matches (both run by serve).
	notifications *notify.Service
	outbox        *notify.Worker
	digest        *notices.Digest
	// sweep tells the workflow's events that a crash or a store failure
	// kept from being told (run by serve).
	sweep *notices.Sweeper
	// caseload links candidates and adviser organisations and computes the
	// advisers' dashboard.
	caseload *caseload.Service
}

// accessTokenAudience names the API as the audience of access tokens, so a
// token minted for anything else with the same key is refused.
const accessTokenAudience = "passerelle-api"

func wire(ctx context.Context, cfg config.Config, log *slog.Logger, st *store.Store) (*application, error) {
	catalog, err := i18n.Load(web.FS, "i18n")
	if err != nil {
		return nil, err
	}
	master, err := masterKey(cfg, log)
	if err != nil {
		return nil, err
	}
	jwtKey, err := auth.DeriveKey(master, "passerelle access tokens")
	if err != nil {
		return nil, err
	}
	csrfKey, err := auth.DeriveKey(master, "passerelle csrf")
	if err != nil {
		return nil, err
	}
	tokens, err := auth.NewTokens(auth.TokenConfig{Key: jwtKey, Issuer: cfg.BaseURL, Audience: accessTokenAudience, TTL: auth.MaxAccessTTL})
	if err != nil {
		return nil, err
	}
	hasher, err := auth.NewHasher(runtime.NumCPU())
	if err != nil {
		return nil, err
	}
	// One sender for every e-mail: SMTP when PASSERELLE_SMTP_HOST is set,
	// else the outbox folder (NewSender logs which).
	sender, err := notify.NewSender(cfg.SMTP, &mail.Outbox{Dir: cfg.Outbox(), From: cfg.SMTP.From}, log)
	if err != nil {
		return nil, err
	}
	mailer := mailAdapter{sender}
	accounts := account.NewService(accountdb.New(st), hasher, tokens, mailer, account.Options{
		BaseURL:  cfg.BaseURL,
		Messages: catalog,
		Logger:   log,
	})
	app := &application{log: log, production: cfg.Production(), store: st, catalog: catalog, accounts: accounts, tokens: tokens, csrfKey: csrfKey}
	tax, places, err := loadReferences(ctx, app)
	if err != nil {
		return nil, err
	}
	app.taxonomy, app.places = tax, places
	// The matching service reads through the candidate and offer services
	// and hears of their writes at once through the hook.
	hook := &matching.Hook{}
	app.profiles = candidate.NewService(candidatedb.New(st), tax, places, time.Now, candidate.WithObserver(hook.Profile))
	app.offers = offer.NewService(offerdb.New(st), tax, places, time.Now, offer.WithLogger(log), offer.WithObserver(hook.Offer))
	pseudonymKey, err := auth.DeriveKey(master, "passerelle match pseudonyms")
	if err != nil {
		return nil, err
	}
	if app.matches, err = matching.New(matching.Config{Profiles: app.profiles, Offers: app.offers, Taxonomy: tax, Key: pseudonymKey, Log: log}); err != nil {
		return nil, err
	}
	hook.Attach(app.matches)
	notes := notifydb.New(st)
	app.outbox = notify.NewWorker(notes, sender, notify.WorkerOptions{SendTimeout: 30 * time.Second, Logger: log})
	unsubscribeKey, err := auth.DeriveKey(master, "passerelle unsubscribe")
	if err != nil {
		return nil, err
	}
	if app.notifications, err = notify.NewService(notes, notify.Options{
		Messages: catalog, BaseURL: cfg.BaseURL, UnsubscribeKey: unsubscribeKey, Wake: app.outbox.Wake, Logger: log,
	}); err != nil {
		return nil, err
	}
	// Notices read accounts, offers and profiles without access rules: the
	// recipients follow from the event, not from the caller's rights.
	accountStore, offerStore, profileStore := accountdb.New(st), offerdb.New(st), candidatedb.New(st)
	events := notices.Workflow{Notify: app.notifications, Accounts: accountStore, Offers: offerStore, Profiles: profileStore}
	jobs := noticesdb.New(st)
	app.digest = &notices.Digest{Published: app.offers, Ranker: app.matches, Matches: app.matches, Profiles: profileStore,
		Offers: offerStore, Accounts: accountStore, Prefs: app.notifications, Notify: app.notifications, Jobs: jobs, Due: jobs}
	app.sweep = &notices.Sweeper{Feed: applicationdb.New(st), Events: events, Checkpoints: jobs}
	app.applications = server.ApplicationWorkflow{
		Service: workflow.NewService(applicationdb.New(st), server.ApplicationOffers{Offers: app.offers},
			server.ApplicationCandidates{Profiles: app.profiles, Store: profileStore}, time.Now, workflow.WithLogger(log), workflow.WithEvents(events)),
		Profiles: candidatedb.New(st),
	}
	app.audit, app.orgs = audit.New(auditdb.New(st), time.Now), accountdb.New(st)
	accountsRead := caseload.Accounts{Store: accountdb.New(st)}
	app.caseload = caseload.NewService(caseloaddb.New(st), app.profiles, accountsRead, accountsRead,
		app.applications.Service, caseload.BestMatch{Ranker: app.matches}, time.Now, caseload.WithLogger(log))
	return app, nil
}

// startMatching builds the matching index and keeps it current until
// app.matches.Close. Later calls do nothing: the seed starts it (a
// recruiter of the demo invites a candidate by the pseudonym of the
// offer's list) and serve then uses the same index.
func (app *application) startMatching(ctx context.Context) error {
	if app.matchesStarted {
		return nil
	}
	if err := app.matches.Start(ctx); err != nil {
		return err
	}
	app.matchesStarted = true
	return nil
}

// mailAdapter lets the account service send through the notifications'
// sender (SMTP or the outbox folder).
type mailAdapter struct{ out notify.Sender }

func (m mailAdapter) Send(ctx context.Context, msg account.Message) error {
	return m.out.Send(ctx, mail.Message{To: msg.To, Subject: msg.Subject, Text: msg.Text})
}

// createAdmin creates the first (or another) administrator. The password is
// read from standard input so that it never appears in a process list or a
// shell history.
func createAdmin(ctx context.Context, app *application, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	email := fs.String("email", "", "the administrator's e-mail address")
	name := fs.String("name", "", "the administrator's name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return errors.New("create-admin needs -email and -name; the password is read from stdin")
	}
	if stdin == nil {
		return errors.New("create-admin reads the password from stdin")
	}
	fmt.Fprintln(stdout, "Password (8 to 128 characters), then Enter:")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	u, err := app.accounts.CreateAdmin(ctx, *email, password, *name)
	if err != nil {
		return fmt.Errorf("create admin: %s", describe(app.catalog, err))
	}
	fmt.Fprintf(stdout, "Administrator %s created (id %s).\n", u.Email, u.ID)
	return nil
}

// describe turns a domain error into a sentence for the terminal, in English
// (the CLI's language), field by field.
func describe(c *i18n.Catalog, err error) string {
	var perr *passerelle.Error
	if !errors.As(err, &perr) || perr.Code == passerelle.EINTERNAL {
		return err.Error()
	}
	key := perr.Key
	if key == "" {
		key = "error." + perr.Code
	}
	parts := []string{c.T("en", key, perr.Args...)}
	for _, f := range perr.Fields {
		msg := c.T("en", f.Key)
		if f.Param != "" && strings.Contains(msg, "%") {
			msg = c.T("en", f.Key, f.Param)
		}
		parts = append(parts, f.Field+": "+msg)
	}
	return strings.Join(parts, " ")
}

package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"passerelle"
	"passerelle/internal/account"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/caseload"
	"passerelle/internal/offer"
	"passerelle/internal/place"
	"passerelle/internal/skill"
)

// DemoPassword is the password of every demo account. It is public, written
// here and printed by the server: demo data belongs on development machines
// and demonstrations, never in production.
const DemoPassword = "passerelle-demo-2026"

// AdminEmail is the demo administrator's address. Seed writes the
// administrator last, so that a database holding this address holds the
// whole demo world.
const AdminEmail = "admin@passerelle.test"

// seedSession is the session id of the identities Seed acts with.
const seedSession = "demo-seed"

// Accounts is what Seed needs of the account service; *account.Service
// implements it.
type Accounts interface {
	Provision(ctx context.Context, in account.ProvisionInput) (account.User, error)
}

// Users finds accounts by address; the account repository
// (*accountdb.Store) implements it. Seed reads it to tell whether the demo
// is there already and to find the accounts of an interrupted run.
type Users interface {
	UserByEmail(ctx context.Context, email string) (account.User, error)
}

// Profiles is what Seed needs of the profile service; *candidate.Service
// implements it.
type Profiles interface {
	Mine(ctx context.Context, displayName string) (candidate.Profile, error)
	Update(ctx context.Context, candidateID string, in candidate.ProfileInput, expectedRevision int64) (candidate.Profile, error)
}

// Caseload is what Seed needs of the caseload service (*caseload.Service):
// a candidate asks an adviser organisation to follow them, and one of its
// advisers accepts, as it happens in the product.
type Caseload interface {
	RequestLink(ctx context.Context, orgID string) (caseload.Request, error)
	AcceptRequest(ctx context.Context, id string) (caseload.Request, error)
}

// Offers is what Seed needs of the offer service; *offer.Service implements
// it.
type Offers interface {
	Create(ctx context.Context, in offer.OfferInput) (offer.Offer, error)
	Publish(ctx context.Context, id string) (offer.Offer, error)
	Close(ctx context.Context, id string, reason offer.CloseReason, note string) (offer.Offer, error)
	UpdateCompany(ctx context.Context, orgID string, in offer.CompanyInput, expectedRevision int64) (offer.Company, error)
	ListCompany(ctx context.Context, companyID string, page offer.PageRequest) (offer.Page, error)
}

// Taxonomy tells which codes exist; *skill.Taxonomy implements it. Seed
// leaves out, with a warning, the codes an imported taxonomy lacks.
type Taxonomy interface {
	Known(c skill.Code) bool
	Occupation(r skill.RomeCode) (skill.Occupation, bool)
}

// Places finds the communes of the demo; *place.Directory implements it.
// The built-in directory is keyed by INSEE code, an imported one may not
// be, so Seed falls back on the commune's name.
type Places interface {
	ByID(id string) (place.Commune, bool)
	Search(query string, limit int) []place.Commune
}

// Deps are the services Seed writes through.
type Deps struct {
	Accounts Accounts
	Users    Users
	Profiles Profiles
	Offers   Offers
	Taxonomy Taxonomy
	Places   Places
	// Workflow writes the applications, endorsements and invitations of
	// the demo. Wire it as the server does, with the events adapter that
	// turns what it does into notifications, so that the demo's people
	// find theirs when they log in.
	Workflow Workflow
	// Caseload links candidates to the adviser organisation.
	Caseload Caseload
	// Matches, when set and started, lets a recruiter invite a candidate of
	// an offer's anonymous list; nil leaves invitations out.
	Matches Matches
	// Log receives what Seed does and leaves out; nil discards it.
	Log *slog.Logger
	// Now is the clock the demo's dates count from (trainings ending next
	// month, offers starting in two months); nil means time.Now.
	Now func() time.Time
}

// Login is one demo account.
type Login struct {
	Email string
	Role  auth.Role
	Name  string
	// About says who the person is in the demo, in French.
	About string
}

// Report says what Seed did and how to log in.
type Report struct {
	// AlreadySeeded is true when the demo administrator existed already:
	// Seed then wrote nothing.
	AlreadySeeded bool
	// Password is DemoPassword, the password of every login.
	Password string
	// Logins lists the demo accounts, administrator first, then employers,
	// advisers and candidates; filled whether or not Seed wrote anything.
	Logins []Login
	// What the demo world holds once Seed has written or completed it;
	// zero when AlreadySeeded.
	Companies, PublishedOffers, Offers, Candidates, Advisers int
	// What the demo workflow holds: applications (at every stage of the
	// pipeline), advisers' endorsements and pending invitations to apply.
	Applications, Endorsements, Invitations int
}

// Write prints what the demo workflow holds, when Seed wrote it, and the
// logins as a table, for the terminal.
func (r Report) Write(w io.Writer) error {
	if r.Applications > 0 {
		fmt.Fprintf(w, "Demo workflow: %s, %s, %s (log in as %s to follow them as a recruiter, %s as an adviser).\n",
			quantity(r.Applications, "application", "applications"), quantity(r.Endorsements, "adviser endorsement", "adviser endorsements"),
			quantity(r.Invitations, "invitation to apply", "invitations to apply"),
			claire, sandrine)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Demo logins (password for all: %s)\n", r.Password)
	for _, l := range r.Logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Role, l.Email, l.Name, l.About)
	}
	return tw.Flush()
}

// quantity writes n things in English: "1 application", "2 applications".
func quantity(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Seed writes the demo world (see the package documentation) through the
// services of d, unless the demo administrator exists, in which case it
// writes nothing and says so in the report.
//
// Seed is idempotent and resumable: the administrator is written last, and
// a run interrupted before it is completed by the next one. Accounts of the
// earlier run are found by their address, company pages and offers that
// exist are kept, profiles already written are left as they are; in the
// workflow, an application that exists is kept and only the moves it has
// not made yet are made, and endorsements, consents and invitations that
// exist are left as they are.
func Seed(ctx context.Context, d Deps) (Report, error) {
	if d.Workflow == nil {
		return Report{}, errors.New("seed: no workflow service (Deps.Workflow)")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	w := world()
	r := Report{Password: DemoPassword, Logins: w.logins()}
	switch _, err := d.Users.UserByEmail(ctx, AdminEmail); {
	case err == nil:
		r.AlreadySeeded = true
		d.Log.InfoContext(ctx, "demo: the database holds the demo data already", "admin", AdminEmail)
		return r, nil
	case passerelle.ErrorCode(err) != passerelle.ENOTFOUND:
		return r, fmt.Errorf("seed: look for the demo administrator: %w", err)
	}

	s := &seeder{d: d, today: day(d.Now()), report: &r, users: map[string]account.User{}, offers: map[string]string{}}
	for _, c := range w.companies {
		if err := s.company(ctx, c); err != nil {
			return r, fmt.Errorf("seed company %s: %w", c.name, err)
		}
	}
	advisers, err := s.advisers(ctx, w.advisers)
	if err != nil {
		return r, fmt.Errorf("seed adviser organisation %s: %w", w.advisers.name, err)
	}
	for _, c := range w.candidates {
		if err := s.candidate(ctx, c, advisers); err != nil {
			return r, fmt.Errorf("seed candidate %s: %w", c.email, err)
		}
	}
	if err := s.workflow(ctx, w.workflow); err != nil {
		return r, fmt.Errorf("seed workflow: %w", err)
	}
	if _, err := s.user(ctx, account.ProvisionInput{Email: AdminEmail, Name: w.admin.name, Role: auth.RoleAdmin}); err != nil {
		return r, fmt.Errorf("seed administrator: %w", err)
	}
	d.Log.InfoContext(ctx, "demo: data written", "companies", r.Companies, "offers", r.Offers, "published", r.PublishedOffers,
		"candidates", r.Candidates, "advisers", r.Advisers,
		"applications", r.Applications, "endorsements", r.Endorsements, "invitations", r.Invitations)
	return r, nil
}

// seeder holds one run of Seed.
type seeder struct {
	d      Deps
	today  time.Time
	report *Report
	// users are the accounts written or found so far, by address, and
	// offers the ids of the offers by title, for the workflow.
	users  map[string]account.User
	offers map[string]string
}

// day returns the calendar day of t as midnight UTC, as profiles and offers
// store dates.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// in returns the day n days from today; 0 stands for "no date".
func (s *seeder) in(n int) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return s.today.AddDate(0, 0, n)
}

// as returns ctx acting as u, as the HTTP layer would after a login.
func as(ctx context.Context, u account.User) context.Context {
	return auth.NewContext(ctx, u.Identity(seedSession))
}

// user provisions a demo account with DemoPassword, or finds the one an
// interrupted run created: on a conflict over the address (or over the
// company's SIREN, which is checked first), the account holding the
// address is the demo's if it has the role the demo gives it.
func (s *seeder) user(ctx context.Context, in account.ProvisionInput) (account.User, error) {
	in.Password = DemoPassword
	u, err := s.d.Accounts.Provision(ctx, in)
	if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
		found, ferr := s.d.Users.UserByEmail(ctx, in.Email)
		if ferr != nil {
			return account.User{}, fmt.Errorf("provision %s: %w (and no account has the address: %w)", in.Email, err, ferr)
		}
		if found.Role != in.Role || (in.Role == auth.RoleEmployer || in.Role == auth.RoleAdviser) && found.OrgID == "" {
			return account.User{}, fmt.Errorf("%s is a %s, not the demo's %s", in.Email, found.Role, in.Role)
		}
		u, err = found, nil
	}
	if err != nil {
		return account.User{}, fmt.Errorf("provision %s: %w", in.Email, err)
	}
	s.users[in.Email] = u
	return u, nil
}

// commune finds a commune of the demo: by INSEE code, else by name in
// Loire-Atlantique (an imported directory may key communes otherwise).
func (s *seeder) commune(insee, name string) (place.Commune, bool) {
	if c, ok := s.d.Places.ByID(insee); ok {
		return c, true
	}
	for _, c := range s.d.Places.Search(name, 20) {
		if c.Department == "44" && strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	s.d.Log.Warn("demo: commune not in the directory", "commune", name, "insee", insee)
	return place.Commune{}, false
}

// known keeps the codes the taxonomy holds, warning about the others.
func (s *seeder) known(c skill.Code) bool {
	if s.d.Taxonomy.Known(c) {
		return true
	}
	s.d.Log.Warn("demo: skill not in the taxonomy; left out", "code", c)
	return false
}

// company writes a company: its owner and members, its page and its offers.
func (s *seeder) company(ctx context.Context, c companySpec) error {
	com, ok := s.commune(c.insee, c.city)
	if !ok {
		return fmt.Errorf("commune %s not found", c.city)
	}
	owner, err := s.user(ctx, account.ProvisionInput{Email: c.owner.email, Name: c.owner.name, Role: auth.RoleEmployer,
		NewOrg: &account.ProvisionOrg{Name: c.name, SIREN: sirenOf(c.siren8), City: com.Name}})
	if err != nil {
		return err
	}
	authors := []account.User{owner}
	for _, m := range c.members {
		u, err := s.user(ctx, account.ProvisionInput{Email: m.email, Name: m.name, Role: auth.RoleEmployer, OrgID: owner.OrgID})
		if err != nil {
			return err
		}
		authors = append(authors, u)
	}
	octx := as(ctx, owner)
	_, err = s.d.Offers.UpdateCompany(octx, owner.OrgID, offer.CompanyInput{Name: c.name, SIREN: sirenOf(c.siren8), Sector: c.sector,
		Size: c.size, City: com.Name, Description: c.description, Website: c.website}, 0)
	if err != nil && passerelle.ErrorCode(err) != passerelle.ECONFLICT { // ECONFLICT: written by an earlier run
		return fmt.Errorf("company page: %w", err)
	}
	s.report.Companies++

	have := map[string]offer.Offer{}
	page, err := s.d.Offers.ListCompany(octx, owner.OrgID, offer.PageRequest{Size: offer.MaxPageSize})
	if err != nil {
		return fmt.Errorf("list offers: %w", err)
	}
	for _, r := range page.Results {
		have[r.Offer.Title] = r.Offer
	}
	for i, o := range c.offers {
		if prev, ok := have[o.title]; ok {
			s.offers[o.title] = prev.ID
			s.count(prev.Status)
			continue
		}
		in, ok := s.offerInput(o, com)
		if !ok {
			continue
		}
		actx := as(ctx, authors[i%len(authors)])
		created, err := s.d.Offers.Create(actx, in)
		if err != nil {
			return fmt.Errorf("create offer %q: %w", o.title, err)
		}
		s.offers[o.title] = created.ID
		if o.status != offer.StatusDraft {
			if _, err := s.d.Offers.Publish(actx, created.ID); err != nil {
				return fmt.Errorf("publish offer %q: %w", o.title, err)
			}
		}
		if o.status == offer.StatusClosed {
			if _, err := s.d.Offers.Close(actx, created.ID, offer.CloseFilled, o.closeNote); err != nil {
				return fmt.Errorf("close offer %q: %w", o.title, err)
			}
		}
		s.count(o.status)
	}
	return nil
}

func (s *seeder) count(st offer.Status) {
	s.report.Offers++
	if st == offer.StatusPublished {
		s.report.PublishedOffers++
	}
}

// offerInput turns a spec into the service's input, leaving out unknown
// codes; ok is false when the offer cannot be written with this taxonomy.
func (s *seeder) offerInput(o offerSpec, com place.Commune) (offer.OfferInput, bool) {
	if _, ok := s.d.Taxonomy.Occupation(o.rome); !ok {
		s.d.Log.Warn("demo: occupation not in the taxonomy; offer left out", "rome", o.rome, "offer", o.title)
		return offer.OfferInput{}, false
	}
	in := offer.OfferInput{Title: o.title, Rome: o.rome, Description: o.description, Contract: o.contract,
		CommuneID: com.ID, Remote: o.remote, Salary: o.salary, StartDate: s.in(o.startDays), OpenToCareerChangers: o.careerChangers}
	mustHave := false
	for _, r := range o.skills {
		if s.known(r.code) {
			in.Skills = append(in.Skills, offer.SkillInput{Code: r.code, MinLevel: r.level, MustHave: r.must, Learnable: r.learnable})
			mustHave = mustHave || r.must
		}
	}
	if !mustHave {
		s.d.Log.Warn("demo: no must-have skill left; offer left out", "offer", o.title)
		return offer.OfferInput{}, false
	}
	return in, true
}

// advisers writes the adviser organisation with its owner and members and
// returns them, owner first.
func (s *seeder) advisers(ctx context.Context, a adviserOrgSpec) ([]account.User, error) {
	com, ok := s.commune(a.insee, a.city)
	if !ok {
		return nil, fmt.Errorf("commune %s not found", a.city)
	}
	owner, err := s.user(ctx, account.ProvisionInput{Email: a.owner.email, Name: a.owner.name, Role: auth.RoleAdviser,
		NewOrg: &account.ProvisionOrg{Name: a.name, City: com.Name, AdviserType: a.kind}})
	if err != nil {
		return nil, err
	}
	out := []account.User{owner}
	for _, m := range a.members {
		u, err := s.user(ctx, account.ProvisionInput{Email: m.email, Name: m.name, Role: auth.RoleAdviser, OrgID: owner.OrgID})
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	s.report.Advisers += len(out)
	return out, nil
}

// follow puts candidate u in the caseload of adviser's organisation the
// way the product does: u asks, the adviser accepts. A link or a request
// left by an earlier run is taken as it is, then accepted if pending.
func (s *seeder) follow(ctx context.Context, u, adviser account.User) (candidate.Profile, error) {
	_, err := s.d.Caseload.RequestLink(as(ctx, u), adviser.OrgID)
	switch {
	case err == nil, passerelle.ErrorCode(err) == passerelle.ECONFLICT:
	default:
		return candidate.Profile{}, fmt.Errorf("ask to be followed: %w", err)
	}
	_, err = s.d.Caseload.AcceptRequest(as(ctx, adviser), caseload.RequestID(u.ID, adviser.OrgID))
	switch {
	case err == nil, passerelle.ErrorCode(err) == passerelle.ECONFLICT:
		// Accepted now, or earlier (by an interrupted run).
	case passerelle.ErrorCode(err) == passerelle.ENOTFOUND:
		// No request: the link was made before requests were recorded.
	default:
		return candidate.Profile{}, fmt.Errorf("accept the request: %w", err)
	}
	return s.d.Profiles.Mine(as(ctx, u), u.Name)
}

// candidate writes a candidate's account and profile, puts them in the
// adviser organisation's caseload if the spec says so (they ask, an
// adviser accepts), and has their adviser validate the skills the spec
// names.
func (s *seeder) candidate(ctx context.Context, c candidateSpec, advisers []account.User) error {
	u, err := s.user(ctx, account.ProvisionInput{Email: c.email, Name: c.name, Role: auth.RoleCandidate})
	if err != nil {
		return err
	}
	cctx := as(ctx, u)
	p, err := s.d.Profiles.Mine(cctx, u.Name)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	fresh := p.Headline == "" // an earlier run may have written it already
	if fresh {
		in, err := s.profileInput(c)
		if err != nil {
			return err
		}
		if p, err = s.d.Profiles.Update(cctx, u.ID, in, p.Revision); err != nil {
			return fmt.Errorf("write profile: %w", err)
		}
	}
	s.report.Candidates++
	if c.adviser < 0 {
		return nil
	}
	adviser := advisers[c.adviser%len(advisers)]
	if p, err = s.follow(ctx, u, adviser); err != nil {
		return fmt.Errorf("join caseload: %w", err)
	}
	if !fresh || len(c.validated) == 0 {
		return nil
	}
	in := p.Input()
	for i := range in.Skills {
		if slices.Contains(c.validated, in.Skills[i].Code) {
			in.Skills[i].Evidence = skill.EvidenceAdviserValidated
		}
	}
	if _, err := s.d.Profiles.Update(as(ctx, adviser), u.ID, in, p.Revision); err != nil {
		return fmt.Errorf("adviser validation: %w", err)
	}
	return nil
}

// profileInput turns a spec into the service's input, leaving out unknown
// codes.
func (s *seeder) profileInput(c candidateSpec) (candidate.ProfileInput, error) {
	com, ok := s.commune(c.insee, c.city)
	if !ok {
		return candidate.ProfileInput{}, fmt.Errorf("commune %s not found", c.city)
	}
	in := candidate.ProfileInput{
		DisplayName: c.name, Headline: c.headline, CommuneID: com.ID, MobilityKm: c.mobilityKm, Remote: c.remote,
		Contracts: c.contracts, AvailableFrom: s.in(c.availableDays), Languages: c.languages,
		Visibility: c.visibility, MatchingConsent: c.consent,
	}
	for _, h := range c.skills {
		if s.known(h.code) {
			in.Skills = append(in.Skills, candidate.SkillInput{Code: h.code, Level: h.level, Evidence: h.evidence})
		}
	}
	for _, t := range c.trainings {
		ti := candidate.TrainingInput{Title: t.title, Provider: t.provider, Start: s.in(t.startDays), End: s.in(t.endDays)}
		switch {
		case t.endDays < 0:
			ti.Status = candidate.TrainingCompleted
		case t.startDays > 0:
			ti.Status = candidate.TrainingPlanned
		default:
			ti.Status = candidate.TrainingInProgress
		}
		for _, code := range t.skills {
			if s.known(code) {
				ti.Skills = append(ti.Skills, code)
			}
		}
		in.Trainings = append(in.Trainings, ti)
	}
	for _, f := range c.former {
		if _, ok := s.d.Taxonomy.Occupation(f.rome); !ok {
			s.d.Log.Warn("demo: occupation not in the taxonomy; left out", "rome", f.rome, "candidate", c.email)
			continue
		}
		in.FormerOccupations = append(in.FormerOccupations, candidate.FormerOccupationInput{Rome: f.rome, Years: f.years})
	}
	return in, nil
}

// sirenOf completes the 8 digits of a SIREN with its Luhn check digit, so
// that the demo's invented company numbers are well-formed.
func sirenOf(first8 string) string {
	sum := 0
	// The check digit is the rightmost; from it, the digits of first8 at
	// odd distances are doubled.
	for i := len(first8) - 1; i >= 0; i-- {
		v := int(first8[i] - '0')
		if (len(first8)-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return first8 + string(rune('0'+(10-sum%10)%10))
}

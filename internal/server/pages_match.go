package server

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/matching"
	"passerelle/internal/offer"
)

// Pages of ranked lists: an employer's candidates for an offer (anonymous),
// a candidate's offers (with what to learn next), an adviser's offers for
// a candidate of their caseload. Each result explains itself in a
// <details> element, so that everything reads without JavaScript. The text
// is composed here, in the page's language, and the templates only lay it
// out.

func (s *Server) mountMatchPages(r fiber.Router) {
	r.Get("/company/offers/:id/matches", requirePage(auth.RoleEmployer), s.pageOfferMatches)
	r.Get("/matches", requirePage(auth.RoleCandidate), s.pageMyMatches)
	r.Get("/candidates/:id/matches", requirePage(auth.RoleAdviser), s.pageCandidateMatches)
}

// pageMatchesK is the page size of the HTML lists: each result carries its
// explanation, so fewer than the API's default per page.
const pageMatchesK = 20

// matchesPage is the data of the three list pages.
type matchesPage struct {
	Intro     string
	Notices   []string
	Results   []matchCard
	Start     int    // number of the first result, for <ol start>
	Empty     string // shown when there is no result
	EmptyHref string // a way out of an empty list
	EmptyLink string
	Prev      string // href of the previous page, if any
	Next      string
	LearnNext []learnItem
	Back      string
	BackLabel string
}

// matchCard is one result, fully worded.
type matchCard struct {
	Heading string
	Href    string // link of the heading, if any
	Score   string // "Adéquation : 87 sur 100"
	Meta    []string
	Summary string
	Why     string // label of the <details> summary
	Groups  []whyGroup
	Bridge  string
	// Apply and Invite are the workflow's forms (pages_application.go).
	Apply  *applyAction
	Invite *inviteAction
	Review *reviewCardView // advisers' review forms, or recommendations (pages_review.go)
}

// whyGroup is the matched, partial or missing skills of a result.
type whyGroup struct {
	Title string
	Items []whyItem
}

type whyItem struct {
	Label  string
	Badges []string
	Detail []string
}

type learnItem struct {
	Label  string
	Detail string
}

// matchQueryPage reads the paging of a page; nonsense values fall back to
// the first page rather than an error page.
func matchQueryPage(c *fiber.Ctx) matching.Query {
	q, err := parseMatchQuery(c, pageMatchesK)
	if err != nil {
		return matching.Query{K: pageMatchesK, Lang: langOf(c)}
	}
	return q
}

// paging fills the previous and next links of a list.
func (d *matchesPage) paging(c *fiber.Ctx, q matching.Query, more bool) {
	link := func(offset int) string {
		v := url.Values{}
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		if q.K != pageMatchesK {
			v.Set("k", strconv.Itoa(q.K))
		}
		if len(v) == 0 {
			return c.Path()
		}
		return c.Path() + "?" + v.Encode()
	}
	d.Start = q.Offset + 1
	if q.Offset > 0 {
		d.Prev = link(max(q.Offset-q.K, 0))
	}
	if more && q.Offset+2*q.K <= matching.MaxDepth {
		d.Next = link(q.Offset + q.K)
	}
}

// closedOffer answers a list asked for a closed offer with a page that says
// so, instead of an error.
func (s *Server) closedOffer(c *fiber.Ctx, err error, back string) error {
	var perr *passerelle.Error
	if errors.As(err, &perr) && perr.Code == passerelle.ECONFLICT && perr.Key == "error.match.offer_closed" {
		return s.message(c, fiber.StatusConflict, "match.closed.title", "error.match.offer_closed", back, "match.back_offers")
	}
	return err
}

func (s *Server) pageOfferMatches(c *fiber.Ctx) error {
	m, err := s.matchesService()
	if err != nil {
		return err
	}
	q := matchQueryPage(c)
	if q.Recommended, err = s.recommended(c, c.Params("id")); err != nil {
		return err
	}
	page, err := m.CandidatesForOffer(c.UserContext(), c.Params("id"), q)
	if err != nil {
		return s.closedOffer(c, err, "/company/offers")
	}
	if err := s.recordNamedMatches(c, page); err != nil {
		return err
	}
	lang := langOf(c)
	d := &matchesPage{Intro: s.t(c, "match.intro.offer"), Empty: s.t(c, "match.empty.offer"),
		Back: "/company/offers", BackLabel: s.t(c, "match.back_offers")}
	if page.Offer.Status == offer.StatusDraft {
		d.Notices = append(d.Notices, s.t(c, "match.draft_preview"))
	}
	for _, r := range page.Results {
		card := s.card(lang, r.Explanation, r.Score, true)
		card.Heading = r.Pseudonym
		if !r.Anonymous {
			card.Heading, card.Href = r.Name, "/candidates/"+url.PathEscape(r.CandidateID)+"/profile"
		}
		card.Meta = append([]string{r.Commune}, card.Meta...)
		d.Results = append(d.Results, card)
	}
	d.paging(c, q, page.More)
	if err := s.addInviteActions(c, d, page); err != nil {
		return err
	}
	s.recommendationCards(c, page, d)
	return s.render(c, "matches", s.t(c, "match.title.offer", page.Offer.Title), d)
}

func (s *Server) pageMyMatches(c *fiber.Ctx) error {
	m, err := s.matchesService()
	if err != nil {
		return err
	}
	q := matchQueryPage(c)
	page, err := m.OffersForCandidate(c.UserContext(), q)
	if err != nil {
		return err
	}
	d := s.offerMatchesPage(c, page, q, true)
	d.Intro = s.t(c, "match.intro.mine")
	if err := s.addApplyActions(c, d, page); err != nil {
		return err
	}
	return s.render(c, "matches", s.t(c, "match.title.mine"), d)
}

func (s *Server) pageCandidateMatches(c *fiber.Ctx) error {
	m, err := s.matchesService()
	if err != nil {
		return err
	}
	q := matchQueryPage(c)
	id := c.Params("id")
	page, err := m.ForCandidate(c.UserContext(), id, q)
	if err != nil {
		return err
	}
	if err := s.recordAccess(c, id, profileReason(userOf(c).Role)); err != nil {
		return err
	}
	title := s.t(c, "match.title.candidate_unnamed")
	if p, err := s.profiles.Get(c.UserContext(), id); err == nil && p.DisplayName != "" {
		title = s.t(c, "match.title.candidate", p.DisplayName)
	}
	d := s.offerMatchesPage(c, page, q, false)
	d.Intro = s.t(c, "match.intro.candidate")
	d.Back, d.BackLabel = "/candidates/"+url.PathEscape(id)+"/profile", s.t(c, "match.back_profile")
	if err := s.reviewMatches(c, id, page, q, d); err != nil {
		return err
	}
	return s.render(c, "matches", title, d)
}

// offerMatchesPage words a list of offers for a candidate; self is the
// candidate reading their own.
func (s *Server) offerMatchesPage(c *fiber.Ctx, page matching.OfferPage, q matching.Query, self bool) *matchesPage {
	lang := langOf(c)
	d := &matchesPage{Empty: s.t(c, "match.empty.candidate")}
	if !page.Indexed {
		d.Empty = s.t(c, "match.not_indexed")
		if self {
			d.EmptyHref, d.EmptyLink = "/profile/edit", s.t(c, "match.complete_profile")
		}
	}
	for _, r := range page.Results {
		card := s.card(lang, r.Explanation, r.Score, false)
		card.Heading, card.Href = r.Offer.Title, "/offers/"+url.PathEscape(r.Offer.ID)
		meta := []string{r.Offer.Occupation.Label, r.Offer.Commune, s.catalog.T(lang, "offer.contract_type."+string(r.Offer.Contract))}
		if r.Offer.StartDate.IsZero() {
			meta = append(meta, s.catalog.T(lang, "match.start_asap"))
		} else {
			meta = append(meta, s.catalog.T(lang, "match.start", dateIn(lang, r.Offer.StartDate)))
		}
		card.Meta = append(meta, card.Meta...)
		d.Results = append(d.Results, card)
	}
	for _, l := range page.LearnNext {
		item := learnItem{Label: l.Skill.Label, Detail: s.catalog.T(lang, "match.learn_next.offers", l.Offers)}
		if l.MustHave > 0 {
			item.Detail += " " + s.catalog.T(lang, "match.learn_next.required", l.MustHave)
		}
		if l.Learnable > 0 {
			item.Detail += " " + s.catalog.T(lang, "match.learn_next.learnable", l.Learnable)
		}
		d.LearnNext = append(d.LearnNext, item)
	}
	d.paging(c, q, page.More)
	return d
}

// card words one result: its score, where it is, and why, skill by skill.
// employer words it for the offer's company: "the candidate" rather than
// "you", and never the candidate's own words (the service leaves them out).
func (s *Server) card(lang string, e matching.Explanation, score float64, employer bool) matchCard {
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	card := matchCard{Score: t("match.score", strconv.Itoa(int(math.Round(score)))), Summary: e.Summary, Why: t("match.why")}
	if e.Remote {
		card.Meta = append(card.Meta, t("match.remote"))
	} else {
		card.Meta = append(card.Meta, t("match.distance", strconv.Itoa(int(math.Round(e.DistanceKm)))))
	}
	if e.Bridge.Code != "" {
		card.Bridge = t("match.bridge", e.Bridge.Label)
	}
	groups := map[matching.Status]*whyGroup{
		matching.Matched: {Title: t("match.group.matched")},
		matching.Partial: {Title: t("match.group.partial")},
		matching.Missing: {Title: t("match.group.missing")},
	}
	for _, sm := range e.Skills {
		it := whyItem{Label: sm.Skill.Label}
		if sm.MustHave {
			it.Badges = append(it.Badges, t("match.must_have"))
		} else {
			it.Badges = append(it.Badges, t("match.nice_to_have"))
		}
		if sm.Learnable {
			it.Badges = append(it.Badges, t("match.learnable"))
		}
		it.Detail = append(it.Detail, t("match.level_asked", sm.MinLevel.Label))
		if b := sm.Basis; b != nil {
			it.Detail = append(it.Detail, s.basisText(lang, b))
		}
		if g := sm.Gap; g != nil {
			it.Detail = append(it.Detail, s.gapText(lang, g, employer)...)
		}
		groups[sm.Status].Items = append(groups[sm.Status].Items, it)
	}
	for _, st := range []matching.Status{matching.Matched, matching.Partial, matching.Missing} {
		if g := groups[st]; len(g.Items) > 0 {
			card.Groups = append(card.Groups, *g)
		}
	}
	return card
}

func (s *Server) basisText(lang string, b *matching.Basis) string {
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	switch b.Source {
	case matching.SourceTraining:
		switch {
		case b.Training == "" && b.TrainingCompleted:
			return t("match.basis.training_done_anon")
		case b.Training == "":
			return t("match.basis.training_anon", dateIn(lang, b.TrainingEnd))
		case b.TrainingCompleted:
			return t("match.basis.training_done", b.Training)
		}
		return t("match.basis.training", b.Training, dateIn(lang, b.TrainingEnd))
	case matching.SourceRelated:
		return t("match.basis.related", b.Related.Label, b.Level.Label)
	case matching.SourceFormerOccupation:
		return t("match.basis.former", b.Occupation.Label, strconv.FormatFloat(b.Years, 'f', -1, 64))
	}
	return t("match.basis.held", b.Level.Label, strings.ToLower(b.Evidence.Label))
}

func (s *Server) gapText(lang string, g *matching.Gap, employer bool) []string {
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	var out []string
	if g.LateTraining {
		if g.LateTrainingTitle == "" {
			out = append(out, t("match.gap.late_training_anon", dateIn(lang, g.LateTrainingEnd)))
		} else {
			out = append(out, t("match.gap.late_training", g.LateTrainingTitle, dateIn(lang, g.LateTrainingEnd)))
		}
	}
	if len(g.Related) > 0 {
		var names []string
		for _, r := range g.Related {
			names = append(names, r.Label)
		}
		key := "match.gap.related"
		if employer {
			key = "match.gap.related_employer"
		}
		out = append(out, t(key, strings.Join(names, ", ")))
	}
	return out
}

// dateIn writes a calendar date the way lang does; nothing for an unknown
// (zero) date.
func dateIn(lang string, d time.Time) string {
	if d.IsZero() {
		return ""
	}
	if lang == "en" {
		return d.Format("2 January 2006")
	}
	return d.Format("02/01/2006")
}

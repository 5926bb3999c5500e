package matching

import (
	"cmp"
	"slices"

	"passerelle/internal/match"
	"passerelle/internal/skill"
)

// lang returns the language of a query: English when asked, French
// otherwise.
func lang(q Query) string {
	if q.Lang == skill.LangEN {
		return skill.LangEN
	}
	return skill.LangFR
}

// label names a skill code or a ROME occupation code in lang; a code the
// taxonomy does not know shows as itself.
func (s *Service) label(code, lang string) string {
	if o, ok := s.tax.Occupation(skill.RomeCode(code)); ok {
		return o.Label
	}
	if l, ok := s.tax.Label(skill.Code(code), lang); ok && l != "" {
		return l
	}
	return code
}

func (s *Service) labelled(code, lang string) Label {
	if code == "" {
		return Label{}
	}
	return Label{Code: code, Label: s.label(code, lang)}
}

// explain turns the engine's explanation into the product's, with labels in
// lang. anonymous leaves out what the candidate wrote in their own words
// (training titles), which could name them, a place or an employer.
func (s *Service) explain(e match.Explanation, lang string, anonymous bool) Explanation {
	out := Explanation{
		Summary: e.Summary(match.Lang(lang), func(code string, l match.Lang) string { return s.label(code, string(l)) }),
		Matched: e.Matched, Partial: e.Partial, Missing: e.Missing,
		Occupation: s.labelled(e.OfferROME, lang),
		Bridge:     s.labelled(e.Bridge, lang),
		DistanceKm: e.DistanceKm,
		Remote:     e.Remote,
		Skills:     make([]SkillMatch, 0, len(e.Skills)),
	}
	for _, sm := range e.Skills {
		m := SkillMatch{
			Skill:     s.labelled(sm.Code, lang),
			MinLevel:  levelOf(sm.MinLevel, lang),
			MustHave:  sm.MustHave,
			Learnable: sm.Learnable,
			Status:    statusOf(sm.Status),
			Credit:    sm.Credit,
		}
		if sm.Status != match.StatusMissing {
			m.Basis = s.basis(sm.Basis, lang, anonymous)
		}
		if sm.Status != match.StatusMatched {
			g := &Gap{Level: levelOf(sm.Gap.Level, lang), LateTraining: !sm.Gap.LateTrainingEnd.IsZero() || sm.Gap.LateTraining != "",
				LateTrainingEnd: sm.Gap.LateTrainingEnd}
			if !anonymous {
				g.LateTrainingTitle = sm.Gap.LateTraining
			}
			for _, r := range sm.Gap.Related {
				g.Related = append(g.Related, s.labelled(r, lang))
			}
			m.Gap = g
		}
		out.Skills = append(out.Skills, m)
	}
	return out
}

func (s *Service) basis(b match.Basis, lang string, anonymous bool) *Basis {
	out := &Basis{Source: sourceOf(b.Source)}
	switch b.Source {
	case match.SourceHeld:
		out.Level, out.Evidence = levelOf(b.Level, lang), evidenceOf(b.Evidence, lang)
	case match.SourceRelated:
		out.Level, out.Evidence = levelOf(b.Level, lang), evidenceOf(b.Evidence, lang)
		out.Related, out.Strength = s.labelled(b.Related, lang), b.Strength
	case match.SourceTraining:
		out.TrainingEnd, out.TrainingCompleted = b.TrainingEnd, b.TrainingStatus == match.TrainingCompleted
		if !anonymous {
			out.Training = b.Training
		}
	case match.SourceFormerOccupation:
		out.Occupation, out.Years = s.labelled(b.Occupation, lang), b.Years
	}
	return out
}

func statusOf(st match.Status) Status {
	switch st {
	case match.StatusMatched:
		return Matched
	case match.StatusPartial:
		return Partial
	}
	return Missing
}

func sourceOf(src match.Source) Source {
	switch src {
	case match.SourceTraining:
		return SourceTraining
	case match.SourceFormerOccupation:
		return SourceFormerOccupation
	case match.SourceRelated:
		return SourceRelated
	}
	return SourceHeld
}

// evidenceOf names the engine's evidence kind with the taxonomy's words.
func evidenceOf(e match.Evidence, lang string) Label {
	ev := skill.EvidenceDeclared
	switch e {
	case match.EvidenceTraining:
		ev = skill.EvidenceTraining
	case match.EvidenceExperience:
		ev = skill.EvidenceExperience
	case match.EvidenceValidated:
		ev = skill.EvidenceAdviserValidated
	}
	return Label{Code: string(ev), Label: ev.Label(lang)}
}

// maxLearnNext is how many skills "what to learn next" lists.
const maxLearnNext = 5

// learnNext counts the skills missing from the offers of a page, most
// frequent first, then most often required, then by label.
func learnNext(results []OfferMatch) []Learn {
	byCode := map[string]*Learn{}
	var all []*Learn
	for _, r := range results {
		for _, sm := range r.Explanation.Skills {
			if sm.Status != Missing {
				continue
			}
			l, ok := byCode[sm.Skill.Code]
			if !ok {
				l = &Learn{Skill: sm.Skill}
				byCode[sm.Skill.Code] = l
				all = append(all, l)
			}
			l.Offers++
			if sm.MustHave {
				l.MustHave++
			}
			if sm.Learnable {
				l.Learnable++
			}
		}
	}
	slices.SortFunc(all, func(a, b *Learn) int {
		return cmp.Or(cmp.Compare(b.Offers, a.Offers), cmp.Compare(b.MustHave, a.MustHave),
			cmp.Compare(a.Skill.Label, b.Skill.Label), cmp.Compare(a.Skill.Code, b.Skill.Code))
	})
	out := make([]Learn, 0, min(len(all), maxLearnNext))
	for _, l := range all[:min(len(all), maxLearnNext)] {
		out = append(out, *l)
	}
	return out
}

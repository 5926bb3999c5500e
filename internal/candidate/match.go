package candidate

import (
	"passerelle/internal/contract"
	"passerelle/internal/match"
	"passerelle/internal/skill"
)

// MatchProfile converts p into what the matching engine reads. Every field
// that a score or a filter uses is carried over; display-only fields (names,
// labels, languages, caseload) stay behind. Codes flagged Missing are kept:
// an offer written before the same code disappeared still names it.
//
// Two statuses fold: a planned training counts as in progress (it will teach
// its skills by its end date, which is what the engine weighs), and an
// abandoned one is left out (it teaches nothing).
func (p Profile) MatchProfile() match.Profile {
	m := match.Profile{
		ID:            p.ID,
		Place:         match.Place{Commune: p.Place.Name, Lat: p.Place.Lat, Lon: p.Place.Lon},
		RadiusKm:      p.MobilityKm,
		Remote:        matchRemote(p.Remote),
		Contracts:     contract.MatchSet(p.Contracts),
		AvailableFrom: p.AvailableFrom,
		Visibility:    matchVisibility(p.Visibility),
		Consent:       p.MatchingConsent,
		Revision:      uint64(max(p.Revision, 0)),
	}
	for _, s := range p.Skills {
		m.Skills = append(m.Skills, match.HeldSkill{Code: string(s.Code), Level: int(s.Level), Evidence: matchEvidence(s.Evidence)})
	}
	for _, t := range p.Trainings {
		if t.Status == TrainingAbandoned {
			continue
		}
		mt := match.Training{Title: t.Title, End: t.End, Status: match.TrainingInProgress}
		if t.Status == TrainingCompleted {
			mt.Status = match.TrainingCompleted
		}
		for _, s := range t.Skills {
			mt.Skills = append(mt.Skills, string(s.Code))
		}
		m.Trainings = append(m.Trainings, mt)
	}
	for _, f := range p.FormerOccupations {
		m.Former = append(m.Former, match.FormerOccupation{ROME: string(f.Rome), Years: float64(f.Years)})
	}
	return m
}

func matchEvidence(e skill.Evidence) match.Evidence {
	switch e {
	case skill.EvidenceTraining:
		return match.EvidenceTraining
	case skill.EvidenceExperience:
		return match.EvidenceExperience
	case skill.EvidenceAdviserValidated:
		return match.EvidenceValidated
	}
	return match.EvidenceDeclared
}

func matchRemote(r RemotePreference) match.RemotePref {
	switch r {
	case RemoteOnsiteOnly:
		return match.RemoteOnsiteOnly
	case RemoteHybrid:
		return match.RemoteHybrid
	}
	return match.RemoteAccepted
}

func matchVisibility(v Visibility) match.Visibility {
	switch v {
	case VisibilityAdvisers:
		return match.VisibilityAdvisersOnly
	case VisibilityAnonymous:
		return match.VisibilityAnonymous
	case VisibilityVisible:
		return match.VisibilityVisible
	}
	return match.VisibilityHidden
}

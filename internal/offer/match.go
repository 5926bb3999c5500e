package offer

import (
	"passerelle/internal/contract"
	"passerelle/internal/match"
)

// MatchOffer converts o into what the matching engine reads: every field a
// score or a filter uses. Labels, texts, salary and dates other than the
// start stay behind. Skills flagged Missing are kept: profiles written before
// the code disappeared still name it.
func (o Offer) MatchOffer() match.Offer {
	m := match.Offer{
		ID:                   o.ID,
		CompanyID:            o.CompanyID,
		ROME:                 string(o.Rome),
		Contract:             contract.Match(o.Contract),
		Place:                match.Place{Commune: o.Place.Name, Lat: o.Place.Lat, Lon: o.Place.Lon},
		Remote:               matchRemote(o.Remote),
		Start:                o.StartDate,
		Status:               matchStatus(o.Status),
		OpenToCareerChangers: o.OpenToCareerChangers,
		Revision:             uint64(max(o.Revision, 0)),
	}
	for _, s := range o.Skills {
		m.Skills = append(m.Skills, match.OfferSkill{Code: string(s.Code), MinLevel: int(s.MinLevel), MustHave: s.MustHave, Learnable: s.Learnable})
	}
	return m
}

func matchRemote(r RemotePolicy) match.RemotePolicy {
	switch r {
	case RemoteHybrid:
		return match.PolicyHybrid
	case RemoteFull:
		return match.PolicyRemote
	}
	return match.PolicyOnsite
}

func matchStatus(s Status) match.OfferStatus {
	switch s {
	case StatusPublished:
		return match.OfferPublished
	case StatusClosed:
		return match.OfferClosed
	}
	return match.OfferDraft
}

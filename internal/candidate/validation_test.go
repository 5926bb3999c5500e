package candidate_test

import (
	"testing"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/candidate"
	"passerelle/internal/skill"
)

func TestValidateSkill(t *testing.T) {
	e := newEnv(t)
	filled(t, e, candA)
	adv := adviserCtx(adviserOrg)

	t.Run("who may", func(t *testing.T) {
		_, err := e.svc.ValidateSkill(candidateCtx(candA), candA, "tag:go", candidate.ValidationImmersion)
		wantErr(t, err, passerelle.EFORBIDDEN, "profile.skill.evidence.adviser_only")
		_, err = e.svc.ValidateSkill(adviserCtx(otherOrg), candA, "tag:go", candidate.ValidationImmersion)
		wantErr(t, err, passerelle.ENOTFOUND, "error.profile.not_found")
		_, err = e.svc.ValidateSkill(as(auth.RoleAdmin, hexID(0xa), ""), candA, "tag:go", candidate.ValidationImmersion)
		wantErr(t, err, passerelle.EFORBIDDEN, "error.profile.read_only")
		_, err = e.svc.ValidateSkill(adv, candA, "tag:go", "horoscope")
		if f := fields(t, err)["kind"]; f.Key != "profile.skill.validation_kind.invalid" {
			t.Errorf("unknown kind: %+v", f)
		}
		_, err = e.svc.ValidateSkill(adv, candA, "tag:rust", candidate.ValidationImmersion)
		wantErr(t, err, passerelle.ENOTFOUND, "profile.skill.not_held")
	})

	p, err := e.svc.ValidateSkill(adv, candA, "tag:sql", candidate.ValidationTrainingAssessment)
	if err != nil {
		t.Fatal(err)
	}
	sk := p.Skills[1]
	if sk.Evidence != skill.EvidenceAdviserValidated || sk.ValidatedBy != adviserOrg || sk.ValidationKind != candidate.ValidationTrainingAssessment ||
		!sk.ValidatedAt.Equal(now) || sk.PriorEvidence != skill.EvidenceExperience || sk.Level != 3 {
		t.Fatalf("validated skill: %+v", sk)
	}
	if p.LastEditedBy.Role != auth.RoleAdviser {
		t.Errorf("edited by %+v", p.LastEditedBy)
	}
	stored, err := e.repo.Profile(adv, candA)
	if err != nil {
		t.Fatal(err)
	}
	sameProfile(t, stored, p)

	// The candidate re-saving the profile keeps the validation as it was.
	again, err := e.svc.Update(candidateCtx(candA), candA, p.Input(), p.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if again.Skills[1] != sk {
		t.Errorf("after the candidate saved: %+v, want %+v", again.Skills[1], sk)
	}

	// Another organisation of the caseload may not withdraw it; its own may.
	if _, err := e.svc.LinkAdviser(candidateCtx(candA), candA, otherOrg); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.WithdrawSkillValidation(adviserCtx(otherOrg), candA, "tag:sql")
	wantErr(t, err, passerelle.EFORBIDDEN, "profile.skill.validation.other_org")
	p, err = e.svc.WithdrawSkillValidation(adv, candA, "tag:sql")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Skills[1]; got.Evidence != skill.EvidenceExperience || got.ValidatedBy != "" || got.ValidationKind != "" || !got.ValidatedAt.IsZero() {
		t.Errorf("after withdrawal: %+v", got)
	}
	// Withdrawing what is not validated changes nothing.
	same, err := e.svc.WithdrawSkillValidation(adv, candA, "tag:go")
	if err != nil || same.Revision != p.Revision {
		t.Errorf("withdraw a declared skill: revision %d → %d, %v", p.Revision, same.Revision, err)
	}
}

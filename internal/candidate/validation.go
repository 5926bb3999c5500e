package candidate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"passerelle"
	"passerelle/internal/auth"
	"passerelle/internal/skill"
)

// ValidationKind says how an adviser checked a candidate's skill before
// validating it.
type ValidationKind string

// The kinds of validation, the usual ways a French career adviser sees a
// skill at work.
const (
	// ValidationImmersion: a work placement in a company (PMSMP).
	ValidationImmersion ValidationKind = "immersion"
	// ValidationTrainingAssessment: the assessment at the end of a training.
	ValidationTrainingAssessment ValidationKind = "training_assessment"
	// ValidationPracticalTest: an exercise done with or for the adviser.
	ValidationPracticalTest ValidationKind = "practical_test"
	// ValidationWorkReview: a review of what the candidate made (portfolio,
	// projects, references).
	ValidationWorkReview ValidationKind = "work_review"
)

// ValidationKinds returns the kinds, for forms.
func ValidationKinds() []ValidationKind {
	return []ValidationKind{ValidationImmersion, ValidationTrainingAssessment, ValidationPracticalTest, ValidationWorkReview}
}

// Valid reports whether k is a known kind.
func (k ValidationKind) Valid() bool { return slices.Contains(ValidationKinds(), k) }

// ValidateSkill marks the skill code of candidateID's profile as validated
// by the calling adviser's organisation, after a check of kind kind: its
// evidence becomes adviser-validated (the strongest for the matching), and
// the evidence it replaces is kept to be restored by
// WithdrawSkillValidation. Validating again records the new check.
//
// Only an adviser of the candidate's caseload may do it; the candidate
// cannot vouch for themself. Like a caseload change it does not depend on
// the rest of the profile, so a concurrent edit makes it re-read and retry
// instead of failing.
//
// Errors: EUNAUTHORIZED; EINVALID (kind); EFORBIDDEN
// "profile.skill.evidence.adviser_only" for the candidate,
// "error.profile.read_only" for an admin; ENOTFOUND "error.profile.not_found"
// for anyone else, "profile.skill.not_held" for a skill the profile does
// not list.
func (s *Service) ValidateSkill(ctx context.Context, candidateID string, code skill.Code, kind ValidationKind) (Profile, error) {
	if !kind.Valid() {
		return Profile{}, passerelle.Invalid(passerelle.FieldError{Field: "kind", Key: "profile.skill.validation_kind.invalid"})
	}
	return s.changeSkill(ctx, "validate skill", candidateID, code, func(actor auth.Identity, sk *Skill) error {
		if sk.Evidence != skill.EvidenceAdviserValidated {
			sk.PriorEvidence = sk.Evidence
		}
		sk.Evidence, sk.ValidatedBy, sk.ValidationKind, sk.ValidatedAt = skill.EvidenceAdviserValidated, actor.OrgID, kind, s.clock()
		return nil
	})
}

// WithdrawSkillValidation takes back the validation of skill code: the
// skill returns to the evidence it had before. Only an adviser of the
// organisation that validated it may; a skill that is not validated is
// left as it is. Errors: those of ValidateSkill, and EFORBIDDEN
// "profile.skill.validation.other_org" for a validation made by another
// organisation.
func (s *Service) WithdrawSkillValidation(ctx context.Context, candidateID string, code skill.Code) (Profile, error) {
	return s.changeSkill(ctx, "withdraw skill validation", candidateID, code, func(actor auth.Identity, sk *Skill) error {
		if sk.Evidence != skill.EvidenceAdviserValidated {
			return errUnchanged
		}
		if sk.ValidatedBy != "" && sk.ValidatedBy != actor.OrgID {
			return passerelle.Errorf(passerelle.EFORBIDDEN, "profile.skill.validation.other_org")
		}
		sk.Evidence = cmp.Or(sk.PriorEvidence, skill.EvidenceDeclared)
		sk.ValidatedBy, sk.ValidationKind, sk.ValidatedAt, sk.PriorEvidence = "", "", time.Time{}, ""
		return nil
	})
}

// errUnchanged tells changeSkill that there is nothing to write.
var errUnchanged = errors.New("unchanged")

// changeSkill applies change to skill code of the stored profile, as an
// adviser of the caseload, and writes it, retrying on a concurrent write.
func (s *Service) changeSkill(ctx context.Context, op, candidateID string, code skill.Code, change func(auth.Identity, *Skill) error) (Profile, error) {
	actor, err := caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	for range 5 {
		cur, err := s.repo.Profile(ctx, candidateID)
		if err != nil {
			return Profile{}, fmt.Errorf("%s: %w", op, err)
		}
		switch accessOf(actor, cur) {
		case accessNone:
			return Profile{}, notFound(fmt.Errorf("%s of %s: not visible to %s", op, candidateID, actor.UserID))
		case accessRead:
			return Profile{}, passerelle.Errorf(passerelle.EFORBIDDEN, "error.profile.read_only")
		}
		if actor.Role != auth.RoleAdviser {
			return Profile{}, passerelle.Errorf(passerelle.EFORBIDDEN, "profile.skill.evidence.adviser_only")
		}
		i := slices.IndexFunc(cur.Skills, func(sk Skill) bool { return sk.Code == code })
		if i < 0 {
			return Profile{}, &passerelle.Error{Code: passerelle.ENOTFOUND, Key: "profile.skill.not_held",
				Err: fmt.Errorf("%s %q of %s: not in the profile", op, code, candidateID)}
		}
		p := cur
		p.Skills = slices.Clone(cur.Skills)
		switch err := change(actor, &p.Skills[i]); {
		case errors.Is(err, errUnchanged):
			return cur, nil
		case err != nil:
			return Profile{}, err
		}
		now := s.clock()
		p.LastEditedBy = Editor{UserID: actor.UserID, Role: actor.Role}
		p.UpdatedAt = now
		out, err := s.repo.ReplaceProfile(ctx, p, cur.Revision)
		if passerelle.ErrorCode(err) == passerelle.ECONFLICT {
			continue
		}
		if err != nil {
			return Profile{}, fmt.Errorf("%s: %w", op, err)
		}
		s.written(out)
		return out, nil
	}
	return Profile{}, stale()
}

package account

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"passerelle"
	"passerelle/internal/auth"
)

// ProvisionInput describes an account that trusted server-side code creates
// directly, already verified: the demo data of `passerelle seed`, an
// operator's script. It is never built from a request: no route may call
// Provision, since it skips the e-mail verification that stops address
// squatting (see Options.AllowUnverifiedLogin).
type ProvisionInput struct {
	Email, Password, Name string
	// Lang is "fr" or "en"; empty means "fr".
	Lang string
	Role auth.Role
	// NewOrg, for an employer or an adviser only, creates their organisation
	// with them as its owner: a company for an employer (Name, SIREN, City),
	// an adviser organisation for an adviser (Name, City, AdviserType).
	NewOrg *ProvisionOrg
	// OrgID, for an employer or an adviser only, makes them a member of an
	// existing organisation of the matching kind instead. An employer or an
	// adviser needs exactly one of NewOrg and OrgID.
	OrgID string
}

// ProvisionOrg is the organisation a provisioned owner creates.
type ProvisionOrg struct {
	Name string
	// SIREN is the company's number (companies only, required, Luhn-valid).
	SIREN string
	City  string
	// AdviserType is one of AdviserTypes (adviser organisations only).
	AdviserType string
}

// Provision creates a verified account, and its organisation when in.NewOrg
// is set, checking no caller: like CreateAdmin, it is for trusted
// server-side code (seeding, scripts) and must never be reachable over
// HTTP. The input is held to the same rules as the registration forms.
//
// Errors: EINVALID listing every invalid field (email, password, name,
// lang, org.name, org.siren, org.city, org.adviserType), or without fields
// for a role and organisation that do not go together (a programming
// error); ECONFLICT account.email_taken or account.company_exists; ENOTFOUND
// account.org_not_found when OrgID names no organisation of the role's kind.
//
// The writes follow the order of registration (see register): the new
// organisation first, naming its future owner, then the user, which makes
// the account exist; the organisation is deleted again if the user cannot
// be written.
func (s *Service) Provision(ctx context.Context, in ProvisionInput) (User, error) {
	if err := provisionShape(in); err != nil {
		return User{}, &passerelle.Error{Code: passerelle.EINVALID, Err: fmt.Errorf("provision: %w", err)}
	}
	var f fieldErrors
	email := normalizeEmail(in.Email)
	f.email("email", email)
	f.password("password", in.Password)
	name := f.name("name", in.Name)
	lang := f.lang("lang", in.Lang)
	var org *Organisation
	if in.NewOrg != nil {
		o := Organisation{
			Name: f.text("org.name", "account.org_name", in.NewOrg.Name, minOrgRunes, maxOrgRunes),
			City: f.text("org.city", "account.city", in.NewOrg.City, 1, maxCityRunes),
		}
		if in.Role == auth.RoleEmployer {
			o.Kind, o.SIREN = KindCompany, f.siren("org.siren", in.NewOrg.SIREN)
		} else {
			o.Kind, o.AdviserType = KindAdviser, in.NewOrg.AdviserType
			if !slices.Contains(AdviserTypes(), o.AdviserType) {
				f.add("org.adviserType", "account.adviser_type.invalid", "")
			}
		}
		org = &o
	}
	if err := f.err(); err != nil {
		return User{}, err
	}

	if in.OrgID != "" {
		o, err := s.repo.Organisation(ctx, in.OrgID)
		if is(err, passerelle.ENOTFOUND) || (err == nil && o.MemberRole() != in.Role) {
			return User{}, errOrgNotFound()
		}
		if err != nil {
			return User{}, fmt.Errorf("provision: %w", err)
		}
	}
	now := s.now()
	if org != nil && org.SIREN != "" {
		taken, err := s.repo.SIRENTaken(ctx, org.SIREN, now)
		if err != nil {
			return User{}, fmt.Errorf("provision: %w", err)
		}
		if taken {
			return User{}, errCompanyExists()
		}
	}
	if _, err := s.repo.UserByEmail(ctx, email); err == nil {
		return User{}, errEmailTaken()
	} else if !is(err, passerelle.ENOTFOUND) {
		return User{}, fmt.Errorf("provision: %w", err)
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, fmt.Errorf("provision: %w", err)
	}

	u := User{ID: newID(), Email: email, Name: name, Role: in.Role, OrgID: in.OrgID, PasswordHash: hash,
		Verified: true, Lang: lang, CreatedAt: now, UpdatedAt: now}
	if org != nil {
		org.ID, org.OwnerID, org.CreatedAt, org.UpdatedAt = newID(), u.ID, now, now
		if _, err := s.repo.CreateOrganisation(ctx, *org); err != nil {
			if is(err, passerelle.ECONFLICT) {
				return User{}, errCompanyExists()
			}
			return User{}, fmt.Errorf("provision: %w", err)
		}
		u.OrgID, u.OrgOwner = org.ID, true
	}
	created, err := s.repo.CreateUser(ctx, u)
	if err != nil {
		if org != nil {
			s.cleanup(ctx, "undo organisation of a failed provisioning", func(ctx context.Context) error {
				return s.repo.DeleteOrganisation(ctx, *org)
			})
		}
		if is(err, passerelle.ECONFLICT) {
			return User{}, errEmailTaken()
		}
		return User{}, fmt.Errorf("provision: %w", err)
	}
	return created, nil
}

// provisionShape checks that the role and the organisation fields go
// together: a mistake of the calling code, not of a person.
func provisionShape(in ProvisionInput) error {
	switch in.Role {
	case auth.RoleCandidate, auth.RoleAdmin:
		if in.NewOrg != nil || in.OrgID != "" {
			return fmt.Errorf("a %s belongs to no organisation", in.Role)
		}
	case auth.RoleEmployer, auth.RoleAdviser:
		if (in.NewOrg == nil) == (in.OrgID == "") {
			return fmt.Errorf("a %s needs exactly one of NewOrg and OrgID", in.Role)
		}
	default:
		return errors.New("unknown role")
	}
	return nil
}

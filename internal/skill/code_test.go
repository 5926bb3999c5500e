package skill

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in      string
		want    Code
		wantErr string
	}{
		{in: "tag:go", want: "tag:go"},
		{in: " tag:power-bi ", want: "tag:power-bi"},
		{in: "tag:3d-modeling", want: "tag:3d-modeling"},
		{in: "ogr:403870", want: "ogr:403870"},
		{in: "", wantErr: "empty"},
		{in: "go", wantErr: `want "tag:" or "ogr:"`},
		{in: "tag:", wantErr: "empty slug"},
		{in: "tag:Go", wantErr: "lowercase ASCII"},
		{in: "tag:c++", wantErr: "lowercase ASCII"},
		{in: "tag:power--bi", wantErr: "repeat hyphens"},
		{in: "tag:-go", wantErr: "start with a hyphen"},
		{in: "tag:go-", wantErr: "end with a hyphen"},
		{in: "ogr:", wantErr: "empty code_ogr"},
		{in: "ogr:12a", wantErr: "digits only"},
		{in: "ogr:0123", wantErr: "must not start with 0"},
		{in: "ogr:1234567890", wantErr: "longer than 9"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCode(tt.in)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidCode) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCode(%q) = %q, %v; want an ErrInvalidCode containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCodeParts(t *testing.T) {
	if c := TagCode("react"); !c.IsTag() || c.IsOGR() || c.ID() != "react" {
		t.Errorf("TagCode(react) = %q: IsTag %v IsOGR %v ID %q", c, c.IsTag(), c.IsOGR(), c.ID())
	}
	if c := OGRCode("403870"); !c.IsOGR() || c.IsTag() || c.ID() != "403870" {
		t.Errorf("OGRCode(403870) = %q: IsTag %v IsOGR %v ID %q", c, c.IsTag(), c.IsOGR(), c.ID())
	}
}

func TestParseRomeCode(t *testing.T) {
	tests := []struct {
		in   string
		want RomeCode
		ok   bool
	}{
		{"M1805", "M1805", true},
		{" m1805 ", "M1805", true},
		{"A1101", "A1101", true},
		{"N4101", "N4101", true},
		{"O1805", "", false}, // letters stop at N
		{"M185", "", false},
		{"M18055", "", false},
		{"M18O5", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRomeCode(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("ParseRomeCode(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidRomeCode) {
				t.Errorf("error %v is not ErrInvalidRomeCode", err)
			}
		})
	}
	if err := RomeCode("m1805").Validate(); err == nil {
		t.Error("Validate accepted lower-case m1805; stored codes must be canonical")
	}
}

func TestUnmarshalTextValidates(t *testing.T) {
	var v struct {
		Code     Code     `json:"code"`
		Rome     RomeCode `json:"rome"`
		Evidence Evidence `json:"evidence"`
	}
	if err := json.Unmarshal([]byte(`{"code":"tag:go","rome":"M1805","evidence":"adviser-validated"}`), &v); err != nil {
		t.Fatalf("valid JSON rejected: %v", err)
	}
	for _, in := range []string{`{"code":"golang"}`, `{"rome":"m1805"}`, `{"evidence":"Formation"}`} {
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("json.Unmarshal(%s) accepted an invalid value", in)
		}
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		level  Level
		id     string
		fr, en string
	}{
		{LevelNotions, "notions", "Notions", "Basic knowledge"},
		{LevelPractice, "practice", "Pratique", "Practice"},
		{LevelMastery, "mastery", "Maîtrise", "Mastery"},
		{LevelExpert, "expert", "Expertise", "Expert"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if !tt.level.Valid() || tt.level.String() != tt.id || tt.level.Label("fr") != tt.fr ||
				tt.level.Label("en-GB") != tt.en || tt.level.Label("") != tt.fr {
				t.Errorf("level %d: Valid %v String %q fr %q en %q", int(tt.level), tt.level.Valid(),
					tt.level.String(), tt.level.Label("fr"), tt.level.Label("en-GB"))
			}
			for _, in := range []string{tt.id, tt.fr, tt.en, string(rune('0' + int(tt.level)))} {
				if got, err := ParseLevel(in); err != nil || got != tt.level {
					t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, tt.level)
				}
			}
		})
	}
	if got, err := ParseLevel("maitrise"); err != nil || got != LevelMastery {
		t.Errorf("ParseLevel(maitrise) = %v, %v; want mastery", got, err)
	}
	for _, in := range []string{"0", "5", "", "beginner"} {
		if _, err := ParseLevel(in); !errors.Is(err, ErrInvalidLevel) {
			t.Errorf("ParseLevel(%q) error = %v, want ErrInvalidLevel", in, err)
		}
	}
	if Level(7).Valid() || Level(7).String() != "level(7)" {
		t.Errorf("Level(7): Valid %v String %q", Level(7).Valid(), Level(7).String())
	}
	if len(Levels()) != 4 {
		t.Errorf("Levels() has %d levels, want 4", len(Levels()))
	}
}

func TestEvidence(t *testing.T) {
	for _, e := range Evidences() {
		if !e.Valid() || e.Label("fr") == "" || e.Label("en") == "" || e.Label("fr") == e.Label("en") && e != EvidenceTraining {
			t.Errorf("evidence %q: Valid %v fr %q en %q", e, e.Valid(), e.Label("fr"), e.Label("en"))
		}
		for _, in := range []string{string(e), e.Label("fr"), e.Label("en")} {
			if got, err := ParseEvidence(in); err != nil || got != e {
				t.Errorf("ParseEvidence(%q) = %q, %v; want %q", in, got, err, e)
			}
		}
	}
	if got := EvidenceAdviserValidated.Label("fr"); got != "Validée par un conseiller" {
		t.Errorf("adviser-validated fr label = %q", got)
	}
	if got, err := ParseEvidence("adviser_validated"); err != nil || got != EvidenceAdviserValidated {
		t.Errorf("ParseEvidence(adviser_validated) = %q, %v", got, err)
	}
	if _, err := ParseEvidence("rumour"); !errors.Is(err, ErrInvalidEvidence) {
		t.Errorf("ParseEvidence(rumour) error = %v, want ErrInvalidEvidence", err)
	}
}

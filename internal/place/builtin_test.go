package place

import (
	"reflect"
	"testing"
)

func TestBuiltin(t *testing.T) {
	// The 24 communes of Nantes Métropole and their INSEE codes (code officiel
	// géographique), checked against the EPCI's published membership.
	want := map[string]string{
		"44009": "Basse-Goulaine",
		"44018": "Bouaye",
		"44020": "Bouguenais",
		"44024": "Brains",
		"44026": "Carquefou",
		"44035": "La Chapelle-sur-Erdre",
		"44047": "Couëron",
		"44074": "Indre",
		"44094": "Mauves-sur-Loire",
		"44101": "La Montagne",
		"44109": "Nantes",
		"44114": "Orvault",
		"44120": "Le Pellerin",
		"44143": "Rezé",
		"44150": "Saint-Aignan-Grandlieu",
		"44162": "Saint-Herblain",
		"44166": "Saint-Jean-de-Boiseau",
		"44171": "Saint-Léger-les-Vignes",
		"44172": "Sainte-Luce-sur-Loire",
		"44190": "Saint-Sébastien-sur-Loire",
		"44194": "Sautron",
		"44198": "Les Sorinières",
		"44204": "Thouaré-sur-Loire",
		"44215": "Vertou",
	}
	d := Builtin()
	if d != Builtin() {
		t.Error("Builtin returned two different directories")
	}
	if d.Len() != len(want) {
		t.Errorf("Builtin has %d communes, want %d", d.Len(), len(want))
	}
	if s := d.Stats(); s.Format != FormatOfficial || s.SkippedNoCoordinates != 0 {
		t.Errorf("Builtin Stats() = %+v, want the official form and nothing skipped", s)
	}
	for insee, name := range want {
		t.Run(name, func(t *testing.T) {
			c, ok := d.ByID(insee)
			if !ok {
				t.Fatalf("ByID(%s): not found", insee)
			}
			if c.ID != insee || c.INSEE != insee || c.Name != name || c.Department != "44" {
				t.Errorf("ByID(%s) = %+v, want %s, INSEE %s, département 44", insee, c, name, insee)
			}
			if len(c.PostalCodes) == 0 {
				t.Errorf("%s has no postal code", name)
			}
			// Every commune of the métropole lies within 25 km of Nantes.
			if km := Distance(c.LatLon, nantes); km > 25 {
				t.Errorf("%s is %.1f km from Nantes: coordinates %v look wrong", name, km, c.LatLon)
			}
		})
	}
	nantesC, _ := d.ByID("44109")
	if want := []string{"44000", "44100", "44200", "44300"}; !reflect.DeepEqual(nantesC.PostalCodes, want) {
		t.Errorf("Nantes postal codes = %q, want %q", nantesC.PostalCodes, want)
	}
}

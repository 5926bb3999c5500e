package place

import (
	"path/filepath"
	"reflect"
	"testing"
)

// names lists the communes' names, for messages that read well.
func names(cs []Commune) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func TestDirectoryByID(t *testing.T) {
	official := mustParseFile(t, filepath.Join("testdata", "official.csv"))
	reduced := mustParseFile(t, filepath.Join("testdata", "reduced.csv"))
	tests := []struct {
		name string
		d    *Directory
		id   string
		want string // Name; "" for not found
	}{
		{name: "INSEE code", d: official, id: "44109", want: "Nantes"},
		{name: "Corsica", d: official, id: "2A004", want: "Ajaccio"},
		{name: "derived id of a commune known by INSEE code", d: official, id: "44-nantes", want: "Nantes"},
		{name: "derived id", d: reduced, id: "44-nantes", want: "Nantes"},
		{name: "INSEE code unknown to a file without them", d: reduced, id: "44109"},
		{name: "restored zeros", d: reduced, id: "01-l-abergement-clemenciat", want: "L'Abergement-Clémenciat"},
		{name: "unknown", d: official, id: "44999"},
		{name: "empty", d: official, id: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := tt.d.ByID(tt.id)
			if ok != (tt.want != "") || c.Name != tt.want {
				t.Errorf("ByID(%q) = %q, %v; want %q", tt.id, c.Name, ok, tt.want)
			}
		})
	}
}

func TestDirectoryAmbiguousAlias(t *testing.T) {
	// Two communes with the same name in one département, told apart only by
	// their INSEE codes: the derived id would be a guess, so it finds neither.
	d := mustParse(t, "code_commune_INSEE,nom_commune,code_postal,latitude,longitude\n"+
		"99001,Exampleville,99100,1,1\n99002,Exampleville,99200,2,2\n99003,Otherville,99300,3,3\n")
	if c, ok := d.ByID("99-exampleville"); ok {
		t.Errorf("ByID(99-exampleville) = %s, want no commune", c.ID)
	}
	if c, ok := d.ByID("99-otherville"); !ok || c.ID != "99003" {
		t.Errorf("ByID(99-otherville) = %q, %v; want 99003", c.ID, ok)
	}
}

func TestDirectoryByPostalCode(t *testing.T) {
	d := mustParse(t, "code_postal;latitude;longitude;nom_commune_complet;code_departement\n"+
		"44830;47.1473396882;-1.6725437059;Bouaye;44\n"+
		"44830;47.1701591492;-1.72606479691;Brains;44\n"+
		"1400;46.1534255214;4.92611354223;L'Abergement-Clémenciat;1\n")
	tests := []struct {
		code string
		want []string
	}{
		{code: "44830", want: []string{"Bouaye", "Brains"}},
		{code: "01400", want: []string{"L'Abergement-Clémenciat"}},
		{code: "1400", want: []string{"L'Abergement-Clémenciat"}},
		{code: " 44830 ", want: []string{"Bouaye", "Brains"}},
		{code: "44000"},
		{code: ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := names(d.ByPostalCode(tt.code)); !reflect.DeepEqual(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("ByPostalCode(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestDirectorySearch(t *testing.T) {
	d := Builtin()
	tests := []struct {
		query string
		limit int
		want  []string
	}{
		{query: "st herblain", want: []string{"Saint-Herblain"}},
		{query: "saint-herblain", want: []string{"Saint-Herblain"}},
		{query: "Saint Herblain", want: []string{"Saint-Herblain"}},
		{query: "SAINT-HERBLAIN", want: []string{"Saint-Herblain"}},
		{query: "st-herb", want: []string{"Saint-Herblain"}},
		{query: "herblain", want: []string{"Saint-Herblain"}},
		{query: "reze", want: []string{"Rezé"}},
		{query: "Rezé", want: []string{"Rezé"}},
		{query: "coueron", want: []string{"Couëron"}},
		{query: "la chapelle", want: []string{"La Chapelle-sur-Erdre"}},
		{query: "chapelle sur erdre", want: []string{"La Chapelle-sur-Erdre"}},
		{query: "Les Sorinières", want: []string{"Les Sorinières"}},
		{query: "sorinieres", want: []string{"Les Sorinières"}},
		{query: "ste luce", want: []string{"Sainte-Luce-sur-Loire"}},
		{
			// Whole word "saint" first, shortest first; then Sainte-; no duplicates.
			query: "saint",
			want: []string{
				"Saint-Herblain", "Saint-Jean-de-Boiseau", "Saint-Aignan-Grandlieu",
				"Saint-Léger-les-Vignes", "Saint-Sébastien-sur-Loire", "Sainte-Luce-sur-Loire",
			},
		},
		{query: "st", limit: 2, want: []string{"Saint-Herblain", "Saint-Jean-de-Boiseau"}},
		{
			// Only later words match: shortest name first.
			query: "sur loire",
			want:  []string{"Mauves-sur-Loire", "Thouaré-sur-Loire", "Sainte-Luce-sur-Loire", "Saint-Sébastien-sur-Loire"},
		},
		{query: "b", want: []string{"Bouaye", "Brains", "Bouguenais", "Basse-Goulaine", "Saint-Jean-de-Boiseau"}},
		{query: "nantes", want: []string{"Nantes"}},
		{query: "nantes métropole"},
		{query: "paris"},
		{query: ""},
		{query: " - ' "},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := names(d.Search(tt.query, tt.limit))
			if !reflect.DeepEqual(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("Search(%q, %d) = %q\nwant %q", tt.query, tt.limit, got, tt.want)
			}
		})
	}
}

func TestDirectorySearchRanking(t *testing.T) {
	d := mustParse(t, "code_postal;latitude;longitude;nom_commune_complet;code_departement\n"+
		"38350;44.93;5.83;Nantes-en-Ratier;38\n"+
		"99100;1;1;Nantes-sur-Nantes;99\n"+ // matches twice, listed once
		"44000;47.23;-1.55;Nantes;44\n"+
		"99200;2;2;Nantesville;99\n"+
		"99300;3;3;Pont-de-Nantes;99\n"+
		"67190;48.57;7.27;Still;67\n"+
		"56110;48.1;-3.2;Le Saint;56\n"+
		"45130;47.87;1.75;Saint-Ay;45\n"+
		"99400;4;4;Saint-Ay;98\n") // a homonym elsewhere: département breaks the tie
	tests := []struct {
		query string
		want  []string
		deps  []string
	}{
		{
			query: "nantes",
			want:  []string{"Nantes", "Nantes-en-Ratier", "Nantes-sur-Nantes", "Nantesville", "Pont-de-Nantes"},
		},
		{
			// "st" could still become "still": both readings, Saint first.
			query: "st",
			want:  []string{"Le Saint", "Saint-Ay", "Saint-Ay", "Still"},
			deps:  []string{"56", "45", "98", "67"},
		},
		{query: "st ", want: []string{"Le Saint", "Saint-Ay", "Saint-Ay"}},
		{query: "sti", want: []string{"Still"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := d.Search(tt.query, 0)
			if got := names(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Search(%q) = %q\nwant %q", tt.query, got, tt.want)
			}
			if tt.deps != nil {
				var deps []string
				for _, c := range res {
					deps = append(deps, c.Department)
				}
				if !reflect.DeepEqual(deps, tt.deps) {
					t.Errorf("Search(%q) départements = %q, want %q", tt.query, deps, tt.deps)
				}
			}
		})
	}
}

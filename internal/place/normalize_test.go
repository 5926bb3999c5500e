package place

import "testing"

func TestFold(t *testing.T) {
	tests := []struct {
		in, slug, key string
	}{
		{in: "Nantes", slug: "nantes", key: "nantes"},
		{in: "Rezé", slug: "reze", key: "reze"},
		{in: "Saint-Herblain", slug: "saint-herblain", key: "saint herblain"},
		{in: "ST HERBLAIN", slug: "st-herblain", key: "saint herblain"},
		{in: "  st. herblain  ", slug: "st-herblain", key: "saint herblain"},
		{in: "Ste Luce sur Loire", slug: "ste-luce-sur-loire", key: "sainte luce sur loire"},
		{in: "Stains", slug: "stains", key: "stains"},
		{in: "L'Île-d'Yeu", slug: "l-ile-d-yeu", key: "l ile d yeu"},
		{in: "L’Haÿ-les-Roses", slug: "l-hay-les-roses", key: "l hay les roses"},
		{in: "Cœuvres-et-Valsery", slug: "coeuvres-et-valsery", key: "coeuvres et valsery"},
		{in: "ŒUILLY", slug: "oeuilly", key: "oeuilly"},
		{in: "Paris 01", slug: "paris-01", key: "paris 01"},
		{in: "Reze\u0301", slug: "reze", key: "reze"}, // accent as a combining mark
		{in: "Çà et là", slug: "ca-et-la", key: "ca et la"},
		{in: " -- ", slug: "", key: ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := slug(tt.in); got != tt.slug {
				t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.slug)
			}
			if got := searchKey(tt.in); got != tt.key {
				t.Errorf("searchKey(%q) = %q, want %q", tt.in, got, tt.key)
			}
		})
	}
}

package place

import (
	"math"
	"testing"
)

// Centroids as the Base officielle des codes postaux gives them.
var (
	nantes        = LatLon{Lat: 47.2316356767, Lon: -1.54831008605}
	reze          = LatLon{Lat: 47.1762338904, Lon: -1.54966399893}
	saintHerblain = LatLon{Lat: 47.2243762412, Lon: -1.63434818692}
)

func TestDistance(t *testing.T) {
	// References were computed apart from this code, with the haversine formula
	// on R = 6371.0088 km; the ellipsoidal (Vincenty, WGS 84) distance is given
	// alongside as a check that the sphere is close enough.
	tests := []struct {
		name    string
		a, b    LatLon
		want    float64 // km
		within  float64 // km
		vincent float64 // km, WGS 84 ellipsoid
	}{
		{name: "same point", a: nantes, b: nantes, want: 0, within: 1e-9},
		// Centroid to centroid. Town hall to town hall is nearer 4–5 km:
		// Nantes's centroid lies north of its centre.
		{name: "Nantes–Rezé", a: nantes, b: reze, want: 6.161, within: 0.01, vincent: 6.160},
		{name: "Nantes–Saint-Herblain", a: nantes, b: saintHerblain, want: 6.547, within: 0.01, vincent: 6.566},
		{
			name: "Nantes–Paris, city centres",
			a:    LatLon{Lat: 47.218371, Lon: -1.553621}, b: LatLon{Lat: 48.856613, Lon: 2.352222},
			want: 342.74, within: 0.05, vincent: 343.468,
		},
		{
			name: "Paris–London",
			a:    LatLon{Lat: 48.856613, Lon: 2.352222}, b: LatLon{Lat: 51.507351, Lon: -0.127758},
			want: 343.55, within: 0.05, vincent: 343.917,
		},
		{name: "one degree of longitude on the equator", a: LatLon{0, 0}, b: LatLon{0, 1}, want: 111.195, within: 0.001},
		{name: "across the antimeridian", a: LatLon{0, 179.5}, b: LatLon{0, -179.5}, want: 111.195, within: 0.001},
		{name: "antipodes", a: LatLon{0, 0}, b: LatLon{0, 180}, want: math.Pi * EarthRadiusKm, within: 1e-6},
		{name: "pole to pole", a: LatLon{90, 0}, b: LatLon{-90, 0}, want: math.Pi * EarthRadiusKm, within: 1e-6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Distance(tt.a, tt.b)
			if math.Abs(got-tt.want) > tt.within {
				t.Errorf("Distance(%v, %v) = %.4f km, want %.4f ± %g", tt.a, tt.b, got, tt.want, tt.within)
			}
			if back := Distance(tt.b, tt.a); math.Abs(back-got) > 1e-9 {
				t.Errorf("Distance is not symmetric: %.9f one way, %.9f back", got, back)
			}
			if tt.vincent > 0 && math.Abs(got-tt.vincent)/tt.vincent > 0.005 {
				t.Errorf("Distance = %.3f km, more than 0.5%% from the ellipsoidal %.3f km", got, tt.vincent)
			}
		})
	}
}

func BenchmarkDistance(b *testing.B) {
	for b.Loop() {
		Distance(nantes, reze)
	}
}

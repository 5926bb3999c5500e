// Package place knows the communes of France: their codes, postal codes and
// coordinates, and how far apart two points are.
//
// A Directory is built either from an import file (Parse) or from the list of the
// communes of Nantes Métropole compiled into the package (Builtin), so the product
// runs before anyone has imported anything. A Directory never changes once built;
// it is safe for concurrent use.
//
// The package is a leaf: it reads bytes and answers lookups, and knows nothing of
// storage or HTTP.
package place

import "math"

// EarthRadiusKm is the mean radius of the Earth (IUGG), the sphere Distance works on.
const EarthRadiusKm = 6371.0088

// LatLon is a point in decimal degrees (WGS 84): latitude north, longitude east.
type LatLon struct {
	Lat float64
	Lon float64
}

// Distance returns the great-circle distance between a and b in kilometres, by the
// haversine formula on a sphere of radius EarthRadiusKm.
//
// The sphere is within about 0.5 % of the ellipsoid, far less than the gap between
// a commune's centroid and the place where someone actually works.
func Distance(a, b LatLon) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := a.Lat*rad, b.Lat*rad
	dφ := (b.Lat - a.Lat) * rad
	dλ := (b.Lon - a.Lon) * rad
	s1, s2 := math.Sin(dφ/2), math.Sin(dλ/2)
	h := s1*s1 + math.Cos(φ1)*math.Cos(φ2)*s2*s2
	// Rounding can push h a hair above 1 for antipodal points; Asin would give NaN.
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(min(h, 1)))
}

// Commune is one commune of France as the directory knows it.
type Commune struct {
	// ID identifies the commune across imports: the INSEE code when the source
	// has one (official form, Builtin), otherwise an id derived from the
	// département code and the name: "<département>-<slug>", where the slug is
	// the full name (with its article) lower-cased, stripped of accents, with
	// every run of other characters turned into one "-". For example
	// "44-la-chapelle-sur-erdre" or "2A-ajaccio". A derived id always contains a
	// "-" and an INSEE code never does, so the two kinds cannot collide; the
	// derived id depends only on the row's content, so re-importing the same file
	// gives the same ids whatever the order of its rows.
	ID string
	// INSEE is the five-character code officiel géographique ("44109", "2A004"),
	// empty when the source does not carry it.
	INSEE string
	// Name is the full name with its article, as written: "La Chapelle-sur-Erdre".
	Name string
	// PostalCodes are the commune's five-digit postal codes, sorted and distinct.
	// Shared with the directory: do not modify.
	PostalCodes []string
	// Department is the département code: "01", "44", "2A", "971".
	Department string
	// LatLon is the commune's centroid.
	LatLon
}

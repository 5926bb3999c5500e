package match

import "math"

// earthRadiusKm is the mean Earth radius used for great-circle distances.
const earthRadiusKm = 6371.0088

// point is a place as a unit vector. The great-circle distance between two
// points is a monotone function of the chord between them, so the distance
// filter compares squared chords — three multiplications, no trigonometry —
// and gives the same answer as the haversine formula.
type point struct{ x, y, z float32 }

func toPoint(lat, lon float64) point {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return point{
		x: float32(math.Cos(φ) * math.Cos(λ)),
		y: float32(math.Cos(φ) * math.Sin(λ)),
		z: float32(math.Sin(φ)),
	}
}

// chord2 is the squared chord between two points on the unit sphere.
func chord2(a, b point) float64 {
	dx, dy, dz := float64(a.x)-float64(b.x), float64(a.y)-float64(b.y), float64(a.z)-float64(b.z)
	return dx*dx + dy*dy + dz*dz
}

// distanceKm is the great-circle distance between two points.
func distanceKm(a, b point) float64 {
	c := math.Sqrt(chord2(a, b)) / 2
	return 2 * earthRadiusKm * math.Asin(min(c, 1))
}

// haversineKm is the great-circle distance between two coordinates.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	φ1, φ2 := lat1*math.Pi/180, lat2*math.Pi/180
	dφ, dλ := φ2-φ1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(a, 1)))
}

// radiusChord2 is the squared chord of a great-circle distance of km.
func radiusChord2(km float64) float64 {
	if km >= math.Pi*earthRadiusKm {
		return 4
	}
	c := 2 * math.Sin(km/(2*earthRadiusKm))
	return c * c
}

// chordTable caches radiusChord2 for the radii people actually choose.
var chordTable = func() []float64 {
	t := make([]float64, 1001)
	for i := range t {
		t[i] = radiusChord2(float64(i))
	}
	return t
}()

// within reports whether b is within km of a.
func within(a, b point, km uint16) bool {
	var r float64
	if int(km) < len(chordTable) {
		r = chordTable[km]
	} else {
		r = radiusChord2(float64(km))
	}
	return chord2(a, b) <= r
}

// Geographic cells. The profile id space is allocated by cell (see
// profileStore), so that a query for an on-site job skips whole blocks of
// profiles living too far away. A cell is cellDeg degrees square.
const cellDeg = 0.25

type cellKey int32

func cellOf(lat, lon float64) cellKey {
	la := int32(math.Floor((min(max(lat, -90), 89.999) + 90) / cellDeg))
	lo := int32(math.Floor((min(max(lon, -180), 179.999) + 180) / cellDeg))
	return cellKey(la*int32(360/cellDeg) + lo)
}

// cellGeometry returns a cell's centre and a radius (km) around the centre
// that contains the whole cell, with a margin for rounding.
func cellGeometry(k cellKey) (center point, radiusKm float64) {
	n := int32(360 / cellDeg)
	la, lo := int32(k)/n, int32(k)%n
	lat0, lon0 := float64(la)*cellDeg-90, float64(lo)*cellDeg-180
	clat, clon := lat0+cellDeg/2, lon0+cellDeg/2
	for _, c := range [4][2]float64{{lat0, lon0}, {lat0, lon0 + cellDeg}, {lat0 + cellDeg, lon0}, {lat0 + cellDeg, lon0 + cellDeg}} {
		radiusKm = max(radiusKm, haversineKm(clat, clon, c[0], c[1]))
	}
	return toPoint(clat, clon), radiusKm + 1
}

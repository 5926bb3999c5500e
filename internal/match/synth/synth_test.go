package synth_test

import (
	"reflect"
	"slices"
	"testing"

	"passerelle/internal/match"
	"passerelle/internal/match/synth"
)

func TestReproducible(t *testing.T) {
	a := synth.New(synth.Config{Seed: 7, Profiles: 50, Offers: 20})
	b := synth.New(synth.Config{Seed: 7, Profiles: 50, Offers: 20})
	c := synth.New(synth.Config{Seed: 8, Profiles: 50, Offers: 20})
	for i := range 50 {
		if !reflect.DeepEqual(a.Profile(i), b.Profile(i)) {
			t.Fatalf("profile %d differs between two worlds of the same seed", i)
		}
	}
	if reflect.DeepEqual(a.Profile(3), c.Profile(3)) {
		t.Errorf("profile 3 is the same for seeds 7 and 8")
	}
	var streamed []match.Profile
	for p := range a.Profiles() {
		streamed = append(streamed, p)
	}
	if len(streamed) != 50 || !reflect.DeepEqual(streamed[17], a.Profile(17)) {
		t.Errorf("stream does not yield Profile(i) in order")
	}
	if !reflect.DeepEqual(a.Offer(5), b.Offer(5)) {
		t.Errorf("offer 5 differs between two worlds of the same seed")
	}
}

func TestShape(t *testing.T) {
	const n = 20000
	w := synth.New(synth.Config{Seed: 1, Profiles: n, Offers: 2000})
	count := map[string]int{}
	skills, former, training := 0, 0, 0
	for p := range w.Profiles() {
		if len(p.Skills) < 3 || len(p.Skills) > 15 {
			t.Fatalf("profile %s has %d skills, want 3–15", p.ID, len(p.Skills))
		}
		if p.RadiusKm < 10 || p.RadiusKm > 100 {
			t.Fatalf("profile %s radius %d, want 10–100", p.ID, p.RadiusKm)
		}
		skills += len(p.Skills)
		for _, s := range p.Skills {
			count[s.Code]++
		}
		if len(p.Former) > 0 {
			former++
		}
		if len(p.Trainings) > 0 {
			training++
		}
	}
	type kv struct {
		code string
		n    int
	}
	var top []kv
	for c, k := range count {
		top = append(top, kv{c, k})
	}
	slices.SortFunc(top, func(a, b kv) int { return b.n - a.n })
	// A few very common skills and a long tail.
	if share := float64(top[0].n) / n; share < 0.1 || share > 0.6 {
		t.Errorf("most common skill %s held by %.0f%% of profiles, want 10–60%%", top[0].code, 100*share)
	}
	if len(top) < 1000 {
		t.Errorf("only %d distinct skills held, want a long tail", len(top))
	}
	t.Logf("skills/profile %.1f, distinct %d, career changers %.0f%%, in training %.0f%%",
		float64(skills)/n, len(top), 100*float64(former)/n, 100*float64(training)/n)
	for _, x := range top[:10] {
		t.Logf("  %-16s %5.1f%%", x.code, 100*float64(x.n)/n)
	}
	for _, k := range []int{50, 100, 300, 1000} {
		if k < len(top) {
			t.Logf("  rank %4d: %.2f%%", k, 100*float64(top[k].n)/n)
		}
	}
	for o := range w.Offers() {
		if len(o.Skills) < 4 || len(o.Skills) > 10 {
			t.Fatalf("offer %s has %d skills, want 4–10", o.ID, len(o.Skills))
		}
	}
}

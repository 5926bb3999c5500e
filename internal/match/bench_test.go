package match_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"passerelle/internal/match"
	"passerelle/internal/match/synth"
)

// Benchmark worlds: N candidate profiles and 100,000 offers, seed 1.
// Run them with, for instance:
//
//	go test -run '^$' -bench . -benchtime 1000x -cpu 1 -timeout 60m ./internal/match/
//
// The index is built once per size, outside the timers, and kept for the
// other benchmarks of the same run.
const (
	benchOffers  = 100_000
	benchSamples = 1000 // distinct offers (profiles) the latency percentiles are taken over
)

var benchSizes = []int{10_000, 100_000, 1_000_000}

type benchWorld struct {
	w        *synth.World
	ix       *match.Index
	offers   []string // open offers, in index order
	profiles []string
}

var (
	benchMu     sync.Mutex
	benchWorlds = map[int]*benchWorld{}
)

func getWorld(b *testing.B, n int) *benchWorld {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if bw, ok := benchWorlds[n]; ok {
		return bw
	}
	start := time.Now()
	w := synth.New(synth.Config{Seed: 1, Profiles: n, Offers: benchOffers})
	ix, err := match.New(w.Relations(), match.DefaultWeights)
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Build(context.Background(), match.Stream{Profiles: seq2(w.Profiles()), Offers: seq2(w.Offers())}, nil); err != nil {
		b.Fatal(err)
	}
	bw := &benchWorld{w: w, ix: ix}
	for i := 0; len(bw.offers) < benchSamples; i++ {
		if o := w.Offer(i); o.Status != match.OfferClosed {
			bw.offers = append(bw.offers, o.ID)
		}
	}
	for i := range benchSamples {
		bw.profiles = append(bw.profiles, synth.ProfileID(i*(n/benchSamples)))
	}
	runtime.GC()
	b.Logf("world of %d profiles and %d offers built in %v", n, benchOffers, time.Since(start).Round(time.Millisecond))
	benchWorlds[n] = bw
	return bw
}

func sizes(b *testing.B, f func(b *testing.B, n int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			if testing.Short() && n > 10_000 {
				b.Skip("large world skipped in -short mode")
			}
			f(b, n)
		})
	}
}

// percentiles reports the p50 and p99 of the recorded latencies.
func percentiles(b *testing.B, lat []time.Duration, prefix string) (p50 time.Duration) {
	b.Helper()
	slices.Sort(lat)
	at := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(at(0.50))/1e6, prefix+"p50-ms")
	b.ReportMetric(float64(at(0.99))/1e6, prefix+"p99-ms")
	return at(0.50)
}

// queries runs b.N queries, each timed in wall-clock time and in CPU time of
// the (locked) thread, and reports both distributions.
func queries(b *testing.B, query func(i int) (int, error)) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	wall := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	results := 0
	b.ResetTimer()
	for i := range b.N {
		start, startCPU := time.Now(), threadCPU()
		n, err := query(i)
		cpu = append(cpu, threadCPU()-startCPU)
		wall = append(wall, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		results += n
	}
	b.StopTimer()
	percentiles(b, wall, "")
	percentiles(b, cpu, "cpu-")
	b.ReportMetric(float64(results)/float64(b.N), "results/op")
}

// BenchmarkCandidatesForOffer measures top-50 candidates for an offer, with
// explanations, cycling over 1,000 different offers.
func BenchmarkCandidatesForOffer(b *testing.B) {
	sizes(b, func(b *testing.B, n int) {
		bw := getWorld(b, n)
		ctx := context.Background()
		queries(b, func(i int) (int, error) {
			page, err := bw.ix.CandidatesForOffer(ctx, bw.offers[i%len(bw.offers)], match.Query{K: 50})
			return len(page.Results), err
		})
	})
}

// BenchmarkOffersForCandidate measures top-50 offers for a candidate, with
// explanations, cycling over 1,000 different profiles.
func BenchmarkOffersForCandidate(b *testing.B) {
	sizes(b, func(b *testing.B, n int) {
		bw := getWorld(b, n)
		ctx := context.Background()
		queries(b, func(i int) (int, error) {
			page, err := bw.ix.OffersForCandidate(ctx, bw.profiles[i%len(bw.profiles)], match.Query{K: 50})
			return len(page.Results), err
		})
	})
}

// BenchmarkBruteForce scores every profile for an offer, on the same data,
// checks that it returns the index's top 50, and reports how much slower it
// is than the index on the same offers.
func BenchmarkBruteForce(b *testing.B) {
	sizes(b, func(b *testing.B, n int) {
		bw := getWorld(b, n)
		ctx := context.Background()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var brute, indexed, bruteCPU, indexedCPU []time.Duration
		b.ResetTimer()
		for i := range b.N {
			offer := bw.offers[(i*37)%len(bw.offers)]
			start, startCPU := time.Now(), threadCPU()
			want, err := bw.ix.BruteForceCandidates(ctx, offer, match.Query{K: 50})
			bruteCPU = append(bruteCPU, threadCPU()-startCPU)
			brute = append(brute, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			start, startCPU = time.Now(), threadCPU()
			got, err := bw.ix.CandidatesForOffer(ctx, offer, match.Query{K: 50})
			indexedCPU = append(indexedCPU, threadCPU()-startCPU)
			indexed = append(indexed, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
			samePage(b, "brute force vs index", got, want, false)
			b.StartTimer()
		}
		b.StopTimer()
		bp := percentiles(b, brute, "")
		ip := percentiles(b, indexed, "index-")
		b.ReportMetric(float64(bp)/float64(ip), "brute/index-p50")
		bc := percentiles(b, bruteCPU, "cpu-")
		ic := percentiles(b, indexedCPU, "index-cpu-")
		b.ReportMetric(float64(bc)/float64(ic), "brute/index-cpu-p50")
	})
}

// BenchmarkBuild measures building the index from a stream of decoded
// profiles, as the store would hand them over, and the index's memory per
// profile: the heap growth it causes, after garbage collection. The stream
// is the generator's, so the time to generate it (gen-s, measured apart on
// the same stream) is taken out of build-s; stream-s is the total.
func BenchmarkBuild(b *testing.B) {
	sizes(b, func(b *testing.B, n int) {
		w := synth.New(synth.Config{Seed: 1, Profiles: n})
		start := time.Now()
		skills := 0
		for p := range w.Profiles() {
			skills += len(p.Skills)
		}
		gen := time.Since(start).Seconds()
		var total, perProfile float64
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ix, err := match.New(w.Relations(), match.DefaultWeights)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			if err := ix.Build(context.Background(), match.Stream{Profiles: seq2(w.Profiles())}, nil); err != nil {
				b.Fatal(err)
			}
			total = time.Since(start).Seconds()
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			perProfile = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
			if got, _ := ix.Len(); got != n {
				b.Fatalf("index holds %d profiles, want %d", got, n)
			}
			runtime.KeepAlive(ix)
			b.StartTimer()
		}
		b.ReportMetric(total-gen, "build-s")
		b.ReportMetric(gen, "gen-s")
		b.ReportMetric(total, "stream-s")
		b.ReportMetric(perProfile, "bytes/profile")
	})
}

var errSink error

// BenchmarkScore measures the scoring function alone on plain documents
// (conversion included), the cost a caller pays for one pair.
func BenchmarkScore(b *testing.B) {
	w := synth.New(synth.Config{Seed: 1, Profiles: 1000, Offers: 1000})
	rel := w.Relations()
	profiles, offers := slices.Collect(w.Profiles()), slices.Collect(w.Offers())
	b.ResetTimer()
	for i := range b.N {
		_, err := match.Score(profiles[i%1000], offers[i%1000], rel, match.DefaultWeights)
		if err != nil && !errors.Is(err, match.ErrInvalid) {
			errSink = err
		}
	}
}

// BenchmarkQueriesWithWrites measures top-50 candidates for an offer while
// another goroutine applies profile updates as fast as it can: what the
// read-write lock costs readers, and how long a writer waits. It uses the
// world of 100,000 profiles and updates a copy of its profiles in place (the
// cached world is left as it was: each update rewrites a profile with its
// own content).
func BenchmarkQueriesWithWrites(b *testing.B) {
	if testing.Short() {
		b.Skip("large world skipped in -short mode")
	}
	bw := getWorld(b, 100_000)
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan struct{})
	var writes int
	var writeLat []time.Duration
	go func() {
		defer close(done)
		rev := uint64(1 << 32)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			p := bw.w.Profile(i % 100_000)
			rev++
			p.Revision = rev
			start := time.Now()
			if err := bw.ix.Upsert(p); err != nil {
				b.Error(err)
				return
			}
			writeLat = append(writeLat, time.Since(start))
			writes++
		}
	}()
	start := time.Now()
	queries(b, func(i int) (int, error) {
		page, err := bw.ix.CandidatesForOffer(ctx, bw.offers[i%len(bw.offers)], match.Query{K: 50})
		return len(page.Results), err
	})
	elapsed := time.Since(start)
	close(stop)
	<-done
	b.ReportMetric(float64(writes)/elapsed.Seconds(), "writes/s")
	if len(writeLat) > 0 {
		percentiles(b, writeLat, "write-")
	}
}

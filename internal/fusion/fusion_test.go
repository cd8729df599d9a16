package fusion

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// want is one expected result: ID and fused score.
type want struct {
	id    uint32
	score float64
}

func checkResults(t *testing.T, got []Result, exp []want) {
	t.Helper()
	if len(got) != len(exp) {
		t.Fatalf("got %d results %+v, want %d %+v", len(got), got, len(exp), exp)
	}
	for i, w := range exp {
		g := got[i]
		if g.ID != w.id || math.Abs(g.Score-w.score) > 1e-12 {
			t.Fatalf("result %d: got id %d score %.15g, want id %d score %.15g (all: %+v)", i, g.ID, g.Score, w.id, w.score, got)
		}
		if sum := g.Lexical.Contribution + g.Vector.Contribution; sum != g.Score {
			t.Fatalf("result %d: contributions %v + %v != score %v", i, g.Lexical.Contribution, g.Vector.Contribution, g.Score)
		}
	}
}

// The shared example used by most cases below:
//
//	lex: 1 (10), 2 (8), 3 (5)        vec: 2 (0.9), 4 (0.8), 1 (0.1)
var (
	exLex = []Ranked{{1, 10}, {2, 8}, {3, 5}}
	exVec = []Ranked{{2, 0.9}, {4, 0.8}, {1, 0.1}}
)

func TestFuseMethods(t *testing.T) {
	cases := []struct {
		name     string
		lex, vec []Ranked
		k        int
		o        Options
		want     []want
	}{
		{
			// doc 2: 0.5/62 + 0.5/61 = 0.016261; doc 1: 0.5/61 + 0.5/63 = 0.016133;
			// doc 4: 0.5/62 = 0.008065; doc 3: 0.5/63 = 0.007937.
			name: "rrf alpha 0.5", lex: exLex, vec: exVec, k: 10, o: Options{},
			want: []want{{2, 0.5/62 + 0.5/61}, {1, 0.5/61 + 0.5/63}, {4, 0.5 / 62}, {3, 0.5 / 63}},
		},
		{
			// lexical only: 1/61, 1/62, 1/63; doc 4 is vector-only and scores 0.
			name: "rrf alpha 1", lex: exLex, vec: exVec, k: 10, o: Options{Method: RRF, Alpha: new(1.0)},
			want: []want{{1, 1.0 / 61}, {2, 1.0 / 62}, {3, 1.0 / 63}, {4, 0}},
		},
		{
			// vector only: 2 → 1/61, 4 → 1/62, 1 → 1/63, 3 → 0.
			name: "rrf alpha 0", lex: exLex, vec: exVec, k: 10, o: Options{Method: RRF, Alpha: new(0.0)},
			want: []want{{2, 1.0 / 61}, {4, 1.0 / 62}, {1, 1.0 / 63}, {3, 0}},
		},
		{
			// k = 10: doc 2: 0.5/11 + 0.5/12 = 0.087121; doc 1: 0.5/11 + 0.5/13 = 0.083916.
			name: "rrf custom k cut at 2", lex: exLex, vec: exVec, k: 2, o: Options{RRFK: 10},
			want: []want{{2, 0.5/12 + 0.5/11}, {1, 0.5/11 + 0.5/13}},
		},
		{
			// lex min-max over [5,10]: 1 → 1, 2 → 0.6, 3 → 0; vec over [0.1,0.9]: 2 → 1,
			// 4 → 0.875, 1 → 0. Fused: 2: 0.3+0.5 = 0.8; 1: 0.5; 4: 0.4375; 3: 0.
			name: "linear alpha 0.5", lex: exLex, vec: exVec, k: 10, o: Options{Method: Linear},
			want: []want{{2, 0.8}, {1, 0.5}, {4, 0.4375}, {3, 0}},
		},
		{
			// 0.25·lex + 0.75·vec: 2: 0.15+0.75 = 0.9; 4: 0.65625; 1: 0.25; 3: 0.
			name: "linear alpha 0.25", lex: exLex, vec: exVec, k: 10, o: Options{Method: Linear, Alpha: new(0.25)},
			want: []want{{2, 0.9}, {4, 0.65625}, {1, 0.25}, {3, 0}},
		},
		{
			name: "linear alpha 1", lex: exLex, vec: exVec, k: 10, o: Options{Method: Linear, Alpha: new(1.0)},
			want: []want{{1, 1}, {2, 0.6}, {3, 0}, {4, 0}},
		},
		{
			// lex: D = max(10, 10−5) = 10, rel = s/10: 1, 0.8, 0.5. vec: D = max(0.9, 0.8) =
			// 0.9, rel = s/0.9: 2 → 1, 4 → 0.8889, 1 → 0.1111.
			// Fused: 2: 0.4+0.5 = 0.9; 1: 0.5+0.0556 = 0.5556; 4: 0.4444; 3: 0.25.
			name: "relative alpha 0.5", lex: exLex, vec: exVec, k: 10, o: Options{Method: Relative},
			want: []want{{2, 0.9}, {1, 0.5 + 0.5*0.1/0.9}, {4, 0.5 * 0.8 / 0.9}, {3, 0.25}},
		},
		{
			name: "relative alpha 0", lex: exLex, vec: exVec, k: 10, o: Options{Method: Relative, Alpha: new(0.0)},
			want: []want{{2, 1}, {4, 0.8 / 0.9}, {1, 0.1 / 0.9}, {3, 0}},
		},
		{
			// disjoint lists: ties between the two sides' equal ranks break by ID.
			name: "rrf disjoint", lex: []Ranked{{1, 3}, {2, 1}}, vec: []Ranked{{3, 0.5}, {4, 0.2}}, k: 10, o: Options{},
			want: []want{{1, 0.5 / 61}, {3, 0.5 / 61}, {2, 0.5 / 62}, {4, 0.5 / 62}},
		},
		{
			name: "rrf identical", lex: []Ranked{{5, 2}, {6, 1}}, vec: []Ranked{{5, 0.9}, {6, 0.3}}, k: 10, o: Options{},
			want: []want{{5, 1.0 / 61}, {6, 1.0 / 62}},
		},
		{
			// linear over disjoint lists: each side's best gets its weight, each side's worst 0.
			name: "linear disjoint", lex: []Ranked{{1, 3}, {2, 1}}, vec: []Ranked{{3, 0.5}, {4, 0.2}}, k: 0, o: Options{Method: Linear, Alpha: new(0.75)},
			want: []want{{1, 0.75}, {3, 0.25}, {2, 0}, {4, 0}},
		},
		{
			name: "k zero returns the union", lex: exLex, vec: exVec, k: 0, o: Options{},
			want: []want{{2, 0.5/62 + 0.5/61}, {1, 0.5/61 + 0.5/63}, {4, 0.5 / 62}, {3, 0.5 / 63}},
		},
		{
			name: "k larger than the union", lex: []Ranked{{9, 1}}, vec: nil, k: 100, o: Options{Method: Linear},
			want: []want{{9, 0.5}},
		},
		{
			name: "both empty", lex: nil, vec: nil, k: 10, o: Options{},
			want: []want{},
		},
		{
			// a repeated ID counts at its first position only: doc 1 is rank 1 (not 2), and
			// doc 2 keeps its list position, rank 3.
			name: "duplicates ignored", lex: []Ranked{{1, 5}, {1, 9}, {2, 3}}, vec: nil, k: 10, o: Options{Alpha: new(1.0)},
			want: []want{{1, 1.0 / 61}, {2, 1.0 / 63}},
		},
	}
	var f Fuser // reused across cases to exercise scratch reuse
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkResults(t, Fuse(c.lex, c.vec, c.k, c.o), c.want)
			checkResults(t, f.Fuse(nil, c.lex, c.vec, c.k, c.o), c.want)
		})
	}
}

func TestFuseSides(t *testing.T) {
	got := Fuse(exLex, exVec, 10, Options{Method: Linear})
	// doc 1: lexical rank 1 score 10 normalised 1 → 0.5; vector rank 3 score 0.1 → 0.
	want := Result{ID: 1, Score: 0.5,
		Lexical: Side{Rank: 1, Score: 10, Contribution: 0.5},
		Vector:  Side{Rank: 3, Score: 0.1, Contribution: 0}}
	if got[1] != want {
		t.Fatalf("got %+v want %+v", got[1], want)
	}
	// doc 3 is absent from the vector side.
	if d := got[3]; d.ID != 3 || d.Vector != (Side{}) || d.Lexical.Rank != 3 {
		t.Fatalf("doc 3: %+v", d)
	}
}

// TestNormalisation checks the per-side scaling of Linear and Relative on the vector side
// alone (alpha 0), so each fused score is the normalised score itself.
func TestNormalisation(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		name   string
		method Method
		list   []Ranked
		want   []float64 // normalised score of each list entry, in list order
	}{
		// relative: rel(s) = 1 − (best − s)/D, D = max(|best|, best − worst)
		{"relative positive", Relative, []Ranked{{1, 4}, {2, 3}, {3, 1}}, []float64{1, 0.75, 0.25}},          // D = 4: s/4
		{"relative worst zero", Relative, []Ranked{{1, 4}, {2, 0}}, []float64{1, 0}},                         // D = 4
		{"relative all negative wide", Relative, []Ranked{{1, -1}, {2, -2}, {3, -5}}, []float64{1, 0.75, 0}}, // D = max(1, 4) = 4
		{"relative all negative narrow", Relative, []Ranked{{1, -10}, {2, -12}}, []float64{1, 0.8}},          // D = max(10, 2) = 10
		{"relative mixed sign", Relative, []Ranked{{1, 0.5}, {2, 0.1}, {3, -0.3}}, []float64{1, 0.5, 0}},     // D = max(0.5, 0.8) = 0.8
		{"relative best zero", Relative, []Ranked{{1, 0}, {2, -1}, {3, -4}}, []float64{1, 0.75, 0}},          // D = max(0, 4) = 4
		{"relative all equal positive", Relative, []Ranked{{1, 3}, {2, 3}}, []float64{1, 1}},
		{"relative all equal negative", Relative, []Ranked{{1, -3}, {2, -3}}, []float64{1, 1}},
		{"relative all zero", Relative, []Ranked{{1, 0}, {2, 0}}, []float64{1, 1}},
		{"relative single positive", Relative, []Ranked{{1, 7}}, []float64{1}},
		{"relative single negative", Relative, []Ranked{{1, -7}}, []float64{1}},
		{"relative scale invariant", Relative, []Ranked{{1, 400}, {2, 300}, {3, 100}}, []float64{1, 0.75, 0.25}},
		{"relative huge range", Relative, []Ranked{{1, math.MaxFloat64}, {2, -math.MaxFloat64}}, []float64{1, 0}},
		{"relative huge negative", Relative, []Ranked{{1, -math.MaxFloat64}, {2, -math.MaxFloat64}}, []float64{1, 1}},
		{"linear spread", Linear, []Ranked{{1, 4}, {2, 3}, {3, 1}}, []float64{1, 2.0 / 3, 0}},
		{"linear negative", Linear, []Ranked{{1, -1}, {2, -2}, {3, -5}}, []float64{1, 0.75, 0}},
		{"linear all equal", Linear, []Ranked{{1, 2}, {2, 2}, {3, 2}}, []float64{1, 1, 1}},
		{"linear single", Linear, []Ranked{{1, -2}}, []float64{1}},
		{"linear huge range", Linear, []Ranked{{1, math.MaxFloat64}, {2, 0}, {3, -math.MaxFloat64}}, []float64{1, 0.5, 0}},
		// non-finite: +Inf → 1, NaN and −Inf → 0; the finite scores set the scale.
		{"linear non-finite", Linear, []Ranked{{1, inf}, {2, 3}, {3, 1}, {4, nan}, {5, -inf}}, []float64{1, 1, 0, 0, 0}},
		{"relative only non-finite", Relative, []Ranked{{1, inf}, {2, nan}}, []float64{1, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Fuse(nil, c.list, 0, Options{Method: c.method, Alpha: new(0.0)})
			byID := map[uint32]float64{}
			for _, r := range got {
				if r.Score < 0 || r.Score > 1 {
					t.Fatalf("score %v outside [0,1]", r.Score)
				}
				byID[r.ID] = r.Score
			}
			prev := math.Inf(1)
			for i, r := range c.list {
				s := byID[r.ID]
				if math.Abs(s-c.want[i]) > 1e-12 {
					t.Fatalf("entry %d (score %v): normalised %.15g, want %.15g", i, r.Score, s, c.want[i])
				}
				if !math.IsNaN(r.Score) && s > prev {
					t.Fatalf("order within the side not kept at entry %d", i)
				}
				prev = s
			}
		})
	}
}

func TestOptions(t *testing.T) {
	var o Options
	o.EnsureDefaults()
	if o.Method != RRF || o.Alpha == nil || *o.Alpha != 0.5 || o.RRFK != 60 {
		t.Fatalf("defaults: %+v", o)
	}
	explicit := Options{Method: Linear, Alpha: new(0.0), RRFK: 5}
	explicit.EnsureDefaults()
	if explicit.Method != Linear || *explicit.Alpha != 0 || explicit.RRFK != 5 {
		t.Fatalf("EnsureDefaults overwrote explicit values: %+v", explicit)
	}
	cases := []struct {
		name string
		o    Options
		ok   bool
	}{
		{"zero", Options{}, true},
		{"relative alpha 1", Options{Method: Relative, Alpha: new(1.0)}, true},
		{"unknown method", Options{Method: "borda"}, false},
		{"alpha above 1", Options{Alpha: new(1.5)}, false},
		{"alpha negative", Options{Alpha: new(-0.1)}, false},
		{"alpha NaN", Options{Alpha: new(math.NaN())}, false},
		{"k negative", Options{RRFK: -1}, false},
		{"k infinite", Options{RRFK: math.Inf(1)}, false},
	}
	for _, c := range cases {
		err := c.o.Validate()
		if (err == nil) != c.ok {
			t.Fatalf("%s: Validate() = %v, want ok=%v", c.name, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrOptions) {
			t.Fatalf("%s: %v does not wrap ErrOptions", c.name, err)
		}
	}
	// invalid options never make Fuse fail: they fall back to usable values.
	got := Fuse(exLex, exVec, 10, Options{Method: "borda", Alpha: new(math.NaN()), RRFK: -3})
	checkResults(t, got, []want{{2, 0.5/62 + 0.5/61}, {1, 0.5/61 + 0.5/63}, {4, 0.5 / 62}, {3, 0.5 / 63}})
}

// referenceFuse is the obvious map-based implementation, written from the formulas in the
// doc comments; the property test holds Fuser to it.
func referenceFuse(lex, vec []Ranked, o Options) map[uint32]float64 {
	o.EnsureDefaults()
	alpha := *o.Alpha
	out := map[uint32]float64{}
	side := func(list []Ranked, w float64) {
		first := map[uint32]int{}
		var kept []Ranked
		for i, r := range list {
			if _, dup := first[r.ID]; !dup {
				first[r.ID] = i + 1
				kept = append(kept, r)
			}
		}
		best, worst := math.Inf(-1), math.Inf(1)
		for _, r := range kept {
			best, worst = max(best, r.Score), min(worst, r.Score)
		}
		for _, r := range kept {
			out[r.ID] += 0 // present in the union even with weight 0
			switch o.Method {
			case RRF:
				out[r.ID] += w / (o.RRFK + float64(first[r.ID]))
			case Linear:
				n := 1.0
				if best > worst {
					n = (r.Score - worst) / (best - worst)
				}
				out[r.ID] += w * n
			case Relative:
				d := max(math.Abs(best), best-worst)
				n := 1.0
				if d > 0 {
					n = 1 - (best-r.Score)/d
				}
				out[r.ID] += w * n
			}
		}
	}
	side(lex, alpha)
	side(vec, 1-alpha)
	return out
}

func randomList(r *rand.Rand, n, idRange int) []Ranked {
	list := make([]Ranked, n)
	score := r.NormFloat64() * 10
	for i := range list {
		list[i] = Ranked{ID: uint32(r.IntN(idRange)), Score: score}
		if r.IntN(4) != 0 { // leave some ties
			score -= r.ExpFloat64()
		}
	}
	return list
}

func TestFuseAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var f Fuser
	var buf []Result
	methods := []Method{RRF, Linear, Relative}
	for iter := 0; iter < 2000; iter++ {
		idRange := 1 + r.IntN(300)
		lex := randomList(r, r.IntN(120), idRange)
		vec := randomList(r, r.IntN(120), idRange)
		o := Options{Method: methods[iter%3], Alpha: new(float64(r.IntN(5)) / 4), RRFK: float64(r.IntN(3) * 30)}
		k := r.IntN(40) - 5
		ref := referenceFuse(lex, vec, o)
		buf = f.Fuse(buf[:0], lex, vec, k, o)
		wantLen := len(ref)
		if k > 0 && k < wantLen {
			wantLen = k
		}
		if len(buf) != wantLen {
			t.Fatalf("iter %d: %d results, want %d", iter, len(buf), wantLen)
		}
		seen := map[uint32]bool{}
		for i, res := range buf {
			refScore, ok := ref[res.ID]
			if !ok || seen[res.ID] {
				t.Fatalf("iter %d: unexpected or repeated id %d", iter, res.ID)
			}
			seen[res.ID] = true
			if math.Abs(refScore-res.Score) > 1e-9 {
				t.Fatalf("iter %d: id %d score %v, reference %v", iter, res.ID, res.Score, refScore)
			}
			if i > 0 {
				p := buf[i-1]
				if p.Score < res.Score || (p.Score == res.Score && p.ID > res.ID) {
					t.Fatalf("iter %d: results out of order at %d: %+v then %+v", iter, i, p, res)
				}
			}
		}
		if len(buf) > 0 {
			last := buf[len(buf)-1].Score
			for id, s := range ref {
				if !seen[id] && s > last+1e-9 {
					t.Fatalf("iter %d: id %d (score %v) left out while %v made the top %d", iter, id, s, last, k)
				}
			}
		}
	}
}

func TestFuserDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lex, vec := randomList(r, 100, 150), randomList(r, 100, 150)
	var f Fuser
	buf := make([]Result, 0, 200)
	for _, m := range []Method{RRF, Linear, Relative} {
		o := Options{Method: m, Alpha: new(0.3)}
		buf = f.Fuse(buf[:0], lex, vec, 10, o)
		allocs := testing.AllocsPerRun(20, func() { buf = f.Fuse(buf[:0], lex, vec, 10, o) })
		if allocs != 0 {
			t.Fatalf("%s: %v allocations per warm Fuse", m, allocs)
		}
	}
}

// FuzzFuse checks the invariants on arbitrary scores and IDs: no panic, results unique,
// ordered, within the union, and normalised methods in [0,1].
func FuzzFuse(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(0), uint8(2), int8(5))
	f.Add([]byte{0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0x7f, 0xf8}, uint8(2), uint8(4), int8(0))
	f.Fuzz(func(t *testing.T, data []byte, method, alpha uint8, k int8) {
		var lists [2][]Ranked
		for i := 0; i+9 <= len(data); i += 9 {
			bits := uint64(0)
			for _, b := range data[i+1 : i+9] {
				bits = bits<<8 | uint64(b)
			}
			side := int(data[i] & 1)
			lists[side] = append(lists[side], Ranked{ID: uint32(data[i] >> 1), Score: math.Float64frombits(bits)})
		}
		m := []Method{RRF, Linear, Relative}[int(method)%3]
		o := Options{Method: m, Alpha: new(float64(alpha%5) / 4)}
		res := Fuse(lists[0], lists[1], int(k), o)
		seen := map[uint32]bool{}
		for i, r := range res {
			if seen[r.ID] || math.IsNaN(r.Score) {
				t.Fatalf("bad result %d: %+v", i, r)
			}
			seen[r.ID] = true
			if m != RRF && (r.Score < 0 || r.Score > 1) {
				t.Fatalf("%s score %v outside [0,1]", m, r.Score)
			}
			if i > 0 && (res[i-1].Score < r.Score || (res[i-1].Score == r.Score && res[i-1].ID > r.ID)) {
				t.Fatalf("out of order at %d", i)
			}
		}
	})
}

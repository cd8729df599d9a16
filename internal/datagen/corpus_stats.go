package datagen

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// TextStats are the term statistics a generated corpus should share with real text. Words
// are lower-cased runs of letters and digits (an analyzer's terms, unstemmed); lengths
// count whitespace-separated words, as the shared data's README does.
type TextStats struct {
	Documents int
	Words     int64
	Types     int
	Hapax     int // types seen once
	// HeapsK and HeapsBeta fit Types = K·Words^β over the last two decades of the growth
	// curve (log-spaced points in Growth).
	HeapsK, HeapsBeta float64
	Growth            [][2]int64
	// ZipfSlope is the slope of log count against log rank between ranks 100 and 10,000.
	ZipfSlope                    float64
	LenMean                      float64
	LenP5, LenMedian, LenP95     int
	Repeat                       float64 // share of words repeating an earlier word of their document
	MeanDF                       float64 // documents per type
	DFTop10                      []int   // document frequency of the 10 most frequent types
	lengths                      []int
	counts                       map[string]int
	df                           map[string]int
	nextPoint                    int64
	repeats                      int64
	seenInDoc                    map[string]bool
	lastGrowthWords, lastGrowthN int64
}

// NewTextStats returns an empty collector.
func NewTextStats() *TextStats {
	return &TextStats{counts: map[string]int{}, df: map[string]int{}, seenInDoc: map[string]bool{}, nextPoint: 1000}
}

// Add counts one document.
func (s *TextStats) Add(text string) {
	s.Documents++
	s.lengths = append(s.lengths, len(strings.Fields(text)))
	clear(s.seenInDoc)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		s.Words++
		s.counts[w]++
		if s.seenInDoc[w] {
			s.repeats++
		} else {
			s.seenInDoc[w] = true
			s.df[w]++
		}
		if s.Words == s.nextPoint {
			s.Growth = append(s.Growth, [2]int64{s.Words, int64(len(s.counts))})
			s.nextPoint = s.nextPoint * 5 / 4
		}
	}
}

// Finish computes the summary fields.
func (s *TextStats) Finish() {
	s.Types = len(s.counts)
	s.Hapax = 0
	freq := make([]int, 0, len(s.counts))
	for _, c := range s.counts {
		if c == 1 {
			s.Hapax++
		}
		freq = append(freq, c)
	}
	slices.Sort(freq)
	slices.Reverse(freq)
	if len(freq) >= 10000 {
		s.ZipfSlope = (math.Log(float64(freq[9999])) - math.Log(float64(freq[99]))) / (math.Log(10000) - math.Log(100))
	}
	var pts [][2]float64
	for _, p := range s.Growth {
		if p[0] >= s.Words/100 {
			pts = append(pts, [2]float64{float64(p[0]), float64(p[1])})
		}
	}
	s.HeapsK, s.HeapsBeta = fitPowerLaw(pts)
	if len(s.lengths) > 0 {
		l := slices.Clone(s.lengths)
		slices.Sort(l)
		var sum int
		for _, x := range l {
			sum += x
		}
		s.LenMean = float64(sum) / float64(len(l))
		s.LenP5, s.LenMedian, s.LenP95 = l[len(l)*5/100], l[len(l)/2], l[len(l)*95/100]
	}
	if s.Words > 0 {
		s.Repeat = float64(s.repeats) / float64(s.Words)
	}
	var dfSum int
	for _, d := range s.df {
		dfSum += d
	}
	if s.Types > 0 {
		s.MeanDF = float64(dfSum) / float64(s.Types)
	}
	type wc struct {
		w string
		c int
	}
	var top []wc
	for w, c := range s.counts {
		top = append(top, wc{w, c})
	}
	slices.SortFunc(top, func(a, b wc) int {
		if a.c != b.c {
			return b.c - a.c
		}
		return strings.Compare(a.w, b.w)
	})
	s.DFTop10 = nil
	for _, t := range top[:min(10, len(top))] {
		s.DFTop10 = append(s.DFTop10, s.df[t.w])
	}
}

// TypesAt returns the vocabulary size after the first n words (from the growth curve).
func (s *TextStats) TypesAt(n int64) int64 {
	var best int64
	for _, p := range s.Growth {
		if p[0] <= n {
			best = p[1]
		}
	}
	return best
}

// String is a one-paragraph summary.
func (s *TextStats) String() string {
	return fmt.Sprintf("%d docs, %d words, %d types (%d hapax), Heaps V = %.1f·N^%.3f, Zipf slope %.2f, "+
		"length mean %.1f p5/median/p95 %d/%d/%d, in-doc repeats %.3f, mean df %.2f, df of top 10 %v",
		s.Documents, s.Words, s.Types, s.Hapax, s.HeapsK, s.HeapsBeta, s.ZipfSlope, s.LenMean,
		s.LenP5, s.LenMedian, s.LenP95, s.Repeat, s.MeanDF, s.DFTop10)
}

// fitPowerLaw fits y = K·x^β by least squares in log-log space.
func fitPowerLaw(pts [][2]float64) (k, beta float64) {
	var sx, sy, sxx, sxy, n float64
	for _, p := range pts {
		x, y := math.Log(p[0]), math.Log(p[1])
		sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
	}
	if n < 2 || n*sxx-sx*sx == 0 {
		return 0, 0
	}
	beta = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return math.Exp((sy - beta*sx) / n), beta
}

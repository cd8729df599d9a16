package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
)

// newFlagSet returns a flag set whose errors come back to the caller (exit code 2).
func newFlagSet(name string, u *ui) *flag.FlagSet {
	fs := flag.NewFlagSet("vajra "+name, flag.ContinueOnError)
	fs.SetOutput(u.err)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// varSetter is what registering a checked numeric flag needs of a flag set.
type varSetter interface {
	Var(flag.Value, string, string)
}

// anyInt is the upper bound of a flag with no upper bound of its own.
const anyInt = math.MaxInt

// intVar defines an int flag whose value must lie in [lo, hi]. Checking while parsing makes
// an out-of-range value a usage error (exit 2) rather than a silent fall-back to a default.
func intVar(fs varSetter, p *int, name string, value, lo, hi int, usage string) {
	*p = value
	fs.Var(&intFlag{p: p, lo: lo, hi: hi}, name, usage+" (`int` "+rangeShort(float64(lo), float64(hi), hi == anyInt)+")")
}

// floatVar is intVar for float64 flags; NaN is never in range.
func floatVar(fs varSetter, p *float64, name string, value, lo, hi float64, usage string) {
	*p = value
	fs.Var(&floatFlag{p: p, lo: lo, hi: hi}, name, usage+" (`float` "+rangeShort(lo, hi, math.IsInf(hi, 1))+")")
}

type intFlag struct {
	p      *int
	lo, hi int
}

func (f *intFlag) String() string {
	if f == nil || f.p == nil {
		return "0"
	}
	return strconv.Itoa(*f.p)
}

func (f *intFlag) Set(s string) error {
	v, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return errors.New("not an integer")
	}
	if int(v) < f.lo || int(v) > f.hi {
		return fmt.Errorf("%d is out of range: want %s", v, rangeText(float64(f.lo), float64(f.hi), f.hi == anyInt))
	}
	*f.p = int(v)
	return nil
}

type floatFlag struct {
	p      *float64
	lo, hi float64
}

func (f *floatFlag) String() string {
	if f == nil || f.p == nil {
		return "0"
	}
	return strconv.FormatFloat(*f.p, 'g', -1, 64)
}

func (f *floatFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	if !(v >= f.lo && v <= f.hi) {
		return fmt.Errorf("%s is out of range: want %s", s, rangeText(f.lo, f.hi, math.IsInf(f.hi, 1)))
	}
	*f.p = v
	return nil
}

func rangeText(lo, hi float64, open bool) string {
	return "a number " + rangeShort(lo, hi, open)
}

// rangeShort writes [lo, hi] for help and error texts: "≥ 0", "> 0", "in [0, 1]".
func rangeShort(lo, hi float64, open bool) string {
	switch {
	case lo > 0 && lo < 1e-300 && open:
		return "> 0"
	case lo > 0 && lo < 1e-300:
		return fmt.Sprintf("in (0, %g]", hi)
	case open:
		return fmt.Sprintf("≥ %g", lo)
	}
	return fmt.Sprintf("in [%g, %g]", lo, hi)
}

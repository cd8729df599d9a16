#!/usr/bin/env python3
"""Prints the piecewise polynomial table of erf used by ops.go (erfPieces).

erf on [0, 4) is cut into 8 intervals of width 1/2; on each, a degree-6 polynomial in
(x - start) is fitted by least squares at 64 Chebyshev nodes, which is within a few
percent of the best uniform fit. The worst error over a fine grid, in float64, is printed
too (about 1.7e-8); ops_test.go checks the Go evaluation against math.Erf.

  python3 internal/embed/bert/testdata/gen_erf.py
"""
import math

import numpy as np

WIDTH, DEGREE, PIECES, NODES = 0.5, 6, 8, 64


def main():
    erf = np.vectorize(math.erf)
    worst = 0.0
    print("var erfPieces = [%d][%d]float64{" % (PIECES, DEGREE + 1))
    for k in range(PIECES):
        a = k * WIDTH
        t = np.cos(np.pi * (np.arange(NODES) + 0.5) / NODES)
        x = a + (t + 1) / 2 * WIDTH
        c = np.polyfit(x - a, erf(x), DEGREE)[::-1]  # constant term first
        xs = np.linspace(a, a + WIDTH, 4001)
        worst = max(worst, float(np.max(np.abs(np.polyval(c[::-1], xs - a) - erf(xs)))))
        print("\t{" + ", ".join("%.17g" % v for v in c) + "},")
    print("}")
    print("// worst float64 error %.3g" % worst)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints the constants of the GELU and exp kernels (activation.go, activation_amd64.s).

GELU(x) = x·Φ(x), and Φ(-|x|) = erfc(u)/2 = e^(-u²)·erfcx(u)/2 with u = |x|/√2, where
erfcx(u) = e^(u²)·erfc(u) is smooth and bounded. With t = 1/(1 + u/2), which maps u ∈ [0, ∞)
onto t ∈ (0, 1], erfcx is a smooth function of t (it tends to t/(2√π) as t → 0); a degree-9
polynomial in t, fitted by least squares at 400 Chebyshev nodes of [0, 1], approximates it
to within about 1e-8, so that Φ needs no table and no branch. The worst errors of Φ and, in
float32 arithmetic, of GELU over x ∈ [0, 20] are printed as well.

  python3 internal/vector/kernel/testdata/gen_gelu.py
"""
import math
import struct

import numpy as np

DEGREE, NODES, A = 9, 400, 0.5


def erfcx(u):
    if u < 25:
        return math.erfc(u) * math.exp(u * u)
    s, term = 1.0, 1.0  # asymptotic series, far past float32's reach of Φ
    for k in range(1, 8):
        term *= -(2 * k - 1) / (2 * u * u)
        s += term
    return s / (u * math.sqrt(math.pi))


def f32bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def main():
    t = (np.cos(np.pi * (np.arange(NODES) + 0.5) / NODES) + 1) / 2
    t = np.clip(t, 1e-12, 1)
    u = (1 / t - 1) / A
    c = np.polyfit(t, [erfcx(v) for v in u], DEGREE)  # highest power first
    c32 = c.astype(np.float32)
    xs = np.linspace(0, 20, 40001)
    us = xs / math.sqrt(2)
    true = np.array([0.5 * math.erfc(v) for v in us])
    h = 0.5 * np.exp(-us ** 2) * np.polyval(c, 1 / (1 + A * us))
    q = np.zeros(len(xs), dtype=np.float32)
    t32 = (1 / (1 + np.float32(A) * us.astype(np.float32))).astype(np.float32)
    for cc in c32:
        q = (q * t32 + cc).astype(np.float32)
    h32 = np.float32(0.5) * np.exp(-(us.astype(np.float32) ** 2)).astype(np.float32) * q
    print("// Φ error %.3g, GELU error in float32 %.3g" % (
        np.max(np.abs(h - true)), np.max(np.abs(xs * (h32.astype(np.float64) - true)))))
    print("var geluPoly = [%d]float32{ // highest power first" % (DEGREE + 1))
    for v in c32:
        print("\t%r," % float(v))
    print("}")
    for i, v in enumerate(c32):
        print("CONST8(geluQ%d, $0x%08x) // %r" % (DEGREE - i, f32bits(float(v)), float(v)))


if __name__ == "__main__":
    main()

//go:build !purego

#include "textflag.h"

// AVX2+FMA softmax and GELU, eight values at a time; a last partial group is loaded and
// stored through a lane mask (VMASKMOVPS), which never touches memory past the slice.

// CONST8(name, bits) defines name<> as eight copies of a float32, for memory operands.
#define CONST8(name, bits) \
	DATA name<>+0(SB)/4, bits \
	DATA name<>+4(SB)/4, bits \
	DATA name<>+8(SB)/4, bits \
	DATA name<>+12(SB)/4, bits \
	DATA name<>+16(SB)/4, bits \
	DATA name<>+20(SB)/4, bits \
	DATA name<>+24(SB)/4, bits \
	DATA name<>+28(SB)/4, bits \
	GLOBL name<>(SB), RODATA|NOPTR, $32

CONST8(one, $0x3f800000)
CONST8(half, $0x3f000000)
CONST8(negInf, $0xff800000)
CONST8(absMask, $0x7fffffff)
CONST8(signBit, $0x80000000)
CONST8(invSqrt2, $0x3f3504f3)
CONST8(expLo, $0xc2aeac4f)    // -87.33654
CONST8(expHi, $0x42b0c0a5)    // 88.37626
CONST8(log2e, $0x3fb8aa3b)
CONST8(ln2hi, $0x3f317200)    // 0.693145751953125
CONST8(ln2lo, $0x35bfbe8e)    // 1.428606765330187e-06
CONST8(expC3, $0x3e2aaaab)    // 1/6
CONST8(expC4, $0x3d2aaaab)    // 1/24
CONST8(expC5, $0x3c088889)    // 1/120
CONST8(expC6, $0x3ab60b61)    // 1/720
CONST8(expC7, $0x39500d01)    // 1/5040
CONST8(bias127, $0x0000007f)
CONST8(geluQ9, $0xbd66bae3)   // geluPoly, highest power first (testdata/gen_gelu.py)
CONST8(geluQ8, $0x3e8b4cf1)
CONST8(geluQ7, $0xbeed35e5)
CONST8(geluQ6, $0x3e81ae0e)
CONST8(geluQ5, $0xbc3ca845)
CONST8(geluQ4, $0x3e49f222)
CONST8(geluQ3, $0x3e7a186c)
CONST8(geluQ2, $0x3e908405)
CONST8(geluQ1, $0x3e906e38)
CONST8(geluQ0, $0x328233b1)

// actMask<>+32-4r is a mask with the first r of eight lanes set.
DATA actMask<>+0(SB)/4, $0xffffffff
DATA actMask<>+4(SB)/4, $0xffffffff
DATA actMask<>+8(SB)/4, $0xffffffff
DATA actMask<>+12(SB)/4, $0xffffffff
DATA actMask<>+16(SB)/4, $0xffffffff
DATA actMask<>+20(SB)/4, $0xffffffff
DATA actMask<>+24(SB)/4, $0xffffffff
DATA actMask<>+28(SB)/4, $0xffffffff
DATA actMask<>+32(SB)/4, $0
DATA actMask<>+36(SB)/4, $0
DATA actMask<>+40(SB)/4, $0
DATA actMask<>+44(SB)/4, $0
DATA actMask<>+48(SB)/4, $0
DATA actMask<>+52(SB)/4, $0
DATA actMask<>+56(SB)/4, $0
DATA actMask<>+60(SB)/4, $0
GLOBL actMask<>(SB), RODATA|NOPTR, $64

// LANE_MASK(M) loads into M the mask for the CX (< 8) lanes left; it clobbers AX and CX.
#define LANE_MASK(M) \
	LEAQ    actMask<>+32(SB), AX \
	SHLQ    $2, CX \
	SUBQ    CX, AX \
	VMOVDQU (AX), M

// EXP(X, N, R, P, M) replaces X by e^X (0 where X < expLo): X = n·ln2 + r, e^r by its
// Taylor polynomial of degree 7, times 2ⁿ built in the exponent bits.
#define EXP(X, N, R, P, M) \
	VCMPPS       $0x1d, expLo<>(SB), X, M \
	VMAXPS       expLo<>(SB), X, X \
	VMINPS       expHi<>(SB), X, X \
	VMULPS       log2e<>(SB), X, N \
	VROUNDPS     $8, N, N \
	VMOVAPS      X, R \
	VFNMADD231PS ln2hi<>(SB), N, R \
	VFNMADD231PS ln2lo<>(SB), N, R \
	VMOVUPS      expC7<>(SB), P \
	VFMADD213PS  expC6<>(SB), R, P \
	VFMADD213PS  expC5<>(SB), R, P \
	VFMADD213PS  expC4<>(SB), R, P \
	VFMADD213PS  expC3<>(SB), R, P \
	VFMADD213PS  half<>(SB), R, P \
	VFMADD213PS  one<>(SB), R, P \
	VFMADD213PS  one<>(SB), R, P \
	VCVTPS2DQ    N, N \
	VPADDD       bias127<>(SB), N, N \
	VPSLLD       $23, N, N \
	VMULPS       N, P, X \
	VANDPS       M, X, X

// GELU_Y1 replaces Y1 by Y1·Φ(Y1) (see geluGeneric); it uses Y2-Y9.
#define GELU_Y1 \
	VANDPS      absMask<>(SB), Y1, Y2 \
	VMULPS      invSqrt2<>(SB), Y2, Y2 \
	VMULPS      half<>(SB), Y2, Y3 \
	VADDPS      one<>(SB), Y3, Y3 \
	VMOVUPS     one<>(SB), Y4 \
	VDIVPS      Y3, Y4, Y4 \
	VMOVUPS     geluQ9<>(SB), Y5 \
	VFMADD213PS geluQ8<>(SB), Y4, Y5 \
	VFMADD213PS geluQ7<>(SB), Y4, Y5 \
	VFMADD213PS geluQ6<>(SB), Y4, Y5 \
	VFMADD213PS geluQ5<>(SB), Y4, Y5 \
	VFMADD213PS geluQ4<>(SB), Y4, Y5 \
	VFMADD213PS geluQ3<>(SB), Y4, Y5 \
	VFMADD213PS geluQ2<>(SB), Y4, Y5 \
	VFMADD213PS geluQ1<>(SB), Y4, Y5 \
	VFMADD213PS geluQ0<>(SB), Y4, Y5 \
	VMULPS      Y2, Y2, Y3 \
	VXORPS      signBit<>(SB), Y3, Y3 \
	EXP(Y3, Y6, Y7, Y8, Y9) \
	VMULPS      Y5, Y3, Y3 \
	VMULPS      half<>(SB), Y3, Y3 \
	VMOVUPS     one<>(SB), Y4 \
	VSUBPS      Y3, Y4, Y4 \
	VBLENDVPS   Y1, Y3, Y4, Y4 \
	VMULPS      Y4, Y1, Y2 \
	VCMPPS      $0, negInf<>(SB), Y1, Y3 \
	VANDNPS     Y2, Y3, Y1

// func geluAVX2(x *float32, n int)
TEXT ·geluAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX

gelu8:
	CMPQ    CX, $8
	JB      gelutail
	VMOVUPS (SI), Y1
	GELU_Y1
	VMOVUPS Y1, (SI)
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     gelu8

gelutail:
	TESTQ      CX, CX
	JZ         geludone
	LANE_MASK(Y15)
	VMASKMOVPS (SI), Y15, Y1
	GELU_Y1
	VMASKMOVPS Y1, Y15, (SI)

geludone:
	VZEROUPPER
	RET

// func softmaxAVX2(x *float32, n int, scale float32)
TEXT ·softmaxAVX2(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), BX
	VBROADCASTSS scale+16(FP), Y15

	// Pass 1: scale in place, and the largest value into Y14.
	VMOVUPS negInf<>(SB), Y0
	MOVQ    DI, SI
	MOVQ    BX, CX

max8:
	CMPQ    CX, $8
	JB      maxtail
	VMULPS  (SI), Y15, Y1
	VMOVUPS Y1, (SI)
	VMAXPS  Y1, Y0, Y0
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     max8

maxtail:
	TESTQ      CX, CX
	JZ         maxdone
	LANE_MASK(Y7)
	VMASKMOVPS (SI), Y7, Y1
	VMULPS     Y1, Y15, Y1
	VMASKMOVPS Y1, Y7, (SI)
	VMOVUPS    negInf<>(SB), Y2
	VBLENDVPS  Y7, Y1, Y2, Y1
	VMAXPS     Y1, Y0, Y0

maxdone:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VBROADCASTSS X0, Y14

	// Pass 2: e^(x - max) in place, summed lane by lane in Y13.
	VXORPS Y13, Y13, Y13
	MOVQ   DI, SI
	MOVQ   BX, CX

exp8:
	CMPQ    CX, $8
	JB      exptail
	VMOVUPS (SI), Y1
	VSUBPS  Y14, Y1, Y1
	EXP(Y1, Y2, Y3, Y4, Y5)
	VMOVUPS Y1, (SI)
	VADDPS  Y1, Y13, Y13
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     exp8

exptail:
	TESTQ      CX, CX
	JZ         expdone
	LANE_MASK(Y7)
	VMASKMOVPS (SI), Y7, Y1
	VSUBPS     Y14, Y1, Y1
	EXP(Y1, Y2, Y3, Y4, Y5)
	VANDPS     Y7, Y1, Y1
	VMASKMOVPS Y1, Y7, (SI)
	VADDPS     Y1, Y13, Y13

expdone:
	VEXTRACTF128 $1, Y13, X1
	VADDPS       X1, X13, X0
	VPERMILPS    $0x4e, X0, X1
	VADDPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VADDPS       X1, X0, X0
	VMOVSS       one<>(SB), X1
	VDIVSS       X0, X1, X1
	VBROADCASTSS X1, Y12

	// Pass 3: divide by the sum.
	MOVQ DI, SI
	MOVQ BX, CX

div8:
	CMPQ    CX, $8
	JB      divtail
	VMULPS  (SI), Y12, Y1
	VMOVUPS Y1, (SI)
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     div8

divtail:
	TESTQ      CX, CX
	JZ         done
	LANE_MASK(Y7)
	VMASKMOVPS (SI), Y7, Y1
	VMULPS     Y1, Y12, Y1
	VMASKMOVPS Y1, Y7, (SI)

done:
	VZEROUPPER
	RET

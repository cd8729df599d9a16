//go:build !purego

#include "textflag.h"

// AVX2+FMA pair kernels over n dimensions, n a multiple of 8 (the Go side adds the rest).
// R8 walks lo, R9 step, SI the codes a, DI the codes b, CX counts the dimensions left.
// The dot product accumulates in Y0, Y1, Y4 and Y5 (four independent chains of FMAs), the
// distance in Y0 and Y1; the other registers hold operands. Codes are widened to int32 (VPMOVZXBD) and
// converted to float32, which is exact for 0..255.

// REDUCE_PAIR folds Y0 and Y1 into the low lane of X0.
#define REDUCE_PAIR \
	VADDPS       Y1, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVSHDUP    X0, X1 \
	VADDSS       X1, X0, X0

// PAIR_DOT8(off, acc) adds the products of the decoded dimensions [off, off+8) to acc,
// using Y2, Y3, Y6, Y7.
#define PAIR_DOT8(off, acc) \
	VPMOVZXBD   off(SI), Y2 \
	VPMOVZXBD   off(DI), Y3 \
	VCVTDQ2PS   Y2, Y2 \
	VCVTDQ2PS   Y3, Y3 \
	VMOVUPS     (off*4)(R8), Y6 \
	VMOVUPS     (off*4)(R9), Y7 \
	VFMADD213PS Y6, Y7, Y2 \
	VFMADD213PS Y6, Y7, Y3 \
	VFMADD231PS Y3, Y2, acc

// func dotSQ8PairAVX2(lo, step *float32, a, b *uint8, n int) float32
TEXT ·dotSQ8PairAVX2(SB), NOSPLIT, $0-44
	MOVQ   lo+0(FP), R8
	MOVQ   step+8(FP), R9
	MOVQ   a+16(FP), SI
	MOVQ   b+24(FP), DI
	MOVQ   n+32(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	CMPQ   CX, $32
	JB     pd_tail8

pd_loop32:
	PAIR_DOT8(0, Y0)
	PAIR_DOT8(8, Y1)
	PAIR_DOT8(16, Y4)
	PAIR_DOT8(24, Y5)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $128, R8
	ADDQ $128, R9
	SUBQ $32, CX
	CMPQ CX, $32
	JAE  pd_loop32

pd_tail8:
	CMPQ CX, $8
	JB   pd_reduce
	PAIR_DOT8(0, Y0)
	ADDQ $8, SI
	ADDQ $8, DI
	ADDQ $32, R8
	ADDQ $32, R9
	SUBQ $8, CX
	JMP  pd_tail8

pd_reduce:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	REDUCE_PAIR
	VMOVSS     X0, ret+40(FP)
	VZEROUPPER
	RET

// func l2SQ8PairAVX2(step *float32, a, b *uint8, n int) float32
TEXT ·l2SQ8PairAVX2(SB), NOSPLIT, $0-36
	MOVQ   step+0(FP), R9
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), DI
	MOVQ   n+24(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ   CX, $16
	JB     pl_tail8

pl_loop16:
	VPMOVZXBD   (SI), Y2
	VPMOVZXBD   (DI), Y3
	VPMOVZXBD   8(SI), Y4
	VPMOVZXBD   8(DI), Y5
	VPSUBD      Y3, Y2, Y2
	VPSUBD      Y5, Y4, Y4
	VCVTDQ2PS   Y2, Y2
	VCVTDQ2PS   Y4, Y4
	VMULPS      (R9), Y2, Y2
	VMULPS      32(R9), Y4, Y4
	VFMADD231PS Y2, Y2, Y0
	VFMADD231PS Y4, Y4, Y1
	ADDQ        $16, SI
	ADDQ        $16, DI
	ADDQ        $64, R9
	SUBQ        $16, CX
	CMPQ        CX, $16
	JAE         pl_loop16

pl_tail8:
	CMPQ        CX, $8
	JB          pl_reduce
	VPMOVZXBD   (SI), Y2
	VPMOVZXBD   (DI), Y3
	VPSUBD      Y3, Y2, Y2
	VCVTDQ2PS   Y2, Y2
	VMULPS      (R9), Y2, Y2
	VFMADD231PS Y2, Y2, Y0

pl_reduce:
	REDUCE_PAIR
	VMOVSS     X0, ret+32(FP)
	VZEROUPPER
	RET

//go:build !purego

#include "textflag.h"
#include "rows_amd64.h"

// AVX2+FMA kernels. Register use inside the bodies: SI walks a, DI walks b, CX counts the
// elements left, AX is scratch; Y0-Y3 are the four accumulators, Y4-Y7 loaded operands
// (Y7 also the tail mask).
// The single-vector and row-gathering functions expand the same body, so a row's result
// has exactly the bits of the single-vector call.

// tailMask<>+32-4r is a mask with the first r of eight lanes set: VMASKMOVPS loads only
// those lanes and never touches (or faults on) memory past the end of the vectors.
DATA tailMask<>+0(SB)/4, $0xffffffff
DATA tailMask<>+4(SB)/4, $0xffffffff
DATA tailMask<>+8(SB)/4, $0xffffffff
DATA tailMask<>+12(SB)/4, $0xffffffff
DATA tailMask<>+16(SB)/4, $0xffffffff
DATA tailMask<>+20(SB)/4, $0xffffffff
DATA tailMask<>+24(SB)/4, $0xffffffff
DATA tailMask<>+28(SB)/4, $0xffffffff
DATA tailMask<>+32(SB)/4, $0
DATA tailMask<>+36(SB)/4, $0
DATA tailMask<>+40(SB)/4, $0
DATA tailMask<>+44(SB)/4, $0
DATA tailMask<>+48(SB)/4, $0
DATA tailMask<>+52(SB)/4, $0
DATA tailMask<>+56(SB)/4, $0
DATA tailMask<>+60(SB)/4, $0
GLOBL tailMask<>(SB), RODATA|NOPTR, $64

// REDUCE_Y folds Y0-Y3 into the low lane of X0.
#define REDUCE_Y \
	VADDPS       Y1, Y0, Y0 \
	VADDPS       Y3, Y2, Y2 \
	VADDPS       Y2, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVSHDUP    X0, X1 \
	VADDSS       X1, X0, X0

// TAIL_MASK loads into Y7 the mask for the CX (< 8) elements left.
#define TAIL_MASK \
	LEAQ    tailMask<>+32(SB), AX \
	SHLQ    $2, CX \
	SUBQ    CX, AX \
	VMOVDQU (AX), Y7

#define DOT_AVX2 \
	VXORPS      Y0, Y0, Y0 \
	VXORPS      Y1, Y1, Y1 \
	VXORPS      Y2, Y2, Y2 \
	VXORPS      Y3, Y3, Y3 \
	CMPQ        CX, $32 \
	JB          dot_tail16 \
dot_loop32: \
	VMOVUPS     (SI), Y4 \
	VMOVUPS     32(SI), Y5 \
	VMOVUPS     64(SI), Y6 \
	VMOVUPS     96(SI), Y7 \
	VFMADD231PS (DI), Y4, Y0 \
	VFMADD231PS 32(DI), Y5, Y1 \
	VFMADD231PS 64(DI), Y6, Y2 \
	VFMADD231PS 96(DI), Y7, Y3 \
	ADDQ        $128, SI \
	ADDQ        $128, DI \
	SUBQ        $32, CX \
	CMPQ        CX, $32 \
	JAE         dot_loop32 \
dot_tail16: \
	CMPQ        CX, $16 \
	JB          dot_tail8 \
	VMOVUPS     (SI), Y4 \
	VMOVUPS     32(SI), Y5 \
	VFMADD231PS (DI), Y4, Y0 \
	VFMADD231PS 32(DI), Y5, Y1 \
	ADDQ        $64, SI \
	ADDQ        $64, DI \
	SUBQ        $16, CX \
dot_tail8: \
	CMPQ        CX, $8 \
	JB          dot_tail \
	VMOVUPS     (SI), Y6 \
	VFMADD231PS (DI), Y6, Y2 \
	ADDQ        $32, SI \
	ADDQ        $32, DI \
	SUBQ        $8, CX \
dot_tail: \
	TESTQ       CX, CX \
	JZ          dot_reduce \
	TAIL_MASK \
	VMASKMOVPS  (SI), Y7, Y4 \
	VMASKMOVPS  (DI), Y7, Y5 \
	VFMADD231PS Y5, Y4, Y3 \
dot_reduce: \
	REDUCE_Y

#define L2SQ_AVX2 \
	VXORPS      Y0, Y0, Y0 \
	VXORPS      Y1, Y1, Y1 \
	VXORPS      Y2, Y2, Y2 \
	VXORPS      Y3, Y3, Y3 \
	CMPQ        CX, $32 \
	JB          l2_tail16 \
l2_loop32: \
	VMOVUPS     (SI), Y4 \
	VMOVUPS     32(SI), Y5 \
	VMOVUPS     64(SI), Y6 \
	VMOVUPS     96(SI), Y7 \
	VSUBPS      (DI), Y4, Y4 \
	VSUBPS      32(DI), Y5, Y5 \
	VSUBPS      64(DI), Y6, Y6 \
	VSUBPS      96(DI), Y7, Y7 \
	VFMADD231PS Y4, Y4, Y0 \
	VFMADD231PS Y5, Y5, Y1 \
	VFMADD231PS Y6, Y6, Y2 \
	VFMADD231PS Y7, Y7, Y3 \
	ADDQ        $128, SI \
	ADDQ        $128, DI \
	SUBQ        $32, CX \
	CMPQ        CX, $32 \
	JAE         l2_loop32 \
l2_tail16: \
	CMPQ        CX, $16 \
	JB          l2_tail8 \
	VMOVUPS     (SI), Y4 \
	VMOVUPS     32(SI), Y5 \
	VSUBPS      (DI), Y4, Y4 \
	VSUBPS      32(DI), Y5, Y5 \
	VFMADD231PS Y4, Y4, Y0 \
	VFMADD231PS Y5, Y5, Y1 \
	ADDQ        $64, SI \
	ADDQ        $64, DI \
	SUBQ        $16, CX \
l2_tail8: \
	CMPQ        CX, $8 \
	JB          l2_tail \
	VMOVUPS     (SI), Y6 \
	VSUBPS      (DI), Y6, Y6 \
	VFMADD231PS Y6, Y6, Y2 \
	ADDQ        $32, SI \
	ADDQ        $32, DI \
	SUBQ        $8, CX \
l2_tail: \
	TESTQ       CX, CX \
	JZ          l2_reduce \
	TAIL_MASK \
	VMASKMOVPS  (SI), Y7, Y4 \
	VMASKMOVPS  (DI), Y7, Y5 \
	VSUBPS      Y5, Y4, Y4 \
	VFMADD231PS Y4, Y4, Y3 \
l2_reduce: \
	REDUCE_Y

// func dotAVX2(a, b *float32, n int) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-28
	MOVQ  a+0(FP), SI
	MOVQ  b+8(FP), DI
	MOVQ  n+16(FP), CX
	DOT_AVX2
	MOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func l2sqAVX2(a, b *float32, n int) float32
TEXT ·l2sqAVX2(SB), NOSPLIT, $0-28
	MOVQ  a+0(FP), SI
	MOVQ  b+8(FP), DI
	MOVQ  n+16(FP), CX
	L2SQ_AVX2
	MOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotRowsAVX2(q *float32, dim int, base *float32, rows int, ids []uint32, out *float32, window int) int
TEXT ·dotRowsAVX2(SB), NOSPLIT, $0-80
	ROWS_START(PREFETCHT1)
	DOT_AVX2
	ROWS_NEXT
	ROWS_END

// func l2sqRowsAVX2(q *float32, dim int, base *float32, rows int, ids []uint32, out *float32, window int) int
TEXT ·l2sqRowsAVX2(SB), NOSPLIT, $0-80
	ROWS_START(PREFETCHT1)
	L2SQ_AVX2
	ROWS_NEXT
	ROWS_END

//go:build !purego

#include "textflag.h"
#include "rows_amd64.h"

// AVX2 sq8 kernels. In the body SI walks the int16 weights, DI the uint8 codes, CX counts
// the dimensions left; Y0-Y3 accumulate int32 sums, Y4-Y7 hold operands; AX and R14 are
// scratch for the scalar tail. Codes are widened to int16 (VPMOVZXBW) and multiplied by
// the weights with VPMADDWD, which adds adjacent products into int32 lanes. The sum is
// left in AX.
#define DOT_SQ8 \
	VPXOR      Y0, Y0, Y0 \
	VPXOR      Y1, Y1, Y1 \
	VPXOR      Y2, Y2, Y2 \
	VPXOR      Y3, Y3, Y3 \
	CMPQ       CX, $64 \
	JB         sq8_tail32 \
sq8_loop64: \
	VPMOVZXBW  (DI), Y4 \
	VPMOVZXBW  16(DI), Y5 \
	VPMOVZXBW  32(DI), Y6 \
	VPMOVZXBW  48(DI), Y7 \
	VPMADDWD   (SI), Y4, Y4 \
	VPMADDWD   32(SI), Y5, Y5 \
	VPMADDWD   64(SI), Y6, Y6 \
	VPMADDWD   96(SI), Y7, Y7 \
	VPADDD     Y4, Y0, Y0 \
	VPADDD     Y5, Y1, Y1 \
	VPADDD     Y6, Y2, Y2 \
	VPADDD     Y7, Y3, Y3 \
	ADDQ       $64, DI \
	ADDQ       $128, SI \
	SUBQ       $64, CX \
	CMPQ       CX, $64 \
	JAE        sq8_loop64 \
sq8_tail32: \
	CMPQ       CX, $32 \
	JB         sq8_tail16 \
	VPMOVZXBW  (DI), Y4 \
	VPMOVZXBW  16(DI), Y5 \
	VPMADDWD   (SI), Y4, Y4 \
	VPMADDWD   32(SI), Y5, Y5 \
	VPADDD     Y4, Y0, Y0 \
	VPADDD     Y5, Y1, Y1 \
	ADDQ       $32, DI \
	ADDQ       $64, SI \
	SUBQ       $32, CX \
sq8_tail16: \
	CMPQ       CX, $16 \
	JB         sq8_tail8 \
	VPMOVZXBW  (DI), Y4 \
	VPMADDWD   (SI), Y4, Y4 \
	VPADDD     Y4, Y2, Y2 \
	ADDQ       $16, DI \
	ADDQ       $32, SI \
	SUBQ       $16, CX \
sq8_tail8: \
	CMPQ       CX, $8 \
	JB         sq8_tail \
	VPMOVZXBW  (DI), X4 \
	VPMADDWD   (SI), X4, X4 \
	VPADDD     Y4, Y3, Y3 \
	ADDQ       $8, DI \
	ADDQ       $16, SI \
	SUBQ       $8, CX \
sq8_tail: \
	TESTQ      CX, CX \
	JZ         sq8_reduce \
	MOVWLSX    (SI), AX \
	MOVBLZX    (DI), R14 \
	IMULL      R14, AX \
	VMOVD      AX, X4 \
	VPADDD     Y4, Y0, Y0 \
	ADDQ       $1, DI \
	ADDQ       $2, SI \
	DECQ       CX \
	JMP        sq8_tail \
sq8_reduce: \
	VPADDD       Y1, Y0, Y0 \
	VPADDD       Y3, Y2, Y2 \
	VPADDD       Y2, Y0, Y0 \
	VEXTRACTI128 $1, Y0, X1 \
	VPADDD       X1, X0, X0 \
	VPSHUFD      $0x4e, X0, X1 \
	VPADDD       X1, X0, X0 \
	VPSHUFD      $0xb1, X0, X1 \
	VPADDD       X1, X0, X0 \
	VMOVD        X0, AX

// func dotSQ8AVX2(q *int16, c *uint8, n int) int32
TEXT ·dotSQ8AVX2(SB), NOSPLIT, $0-28
	MOVQ q+0(FP), SI
	MOVQ c+8(FP), DI
	MOVQ n+16(FP), CX
	DOT_SQ8
	MOVL AX, ret+24(FP)
	VZEROUPPER
	RET

// func dotSQ8RowsAVX2(q *int16, dim int, codes *uint8, rows int, ids []uint32, out *int32, window int) int
//
// The row loop of rows_amd64.h, with rows of dim bytes: R8 q, R9 dim, R10 codes, R11 rows,
// R12 current id, R13 ids left, DX next out, BX row length in bytes.
TEXT ·dotSQ8RowsAVX2(SB), NOSPLIT, $0-80
	MOVQ    q+0(FP), R8
	MOVQ    dim+8(FP), R9
	MOVQ    codes+16(FP), R10
	MOVQ    rows+24(FP), R11
	MOVQ    ids_base+32(FP), R12
	MOVQ    ids_len+40(FP), R13
	MOVQ    out+56(FP), DX
	MOVQ    R9, BX
	MOVQ    window+64(FP), AX
	CMPQ    AX, R13
	CMOVQGT R13, AX
	MOVQ    R12, DI
	TESTQ   AX, AX
	JZ      sq8rows_loop

sq8rows_first:
	MOVL  (DI), SI
	IMULQ BX, SI
	ADDQ  R10, SI
	PREFETCH_ROW(PREFETCHT0, sq8rows_first_line)
	ADDQ  $4, DI
	DECQ  AX
	JNZ   sq8rows_first

sq8rows_loop:
	TESTQ R13, R13
	JZ    sq8rows_done
	MOVQ  window+64(FP), AX
	CMPQ  R13, AX
	JBE   sq8rows_compute
	MOVL  (R12)(AX*4), SI
	IMULQ BX, SI
	ADDQ  R10, SI
	PREFETCH_ROW(PREFETCHT0, sq8rows_line)

sq8rows_compute:
	MOVL  (R12), DI
	CMPQ  DI, R11
	JAE   sq8rows_done
	IMULQ BX, DI
	ADDQ  R10, DI
	MOVQ  R8, SI
	MOVQ  R9, CX
	DOT_SQ8
	MOVL  AX, (DX)
	ADDQ  $4, DX
	ADDQ  $4, R12
	DECQ  R13
	JMP   sq8rows_loop

sq8rows_done:
	MOVQ ids_len+40(FP), AX
	SUBQ R13, AX
	MOVQ AX, ret+72(FP)
	VZEROUPPER
	RET

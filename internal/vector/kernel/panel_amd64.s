//go:build !purego

#include "textflag.h"

// A 6×16 tile of C = A·panel + init. Registers: Y0-Y11 hold the tile (row r in Y(2r) and
// Y(2r+1)), Y12-Y13 a row of the panel, Y14-Y15 a broadcast element of A. SI and R8-R12
// point at the six rows of A (rows past the last valid one repeat it, so the loop needs
// no branches; their results are never stored), AX is the byte offset along the rows,
// DI walks the panel, CX counts the depth left.

// STEP(off) does one step of depth: the panel row at off(DI), element AX+4·(off/64) of
// each row of A.
#define STEP(off, aoff) \
	VMOVUPS      off(DI), Y12 \
	VMOVUPS      off+32(DI), Y13 \
	VBROADCASTSS aoff(SI)(AX*1), Y14 \
	VFMADD231PS  Y12, Y14, Y0 \
	VFMADD231PS  Y13, Y14, Y1 \
	VBROADCASTSS aoff(R8)(AX*1), Y15 \
	VFMADD231PS  Y12, Y15, Y2 \
	VFMADD231PS  Y13, Y15, Y3 \
	VBROADCASTSS aoff(R9)(AX*1), Y14 \
	VFMADD231PS  Y12, Y14, Y4 \
	VFMADD231PS  Y13, Y14, Y5 \
	VBROADCASTSS aoff(R10)(AX*1), Y15 \
	VFMADD231PS  Y12, Y15, Y6 \
	VFMADD231PS  Y13, Y15, Y7 \
	VBROADCASTSS aoff(R11)(AX*1), Y14 \
	VFMADD231PS  Y12, Y14, Y8 \
	VFMADD231PS  Y13, Y14, Y9 \
	VBROADCASTSS aoff(R12)(AX*1), Y15 \
	VFMADD231PS  Y12, Y15, Y10 \
	VFMADD231PS  Y13, Y15, Y11

// NEXT_ROW(src, dst, r) sets dst to the row after src when there are more than r rows,
// else to src.
#define NEXT_ROW(src, dst, r) \
	MOVQ    src, dst \
	LEAQ    (src)(BX*1), AX \
	CMPQ    DX, $r \
	CMOVQGT AX, dst

// func mulPanelAVX2(c *float32, ldc int, a *float32, lda int, rows int, panel *float32, k int, init *float32)
TEXT ·mulPanelAVX2(SB), NOSPLIT, $0-64
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), BX
	SHLQ $2, BX
	MOVQ rows+32(FP), DX
	NEXT_ROW(SI, R8, 1)
	NEXT_ROW(R8, R9, 2)
	NEXT_ROW(R9, R10, 3)
	NEXT_ROW(R10, R11, 4)
	NEXT_ROW(R11, R12, 5)

	MOVQ    init+56(FP), AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y1, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y1, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y1, Y7
	VMOVAPS Y0, Y8
	VMOVAPS Y1, Y9
	VMOVAPS Y0, Y10
	VMOVAPS Y1, Y11

	MOVQ panel+40(FP), DI
	MOVQ k+48(FP), CX
	XORQ AX, AX
	CMPQ CX, $4
	JB   tail

loop4:
	STEP(0, 0)
	STEP(64, 4)
	STEP(128, 8)
	STEP(192, 12)
	ADDQ $16, AX
	ADDQ $256, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JAE  loop4

tail:
	TESTQ CX, CX
	JZ    store

loop1:
	STEP(0, 0)
	ADDQ $4, AX
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

store:
	MOVQ    c+0(FP), DI
	MOVQ    ldc+8(FP), BX
	SHLQ    $2, BX
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	CMPQ    DX, $1
	JLE     done
	ADDQ    BX, DI
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	CMPQ    DX, $2
	JLE     done
	ADDQ    BX, DI
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	CMPQ    DX, $3
	JLE     done
	ADDQ    BX, DI
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	CMPQ    DX, $4
	JLE     done
	ADDQ    BX, DI
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	CMPQ    DX, $5
	JLE     done
	ADDQ    BX, DI
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)

done:
	VZEROUPPER
	RET

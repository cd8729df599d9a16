//go:build !purego

#include "textflag.h"

// func mulAddTileAVX2(a *float64, lda int, b *float64, k int, c *float64, ldc int)
//
// Adds to the 4×12 tile of c the product of the 4×k block of a and the packed k×12 panel
// at b. Y0-Y11 hold the tile (row r in Y(3r)..Y(3r+2)); per step q the panel row is in
// Y12-Y14 and a[r][q] is broadcast into Y15. Each lane is one element's chain of fused
// multiply-adds in order of q, as the portable tile computes it.
// Registers: SI, R10, R11, R12 walk the four rows of a; DI walks the panel; CX counts
// the steps left; DX, R13, BX, AX point at the four rows of c.
TEXT ·mulAddTileAVX2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	MOVQ b+16(FP), DI
	MOVQ k+24(FP), CX
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R9
	SHLQ $3, R8
	SHLQ $3, R9
	LEAQ (SI)(R8*1), R10
	LEAQ (SI)(R8*2), R11
	LEAQ (R10)(R8*2), R12
	LEAQ (DX)(R9*1), R13
	LEAQ (DX)(R9*2), BX
	LEAQ (R13)(R9*2), AX

	VMOVUPD (DX), Y0
	VMOVUPD 32(DX), Y1
	VMOVUPD 64(DX), Y2
	VMOVUPD (R13), Y3
	VMOVUPD 32(R13), Y4
	VMOVUPD 64(R13), Y5
	VMOVUPD (BX), Y6
	VMOVUPD 32(BX), Y7
	VMOVUPD 64(BX), Y8
	VMOVUPD (AX), Y9
	VMOVUPD 32(AX), Y10
	VMOVUPD 64(AX), Y11

	TESTQ CX, CX
	JZ    store

loop:
	VMOVUPD      (DI), Y12
	VMOVUPD      32(DI), Y13
	VMOVUPD      64(DI), Y14
	VBROADCASTSD (SI), Y15
	VFMADD231PD  Y12, Y15, Y0
	VFMADD231PD  Y13, Y15, Y1
	VFMADD231PD  Y14, Y15, Y2
	VBROADCASTSD (R10), Y15
	VFMADD231PD  Y12, Y15, Y3
	VFMADD231PD  Y13, Y15, Y4
	VFMADD231PD  Y14, Y15, Y5
	VBROADCASTSD (R11), Y15
	VFMADD231PD  Y12, Y15, Y6
	VFMADD231PD  Y13, Y15, Y7
	VFMADD231PD  Y14, Y15, Y8
	VBROADCASTSD (R12), Y15
	VFMADD231PD  Y12, Y15, Y9
	VFMADD231PD  Y13, Y15, Y10
	VFMADD231PD  Y14, Y15, Y11
	ADDQ         $8, SI
	ADDQ         $8, R10
	ADDQ         $8, R11
	ADDQ         $8, R12
	ADDQ         $96, DI
	DECQ         CX
	JNZ          loop

store:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, (R13)
	VMOVUPD Y4, 32(R13)
	VMOVUPD Y5, 64(R13)
	VMOVUPD Y6, (BX)
	VMOVUPD Y7, 32(BX)
	VMOVUPD Y8, 64(BX)
	VMOVUPD Y9, (AX)
	VMOVUPD Y10, 32(AX)
	VMOVUPD Y11, 64(AX)
	VZEROUPPER
	RET

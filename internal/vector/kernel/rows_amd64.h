// ROWS_START, a kernel body, ROWS_NEXT and ROWS_END make a row-gathering function. The
// rows named by ids are scattered over an arena far larger than the caches, so waiting
// for each row's cache misses in turn would dominate; instead the rows are prefetched
// into L2 a window of `window` rows ahead of the one being computed, which keeps many
// misses in flight at once while bounding how much of L2 the prefetched rows occupy.
//
// Registers: R8 q, R9 dim, R10 base, R11 rows in base, R12 current id, R13 ids left
// (current included), DX next out, BX row length in bytes; AX, CX, SI and DI are free
// outside the body. The loop stops early at an id outside base and returns how many rows
// it did, so the Go caller can report the bad id. Prefetching an out-of-range id is
// harmless: prefetches never fault.
//
// Frame: q+0, dim+8, base+16, rows+24, ids_base+32, ids_len+40, ids_cap+48, out+56,
// window+64, ret+72.

// PREFETCH_ROW(HINT, label) prefetches every cache line of the row at SI.
#define PREFETCH_ROW(HINT, label) \
	HINT  -1(SI)(BX*1) \
	MOVQ  BX, CX \
label: \
	HINT  (SI) \
	ADDQ  $64, SI \
	SUBQ  $64, CX \
	JA    label

#define ROWS_START(HINT) \
	MOVQ  q+0(FP), R8 \
	MOVQ  dim+8(FP), R9 \
	MOVQ  base+16(FP), R10 \
	MOVQ  rows+24(FP), R11 \
	MOVQ  ids_base+32(FP), R12 \
	MOVQ  ids_len+40(FP), R13 \
	MOVQ  out+56(FP), DX \
	MOVQ  R9, BX \
	SHLQ  $2, BX \
	MOVQ  window+64(FP), AX \
	CMPQ  AX, R13 \
	CMOVQGT R13, AX \
	MOVQ  R12, DI \
	TESTQ AX, AX \
	JZ    rows_loop \
rows_first: \
	MOVL  (DI), SI \
	IMULQ BX, SI \
	ADDQ  R10, SI \
	PREFETCH_ROW(HINT, rows_first_line) \
	ADDQ  $4, DI \
	DECQ  AX \
	JNZ   rows_first \
rows_loop: \
	TESTQ R13, R13 \
	JZ    rows_done \
	MOVQ  window+64(FP), AX \
	CMPQ  R13, AX \
	JBE   rows_compute \
	MOVL  (R12)(AX*4), SI \
	IMULQ BX, SI \
	ADDQ  R10, SI \
	PREFETCH_ROW(HINT, rows_line) \
rows_compute: \
	MOVL  (R12), DI \
	CMPQ  DI, R11 \
	JAE   rows_done \
	IMULQ BX, DI \
	ADDQ  R10, DI \
	MOVQ  R8, SI \
	MOVQ  R9, CX

#define ROWS_NEXT \
	MOVSS X0, (DX) \
	ADDQ  $4, DX \
	ADDQ  $4, R12 \
	DECQ  R13 \
	JMP   rows_loop

#define ROWS_END \
rows_done: \
	MOVQ  ids_len+40(FP), AX \
	SUBQ  R13, AX \
	MOVQ  AX, ret+72(FP) \
	VZEROUPPER \
	RET

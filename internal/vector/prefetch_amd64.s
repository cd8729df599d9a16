//go:build !purego

#include "textflag.h"

// func prefetchLinks(p *uint32)
TEXT ·prefetchLinks(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	RET

package lexical

import (
	"encoding/binary"
	"math/bits"
)

// Postings columns are bit-packed: n values of a fixed width, least significant bit first,
// in ceil(n·width/8) bytes. Unpacking reads 8 bytes at a time, so the postings blob of a
// segment ends with unpackPad zero bytes and the fast paths rarely need a tail case.
const unpackPad = 8

// bitWidth is the number of bits needed to hold every value up to max.
func bitWidth(max uint32) uint8 { return uint8(bits.Len32(max)) }

// packedLen is the byte length of n values of the given width.
func packedLen(n int, width uint8) int { return (n*int(width) + 7) / 8 }

// appendPacked appends vals packed at width bits each.
func appendPacked(dst []byte, vals []uint32, width uint8) []byte {
	if width == 0 {
		return dst
	}
	var acc uint64
	var nacc uint
	for _, v := range vals {
		acc |= uint64(v) << nacc
		nacc += uint(width)
		for nacc >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			nacc -= 8
		}
	}
	if nacc > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// unpack fills dst with len(dst) values of the given width (at most 32) from src, adding
// base to each. src must hold at least packedLen(len(dst), width) bytes.
//
// Eight values of width w fill exactly w bytes, so groups of eight are unpacked with one,
// two or four 8-byte loads (for w <= 8, <= 16, <= 28) and constant shifts; the rest, and
// groups whose loads would run past src, go value by value.
func unpack(dst []uint32, src []byte, width uint8, base uint32) {
	if width == 0 {
		for i := range dst {
			dst[i] = base
		}
		return
	}
	w := uint(width)
	mask := uint64(1)<<w - 1
	groups := len(dst) / 8
	g := 0
	switch {
	case w <= 8:
		for ; g < groups; g++ {
			p := g * int(w)
			if p+8 > len(src) {
				break
			}
			v := binary.LittleEndian.Uint64(src[p:])
			d := dst[g*8 : g*8+8 : g*8+8]
			d[0] = base + uint32(v&mask)
			d[1] = base + uint32(v>>w&mask)
			d[2] = base + uint32(v>>(2*w)&mask)
			d[3] = base + uint32(v>>(3*w)&mask)
			d[4] = base + uint32(v>>(4*w)&mask)
			d[5] = base + uint32(v>>(5*w)&mask)
			d[6] = base + uint32(v>>(6*w)&mask)
			d[7] = base + uint32(v>>(7*w)&mask)
		}
	case w <= 16:
		half := 4 * w // bits in four values
		hb, hs := int(half>>3), half&7
		for ; g < groups; g++ {
			p := g * int(w)
			if p+hb+8 > len(src) {
				break
			}
			lo := binary.LittleEndian.Uint64(src[p:])
			hi := binary.LittleEndian.Uint64(src[p+hb:]) >> hs
			d := dst[g*8 : g*8+8 : g*8+8]
			d[0] = base + uint32(lo&mask)
			d[1] = base + uint32(lo>>w&mask)
			d[2] = base + uint32(lo>>(2*w)&mask)
			d[3] = base + uint32(lo>>(3*w)&mask)
			d[4] = base + uint32(hi&mask)
			d[5] = base + uint32(hi>>w&mask)
			d[6] = base + uint32(hi>>(2*w)&mask)
			d[7] = base + uint32(hi>>(3*w)&mask)
		}
	case w <= 28:
		for ; g < groups; g++ {
			p := g * int(w)
			if p+int(w)+2 > len(src) || p+int((6*w)>>3)+8 > len(src) {
				break
			}
			d := dst[g*8 : g*8+8 : g*8+8]
			for q := uint(0); q < 4; q++ {
				bit := 2 * q * w
				v := binary.LittleEndian.Uint64(src[p+int(bit>>3):]) >> (bit & 7)
				d[2*q] = base + uint32(v&mask)
				d[2*q+1] = base + uint32(v>>w&mask)
			}
		}
	}
	for i := g * 8; i < len(dst); i++ {
		dst[i] = base + packedAt(src, i, width)
	}
}

// packedAt returns value i of a column packed at the given width (at most 32).
func packedAt(src []byte, i int, width uint8) uint32 {
	bit := uint(i) * uint(width)
	b := int(bit >> 3)
	var v uint64
	if b+8 <= len(src) {
		v = binary.LittleEndian.Uint64(src[b:])
	} else {
		for k := 0; k < 8 && b+k < len(src); k++ {
			v |= uint64(src[b+k]) << (8 * k)
		}
	}
	return uint32(v >> (bit & 7) & (uint64(1)<<width - 1))
}

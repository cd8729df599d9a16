package lexical

import (
	"math/rand/v2"
	"testing"
)

// TestPackRoundTrip packs and unpacks every width and many lengths, with and without
// trailing padding, checking unpack, packedAt and the byte length.
func TestPackRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for width := uint8(0); width <= 32; width++ {
		for _, n := range []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 100, 127, 128} {
			for _, pad := range []int{0, unpackPad} {
				vals := make([]uint32, n)
				for i := range vals {
					if width > 0 {
						vals[i] = uint32(r.Uint64() & (1<<width - 1))
					}
				}
				buf := appendPacked(nil, vals, width)
				if len(buf) != packedLen(n, width) {
					t.Fatalf("width %d n %d: %d bytes, packedLen %d", width, n, len(buf), packedLen(n, width))
				}
				buf = append(buf, make([]byte, pad)...)
				base := uint32(r.IntN(1000))
				got := make([]uint32, n)
				unpack(got, buf, width, base)
				for i := range vals {
					if got[i] != vals[i]+base {
						t.Fatalf("width %d n %d pad %d: value %d = %d, want %d", width, n, pad, i, got[i], vals[i]+base)
					}
					if v := packedAt(buf, i, width); v != vals[i] {
						t.Fatalf("width %d n %d pad %d: packedAt(%d) = %d, want %d", width, n, pad, i, v, vals[i])
					}
				}
			}
		}
	}
}

func BenchmarkUnpack(b *testing.B) {
	for _, w := range []uint8{1, 3, 7, 12, 20} {
		vals := make([]uint32, blockSize)
		for i := range vals {
			vals[i] = uint32(i*2654435761) & (1<<w - 1)
		}
		buf := append(appendPacked(nil, vals, w), make([]byte, unpackPad)...)
		dst := make([]uint32, blockSize)
		b.Run("width="+itoa(int(w)), func(b *testing.B) {
			b.SetBytes(blockSize * 4)
			for b.Loop() {
				unpack(dst, buf, w, 0)
			}
		})
	}
}

package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// build assembles a file from a header and data section.
func build(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func le32(vals ...float32) []byte {
	var b bytes.Buffer
	for _, v := range vals {
		binary.Write(&b, binary.LittleEndian, math.Float32bits(v))
	}
	return b.Bytes()
}

func TestReadDTypes(t *testing.T) {
	f16 := []byte{0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c} // 1, -2, 2^-24, +Inf
	bf16 := []byte{0x80, 0x3f, 0x49, 0x40}                        // 1, 3.140625
	f64 := make([]byte, 8)
	binary.LittleEndian.PutUint64(f64, math.Float64bits(0.1))
	data := append(append(append(le32(1.5, -2, 3, 4, 5, 6), f16...), bf16...), f64...)
	header := `{"__metadata__":{"format":"pt"},` +
		`"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},` +
		`"h":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},` +
		`"b":{"dtype":"BF16","shape":[2],"data_offsets":[32,36]},` +
		`"d":{"dtype":"F64","shape":[],"data_offsets":[36,44]}}   `
	f, err := Parse(bytes.NewReader(build(header, data)), int64(8+len(header)+len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" || !slices.Equal(f.Names(), []string{"a", "h", "b", "d"}) {
		t.Fatalf("metadata %v, names %v", f.Metadata, f.Names())
	}
	for _, c := range []struct {
		name  string
		want  []float32
		shape []int
	}{
		{"a", []float32{1.5, -2, 3, 4, 5, 6}, []int{2, 3}},
		{"h", []float32{1, -2, 1.0 / (1 << 24), float32(math.Inf(1))}, []int{4}},
		{"b", []float32{1, 3.140625}, []int{2}},
		{"d", []float32{0.1}, []int{}},
	} {
		got, ti, err := f.Float32(c.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) || !slices.Equal(ti.Shape, c.shape) {
			t.Errorf("%s: %v %v, want %v %v", c.name, got, ti.Shape, c.want, c.shape)
		}
	}
}

func TestFloat16Exhaustive(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		sign := 1.0
		if h&0x8000 != 0 {
			sign = -1
		}
		exp, frac := (h>>10)&0x1f, h&0x3ff
		var want float64
		switch {
		case exp == 0x1f && frac == 0:
			want = math.Inf(int(sign))
		case exp == 0x1f:
			if got := Float16(uint16(h)); !math.IsNaN(float64(got)) {
				t.Fatalf("%#04x: %v, want NaN", h, got)
			}
			continue
		case exp == 0:
			want = sign * math.Ldexp(float64(frac), -24)
		default:
			want = sign * math.Ldexp(1+float64(frac)/1024, exp-15)
		}
		got := Float16(uint16(h))
		if float64(got) != want || math.Signbit(float64(got)) != (sign < 0) {
			t.Fatalf("%#04x: %v, want %v", h, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	data := le32(1, 2)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"too short", []byte{1, 2, 3}, "too short"},
		{"header longer than file", build(ok, data)[:20], "header of"},
		{"huge header length", append([]byte{0, 0, 0, 0, 0, 0, 0, 0x7f}, data...), "header of"},
		{"not an object", build(`[1,2]`, data), "not a JSON object"},
		{"bad JSON", build(`{"a":`, data), "invalid safetensors"},
		{"unknown dtype", build(strings.Replace(ok, "F32", "F12", 1), data), `unknown dtype "F12"`},
		{"size mismatch", build(strings.Replace(ok, "[2]", "[3]", 1), data), "needs 12 bytes"},
		{"offsets past the end", build(strings.Replace(ok, "[0,8]", "[0,16]", 1), data), "outside"},
		{"reversed offsets", build(strings.Replace(ok, "[0,8]", "[8,0]", 1), data), "outside"},
		{"one offset", build(strings.Replace(ok, "[0,8]", "[0]", 1), data), "has 1 values"},
		{"negative dimension", build(strings.Replace(ok, "[2]", "[-2]", 1), data), "dimension 0 is -2"},
		{"overflowing shape", build(strings.Replace(ok, "[2]", "[2147483647,2147483647,2147483647]", 1), data), "overflows"},
		{"hole at the end", build(ok, le32(1, 2, 3)), "the file holds 12"},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, data), "starts at data byte 4"},
		{"duplicate name", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, data), `names "a" twice`},
		{"metadata not strings", build(`{"__metadata__":{"x":1},`+ok[1:], data), "__metadata__"},
		{"garbage after header", build(ok+` x`, data), "after its JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(c.file), int64(len(c.file)))
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want ErrFormat mentioning %q", err, c.want)
			}
		})
	}
}

func TestFloat32Refusals(t *testing.T) {
	header := `{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`
	file := build(header, make([]byte, 8))
	f, err := Parse(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Float32("i"); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "I64") {
		t.Fatalf("I64 as float32: %v", err)
	}
	if _, _, err := f.Float32("missing"); !errors.Is(err, ErrFormat) {
		t.Fatalf("missing tensor: %v", err)
	}
}

func TestOpen(t *testing.T) {
	p := filepath.Join(t.TempDir(), "model.safetensors")
	header := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	if err := os.WriteFile(p, build(header, le32(7, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _, err := f.Float32("a"); err != nil || !slices.Equal(got, []float32{7, 8}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if err := os.WriteFile(p, []byte("garbage!"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), p) {
		t.Fatalf("Open of garbage: %v, want an ErrFormat naming the file", err)
	}
}

// FuzzParse feeds arbitrary files to the reader: it must validate or refuse them with
// ErrFormat, and every tensor of a validated file must read.
func FuzzParse(f *testing.F) {
	f.Add(build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, le32(1, 2)))
	f.Add(build(`{"__metadata__":{"k":"v"},"h":{"dtype":"F16","shape":[1,1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]}}`, []byte{0, 0x3c, 0x80, 0x3f}))
	f.Add(build(`{}`, nil))
	f.Fuzz(func(t *testing.T, file []byte) {
		sf, err := Parse(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		for _, name := range sf.Names() {
			ti, _ := sf.Tensor(name)
			vals, _, err := sf.Float32(name)
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("Float32(%q): %v", name, err)
				}
				continue
			}
			if int64(len(vals)) != ti.Elements() {
				t.Fatalf("%q: %d values for shape %v", name, len(vals), ti.Shape)
			}
		}
	})
}

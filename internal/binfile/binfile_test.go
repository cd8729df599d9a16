package binfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/vajrasearch/vajra/internal/corruption"
)

func writeSample(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "TESTFILE", 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Section("abcd", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := w.Section("nums", Uint32Bytes([]uint32{1, 2, 3})); err != nil {
		t.Fatal(err)
	}
	if err := w.Section("empt", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	data := writeSample(t)
	f, err := Parse(data, "TESTFILE", 2)
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 2 {
		t.Fatalf("version %d", f.Version)
	}
	got, err := f.Section("abcd")
	if err != nil || string(got) != "hello" {
		t.Fatalf("abcd = %q, %v", got, err)
	}
	raw, _ := f.Section("nums")
	nums, err := Uint32s(raw)
	if err != nil || len(nums) != 3 || nums[2] != 3 {
		t.Fatalf("nums = %v, %v", nums, err)
	}
	if e, err := f.Section("empt"); err != nil || len(e) != 0 {
		t.Fatalf("empt = %v, %v", e, err)
	}
	if _, err := f.Section("none"); !errors.Is(err, corruption.Err) {
		t.Fatalf("missing section: %v", err)
	}
	if want := []string{"abcd", "nums", "empt"}; len(f.Tags()) != 3 || f.Tags()[1] != want[1] {
		t.Fatalf("tags %v", f.Tags())
	}
}

func TestRejects(t *testing.T) {
	data := writeSample(t)
	flip := func(i int) []byte {
		c := append([]byte(nil), data...)
		c[i] ^= 0x40
		return c
	}
	cases := []struct {
		name string
		data []byte
		max  uint32
		want error
	}{
		{"empty", nil, 2, corruption.Err},
		{"wrong magic", flip(0), 2, corruption.Err},
		{"header bit", flip(9), 2, corruption.Err},
		{"newer version", data, 1, ErrVersion},
		{"payload bit", flip(len(data) - 40), 2, corruption.Err},
		{"truncated", data[:len(data)-1], 2, corruption.Err},
		{"truncated middle", data[:40], 2, corruption.Err},
		{"appended", append(append([]byte(nil), data...), 0), 2, corruption.Err},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.data, "TESTFILE", c.max); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestUnalignedViewsCopy(t *testing.T) {
	b := make([]byte, 13)
	copy(b[1:], Float32Bytes([]float32{1.5, -2, 3}))
	v, err := Float32s(b[1:])
	if err != nil || v[0] != 1.5 || v[1] != -2 || v[2] != 3 {
		t.Fatalf("got %v %v", v, err)
	}
	if _, err := Float32s(b[:5]); !errors.Is(err, corruption.Err) {
		t.Fatalf("odd length accepted: %v", err)
	}
}

// TestParseDeferring checks that a deferred section's damage is found by VerifyDeferred
// only, and that structural damage is found at once as by Parse.
func TestParseDeferring(t *testing.T) {
	data := writeSample(t)
	nums := func(tag string) bool { return tag == "nums" }
	f, err := ParseDeferring(data, "TESTFILE", 2, nums)
	if err != nil {
		t.Fatal(err)
	}
	if d := f.Deferred(); len(d) != 1 || d[0] != "nums" {
		t.Fatalf("Deferred = %v", d)
	}
	if err := f.VerifyDeferred(); err != nil {
		t.Fatal(err)
	}
	raw, _ := f.Section("nums")
	at := bytes.Index(data, raw)
	bad := append([]byte(nil), data...)
	bad[at+5] ^= 1
	g, err := ParseDeferring(bad, "TESTFILE", 2, nums)
	if err != nil {
		t.Fatalf("a deferred payload was read at parse time: %v", err)
	}
	if err := g.VerifyDeferred(); !errors.Is(err, corruption.Err) {
		t.Fatalf("VerifyDeferred of a damaged payload: %v", err)
	}
	if _, err := ParseDeferring(bad, "TESTFILE", 2, nil); !errors.Is(err, corruption.Err) {
		t.Fatalf("nothing deferred: %v", err)
	}
	if _, err := ParseDeferring(data[:len(data)-1], "TESTFILE", 2, nums); !errors.Is(err, corruption.Err) {
		t.Fatalf("truncated: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(writeSample(f))
	f.Add([]byte("TESTFILE"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Deferring every checksum and verifying them afterwards accepts exactly what
		// Parse accepts.
		lazy, lerr := ParseDeferring(data, "TESTFILE", 2, func(string) bool { return true })
		if lerr == nil {
			lerr = lazy.VerifyDeferred()
		}
		file, err := Parse(data, "TESTFILE", 2)
		if (err == nil) != (lerr == nil) {
			t.Fatalf("Parse: %v; ParseDeferring and VerifyDeferred: %v", err, lerr)
		}
		if err != nil {
			if !errors.Is(err, corruption.Err) && !errors.Is(err, ErrVersion) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, tag := range file.Tags() {
			if _, err := file.Section(tag); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestViewsRoundTrip(t *testing.T) {
	f := []float32{1.5, -2, 3e-8}
	u := []uint32{0, 1, 0xdeadbeef}
	w := []uint64{7, 1 << 60}
	// Offset by one byte so the decoders must take their copying path too.
	for _, off := range []int{0, 1} {
		buf := func(b []byte) []byte { return append(make([]byte, off), b...)[off:] }
		gf, err := Float32s(buf(Float32Bytes(f)))
		if err != nil || len(gf) != 3 || gf[2] != f[2] {
			t.Fatalf("float32s %v %v", gf, err)
		}
		gu, err := Uint32s(buf(Uint32Bytes(u)))
		if err != nil || len(gu) != 3 || gu[2] != u[2] {
			t.Fatalf("uint32s %v %v", gu, err)
		}
		gw, err := Uint64s(buf(Uint64Bytes(w)))
		if err != nil || len(gw) != 2 || gw[1] != w[1] {
			t.Fatalf("uint64s %v %v", gw, err)
		}
	}
	if _, err := Uint64s(make([]byte, 12)); !errors.Is(err, corruption.Err) {
		t.Fatalf("12 bytes as uint64s: %v", err)
	}
}

func TestTypedSections(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "TESTFILE", 1)
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Section("flts", Float32Bytes([]float32{1, 2, 3}))
	_ = w.Section("u32s", Uint32Bytes([]uint32{4, 5}))
	_ = w.Section("u64s", Uint64Bytes([]uint64{6}))
	_ = w.Section("odd ", []byte{1, 2, 3})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Parse(buf.Bytes(), "TESTFILE", 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.Float32s("flts", 3); err != nil || v[2] != 3 {
		t.Fatalf("flts: %v %v", v, err)
	}
	if v, err := f.Uint32s("u32s", AnyLength); err != nil || len(v) != 2 || v[1] != 5 {
		t.Fatalf("u32s: %v %v", v, err)
	}
	if v, err := f.Uint64s("u64s", 1); err != nil || v[0] != 6 {
		t.Fatalf("u64s: %v %v", v, err)
	}
	bad := []struct {
		name string
		read func() error
		says string
	}{
		{"wrong count", func() error { _, err := f.Float32s("flts", 4); return err }, `"flts" has 3 float32 values, want 4`},
		{"missing", func() error { _, err := f.Uint32s("none", 1); return err }, `missing section "none"`},
		{"partial value", func() error { _, err := f.Uint32s("odd ", AnyLength); return err }, `section "odd "`},
		{"wider type", func() error { _, err := f.Uint64s("flts", AnyLength); return err }, `section "flts"`},
	}
	for _, c := range bad {
		err := c.read()
		if !errors.Is(err, corruption.Err) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want corruption.Err saying %s", c.name, err, c.says)
		}
	}
}

func TestPadAlignsNextPayload(t *testing.T) {
	for _, lead := range []int{0, 1, 7, 8, 13, 63, 64, 100} {
		for _, align := range []uint64{8, 64, 4096} {
			var buf bytes.Buffer
			w, _ := NewWriter(&buf, "TESTFILE", 1)
			_ = w.Section("lead", make([]byte, lead))
			if err := w.Pad("algn", align); err != nil {
				t.Fatal(err)
			}
			at := w.Written() + 12
			at += (8 - at%8) % 8
			_ = w.Section("data", []byte{1})
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if uint64(at)%align != 0 || buf.Bytes()[at] != 1 {
				t.Fatalf("lead %d align %d: payload at %d", lead, align, at)
			}
			if int64(buf.Len()) != w.Written() {
				t.Fatalf("Written %d, wrote %d", w.Written(), buf.Len())
			}
		}
	}
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, "TESTFILE", 1)
	if err := w.Pad("algn", 12); err == nil {
		t.Fatal("alignment 12 accepted")
	}
}

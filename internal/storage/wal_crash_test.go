package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// walEntry is one record handed to Append, and what the WAL promised about it.
type walEntry struct {
	rec     Record
	acked   bool // Append returned nil
	durable bool // must survive a crash: acked and fsynced (by policy, Sync or Close)
}

// crashRun is one seeded run of the WAL crash test: sessions of open, replay and appends on
// a MemFS, cut short by a simulated crash, with or without injected faults before it.
type crashRun struct {
	seed    uint64
	rng     *rand.Rand
	m       *MemFS
	history []walEntry
	nextID  uint64

	mu      sync.Mutex
	ops     int
	crashAt int
	crashed *MemFS
	torn    bool
	faultP  float64
	faults  int
}

func (c *crashRun) inject(e Event) Fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.crashed != nil {
		return Fault{Err: ErrInjected} // the process is gone
	}
	c.ops++
	if c.ops == c.crashAt {
		c.crashed = c.crash()
		return Fault{Err: ErrInjected}
	}
	if c.faultP > 0 && c.rng.Float64() < c.faultP {
		c.faults++
		return Fault{Err: ErrInjected, Written: c.rng.IntN(max(e.Len, 1))}
	}
	return Fault{}
}

func (c *crashRun) crash() *MemFS {
	if c.torn {
		return c.m.CrashCloneTorn(c.seed)
	}
	return c.m.CrashClone()
}

func (c *crashRun) dead() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.crashed != nil
}

func (c *crashRun) newRecord() Record {
	n := c.rng.IntN(200)
	if c.rng.IntN(10) == 0 {
		n = c.rng.IntN(5000)
	}
	p := make([]byte, 8+n)
	binary.LittleEndian.PutUint64(p, c.nextID) // unique, so records can be matched
	c.nextID++
	for i := 8; i < len(p); i++ {
		p[i] = byte(c.rng.Uint32())
	}
	return Record{Type: uint8(c.rng.Uint32()), Payload: p}
}

func (c *crashRun) markDurable() {
	for i := range c.history {
		if c.history[i].acked {
			c.history[i].durable = true
		}
	}
}

// session opens the log, checks what it replays against the live history, and appends.
func (c *crashRun) session(t *testing.T, fsys FS, o WALOptions) {
	w, err := OpenWAL(fsys, "log", o)
	if err != nil {
		if !errors.Is(err, ErrInjected) {
			t.Fatalf("seed %d: open: %v", c.seed, err)
		}
		return
	}
	defer w.Close()
	var got []Record
	if _, err := w.Replay(func(r Record) error { got = append(got, r); return nil }); err != nil {
		if !errors.Is(err, ErrInjected) {
			t.Fatalf("seed %d: live replay: %v", c.seed, err)
		}
		return
	}
	// Without a crash, every acknowledged record must be there.
	if err := checkReplay(got, c.history, func(e walEntry) bool { return e.acked }); err != nil {
		t.Fatalf("seed %d: live replay: %v", c.seed, err)
	}
	failed := false
	for range 1 + c.rng.IntN(30) {
		recs := make([]Record, 1+c.rng.IntN(3))
		for i := range recs {
			recs[i] = c.newRecord()
		}
		err := w.Append(recs...)
		for _, r := range recs {
			c.history = append(c.history, walEntry{rec: r, acked: err == nil, durable: err == nil && o.Sync == SyncEveryAppend})
		}
		if err != nil {
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("seed %d: append: %v", c.seed, err)
			}
			failed = true
			break
		}
		if o.Sync == SyncNever && c.rng.IntN(5) == 0 && w.Sync() == nil {
			c.markDurable()
		}
	}
	if err := w.Close(); err == nil && !failed {
		c.markDurable()
	}
}

// checkReplay verifies that got is history's records in order, each whole, skipping only
// entries for which required is false.
func checkReplay(got []Record, history []walEntry, required func(walEntry) bool) error {
	j := 0
	for i, r := range got {
		for {
			if j == len(history) {
				return fmt.Errorf("replayed record %d (type %d, %d bytes) was never appended", i, r.Type, len(r.Payload))
			}
			h := history[j]
			j++
			if h.rec.Type == r.Type && bytes.Equal(h.rec.Payload, r.Payload) {
				break
			}
			if required(h) {
				return fmt.Errorf("history entry %d missing from replay (found record %d in its place)", j-1, i)
			}
		}
	}
	for ; j < len(history); j++ {
		if required(history[j]) {
			return fmt.Errorf("history entry %d (of %d) missing from the end of replay", j, len(history))
		}
	}
	return nil
}

func TestWALCrash(t *testing.T) {
	iterations := 500
	if testing.Short() {
		iterations = 100
	}
	var acked, durable, faults, torn int
	for it := range iterations {
		seed := uint64(it)
		rng := rand.New(rand.NewPCG(seed, 0x57414c))
		c := &crashRun{seed: seed, rng: rng, m: NewMemFS(), crashAt: 1 + rng.IntN(160), torn: rng.IntN(2) == 0}
		o := WALOptions{}
		if rng.IntN(4) == 0 {
			o.Sync = SyncNever
		}
		if rng.IntN(3) == 0 {
			c.faultP = 0.02 + 0.08*rng.Float64()
		}
		fsys := NewErrorFS(c.m, InjectorFunc(c.inject))
		for s := 0; s < 4 && !c.dead(); s++ {
			c.session(t, fsys, o)
		}
		after := c.crashed
		if after == nil {
			after = c.crash()
		}
		w, err := OpenWAL(after, "log", WALOptions{})
		if err != nil {
			t.Fatalf("seed %d: reopen after crash: %v", seed, err)
		}
		var got []Record
		if _, err := w.Replay(func(r Record) error { got = append(got, r); return nil }); err != nil {
			t.Fatalf("seed %d: replay after crash: %v", seed, err)
		}
		if err := checkReplay(got, c.history, func(e walEntry) bool { return e.durable }); err != nil {
			t.Fatalf("seed %d (policy %v, torn %v, faults %d): %v", seed, o.Sync, c.torn, c.faults, err)
		}
		// The recovered log is healthy: it takes appends and replays them.
		extra := c.newRecord()
		must(t, w.Append(extra))
		must(t, w.Close())
		_, again, _ := replayAll(t, after, "log")
		if len(again) != len(got)+1 || !bytes.Equal(again[len(got)].Payload, extra.Payload) {
			t.Fatalf("seed %d: recovered log replays %d records after an append, want %d", seed, len(again), len(got)+1)
		}
		for _, e := range c.history {
			if e.acked {
				acked++
			}
			if e.durable {
				durable++
			}
		}
		faults += c.faults
		if c.torn {
			torn++
		}
	}
	t.Logf("%d crash points tried (%d torn), %d records acknowledged, %d required durable, %d extra faults injected",
		iterations, torn, acked, durable, faults)
}

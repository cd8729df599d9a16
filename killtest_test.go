package vajra

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The kill test runs a real process that writes to a collection on the OS file system and
// SIGKILLs it at a random moment. The child is this test binary, re-executed to run only
// TestKillChild, with the environment variables below telling it what to do.
const (
	killDirEnv  = "VAJRA_KILLTEST_DIR"  // the collection
	killSeedEnv = "VAJRA_KILLTEST_SEED" // the workload's seed
	killVerEnv  = "VAJRA_KILLTEST_VER"  // the last document version used by earlier children
	killMaxOps  = 10000                 // a child left alone stops after this many writes
)

// TestKillChild is the child process of TestKillDuringWrites; run directly it skips. It opens
// the collection and writes until it is killed, printing "begin <op>" before each write and
// "ack" once the write has returned nil, each line with a single write to stdout.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(killDirEnv)
	if dir == "" {
		t.Skip("the child process of TestKillDuringWrites; runs only when that test starts it")
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stdout, "error "+format+"\n", args...)
		os.Exit(3)
	}
	seed, err := strconv.ParseUint(os.Getenv(killSeedEnv), 10, 64)
	if err != nil {
		fail("%s: %v", killSeedEnv, err)
	}
	ver, err := strconv.Atoi(os.Getenv(killVerEnv))
	if err != nil {
		fail("%s: %v", killVerEnv, err)
	}
	c, err := Open(dir, OpenOptions{Threads: 1})
	if err != nil {
		fail("open: %v", err)
	}
	w := newDurableWorkload(seed)
	w.ver = ver
	ctx := context.Background()
	for range killMaxOps {
		op := w.next()
		fmt.Fprintf(os.Stdout, "begin %s\n", encodeKillOp(&op))
		if err := op.run(ctx, c); err != nil {
			fail("%s: %v", &op, err)
		}
		fmt.Fprintf(os.Stdout, "ack\n")
	}
	os.Exit(0)
}

// encodeKillOp writes op on one line: "U id:ver ...", "D id ..." or "F".
func encodeKillOp(op *durableOp) string {
	var b strings.Builder
	switch op.kind {
	case durableUpsert:
		b.WriteString("U")
		for _, d := range op.docs {
			fmt.Fprintf(&b, " %s:%d", d.ID, durableVersion(d))
		}
	case durableDelete:
		b.WriteString("D")
		for _, id := range op.ids {
			b.WriteString(" " + id)
		}
	default:
		b.WriteString("F")
	}
	return b.String()
}

// decodeKillOp parses a line of encodeKillOp and returns the op and its highest version.
func decodeKillOp(s string) (durableOp, int, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return durableOp{}, 0, fmt.Errorf("empty op")
	}
	maxVer := 0
	switch f[0] {
	case "U":
		op := durableOp{kind: durableUpsert}
		for _, x := range f[1:] {
			id, v, ok := strings.Cut(x, ":")
			ver, err := strconv.Atoi(v)
			if !ok || err != nil {
				return durableOp{}, 0, fmt.Errorf("bad document %q", x)
			}
			op.docs = append(op.docs, durableDoc(id, ver))
			maxVer = max(maxVer, ver)
		}
		return op, maxVer, nil
	case "D":
		return durableOp{kind: durableDelete, ids: f[1:]}, 0, nil
	case "F":
		return durableOp{kind: durableFlush}, 0, nil
	}
	return durableOp{}, 0, fmt.Errorf("unknown op %q", s)
}

// TestKillDuringWrites SIGKILLs a process writing to a collection (OS file system, SyncAlways)
// at random moments, and after each kill reopens the collection: every write the child
// acknowledged must be there, the one in flight wholly or not at all.
func TestKillDuringWrites(t *testing.T) {
	switch runtime.GOOS {
	case "windows", "plan9", "js", "wasip1", "ios", "android":
		t.Skipf("no SIGKILL of a re-executed test binary on %s", runtime.GOOS)
	}
	if os.Getenv(killDirEnv) != "" {
		t.Skip("already the child process")
	}
	kills := 12
	if testing.Short() {
		kills = 4
	}
	dir := t.TempDir()
	c, err := Create(dir, durableOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	e := newDurableEmbedder(t)
	rng := rand.New(rand.NewPCG(7, 11))
	model := durableModel{}
	ver, acked, recovered := 0, 0, 0
	for k := range kills {
		inflight, n, err := runKilledChild(t, dir, uint64(k+1), ver, 1+rng.IntN(40), time.Duration(rng.IntN(3000))*time.Microsecond,
			func(op *durableOp, maxVer int) {
				model = model.applied(t, e, op)
				ver = max(ver, maxVer)
			})
		if err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		acked += n
		if inflight != nil {
			for _, d := range inflight.docs {
				ver = max(ver, durableVersion(d))
			}
		}
		c, err := Open(dir, OpenOptions{Threads: 1})
		if err != nil {
			t.Fatalf("kill %d: open after the kill: %v", k, err)
		}
		got, err := matchState(t, e, c, model, inflight)
		if err != nil {
			c.Close()
			t.Fatalf("kill %d (in flight: %v): %v", k, inflight, err)
		}
		if inflight != nil && inflight.kind != durableFlush && !durableEqual(got, model) {
			recovered++
		}
		model = got
		if err := checkDurableSearches(context.Background(), c, model, rng); err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("kill %d: close: %v", k, err)
		}
		if rep, err := Check(dir); err != nil || !rep.OK() {
			t.Fatalf("kill %d: check: %v %+v", k, err, rep)
		}
	}
	t.Logf("%d kills, %d writes acknowledged, 0 lost; %d in-flight writes recovered whole", kills, acked, recovered)
}

// durableVersion reads back the version durableDoc wrote into a document's title.
func durableVersion(d Document) int {
	v, _ := strconv.Atoi(strings.TrimPrefix(strings.Fields(d.Title)[0], "v"))
	return v
}

// runKilledChild starts a child writing to dir, SIGKILLs it a delay after its killAfter-th
// acknowledged write, and reports every write it acknowledged (through ack, in order) and the
// write in flight when it died (nil if none).
func runKilledChild(t *testing.T, dir string, seed uint64, ver, killAfter int, delay time.Duration,
	ack func(op *durableOp, maxVer int)) (*durableOp, int, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killDirEnv+"="+dir, killSeedEnv+"="+strconv.FormatUint(seed, 10),
		killVerEnv+"="+strconv.Itoa(ver))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	var (
		pending    *durableOp
		pendingVer int
		acks       int
		killed     bool
		protoErr   error
	)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "begin "):
			op, v, err := decodeKillOp(strings.TrimPrefix(line, "begin "))
			if err != nil && protoErr == nil {
				protoErr = err
			}
			pending, pendingVer = &op, v
		case line == "ack":
			if pending == nil {
				if protoErr == nil {
					protoErr = fmt.Errorf("ack without a write")
				}
				continue
			}
			ack(pending, pendingVer)
			pending = nil
			acks++
			if acks == killAfter && !killed {
				time.Sleep(delay)
				if err := cmd.Process.Kill(); err != nil && protoErr == nil {
					protoErr = fmt.Errorf("kill: %w", err)
				}
				killed = true
			}
		case strings.HasPrefix(line, "error "):
			if protoErr == nil {
				protoErr = fmt.Errorf("child failed: %s", line)
			}
		}
	}
	werr := cmd.Wait()
	switch {
	case protoErr != nil:
		return nil, acks, fmt.Errorf("%w (stderr: %s)", protoErr, stderr.Bytes())
	case !killed:
		return nil, acks, fmt.Errorf("child ended by itself (%v) after %d writes; stderr: %s", werr, acks, stderr.Bytes())
	}
	return pending, acks, nil
}

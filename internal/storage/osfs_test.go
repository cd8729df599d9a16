package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestOSConformance(t *testing.T) { fsConformance(t, OS(), t.TempDir()) }

func TestOSWriteFileAtomic(t *testing.T) {
	fsys := OS()
	dir := t.TempDir()
	name := filepath.Join(dir, "data")
	for _, want := range []string{"first version", "second"} {
		must(t, WriteFileAtomic(fsys, name, func(w io.Writer) error {
			_, err := io.WriteString(w, want)
			return err
		}))
		if got := content(t, fsys, name); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(fsys, name, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if got := content(t, fsys, name); got != "second" {
		t.Fatalf("failed write changed the file: %q", got)
	}
	names, err := fsys.List(dir)
	must(t, err)
	if len(names) != 1 || names[0] != "data" {
		t.Fatalf("temporary file left behind: %v", names)
	}
}

// lockChildEnv tells the test binary, started again as a child process, which file to try
// to lock.
const lockChildEnv = "VAJRA_STORAGE_LOCK_CHILD"

// TestLockChildProcess is the child side of TestOSLockOtherProcess: it exits with status 3
// when the lock is held elsewhere, 0 when it got the lock.
func TestLockChildProcess(t *testing.T) {
	name := os.Getenv(lockChildEnv)
	if name == "" {
		t.Skip("runs only as the child of TestOSLockOtherProcess")
	}
	l, err := OS().Lock(name)
	if errors.Is(err, ErrLocked) {
		fmt.Println(err)
		os.Exit(3)
	}
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	os.Exit(0)
}

func TestOSLockOtherProcess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary: %v", err)
	}
	name := filepath.Join(t.TempDir(), "LOCK")
	var out []byte
	child := func() int {
		cmd := exec.Command(exe, "-test.run=^TestLockChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), lockChildEnv+"="+name)
		var err error
		out, err = cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return 0
	}
	l, err := OS().Lock(name)
	must(t, err)
	if code := child(); code != 3 {
		t.Fatalf("child locked a held file (exit %d)", code)
	}
	// The refused child names the holder: this process.
	if want := fmt.Sprintf("locked by pid %d (", os.Getpid()); !strings.Contains(string(out), want) {
		t.Fatalf("child's error %q does not say %q", out, want)
	}
	if _, err := OS().Lock(name); err == nil || !strings.Contains(err.Error(), "this very process") {
		t.Fatalf("second lock in the holding process: %v", err)
	}
	must(t, l.Close())
	if b, err := os.ReadFile(name); err != nil || len(b) != 0 {
		t.Fatalf("released lock file still names a holder: %q %v", b, err)
	}
	if code := child(); code != 0 {
		t.Fatalf("child could not lock a free file (exit %d)", code)
	}
}

package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// ui carries the process's streams and what they are connected to: colours, tables and
// progress bars only when a person is watching, plain text when output is piped.
type ui struct {
	out, err   io.Writer
	in         io.Reader
	outIsTTY   bool
	errIsTTY   bool
	inIsTTY    bool
	width      int
	colour     bool
	stdoutFile *os.File
}

func newUI() *ui {
	u := &ui{out: os.Stdout, err: os.Stderr, in: os.Stdin, width: 100, stdoutFile: os.Stdout}
	u.outIsTTY = term.IsTerminal(int(os.Stdout.Fd()))
	u.errIsTTY = term.IsTerminal(int(os.Stderr.Fd()))
	u.inIsTTY = term.IsTerminal(int(os.Stdin.Fd()))
	if u.outIsTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w >= 40 {
			u.width = w
		}
	}
	u.colour = u.outIsTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return u
}

const (
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiRed    = "\x1b[31m"
	ansiReset  = "\x1b[0m"
)

func (u *ui) style(code, s string) string {
	if !u.colour || s == "" {
		return s
	}
	return code + s + ansiReset
}

// errorf prints a one-line error to stderr.
func (u *ui) errorf(format string, args ...any) {
	msg := termSafe(fmt.Sprintf(format, args...))
	if u.errIsTTY && os.Getenv("NO_COLOR") == "" {
		msg = ansiRed + "error:" + ansiReset + " " + msg
	} else {
		msg = "error: " + msg
	}
	fmt.Fprintln(u.err, msg)
}

// truncateRunes shortens s to at most n display characters, marking the cut with "…".
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	var b strings.Builder
	i := 0
	for _, r := range s {
		if i == n-1 {
			break
		}
		b.WriteRune(r)
		i++
	}
	b.WriteString("…")
	return b.String()
}

func padRight(s string, n int) string {
	if c := utf8.RuneCountInString(s); c < n {
		return s + strings.Repeat(" ", n-c)
	}
	return s
}

// progress draws a single-line progress bar on stderr when stderr is a terminal and the job
// is long enough to deserve one; otherwise it stays silent.
type progress struct {
	u       *ui
	label   string
	total   int64
	done    int64
	start   time.Time
	last    time.Time
	mu      sync.Mutex
	drawn   bool
	enabled bool
}

func (u *ui) newProgress(label string, total int64) *progress {
	return &progress{u: u, label: label, total: total, start: time.Now(), enabled: u.errIsTTY}
}

// Add advances the bar by n units.
func (p *progress) Add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if !p.enabled {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < 300*time.Millisecond || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.draw(now)
}

func (p *progress) draw(now time.Time) {
	const barWidth = 30
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(p.done) / max(elapsed, 1e-9)
	line := ""
	if p.total > 0 {
		frac := min(float64(p.done)/float64(p.total), 1)
		filled := int(frac * barWidth)
		eta := ""
		if rate > 0 && p.done < p.total {
			eta = fmt.Sprintf(" eta %s", time.Duration(float64(p.total-p.done)/rate*float64(time.Second)).Round(time.Second))
		}
		line = fmt.Sprintf("\r%s [%s%s] %3.0f%% %d/%d (%.0f/s)%s", p.label,
			strings.Repeat("█", filled), strings.Repeat("░", barWidth-filled), frac*100, p.done, p.total, rate, eta)
	} else {
		line = fmt.Sprintf("\r%s %d (%.0f/s)", p.label, p.done, rate)
	}
	fmt.Fprint(p.u.err, line+"\x1b[K")
	p.drawn = true
}

// Finish clears the bar.
func (p *progress) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.u.err, "\r\x1b[K")
		p.drawn = false
	}
}

package testutil

import (
	"testing"
	"time"
)

// Finishes runs fn on its own goroutine and fails the test if fn returns an error or has
// not returned within timeout, so that an operation that never ends fails a test instead
// of hanging the whole run. fn must not call t.Fatal (it runs off the test's goroutine);
// it reports failure by returning an error.
func Finishes(t testing.TB, timeout time.Duration, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-timer.C:
		t.Fatalf("%s did not finish within %v", what, timeout)
	}
}

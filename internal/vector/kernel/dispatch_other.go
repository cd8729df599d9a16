//go:build !amd64 || purego

package kernel

// implementations lists the implementations this build can run, fastest first.
func implementations() []implementation { return []implementation{generic} }

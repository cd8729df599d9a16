//go:build !amd64 || purego

package kernel

// sq8Implementations lists the sq8 implementations this build can run.
func sq8Implementations() []sq8Impl { return []sq8Impl{sq8Generic} }

//go:build !amd64 || purego

package kernel

var (
	softmax = softmaxGeneric
	gelu    = geluGeneric
)

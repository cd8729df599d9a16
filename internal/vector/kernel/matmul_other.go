//go:build !amd64 || purego

package kernel

// tileImplementations lists the matrix tiles this build can run, fastest first.
func tileImplementations() []namedTile { return []namedTile{{"generic", mulAddTileGeneric}} }

package storage_test

import (
	"fmt"
	"io"

	"github.com/vajrasearch/vajra/internal/storage"
)

func ExampleWriteFileAtomic() {
	fsys := storage.NewMemFS()
	write := func(s string) error {
		return storage.WriteFileAtomic(fsys, "settings", func(w io.Writer) error {
			_, err := io.WriteString(w, s)
			return err
		})
	}
	if err := write("v1"); err != nil {
		panic(err)
	}
	if err := write("v2"); err != nil {
		panic(err)
	}
	fsys.Crash() // power cut: only what WriteFileAtomic made durable remains
	b, _ := storage.ReadFile(fsys, "settings")
	fmt.Println(string(b))
	// Output: v2
}

func ExampleWAL() {
	fsys := storage.NewMemFS()
	w, _ := storage.OpenWAL(fsys, "log", storage.WALOptions{})
	_ = w.Append(storage.Record{Type: 1, Payload: []byte("add doc 1")},
		storage.Record{Type: 2, Payload: []byte("delete doc 7")})
	fsys.Crash() // Append returned nil, so both records are durable

	w, _ = storage.OpenWAL(fsys, "log", storage.WALOptions{})
	info, _ := w.Replay(func(r storage.Record) error {
		fmt.Printf("type %d: %s\n", r.Type, r.Payload)
		return nil
	})
	fmt.Println(info.Records, "records")
	_ = w.Close()
	// Output:
	// type 1: add doc 1
	// type 2: delete doc 7
	// 2 records
}

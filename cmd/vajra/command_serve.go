package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/vajrasearch/vajra"
	"github.com/vajrasearch/vajra/vajrahttp"
)

func runServe(ctx context.Context, u *ui, args []string) error {
	fs := newFlagSet("serve", u)
	addr := fs.String("addr", "127.0.0.1:7700", "listen address (a non-loopback one needs --api-key)")
	data := fs.String("data", "", "serve every collection in this directory, and create new ones there")
	adminKey := fs.String("api-key", "", "admin key: every route but /healthz, /readyz and the UI needs it as a bearer token (default $VAJRA_API_KEY)")
	readKey := fs.String("read-key", "", "read key: allows search, get, list, stats and export only (default $VAJRA_READ_KEY)")
	maxBody := fs.String("max-body", "64MiB", "largest request body (an NDJSON upload: largest line), e.g. 1MiB, 512KiB, 1048576")
	cors := fs.String("cors-origin", "", "comma-separated origins allowed to call the API from a browser (* for any)")
	builtin := fs.Bool("builtin", true, "serve the built-in Wikipedia corpus as the read-only collection \"wikipedia\"")
	logFormat := fs.String("log", "text", "request log format on stderr: text or json")
	embedder := fs.String("embedder", "", "embedder of collections created through the API without one: none, hash, local or precomputed (default none)")
	modelDir := fs.String("model", "", "the local embedder's model folder, for collections created through the API with the embedder \"local\"")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("serve takes no arguments (got %q)", fs.Args())
	}
	if *adminKey == "" {
		*adminKey = os.Getenv("VAJRA_API_KEY")
	}
	if *readKey == "" {
		*readKey = os.Getenv("VAJRA_READ_KEY")
	}
	limit, err := parseBytes(*maxBody)
	if err != nil {
		return usagef("--max-body: %v", err)
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(u.err, nil)
	case "json":
		handler = slog.NewJSONHandler(u.err, nil)
	default:
		return usagef("--log %q: want text or json", *logFormat)
	}
	if err := vajrahttp.CheckListen(*addr, *adminKey); err != nil {
		return usageError{err.Error()}
	}
	if *embedder == vajra.EmbedderLocal && *modelDir == "" {
		return usagef("--embedder local needs --model DIR")
	}
	if *modelDir != "" {
		// Load the model once now, so a wrong folder fails at start rather than when a
		// collection is first created.
		c, err := vajra.New(vajra.Options{Embedder: vajra.EmbedderOptions{Kind: vajra.EmbedderLocal, ModelDir: *modelDir}})
		if err != nil {
			return fmt.Errorf("--model: %w", err)
		}
		c.Close()
	}
	o := vajrahttp.Options{DataDir: *data, AdminKey: *adminKey, ReadKey: *readKey, MaxBody: limit,
		Logger: slog.New(handler), EmbedAPIKey: apiKey(), Open: vajra.OpenOptions{EmbedAPIKey: apiKey()},
		ModelDir: *modelDir, DefaultEmbedder: *embedder}
	if *cors != "" {
		for _, origin := range strings.Split(*cors, ",") {
			o.CORSOrigins = append(o.CORSOrigins, strings.TrimSpace(origin))
		}
	}
	if *builtin {
		o.Builtins = []vajrahttp.Builtin{vajrahttp.Wikipedia()}
	}
	srv, err := vajrahttp.New(o)
	if err != nil {
		return usageError{err.Error()}
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	what := "no collections yet"
	switch {
	case *data != "" && *builtin:
		what = "the collections in " + *data + " and the built-in \"wikipedia\""
	case *data != "":
		what = "the collections in " + *data
	case *builtin:
		what = "the built-in \"wikipedia\" collection (read-only)"
	}
	fmt.Fprintf(u.out, "Vajra %s serving %s\n  web UI  http://%s/\n  API     http://%s/v1/collections (OpenAPI at /openapi.json)\n",
		version(), what, l.Addr(), l.Addr())
	return srv.Serve(ctx, l)
}

// parseBytes reads a size: a number of bytes with an optional KiB, MiB or GiB (or K, M, G)
// suffix.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size (want e.g. 64MiB)", s)
	}
	return n * mult, nil
}

package vajrahttp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/vajrasearch/vajra"
)

// Defaults of Options.
const (
	DefaultMaxBody           = 64 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 30 * time.Second
)

// Options configure a Server. The zero value serves no collections, with no authentication,
// to loopback clients.
type Options struct {
	// DataDir holds the collections, one directory each, named after the collection. Empty
	// means no on-disk collections: creating one is refused.
	DataDir string
	// AdminKey, when set, is the bearer token every route but /healthz, /readyz and the UI
	// needs; ReadKey, when set too, allows only reading (list, stats, get, search, export,
	// metrics, the OpenAPI document). A read key without an admin key is refused.
	AdminKey, ReadKey string
	// MaxBody bounds a request body (a JSON body whole, an NDJSON upload line by line);
	// default DefaultMaxBody.
	MaxBody int64
	// CORSOrigins lists the origins allowed to call the API from a browser; "*" allows any.
	CORSOrigins []string
	// Builtins are read-only collections built when the server loads (the demo corpus),
	// unless the data directory has a collection of the same name.
	Builtins []Builtin
	// Open are the options for opening the data directory's collections (the embedder's
	// API key, threads).
	Open vajra.OpenOptions
	// EmbedAPIKey is given to OpenAI-compatible embedders of collections created through
	// the API (never stored).
	EmbedAPIKey string
	// ModelDir is the local embedder's model folder: collections created through the API
	// with the embedder kind "local" use it (a request never names a folder on the server).
	// Empty refuses that kind.
	ModelDir string
	// DefaultEmbedder is the embedder kind of collections created through the API without
	// an "embedder" (default: none, lexical search only). It may be none, hash, local or
	// precomputed; local needs ModelDir.
	DefaultEmbedder string
	// Logger receives one line per request and the server's events (default: discard).
	Logger *slog.Logger
	// Timeouts of the HTTP server (Serve): zero means the default.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration
	// UI is the file system served at "/" (default: the embedded web UI).
	UI fs.FS
}

// Builtin is a read-only collection the server builds itself.
type Builtin struct {
	Name  string
	Build func(ctx context.Context) (*vajra.Collection, error)
}

// EnsureDefaults fills zero values with the defaults.
func (o *Options) EnsureDefaults() {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&o.ReadHeaderTimeout, DefaultReadHeaderTimeout}, {&o.ReadTimeout, DefaultReadTimeout},
		{&o.WriteTimeout, DefaultWriteTimeout}, {&o.IdleTimeout, DefaultIdleTimeout}, {&o.ShutdownTimeout, DefaultShutdownTimeout}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.UI == nil {
		o.UI = embeddedUI()
	}
}

// Validate reports options New refuses.
func (o Options) Validate() error {
	if o.ReadKey != "" && o.AdminKey == "" {
		return errors.New("a read key needs an admin key too (otherwise writes would need no key at all)")
	}
	if o.ReadKey != "" && o.ReadKey == o.AdminKey {
		return errors.New("the read key and the admin key must differ")
	}
	for _, b := range o.Builtins {
		if err := checkName(b.Name); err != nil {
			return fmt.Errorf("built-in collection: %w", err)
		}
	}
	switch o.DefaultEmbedder {
	case "", vajra.EmbedderNone, vajra.EmbedderHash, vajra.EmbedderPrecomputed:
	case vajra.EmbedderLocal:
		if o.ModelDir == "" {
			return errors.New("the default embedder local needs a model folder")
		}
	default:
		return fmt.Errorf("default embedder %q: want none, hash, local or precomputed", o.DefaultEmbedder)
	}
	return nil
}

// Server is the HTTP API over a set of collections. It is an http.Handler; Serve runs it on a
// listener with timeouts and graceful shutdown.
type Server struct {
	opts    Options
	reg     *registry
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics

	loadOnce sync.Once
	loaded   chan struct{} // closed once Load has finished
	loadErr  error
}

// New returns a Server. Call Load (or Serve, which calls it) before it answers collection
// requests; until then they wait.
func New(o Options) (*Server, error) {
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	s := &Server{opts: o, reg: newRegistry(o.DataDir), loaded: make(chan struct{}), metrics: newMetrics()}
	s.mux = http.NewServeMux()
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern, s.wrap(rt))
	}
	s.handler = s.front(s.mux)
	return s, nil
}

// Load opens every collection of the data directory and builds the built-in ones. A
// collection that fails to open is logged and left out (readyz lists it); only a data
// directory that cannot be read is an error.
func (s *Server) Load(ctx context.Context) error {
	s.loadOnce.Do(func() {
		defer close(s.loaded)
		s.loadErr = s.load(ctx)
	})
	<-s.loaded
	return s.loadErr
}

func (s *Server) load(ctx context.Context) error {
	log := s.opts.Logger
	start := time.Now()
	failed, err := s.reg.openAll(ctx, s.opts.Open)
	for name, ferr := range failed {
		log.Error("collection did not open", "collection", name, "err", ferr)
	}
	if err != nil {
		return err
	}
	for _, b := range s.opts.Builtins {
		if _, e := s.reg.acquire(b.Name); e == nil {
			log.Info("built-in collection shadowed by the data directory's", "collection", b.Name)
			continue
		}
		t := time.Now()
		c, err := b.Build(ctx)
		if err != nil {
			log.Error("built-in collection not built", "collection", b.Name, "err", err)
			s.reg.mu.Lock()
			s.reg.failed[b.Name] = err.Error()
			s.reg.mu.Unlock()
			continue
		}
		if err := s.reg.add(b.Name, c, true); err != nil {
			c.Close()
			return err
		}
		log.Info("built-in collection ready", "collection", b.Name, "documents", c.Len(), "ms", time.Since(t).Milliseconds())
	}
	log.Info("collections loaded", "collections", len(s.reg.names()), "failed", len(failed), "ms", time.Since(start).Milliseconds())
	return nil
}

// ready reports whether Load has finished.
func (s *Server) ready() bool {
	select {
	case <-s.loaded:
		return true
	default:
		return false
	}
}

// waitLoaded blocks until Load has finished or ctx ends.
func (s *Server) waitLoaded(ctx context.Context) *Error {
	select {
	case <-s.loaded:
		return nil
	case <-ctx.Done():
		return errorf(vajra.CodeInternal, "", "the server is still loading its collections")
	}
}

// AddCollection serves c under name (readOnly refuses writes to it). The server closes c
// when it closes.
func (s *Server) AddCollection(name string, c *vajra.Collection, readOnly bool) error {
	return s.reg.add(name, c, readOnly)
}

// Collections lists the names of the served collections.
func (s *Server) Collections() []string { return s.reg.names() }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close flushes and closes every collection, after the requests using them have finished.
func (s *Server) Close() error { return s.reg.closeAll() }

// Serve answers requests on l until ctx ends, then shuts down gracefully: it stops
// accepting, lets requests in flight finish (up to Options.ShutdownTimeout), and flushes and
// closes every collection. It loads the collections in the background after it starts
// listening; /readyz says when they are all open.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	o := s.opts
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	loadCtx, cancelLoad := context.WithCancel(ctx)
	defer cancelLoad()
	go func() {
		if err := s.Load(loadCtx); err != nil {
			o.Logger.Error("loading collections failed", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		cancelLoad()
		<-s.loaded
		return errors.Join(err, s.Close())
	case <-ctx.Done():
	}
	o.Logger.Info("shutting down: finishing requests in flight")
	cancelLoad()
	shutCtx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(shutCtx)
	if err != nil {
		err = fmt.Errorf("shutdown: %w", err)
		hs.Close()
	}
	<-s.loaded
	if cerr := s.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	o.Logger.Info("stopped", "err", err)
	return err
}

// CheckListen refuses to listen on a non-loopback address without an admin key: anyone on the
// network could otherwise write and delete collections.
func CheckListen(addr string, adminKey string) error {
	if adminKey != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		ips, err := net.LookupIP(host)
		if err != nil || len(ips) == 0 {
			return fmt.Errorf("listen address %q: cannot tell whether %q is loopback: set an admin key (--api-key) or listen on 127.0.0.1", addr, host)
		}
		if slices.ContainsFunc(ips, func(ip net.IP) bool { return !ip.IsLoopback() }) {
			return fmt.Errorf("refusing to listen on %s without an admin key: anyone who can reach it could change or delete collections; set --api-key (or VAJRA_API_KEY) or listen on 127.0.0.1", addr)
		}
		return nil
	}
	if !ip.IsLoopback() {
		return fmt.Errorf("refusing to listen on %s without an admin key: anyone who can reach it could change or delete collections; set --api-key (or VAJRA_API_KEY) or listen on 127.0.0.1", addr)
	}
	return nil
}

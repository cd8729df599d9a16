package analysis

import (
	"strings"
	"sync"
)

// Kinds of cached word results.
const (
	wordDrop  uint8 = iota // no term: stopword, too long, or nothing left after folding
	wordTerm               // exactly one term covering the whole word
	wordMulti              // a dotted word that splits into several parts
)

// wordResult is what a source word (a UAX#29 segment, byte for byte) analyses to.
type wordResult struct {
	term string
	kind uint8
}

const (
	cacheShards = 64 // power of two; enough that two cores rarely meet on one lock
	// defaultCacheWords bounds the cache: at most about 25 MB (measured ~190 bytes per
	// entry, key and term included). Word frequencies are Zipfian, so this holds every
	// frequent word of even a very large corpus.
	defaultCacheWords = 1 << 17
)

// wordCache maps source words to their analysis. Each shard keeps two generations: when
// the current one fills up it becomes the old one and the previous old one is dropped, so
// memory stays bounded while words still in use survive by being promoted on their next hit.
type wordCache struct {
	shards   [cacheShards]cacheShard
	genWords int // entries per shard generation; 0 disables caching
}

type cacheShard struct {
	mu  sync.RWMutex
	cur map[string]wordResult
	old map[string]wordResult
	_   [64]byte // keep neighbouring shards' locks off one cache line
}

func newWordCache(maxWords int) *wordCache {
	c := &wordCache{genWords: maxWords / (2 * cacheShards)}
	if maxWords > 0 && c.genWords == 0 {
		c.genWords = 1
	}
	return c
}

// shardOf hashes with FNV-1a; the shard choice only spreads lock traffic and never shows in
// results.
func (c *wordCache) shardOf(key string) *cacheShard {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return &c.shards[h&(cacheShards-1)]
}

func (c *wordCache) get(key string) (wordResult, bool) {
	if c.genWords == 0 {
		return wordResult{}, false
	}
	s := c.shardOf(key)
	s.mu.RLock()
	r, ok := s.cur[key]
	promote := false
	if !ok {
		r, ok = s.old[key]
		promote = ok
	}
	s.mu.RUnlock()
	if promote {
		c.put(key, r)
	}
	return r, ok
}

// getBytes is get for a key held in a byte slice; the lookup does not allocate.
func (c *wordCache) getBytes(key []byte) (wordResult, bool) {
	if c.genWords == 0 {
		return wordResult{}, false
	}
	h := uint32(2166136261)
	for _, b := range key {
		h ^= uint32(b)
		h *= 16777619
	}
	s := &c.shards[h&(cacheShards-1)]
	s.mu.RLock()
	r, ok := s.cur[string(key)]
	if !ok {
		r, ok = s.old[string(key)]
	}
	s.mu.RUnlock()
	return r, ok
}

// put stores a result; key is copied so the cache never pins the caller's text.
func (c *wordCache) put(key string, r wordResult) {
	if c.genWords == 0 {
		return
	}
	key = strings.Clone(key)
	if r.term == key {
		r.term = key // share one string for key and term
	} else {
		r.term = strings.Clone(r.term) // the term may be a slice of the caller's text
	}
	s := c.shardOf(key)
	s.mu.Lock()
	if s.cur == nil || len(s.cur) >= c.genWords {
		s.old = s.cur
		// Start small: maps grow on their own, and a short-lived analyzer (a reopened
		// collection, a test) should not pay for 64 large tables up front.
		s.cur = make(map[string]wordResult, min(c.genWords, 16))
	}
	s.cur[key] = r
	s.mu.Unlock()
}

// len returns the number of cached entries (both generations).
func (c *wordCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.cur) + len(s.old)
		s.mu.RUnlock()
	}
	return n
}

package httpapi

import (
	"bytes"
	"container/list"
	"context"
	"github.com/automatonic/chronos/app/internal/auth"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// maxCachedBody is the largest response the cache keeps.
const maxCachedBody = 1 << 20

// generationCheckEvery bounds how stale a cached response can be after a
// write in another CMS process.
const generationCheckEvery = 100 * time.Millisecond

// ResponseCache keeps anonymous GET responses of the collection routes in
// memory until content changes. Writes in this process invalidate it at
// once (Invalidate, wired to content's AfterWrite hook); writes in other
// processes are seen through the database's content generation, checked at
// most every 100 ms. Responses for signed-in callers are never cached.
type ResponseCache struct {
	maxBytes   int64
	generation func(ctx context.Context) (int64, error)

	local     atomic.Int64 // bumped by Invalidate
	seen      atomic.Int64 // last generation read from the database
	checkedAt atomic.Int64 // unix nanos of that read
	checking  sync.Mutex

	mu      sync.Mutex
	lru     *list.List
	entries map[string]*list.Element
	bytes   int64
}

type cacheEntry struct {
	key   string
	gen   int64
	local int64
	body  []byte
}

// NewResponseCache returns a cache of at most maxBytes of bodies.
// generation reads the database's content generation.
func NewResponseCache(maxBytes int64, generation func(ctx context.Context) (int64, error)) *ResponseCache {
	return &ResponseCache{maxBytes: maxBytes, generation: generation, lru: list.New(), entries: map[string]*list.Element{}}
}

// Invalidate drops every cached response (a write happened here).
func (rc *ResponseCache) Invalidate() { rc.local.Add(1) }

// current returns the generation pair a response must carry to be fresh.
func (rc *ResponseCache) current(ctx context.Context) (gen, local int64, ok bool) {
	local = rc.local.Load()
	now := time.Now().UnixNano()
	if now-rc.checkedAt.Load() < int64(generationCheckEvery) {
		return rc.seen.Load(), local, true
	}
	if !rc.checking.TryLock() {
		// Someone is reading it now; their previous value is as fresh as
		// this request may assume.
		return rc.seen.Load(), local, rc.checkedAt.Load() != 0
	}
	defer rc.checking.Unlock()
	g, err := rc.generation(ctx)
	if err != nil {
		return 0, 0, false
	}
	rc.seen.Store(g)
	rc.checkedAt.Store(now)
	return g, local, true
}

func (rc *ResponseCache) get(key string, gen, local int64) ([]byte, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	el, ok := rc.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if e.gen != gen || e.local != local {
		rc.remove(el)
		return nil, false
	}
	rc.lru.MoveToFront(el)
	return e.body, true
}

func (rc *ResponseCache) put(key string, gen, local int64, body []byte) {
	if int64(len(body)) > rc.maxBytes/4 {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.entries[key]; ok {
		rc.remove(el)
	}
	rc.entries[key] = rc.lru.PushFront(&cacheEntry{key: key, gen: gen, local: local, body: body})
	rc.bytes += int64(len(body))
	for rc.bytes > rc.maxBytes {
		rc.remove(rc.lru.Back())
	}
}

func (rc *ResponseCache) remove(el *list.Element) {
	e := rc.lru.Remove(el).(*cacheEntry)
	delete(rc.entries, e.key)
	rc.bytes -= int64(len(e.body))
}

// cacheable reports whether a request may be answered from the cache.
func (a *API) cacheable(c *gin.Context) bool {
	r := c.Request
	if over, _ := r.Context().Value(overrideJSONKey{}).(bool); over {
		return false // a live-preview read answers the posted data, not the URL's document
	}
	if r.Method != http.MethodGet || caller(c).Actor != nil || r.Header.Get("Authorization") != "" {
		return false
	}
	if _, err := r.Cookie(auth.CookieName); err == nil {
		return false
	}
	p := r.URL.Path
	for _, no := range []string{"/api/" + a.authSlug(), "/api/access", "/api/" + a.uploadSlug() + "/file/", "/api/openapi.json", "/api/payload-types.ts"} {
		if strings.HasPrefix(p, no) {
			return false
		}
	}
	return true
}

type recordingWriter struct {
	gin.ResponseWriter
	buf      bytes.Buffer
	overflow bool
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if !w.overflow {
		if w.buf.Len()+len(b) > maxCachedBody {
			w.overflow = true
			w.buf = bytes.Buffer{}
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// cached answers from the cache or records the response for it. It runs
// after identify (to know the caller is anonymous) and inside gzip (the
// cache holds uncompressed JSON).
func (a *API) cached(c *gin.Context) {
	if a.cache == nil || !a.cacheable(c) {
		c.Next()
		return
	}
	gen, local, ok := a.cache.current(c.Request.Context())
	if !ok {
		c.Next()
		return
	}
	key := c.Request.URL.Path + "?" + c.Request.URL.RawQuery
	if body, hit := a.cache.get(key, gen, local); hit {
		c.Header("X-Cache", "HIT")
		c.Data(http.StatusOK, "application/json", body)
		c.Abort()
		return
	}
	c.Header("X-Cache", "MISS")
	rw := &recordingWriter{ResponseWriter: c.Writer}
	c.Writer = rw
	c.Next()
	if c.Writer.Status() == http.StatusOK && !rw.overflow && rw.buf.Len() > 0 {
		a.cache.put(key, gen, local, bytes.Clone(rw.buf.Bytes()))
	}
}

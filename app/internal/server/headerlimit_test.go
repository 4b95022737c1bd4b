package server

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestRequestLineIsBounded: the served CMS reads at most maxHeaderBytes of
// request line and headers: a URL within the cap is served, a longer one is
// refused with 431 before any handler runs.
func TestRequestLineIsBounded(t *testing.T) {
	app := newApp(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.ServeListener(ctx, ln, nil) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	get := func(n int) int {
		t.Helper()
		resp, err := http.Get("http://" + ln.Addr().String() + "/api/pages?depth=0&unused=" + strings.Repeat("x", n))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(maxHeaderBytes - 4<<10); got != http.StatusOK {
		t.Errorf("a URL within %d bytes: %d, want 200", maxHeaderBytes, got)
	}
	if got := get(maxHeaderBytes + 8<<10); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a URL over %d bytes: %d, want 431", maxHeaderBytes, got)
	}
}

package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

func TestDeliversSignedEventsWithRetries(t *testing.T) {
	secret := []byte("whsec")
	var calls atomic.Int32
	got := make(chan Payload, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if sig := r.Header.Get(SignatureHeader); sig != Sign(secret, r.Header.Get(TimestampHeader), body) {
			t.Errorf("bad signature %q", sig)
		}
		if n < 3 { // fail twice, then accept
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var p Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Error(err)
		}
		got <- p
	}))
	defer srv.Close()
	d := New(Options{URLs: []string{srv.URL}, Secret: secret, BaseBackoff: time.Millisecond})
	d.Publish(context.Background(), content.Event{Type: "publish", Collection: "pages", ID: 7, Slug: "home", At: time.Now()})
	select {
	case p := <-got:
		if p.Type != "publish" || p.ID != 7 || p.Slug != "home" {
			t.Fatalf("payload %+v", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("event not delivered")
	}
	d.Close(context.Background())
	if calls.Load() != 3 {
		t.Fatalf("%d calls, want 3 (two failures, one success)", calls.Load())
	}
}

func TestPublishNeverBlocks(t *testing.T) {
	block := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer once.Do(func() { close(block) })
	d := New(Options{URLs: []string{srv.URL}, QueueSize: 2, MaxAttempts: 1})
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			d.Publish(context.Background(), content.Event{Type: "publish", ID: int64(i)})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Publish blocked on a slow endpoint")
	}
	once.Do(func() { close(block) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	d.Close(ctx)
}

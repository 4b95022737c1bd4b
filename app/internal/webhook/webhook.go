// Package webhook tells the outside world about content changes: on
// publish, unpublish and delete it POSTs a signed JSON event to configured
// URLs (e.g. the Next.js site's on-demand revalidation route). Delivery is
// asynchronous with retries and backoff; a request never waits for it.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// Headers of a delivery.
const (
	SignatureHeader = "X-Chronos-Signature" // "sha256=<hex HMAC of timestamp + "." + body>"
	TimestampHeader = "X-Chronos-Timestamp" // unix seconds, signed too (replay protection)
	EventHeader     = "X-Chronos-Event"
)

// Options configure a Dispatcher.
type Options struct {
	URLs        []string
	Secret      []byte
	Client      *http.Client
	Logger      *slog.Logger
	QueueSize   int           // events waiting; beyond it events are dropped and logged
	MaxAttempts int           // per URL
	BaseBackoff time.Duration // doubled per attempt
}

// Dispatcher implements content.Events.
type Dispatcher struct {
	o     Options
	queue chan content.Event
	wg    sync.WaitGroup
	stop  context.CancelFunc
	ctx   context.Context
}

// Payload is the JSON body of a delivery.
type Payload struct {
	Type       string `json:"type"`
	Collection string `json:"collection,omitempty"`
	// Global names a saved global ("header"): revalidate the layout.
	Global string `json:"global,omitempty"`
	ID     int64  `json:"id"`
	Slug   string `json:"slug,omitempty"`
	At     string `json:"at"`
}

// New starts a dispatcher with one worker; Close stops it.
func New(o Options) *Dispatcher {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1000
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{o: o, queue: make(chan content.Event, o.QueueSize), stop: cancel, ctx: ctx}
	d.wg.Add(1)
	go d.run()
	return d
}

// Publish implements content.Events: it enqueues and returns at once.
func (d *Dispatcher) Publish(_ context.Context, e content.Event) {
	if len(d.o.URLs) == 0 {
		return
	}
	select {
	case d.queue <- e:
	default:
		d.o.Logger.Error("webhook queue full: event dropped", "type", e.Type, "collection", e.Collection, "id", e.ID)
	}
}

// Close stops accepting work, delivers what is queued until ctx ends, and
// returns.
func (d *Dispatcher) Close(ctx context.Context) {
	close(d.queue)
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		d.stop()
		<-done
	}
}

func (d *Dispatcher) run() {
	defer d.wg.Done()
	for e := range d.queue {
		p := Payload{Type: e.Type, Collection: e.Collection, ID: e.ID, Slug: e.Slug, At: content.FormatTime(e.At)}
		if e.Global {
			p.Collection, p.Global = "", e.Collection
		}
		body, err := json.Marshal(p)
		if err != nil {
			d.o.Logger.Error("webhook encode", "err", err)
			continue
		}
		for _, u := range d.o.URLs {
			d.deliver(u, e.Type, body)
		}
	}
}

// Sign returns the signature header value for a timestamp and body.
func Sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (d *Dispatcher) deliver(url, typ string, body []byte) {
	backoff := d.o.BaseBackoff
	for attempt := 1; attempt <= d.o.MaxAttempts; attempt++ {
		err := d.post(url, typ, body)
		if err == nil {
			return
		}
		d.o.Logger.Warn("webhook delivery failed", "url", url, "attempt", attempt, "err", err)
		if attempt == d.o.MaxAttempts {
			d.o.Logger.Error("webhook gave up", "url", url, "type", typ, "attempts", attempt)
			return
		}
		select {
		case <-time.After(backoff):
		case <-d.ctx.Done():
			return
		}
		backoff *= 2
	}
}

func (d *Dispatcher) post(url, typ string, body []byte) error {
	ctx, cancel := context.WithTimeout(d.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(EventHeader, typ)
	req.Header.Set(TimestampHeader, ts)
	if len(d.o.Secret) > 0 {
		req.Header.Set(SignatureHeader, Sign(d.o.Secret, ts, body))
	}
	resp, err := d.o.Client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

package server

import (
	"bufio"
	"github.com/automatonic/chronos/app/internal/content"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
)

// fakeSMTP accepts one conversation on loopback and hands over the DATA.
func fakeSMTP(t *testing.T) (addr string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
		say := func(s string) { w.WriteString(s + "\r\n"); w.Flush() }
		say("220 fake ESMTP")
		var data strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 fake")
			case strings.HasPrefix(cmd, "DATA"):
				say("354 go ahead")
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					data.WriteString(l)
				}
				say("250 queued")
				ch <- data.String()
			case strings.HasPrefix(cmd, "QUIT"):
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	return ln.Addr().String(), ch
}

// TestForgotPasswordSendsMailThroughSMTP: with SMTP_URL set, the reset
// link goes out by mail to the user and nowhere else.
func TestForgotPasswordSendsMailThroughSMTP(t *testing.T) {
	addr, got := fakeSMTP(t)
	app := newApp(t, map[string]string{contract.SMTPURL: "smtp://" + addr, contract.SMTPFrom: "cms@example.com", contract.CMSPublicURL: "https://cms.example.com"})
	if _, err := app.Auth().CreateUserAsSystem(t.Context(), auth.Registration{Email: "reader@example.com", Password: "mail-test-pass-1", Roles: []string{content.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/users/forgot-password", strings.NewReader(`{"email":"reader@example.com"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	app.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"Success"`) {
		t.Fatalf("forgot-password: %d %s", rec.Code, rec.Body)
	}
	select {
	case msg := <-got:
		for _, want := range []string{"To: reader@example.com", "From: cms@example.com", "https://cms.example.com/admin/reset/"} {
			if !strings.Contains(msg, want) {
				t.Errorf("mail lacks %q:\n%s", want, msg)
			}
		}
		if strings.Contains(rec.Body.String(), "reset/") {
			t.Error("the reset link leaked into the response")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no mail reached the SMTP server")
	}
}

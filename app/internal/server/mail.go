package server

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"net/url"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
)

// smtpMailer sends password-reset mail through SMTP_URL.
type smtpMailer struct {
	u    *url.URL
	from string
}

// newMailer returns nil when no SMTP server is configured (the auth service
// then logs reset links in development and refuses in production).
func newMailer(cfg *config.Config) auth.Mailer {
	if cfg.SMTPURL == "" {
		return nil
	}
	u, err := url.Parse(cfg.SMTPURL)
	if err != nil {
		return nil
	}
	return &smtpMailer{u: u, from: cfg.SMTPFrom}
}

// Send implements auth.Mailer.
func (m *smtpMailer) Send(ctx context.Context, mail auth.Mail) error {
	host := m.u.Hostname()
	port := m.u.Port()
	if port == "" {
		port = "587"
	}
	var a smtp.Auth
	if m.u.User != nil {
		pw, _ := m.u.User.Password()
		a = smtp.PlainAuth("", m.u.User.Username(), pw, host)
	}
	if strings.ContainsAny(mail.To, "\r\n") || strings.ContainsAny(mail.Subject, "\r\n") {
		return fmt.Errorf("mail: header injection refused")
	}
	msg := "From: " + m.from + "\r\nTo: " + mail.To + "\r\nSubject: " + mail.Subject +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + mail.Text
	errc := make(chan error, 1)
	go func() { errc <- smtp.SendMail(net.JoinHostPort(host, port), a, m.from, []string{mail.To}, []byte(msg)) }()
	select {
	case err := <-errc:
		if err != nil {
			return fmt.Errorf("mail: send: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

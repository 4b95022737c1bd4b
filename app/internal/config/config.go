// Package config turns the process environment (and an optional .env file)
// into a typed, validated Config. Every variable is named in app/contract;
// this package owns parsing, defaults and validation, and reports every
// problem at once with secrets redacted.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/contract"
)

// Environment modes.
const (
	Development = "development"
	Production  = "production"
)

// Media delivery modes.
const (
	DeliverProxy   = "proxy"
	DeliverPublic  = "public"
	DeliverPresign = "presign"
)

// MinSecretBytes is the shortest secret accepted in production.
const MinSecretBytes = 32

// S3 holds the object store settings; Bucket == "" means local disk.
type S3 struct {
	Bucket          string
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	Endpoint        string
	ForcePathStyle  bool
	PublicURL       string
	Prefix          string
}

// Enabled reports whether media go to S3 rather than local disk.
func (s S3) Enabled() bool { return s.Bucket != "" }

// Config is the CMS configuration. It is a value: handed down, never global.
type Config struct {
	Env               string
	Addr              string
	PublicURL         string
	DataDir           string
	PostgresURL       string // "" means embedded SQLite at SQLitePath
	SQLitePath        string
	DBMaxConns        int
	AutoMigrate       bool
	S3                S3
	Secret            string
	SecretGenerated   bool // the dev secret was generated or read from DataDir
	CORSOrigins       []string
	LogLevel          slog.Level
	UploadMaxBytes    int64
	MediaDelivery     string
	ImageWorkers      int
	TokenTTL          time.Duration
	PreviewURL        string
	WebhookURLs       []string
	WebhookSecret     string
	SMTPURL           string
	SMTPFrom          string
	LoginMaxAttempts  int
	LockoutDuration   time.Duration
	PasswordMinLength int
	TrustedProxies    []string
	CacheBytes        int64
}

// Production reports whether the CMS runs in production mode.
func (c *Config) Production() bool { return c.Env == Production }

// UsesSQLite reports whether the embedded SQLite database is used.
func (c *Config) UsesSQLite() bool { return c.PostgresURL == "" }

// Error lists every configuration problem found.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "invalid configuration:\n  - " + strings.Join(e.Problems, "\n  - ")
}

// Load builds a Config from env (variable name → value). It does not touch
// the file system; see EnsureDevSecret for the generated dev secret.
func Load(env map[string]string) (*Config, error) {
	p := parser{env: env}
	c := &Config{}
	c.Env = p.str(contract.CMSEnv, Development)
	switch c.Env {
	case Development, Production:
	default:
		p.problem(contract.CMSEnv, "must be %q or %q, got %q", Development, Production, c.Env)
	}
	prod := c.Env == Production

	defaultAddr := "127.0.0.1:8080"
	if prod {
		defaultAddr = ":8080"
	}
	c.Addr = p.str(contract.CMSAddr, defaultAddr)
	c.DataDir = p.str(contract.CMSDataDir, "./data")
	c.PublicURL = strings.TrimRight(p.str(contract.CMSPublicURL, ""), "/")
	if c.PublicURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	} else {
		p.checkURL(contract.CMSPublicURL, c.PublicURL, "http", "https")
	}

	c.PostgresURL = p.str(contract.PostgresURL, "")
	if c.PostgresURL != "" {
		p.checkPostgresURL(c.PostgresURL)
	} else if prod {
		p.problem(contract.PostgresURL, "is required in production (a postgres:// URL)")
	}
	c.SQLitePath = filepath.Join(c.DataDir, "chronos.db")
	c.DBMaxConns = p.int(contract.CMSDBMaxConns, 10, 1, 1000)
	c.AutoMigrate = p.bool(contract.CMSAutoMigrate, c.PostgresURL == "")

	c.S3 = S3{
		Bucket:          p.str(contract.S3Bucket, ""),
		Region:          p.str(contract.S3Region, "us-east-1"),
		AccessKeyID:     p.str(contract.S3AccessKeyID, ""),
		SecretAccessKey: p.str(contract.S3SecretAccessKey, ""),
		Endpoint:        p.str(contract.S3Endpoint, ""),
		ForcePathStyle:  p.bool(contract.S3ForcePathStyle, false),
		PublicURL:       strings.TrimRight(p.str(contract.S3PublicURL, ""), "/"),
		Prefix:          p.str(contract.S3Prefix, "media/"),
	}
	if prod && c.S3.Bucket == "" {
		p.problem(contract.S3Bucket, "is required in production")
	}
	if (c.S3.AccessKeyID == "") != (c.S3.SecretAccessKey == "") {
		p.problem(contract.S3AccessKeyID, "and %s must be set together", contract.S3SecretAccessKey)
	}
	if c.S3.Endpoint != "" {
		p.checkURL(contract.S3Endpoint, c.S3.Endpoint, "http", "https")
	}
	if c.S3.PublicURL != "" {
		p.checkURL(contract.S3PublicURL, c.S3.PublicURL, "http", "https")
	}
	if strings.HasPrefix(c.S3.Prefix, "/") || strings.Contains(c.S3.Prefix, "..") {
		p.problem(contract.S3Prefix, "must be a relative key prefix without '..', got %q", c.S3.Prefix)
	}

	c.Secret = p.str(contract.PayloadSecret, "")
	if c.Secret == "" {
		c.Secret = p.str(contract.CMSSecret, "")
	}
	if prod {
		switch {
		case c.Secret == "":
			p.problem(contract.PayloadSecret, "is required in production (at least %d bytes; e.g. `openssl rand -hex 32`)", MinSecretBytes)
		case len(c.Secret) < MinSecretBytes:
			p.problem(contract.PayloadSecret, "must be at least %d bytes in production, got %d", MinSecretBytes, len(c.Secret))
		}
	}

	c.CORSOrigins = p.origins(contract.CMSCORSOrigins)
	switch lvl := strings.ToLower(p.str(contract.CMSLogLevel, "info")); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		p.problem(contract.CMSLogLevel, "must be debug, info, warn or error, got %q", lvl)
	}
	c.UploadMaxBytes = int64(p.int(contract.CMSUploadMaxBytes, 50<<20, 1, 1<<40))
	c.MediaDelivery = p.str(contract.CMSMediaDelivery, DeliverProxy)
	switch c.MediaDelivery {
	case DeliverProxy:
	case DeliverPublic:
		if c.S3.PublicURL == "" {
			p.problem(contract.CMSMediaDelivery, "is %q but %s is not set", DeliverPublic, contract.S3PublicURL)
		}
	case DeliverPresign:
		if !c.S3.Enabled() {
			p.problem(contract.CMSMediaDelivery, "is %q but %s is not set (local disk cannot presign)", DeliverPresign, contract.S3Bucket)
		}
	default:
		p.problem(contract.CMSMediaDelivery, "must be proxy, public or presign, got %q", c.MediaDelivery)
	}
	c.ImageWorkers = p.int(contract.CMSImageWorkers, 2, 1, 64)
	c.TokenTTL = p.duration(contract.CMSTokenTTL, 2*time.Hour)
	c.PreviewURL = p.str(contract.CMSPreviewURL, "")
	if c.PreviewURL != "" {
		p.checkURL(contract.CMSPreviewURL, c.PreviewURL, "http", "https")
	}
	for _, u := range p.list(contract.CMSWebhookURLs) {
		if p.checkURL(contract.CMSWebhookURLs, u, "http", "https") {
			c.WebhookURLs = append(c.WebhookURLs, u)
		}
	}
	c.WebhookSecret = p.str(contract.CMSWebhookSecret, "")
	if len(c.WebhookURLs) > 0 && c.WebhookSecret == "" && prod {
		p.problem(contract.CMSWebhookSecret, "is required in production when %s is set", contract.CMSWebhookURLs)
	}
	c.SMTPURL = p.str(contract.SMTPURL, "")
	if c.SMTPURL != "" {
		p.checkURL(contract.SMTPURL, c.SMTPURL, "smtp", "smtps")
	}
	c.SMTPFrom = p.str(contract.SMTPFrom, "")
	if c.SMTPURL != "" && c.SMTPFrom == "" {
		p.problem(contract.SMTPFrom, "is required when %s is set", contract.SMTPURL)
	}
	c.LoginMaxAttempts = p.int(contract.CMSLoginMaxAttempt, 5, 1, 1000)
	c.LockoutDuration = p.duration(contract.CMSLockoutDuration, 10*time.Minute)
	c.PasswordMinLength = p.int(contract.CMSPasswordMinLen, 8, 8, 128)
	c.CacheBytes = int64(p.int(contract.CMSCacheBytes, 32<<20, 0, 1<<40))
	for _, tp := range p.list(contract.CMSTrustedProxies) {
		if _, _, err := net.ParseCIDR(tp); err != nil && net.ParseIP(tp) == nil {
			p.problem(contract.CMSTrustedProxies, "entry %q must be an IP address or CIDR", tp)
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, tp)
	}

	if len(p.problems) > 0 {
		return nil, &Error{Problems: p.problems}
	}
	return c, nil
}

// EnsureDevSecret fills an empty secret in development with one generated
// once and kept in DataDir/dev-secret, so sessions survive restarts. It
// returns a warning to log, or "" when nothing was done.
func EnsureDevSecret(c *Config) (warning string, err error) {
	if c.Secret != "" || c.Production() {
		return "", nil
	}
	path := filepath.Join(c.DataDir, "dev-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= MinSecretBytes {
		c.Secret = strings.TrimSpace(string(b))
		c.SecretGenerated = true
		return "using the development secret kept in " + path + "; set " + contract.PayloadSecret + " for anything shared", nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("generate dev secret: %w", err)
	}
	secret := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write dev secret: %w", err)
	}
	c.Secret = secret
	c.SecretGenerated = true
	return "generated a development secret in " + path + "; set " + contract.PayloadSecret + " for anything shared", nil
}

// Redacted returns the settings as name=value lines with secrets masked,
// for `cms serve --print-config` and logs.
func (c *Config) Redacted() map[string]string {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "[redacted]"
	}
	return map[string]string{
		contract.CMSEnv:            c.Env,
		contract.CMSAddr:           c.Addr,
		contract.CMSPublicURL:      c.PublicURL,
		contract.CMSDataDir:        c.DataDir,
		contract.PostgresURL:       RedactURL(c.PostgresURL),
		contract.S3Bucket:          c.S3.Bucket,
		contract.S3Region:          c.S3.Region,
		contract.S3AccessKeyID:     c.S3.AccessKeyID,
		contract.S3SecretAccessKey: mask(c.S3.SecretAccessKey),
		contract.S3Endpoint:        c.S3.Endpoint,
		contract.PayloadSecret:     mask(c.Secret),
		contract.CMSCORSOrigins:    strings.Join(c.CORSOrigins, ","),
		contract.CMSMediaDelivery:  c.MediaDelivery,
		contract.CMSWebhookSecret:  mask(c.WebhookSecret),
		contract.SMTPURL:           RedactURL(c.SMTPURL),
	}
}

// RedactURL hides the password of a URL ("postgres://u:[redacted]@h/db").
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparseable URL redacted]"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "redacted")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "redacted")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

type parser struct {
	env      map[string]string
	problems []string
}

func (p *parser) problem(name, format string, args ...any) {
	p.problems = append(p.problems, name+" "+fmt.Sprintf(format, args...))
}

// value shows a value in a problem message unless the variable is secret.
func (p *parser) value(name, v string) string {
	if contract.IsSecret(name) {
		return "[redacted]"
	}
	return strconv.Quote(v)
}

func (p *parser) str(name, def string) string {
	if v, ok := p.env[name]; ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (p *parser) int(name string, def, lo, hi int) int {
	raw := p.str(name, "")
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		p.problem(name, "must be an integer from %d to %d, got %s", lo, hi, p.value(name, raw))
		return def
	}
	return n
}

func (p *parser) bool(name string, def bool) bool {
	raw := p.str(name, "")
	if raw == "" {
		return def
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		p.problem(name, "must be true or false, got %s", p.value(name, raw))
		return def
	}
	return b
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	raw := p.str(name, "")
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		if n, nerr := strconv.Atoi(raw); nerr == nil {
			d, err = time.Duration(n)*time.Second, nil
		}
	}
	if err != nil || d <= 0 {
		p.problem(name, "must be a positive duration such as 90s, 10m or 2h (or seconds), got %s", p.value(name, raw))
		return def
	}
	return d
}

func (p *parser) list(name string) []string {
	var out []string
	for _, s := range strings.Split(p.str(name, ""), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) origins(name string) []string {
	var out []string
	for _, o := range p.list(name) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			p.problem(name, "entry %q must be an origin such as https://www.example.com (scheme and host only)", o)
			continue
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out
}

func (p *parser) checkURL(name, raw string, schemes ...string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		p.problem(name, "must be an absolute URL (%s), got %s", strings.Join(schemes, " or "), p.value(name, raw))
		return false
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return true
		}
	}
	p.problem(name, "must use scheme %s, got %q", strings.Join(schemes, " or "), u.Scheme)
	return false
}

func (p *parser) checkPostgresURL(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		// Never echo the value: it holds a password.
		p.problem(contract.PostgresURL, "is not a valid URL (expected postgres://user:password@host:5432/dbname?sslmode=require)")
		return
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		p.problem(contract.PostgresURL, "must start with postgres:// or postgresql://, got scheme %q", u.Scheme)
		return
	}
	if u.Host == "" {
		p.problem(contract.PostgresURL, "has no host (expected postgres://user:password@host:5432/dbname)")
	}
	if strings.Trim(u.Path, "/") == "" {
		p.problem(contract.PostgresURL, "has no database name (expected postgres://user:password@host:5432/dbname)")
	}
	if sm := u.Query().Get("sslmode"); sm != "" {
		switch sm {
		case "disable", "allow", "prefer", "require", "verify-ca", "verify-full":
		default:
			p.problem(contract.PostgresURL, "has an unknown sslmode %q", sm)
		}
	}
}

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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/contract"
)

// Environment modes.
const (
	Development = contract.EnvDevelopment
	Production  = contract.EnvProduction
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

// Load builds a Config from env (variable name → value). Every variable is
// parsed as its contract.Var says (type, bounds, default); the checks
// between variables follow. It does not touch the file system; see
// EnsureDevSecret for the generated dev secret.
func Load(env map[string]string) (*Config, error) {
	p := newParser(env)
	c := &Config{}
	p.server(c)
	p.database(c)
	p.objectStore(c)
	p.secret(c)
	p.media(c)
	p.accounts(c)
	p.integrations(c)
	if len(p.problems) > 0 {
		return nil, &Error{Problems: p.problems}
	}
	return c, nil
}

// server reads the mode, addresses, logging, CORS and proxies.
func (p *parser) server(c *Config) {
	c.Env = p.enum(contract.CMSEnv)
	prod := c.Env == Production
	defaultAddr := "127.0.0.1:8080"
	if prod {
		defaultAddr = ":8080"
	}
	c.Addr = p.strOr(contract.CMSAddr, defaultAddr)
	c.DataDir = p.str(contract.CMSDataDir)
	c.PublicURL = strings.TrimRight(p.url(contract.CMSPublicURL), "/")
	if c.PublicURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	}
	c.LogLevel = logLevels[p.enum(contract.CMSLogLevel)]
	c.CORSOrigins = p.origins(contract.CMSCORSOrigins)
	for _, tp := range p.list(contract.CMSTrustedProxies) {
		if _, _, err := net.ParseCIDR(tp); err != nil && net.ParseIP(tp) == nil {
			p.problem(contract.CMSTrustedProxies, "entry %q must be an IP address or CIDR", tp)
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, tp)
	}
	c.CacheBytes = p.int(contract.CMSCacheBytes)
}

// logLevels are the values of CMS_LOG_LEVEL.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError}

// database reads PostgreSQL or the embedded SQLite file.
func (p *parser) database(c *Config) {
	c.PostgresURL = p.url(contract.PostgresURL)
	if c.PostgresURL != "" {
		p.checkPostgresURL(c.PostgresURL)
	} else if c.Production() {
		p.problem(contract.PostgresURL, "is required in production (a postgres:// URL)")
	}
	c.SQLitePath = filepath.Join(c.DataDir, "chronos.db")
	c.DBMaxConns = int(p.int(contract.CMSDBMaxConns))
	c.AutoMigrate = p.boolOr(contract.CMSAutoMigrate, c.PostgresURL == "")
}

// objectStore reads the S3 settings (none: local disk).
func (p *parser) objectStore(c *Config) {
	c.S3 = S3{
		Bucket:          p.str(contract.S3Bucket),
		Region:          p.str(contract.S3Region),
		AccessKeyID:     p.str(contract.S3AccessKeyID),
		SecretAccessKey: p.str(contract.S3SecretAccessKey),
		Endpoint:        p.url(contract.S3Endpoint),
		ForcePathStyle:  p.bool(contract.S3ForcePathStyle),
		PublicURL:       strings.TrimRight(p.url(contract.S3PublicURL), "/"),
		Prefix:          p.str(contract.S3Prefix),
	}
	if c.Production() && c.S3.Bucket == "" {
		p.problem(contract.S3Bucket, "is required in production")
	}
	if (c.S3.AccessKeyID == "") != (c.S3.SecretAccessKey == "") {
		p.problem(contract.S3AccessKeyID, "and %s must be set together", contract.S3SecretAccessKey)
	}
	if strings.HasPrefix(c.S3.Prefix, "/") || strings.Contains(c.S3.Prefix, "..") {
		p.problem(contract.S3Prefix, "must be a relative key prefix without '..', got %q", c.S3.Prefix)
	}
}

// secret reads the signing secret (or its alias); production needs one.
func (p *parser) secret(c *Config) {
	c.Secret = p.str(contract.PayloadSecret)
	if c.Secret == "" {
		c.Secret = p.str(contract.CMSSecret)
	}
	if !c.Production() {
		return
	}
	switch {
	case c.Secret == "":
		p.problem(contract.PayloadSecret, "is required in production (at least %d bytes; e.g. `openssl rand -hex 32`)", MinSecretBytes)
	case len(c.Secret) < MinSecretBytes:
		p.problem(contract.PayloadSecret, "must be at least %d bytes in production, got %d", MinSecretBytes, len(c.Secret))
	}
}

// media reads upload limits, delivery and image processing.
func (p *parser) media(c *Config) {
	c.UploadMaxBytes = p.int(contract.CMSUploadMaxBytes)
	c.MediaDelivery = p.enum(contract.CMSMediaDelivery)
	switch {
	case c.MediaDelivery == contract.DeliverPublic && c.S3.PublicURL == "":
		p.problem(contract.CMSMediaDelivery, "is %q but %s is not set", contract.DeliverPublic, contract.S3PublicURL)
	case c.MediaDelivery == contract.DeliverPresign && !c.S3.Enabled():
		p.problem(contract.CMSMediaDelivery, "is %q but %s is not set (local disk cannot presign)", contract.DeliverPresign, contract.S3Bucket)
	}
	c.ImageWorkers = int(p.int(contract.CMSImageWorkers))
}

// accounts reads sessions, lockout and password rules.
func (p *parser) accounts(c *Config) {
	c.TokenTTL = p.duration(contract.CMSTokenTTL)
	c.LoginMaxAttempts = int(p.int(contract.CMSLoginMaxAttempt))
	c.LockoutDuration = p.duration(contract.CMSLockoutDuration)
	c.PasswordMinLength = int(p.int(contract.CMSPasswordMinLen))
}

// integrations reads the preview URL, webhooks and mail.
func (p *parser) integrations(c *Config) {
	c.PreviewURL = p.url(contract.CMSPreviewURL)
	c.WebhookURLs = p.urls(contract.CMSWebhookURLs)
	c.WebhookSecret = p.str(contract.CMSWebhookSecret)
	if len(c.WebhookURLs) > 0 && c.WebhookSecret == "" && c.Production() {
		p.problem(contract.CMSWebhookSecret, "is required in production when %s is set", contract.CMSWebhookURLs)
	}
	c.SMTPURL = p.url(contract.SMTPURL)
	c.SMTPFrom = p.str(contract.SMTPFrom)
	if c.SMTPURL != "" && c.SMTPFrom == "" {
		p.problem(contract.SMTPFrom, "is required when %s is set", contract.SMTPURL)
	}
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

// parser reads variables by their contract.Var: the type, bounds and
// default come from the table, never from a literal here. parsed records
// the type each variable was read as, so a test can hold the table and
// Load to each other.
type parser struct {
	env      map[string]string
	vars     map[string]contract.Var
	problems []string
	parsed   map[string]string
}

func newParser(env map[string]string) *parser {
	p := &parser{env: env, vars: map[string]contract.Var{}, parsed: map[string]string{}}
	for _, v := range contract.Vars() {
		p.vars[v.Name] = v
		for _, a := range v.Aliases {
			p.vars[a] = v
		}
	}
	return p
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

// raw returns the variable's value, or its contract default; typ is the
// type it is read as.
func (p *parser) raw(name, typ string) string {
	p.parsed[name] = typ
	if v, ok := p.env[name]; ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return p.vars[name].Default
}

func (p *parser) str(name string) string { return p.raw(name, contract.TypeString) }

// strOr is str for a variable whose default depends on other settings.
func (p *parser) strOr(name, def string) string {
	if v := p.str(name); v != "" {
		return v
	}
	return def
}

func (p *parser) int(name string) int64 {
	v := p.vars[name]
	raw := p.raw(name, contract.TypeInt)
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < v.Min || n > v.Max {
		p.problem(name, "must be an integer from %d to %d, got %s", v.Min, v.Max, p.value(name, raw))
		n, _ = strconv.ParseInt(v.Default, 10, 64)
	}
	return n
}

func (p *parser) bool(name string) bool { return p.boolOr(name, false) }

// boolOr reads a bool; def applies when it is unset and has no contract
// default.
func (p *parser) boolOr(name string, def bool) bool {
	raw := p.raw(name, contract.TypeBool)
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

func (p *parser) duration(name string) time.Duration {
	raw := p.raw(name, contract.TypeDuration)
	d, err := parseDuration(raw)
	if err != nil {
		p.problem(name, "must be a positive duration such as 90s, 10m or 2h (or seconds), got %s", p.value(name, raw))
		d, _ = parseDuration(p.vars[name].Default)
	}
	return d
}

func parseDuration(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil {
		if n, nerr := strconv.Atoi(raw); nerr == nil {
			d, err = time.Duration(n)*time.Second, nil
		}
	}
	if err == nil && d <= 0 {
		err = fmt.Errorf("not positive: %s", d)
	}
	return d, err
}

func (p *parser) enum(name string) string {
	v := p.vars[name]
	raw := p.raw(name, contract.TypeEnum)
	if !slices.Contains(v.Values, strings.ToLower(raw)) {
		p.problem(name, "must be one of %s, got %s", strings.Join(v.Values, ", "), p.value(name, raw))
		return v.Default
	}
	return strings.ToLower(raw)
}

// url reads an absolute URL with one of the variable's schemes ("" when
// unset or invalid).
func (p *parser) url(name string) string {
	raw := p.raw(name, contract.TypeURL)
	if raw == "" || name == contract.PostgresURL {
		return raw // the PostgreSQL URL has its own check, which never echoes it
	}
	if !p.checkURL(name, raw, p.vars[name].Schemes...) {
		return ""
	}
	return raw
}

func (p *parser) list(name string) []string {
	var out []string
	for _, s := range strings.Split(p.raw(name, contract.TypeList), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// urls reads a list of absolute URLs with the variable's schemes.
func (p *parser) urls(name string) []string {
	var out []string
	for _, u := range p.list(name) {
		if p.checkURL(name, u, p.vars[name].Schemes...) {
			out = append(out, u)
		}
	}
	return out
}

func (p *parser) origins(name string) []string {
	var out []string
	for _, o := range p.list(name) {
		u, err := url.Parse(o)
		if err != nil || !slices.Contains(p.vars[name].Schemes, u.Scheme) || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
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

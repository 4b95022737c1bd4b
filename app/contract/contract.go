// Package contract names the environment variables the CMS reads and the
// Pulumi stack outputs that feed them. It is the one place both programs of
// the module (infra/ and app/) agree on names, so it imports only the
// standard library.
package contract

import (
	"slices"
	"strings"
)

// Environment variable names. The first six are kept from the Payload seed so
// existing .env files keep working.
const (
	PostgresURL        = "POSTGRES_URL"
	S3Bucket           = "S3_BUCKET"
	S3Region           = "S3_REGION"
	S3AccessKeyID      = "S3_ACCESS_KEY_ID"
	S3SecretAccessKey  = "S3_SECRET_ACCESS_KEY"
	PayloadSecret      = "PAYLOAD_SECRET"
	CMSSecret          = "CMS_SECRET" // alias of PayloadSecret
	S3Endpoint         = "S3_ENDPOINT"
	S3ForcePathStyle   = "S3_FORCE_PATH_STYLE"
	S3PublicURL        = "S3_PUBLIC_URL"
	S3Prefix           = "S3_PREFIX"
	CMSPublicURL       = "CMS_PUBLIC_URL"
	CMSAddr            = "CMS_ADDR"
	CMSCORSOrigins     = "CMS_CORS_ORIGINS"
	CMSEnv             = "CMS_ENV"
	CMSDataDir         = "CMS_DATA_DIR"
	CMSLogLevel        = "CMS_LOG_LEVEL"
	CMSAutoMigrate     = "CMS_AUTO_MIGRATE"
	CMSDBMaxConns      = "CMS_DB_MAX_CONNS"
	CMSUploadMaxBytes  = "CMS_UPLOAD_MAX_BYTES"
	CMSMediaDelivery   = "CMS_MEDIA_DELIVERY"
	CMSImageWorkers    = "CMS_IMAGE_WORKERS"
	CMSTokenTTL        = "CMS_TOKEN_TTL"
	CMSPreviewURL      = "CMS_PREVIEW_URL"
	CMSWebhookURLs     = "CMS_WEBHOOK_URLS"
	CMSWebhookSecret   = "CMS_WEBHOOK_SECRET"
	SMTPURL            = "SMTP_URL"
	SMTPFrom           = "SMTP_FROM"
	CMSLoginMaxAttempt = "CMS_LOGIN_MAX_ATTEMPTS"
	CMSLockoutDuration = "CMS_LOCKOUT_DURATION"
	CMSPasswordMinLen  = "CMS_PASSWORD_MIN_LENGTH"
	CMSTrustedProxies  = "CMS_TRUSTED_PROXIES"
	CMSCacheBytes      = "CMS_CACHE_BYTES"
)

// Var describes one environment variable of the contract.
type Var struct {
	Name        string   // canonical name
	Aliases     []string // other accepted names, in order of precedence after Name
	Secret      bool     // never printed, logged or shown in --help
	Output      string   // Pulumi stack output that carries it; "" when infra does not export it
	Default     string   // human-readable default, for docs
	Description string
}

// Vars returns every variable of the contract, in documentation order.
func Vars() []Var {
	return []Var{
		{Name: PostgresURL, Secret: true, Output: OutPostgresURL, Default: "embedded SQLite file under CMS_DATA_DIR", Description: "PostgreSQL connection URL (`postgres://user:pass@host:5432/db?sslmode=require`). Required in production."},
		{Name: S3Bucket, Output: OutBucketName, Default: "local disk under CMS_DATA_DIR/uploads", Description: "S3 bucket for media. Required in production."},
		{Name: S3Region, Output: OutRegion, Default: "us-east-1", Description: "AWS region of the bucket."},
		{Name: S3AccessKeyID, Output: OutAccessKeyID, Default: "AWS default credential chain", Description: "Access key id of the CMS's IAM user."},
		{Name: S3SecretAccessKey, Secret: true, Output: OutSecretAccessKey, Default: "AWS default credential chain", Description: "Secret access key of the CMS's IAM user."},
		{Name: PayloadSecret, Aliases: []string{CMSSecret}, Secret: true, Output: OutPayloadSecret, Default: "dev: generated and kept in CMS_DATA_DIR/dev-secret", Description: "Signing secret for tokens (at least 32 bytes in production). `CMS_SECRET` is accepted too."},
		{Name: S3Endpoint, Default: "AWS", Description: "S3-compatible endpoint URL (MinIO, versitygw)."},
		{Name: S3ForcePathStyle, Default: "false", Description: "Use path-style bucket addressing (needed by most S3-compatible servers)."},
		{Name: S3PublicURL, Default: "none", Description: "Public (CDN) URL prefix for media files; when set, media URLs point there."},
		{Name: S3Prefix, Default: "media/", Description: "Key prefix for objects in the bucket."},
		{Name: CMSPublicURL, Default: "http://localhost:3000 style address derived from CMS_ADDR", Description: "Public base URL of the CMS (cookies get `Secure` when https)."},
		{Name: CMSAddr, Default: "127.0.0.1:8080 (dev), :8080 (production)", Description: "Listen address."},
		{Name: CMSCORSOrigins, Output: OutCORSOrigins, Default: "none", Description: "Comma-separated web origins allowed by CORS and for cookie-authenticated writes."},
		{Name: CMSEnv, Default: "development", Description: "`development` or `production`."},
		{Name: CMSDataDir, Default: "./data", Description: "Directory for the embedded SQLite file, local uploads and the dev secret."},
		{Name: CMSLogLevel, Default: "info", Description: "`debug`, `info`, `warn` or `error`."},
		{Name: CMSAutoMigrate, Default: "true for embedded SQLite, false otherwise", Description: "Apply pending migrations when `serve` starts."},
		{Name: CMSDBMaxConns, Default: "10", Description: "Maximum open database connections in the pool."},
		{Name: CMSUploadMaxBytes, Default: "52428800 (50 MiB)", Description: "Largest accepted upload, in bytes."},
		{Name: CMSMediaDelivery, Default: "proxy", Description: "`proxy` (through the CMS), `public` (S3_PUBLIC_URL) or `presign` (short-lived presigned redirects)."},
		{Name: CMSImageWorkers, Default: "2", Description: "Images processed at once (bounds memory)."},
		{Name: CMSTokenTTL, Default: "2h", Description: "Lifetime of login tokens and sessions."},
		{Name: CMSPreviewURL, Default: "none", Description: "Front-end preview URL; the admin appends `?slug=…&token=…`."},
		{Name: CMSWebhookURLs, Default: "none", Description: "Comma-separated URLs that receive signed revalidation events."},
		{Name: CMSWebhookSecret, Secret: true, Default: "none", Description: "HMAC-SHA256 key for the `X-Chronos-Signature` webhook header."},
		{Name: SMTPURL, Secret: true, Default: "none (dev: reset links are logged)", Description: "SMTP server for password-reset mail (`smtp://user:pass@host:587`)."},
		{Name: SMTPFrom, Default: "none", Description: "From address of password-reset mail."},
		{Name: CMSLoginMaxAttempt, Default: "5", Description: "Failed logins before an account is locked."},
		{Name: CMSLockoutDuration, Default: "10m", Description: "How long a locked account stays locked."},
		{Name: CMSPasswordMinLen, Default: "8", Description: "Minimum password length."},
		{Name: CMSCacheBytes, Default: "33554432 (32 MiB)", Description: "Memory for cached anonymous API responses (dropped on any content write, in any process within 100 ms); 0 disables."},
		{Name: CMSTrustedProxies, Default: "none", Description: "Comma-separated proxy IPs/CIDRs whose `X-Forwarded-For` is trusted for the client IP (rate limits); set it behind a load balancer."},
	}
}

// Stack output names of the Pulumi program (infra/). Each maps onto one
// environment variable; see Outputs.
const (
	OutPostgresURL     = "postgresUrl"
	OutBucketName      = "bucketName"
	OutRegion          = "region"
	OutAccessKeyID     = "accessKeyId"
	OutSecretAccessKey = "secretAccessKey"
	OutCORSOrigins     = "corsOrigins"
	OutPayloadSecret   = "payloadSecret"
	// OutDBEndpoint is informational (host:port); it feeds no variable.
	OutDBEndpoint = "dbEndpoint"
)

// Outputs maps each stack output that feeds the CMS to its variable name.
func Outputs() map[string]string {
	m := map[string]string{}
	for _, v := range Vars() {
		if v.Output != "" {
			m[v.Output] = v.Name
		}
	}
	return m
}

// InformationalOutputs are stack outputs that feed no variable but are
// expected in `pulumi stack output` (cms env ignores them quietly).
func InformationalOutputs() []string { return []string{OutDBEndpoint} }

// Lookup returns the variable with the given canonical name or alias.
func Lookup(name string) (Var, bool) {
	for _, v := range Vars() {
		if v.Name == name || slices.Contains(v.Aliases, name) {
			return v, true
		}
	}
	return Var{}, false
}

// IsSecret reports whether the named variable (or alias) holds a secret.
func IsSecret(name string) bool {
	v, ok := Lookup(name)
	return ok && v.Secret
}

// Names returns every accepted name: canonical names and aliases.
func Names() []string {
	var out []string
	for _, v := range Vars() {
		out = append(out, v.Name)
		out = append(out, v.Aliases...)
	}
	return out
}

// MarkdownTable renders the contract as the README's env table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| variable | secret | stack output | default | meaning |\n|---|---|---|---|---|\n")
	for _, v := range Vars() {
		name := "`" + v.Name + "`"
		for _, a := range v.Aliases {
			name += " (alias `" + a + "`)"
		}
		secret, out := "", ""
		if v.Secret {
			secret = "yes"
		}
		if v.Output != "" {
			out = "`" + v.Output + "`"
		}
		b.WriteString("| " + name + " | " + secret + " | " + out + " | " + v.Default + " | " + v.Description + " |\n")
	}
	return b.String()
}

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

// Types of variables: how config parses a value.
const (
	TypeString   = "string"
	TypeInt      = "int"      // decimal integer in [Min, Max]
	TypeBool     = "bool"     // true or false
	TypeDuration = "duration" // Go duration (90s, 10m, 2h) or seconds
	TypeURL      = "url"      // absolute URL
	TypeList     = "list"     // comma-separated
	TypeEnum     = "enum"     // one of Values
)

// Modes of CMS_ENV.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Media delivery modes, the values of CMS_MEDIA_DELIVERY.
const (
	// DeliverProxy serves files through GET /api/media/file/<filename>.
	DeliverProxy = "proxy"
	// DeliverPublic links files at S3_PUBLIC_URL (a CDN or public bucket).
	DeliverPublic = "public"
	// DeliverPresign links /api/media/file/<filename>, which redirects to
	// a short-lived presigned GET.
	DeliverPresign = "presign"
)

// Var describes one environment variable of the contract: its name, how it
// is parsed, its default and its documentation. config.Load parses every
// variable by this table and the README's env table is rendered from it.
type Var struct {
	Name    string   // canonical name
	Aliases []string // other accepted names, in order of precedence after Name
	Secret  bool     // never printed, logged or shown in --help
	Output  string   // Pulumi stack output that carries it; "" when infra does not export it
	Type    string   // one of the Type constants
	// Default is the value used when the variable is unset, written as it
	// would be in the environment; "" means none or DefaultDoc.
	Default string
	// DefaultDoc describes a default that depends on other settings; it
	// replaces Default in the docs.
	DefaultDoc string
	Min, Max   int64    // bounds of a TypeInt
	Values     []string // accepted values of a TypeEnum
	// Schemes are the accepted URL schemes of a TypeURL (or of each entry
	// of a TypeList of URLs).
	Schemes     []string
	Description string
}

var web = []string{"http", "https"}

// Vars returns every variable of the contract, in documentation order.
func Vars() []Var {
	return []Var{
		{Name: PostgresURL, Secret: true, Output: OutPostgresURL, Type: TypeURL, Schemes: []string{"postgres", "postgresql"}, DefaultDoc: "embedded SQLite file under CMS_DATA_DIR", Description: "PostgreSQL connection URL (`postgres://user:pass@host:5432/db?sslmode=require`). Required in production."},
		{Name: S3Bucket, Output: OutBucketName, Type: TypeString, DefaultDoc: "local disk under CMS_DATA_DIR/uploads", Description: "S3 bucket for media. Required in production."},
		{Name: S3Region, Output: OutRegion, Type: TypeString, Default: "us-east-1", Description: "AWS region of the bucket."},
		{Name: S3AccessKeyID, Output: OutAccessKeyID, Type: TypeString, DefaultDoc: "AWS default credential chain", Description: "Access key id of the CMS's IAM user."},
		{Name: S3SecretAccessKey, Secret: true, Output: OutSecretAccessKey, Type: TypeString, DefaultDoc: "AWS default credential chain", Description: "Secret access key of the CMS's IAM user."},
		{Name: PayloadSecret, Aliases: []string{CMSSecret}, Secret: true, Output: OutPayloadSecret, Type: TypeString, DefaultDoc: "dev: generated and kept in CMS_DATA_DIR/dev-secret", Description: "Signing secret for tokens (at least 32 bytes in production). `CMS_SECRET` is accepted too."},
		{Name: S3Endpoint, Type: TypeURL, Schemes: web, DefaultDoc: "AWS", Description: "S3-compatible endpoint URL (MinIO, versitygw)."},
		{Name: S3ForcePathStyle, Type: TypeBool, Default: "false", Description: "Use path-style bucket addressing (needed by most S3-compatible servers)."},
		{Name: S3PublicURL, Type: TypeURL, Schemes: web, Description: "Public (CDN) URL prefix for media files; when set, media URLs point there."},
		{Name: S3Prefix, Type: TypeString, Default: "media/", Description: "Key prefix for objects in the bucket."},
		{Name: CMSPublicURL, Type: TypeURL, Schemes: web, DefaultDoc: "http://<CMS_ADDR> (localhost for an address without a host)", Description: "Public base URL of the CMS (cookies get `Secure` when https)."},
		{Name: CMSAddr, Type: TypeString, DefaultDoc: "127.0.0.1:8080 (dev), :8080 (production)", Description: "Listen address."},
		{Name: CMSCORSOrigins, Output: OutCORSOrigins, Type: TypeList, Schemes: web, Description: "Comma-separated web origins allowed by CORS and for cookie-authenticated writes."},
		{Name: CMSEnv, Type: TypeEnum, Default: EnvDevelopment, Values: []string{EnvDevelopment, EnvProduction}, Description: "`development` or `production`."},
		{Name: CMSDataDir, Type: TypeString, Default: "./data", Description: "Directory for the embedded SQLite file, local uploads and the dev secret."},
		{Name: CMSLogLevel, Type: TypeEnum, Default: "info", Values: []string{"debug", "info", "warn", "warning", "error"}, Description: "`debug`, `info`, `warn` or `error`."},
		{Name: CMSAutoMigrate, Type: TypeBool, DefaultDoc: "true for embedded SQLite, false otherwise", Description: "Apply pending migrations when `serve` starts."},
		{Name: CMSDBMaxConns, Type: TypeInt, Default: "10", Min: 1, Max: 1000, Description: "Maximum open database connections in the pool."},
		{Name: CMSUploadMaxBytes, Type: TypeInt, Default: "52428800", Min: 1, Max: 1 << 40, Description: "Largest accepted upload, in bytes (default 50 MiB)."},
		{Name: CMSMediaDelivery, Type: TypeEnum, Default: DeliverProxy, Values: []string{DeliverProxy, DeliverPublic, DeliverPresign}, Description: "`proxy` (through the CMS), `public` (S3_PUBLIC_URL) or `presign` (short-lived presigned redirects)."},
		{Name: CMSImageWorkers, Type: TypeInt, Default: "2", Min: 1, Max: 64, Description: "Images processed at once (bounds memory)."},
		{Name: CMSTokenTTL, Type: TypeDuration, Default: "2h", Description: "Lifetime of login tokens and sessions."},
		{Name: CMSPreviewURL, Type: TypeURL, Schemes: web, Description: "Front-end preview URL; the admin appends `?slug=…&token=…`. Its origin is the front end's for live preview: the only origin the admin frames and posts messages to."},
		{Name: CMSWebhookURLs, Type: TypeList, Schemes: web, Description: "Comma-separated URLs that receive signed revalidation events."},
		{Name: CMSWebhookSecret, Secret: true, Type: TypeString, Description: "HMAC-SHA256 key for the `X-Chronos-Signature` webhook header."},
		{Name: SMTPURL, Secret: true, Type: TypeURL, Schemes: []string{"smtp", "smtps"}, DefaultDoc: "none (dev: reset links are logged)", Description: "SMTP server for password-reset mail (`smtp://user:pass@host:587`)."},
		{Name: SMTPFrom, Type: TypeString, Description: "From address of password-reset mail."},
		{Name: CMSLoginMaxAttempt, Type: TypeInt, Default: "5", Min: 1, Max: 1000, Description: "Failed logins before an account is locked."},
		{Name: CMSLockoutDuration, Type: TypeDuration, Default: "10m", Description: "How long a locked account stays locked."},
		{Name: CMSPasswordMinLen, Type: TypeInt, Default: "8", Min: 8, Max: 128, Description: "Minimum password length."},
		{Name: CMSCacheBytes, Type: TypeInt, Default: "33554432", Min: 0, Max: 1 << 40, Description: "Memory for cached anonymous API responses in bytes (default 32 MiB; dropped on any content write, in any process within 100 ms); 0 disables."},
		{Name: CMSTrustedProxies, Type: TypeList, Description: "Comma-separated proxy IPs/CIDRs whose `X-Forwarded-For` is trusted for the client IP (rate limits); set it behind a load balancer."},
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
	// Informational outputs of a stack that runs the CMS (chronos:compute):
	// its HTTPS URL, image repository and deployed image, and the ECS names
	// CI uses for `aws ecs wait services-stable` and one-off tasks.
	OutCMSURL           = "cmsUrl"
	OutCMSRepositoryURL = "cmsRepositoryUrl"
	OutCMSImage         = "cmsImage"
	OutCMSCluster       = "cmsCluster"
	OutCMSService       = "cmsService"
	OutCMSLogGroup      = "cmsLogGroup"
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
func InformationalOutputs() []string {
	return []string{OutDBEndpoint, OutCMSURL, OutCMSRepositoryURL, OutCMSImage, OutCMSCluster, OutCMSService, OutCMSLogGroup}
}

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
		def := v.DefaultDoc
		switch {
		case def != "":
		case v.Default != "":
			def = "`" + v.Default + "`"
		default:
			def = "none"
		}
		b.WriteString("| " + name + " | " + secret + " | " + out + " | " + def + " | " + v.Description + " |\n")
	}
	return b.String()
}

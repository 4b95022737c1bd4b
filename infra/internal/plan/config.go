package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Source looks up one namespaced configuration value ("chronos:bucketName",
// "aws:region") as the Pulumi engine hands it to the program: scalars as
// text, lists and maps as JSON. secret reports whether it was stored
// encrypted (`pulumi config set --secret`).
type Source func(key string) (value string, secret, ok bool)

// MapSource serves configuration from a map; keys listed in secret are
// reported as secrets. Tests and tools use it.
func MapSource(values map[string]string, secret []string) Source {
	return func(key string) (string, bool, bool) {
		v, ok := values[key]
		return v, slices.Contains(secret, key), ok
	}
}

// Config is the validated configuration of one stack. It holds no secret
// values: the program reads those with RequireSecret after Parse accepted them.
type Config struct {
	Project    string
	Stack      string
	Region     string
	Production bool

	BucketName            string
	BucketEncryption      string // "AES256" or "aws:kms"
	BucketKMSKeyARN       string
	NoncurrentVersionDays int
	CORSOrigins           []string
	CORSMaxAgeSeconds     int

	VPCID string
	DB    DBConfig

	CMSUserName             string
	AccessKeyGeneration     int
	RetainPreviousAccessKey bool
	HasCMSSecret            bool

	Tags map[string]string // extra tags from config; see Tags for the full set

	Compute ComputeConfig
}

// DBConfig is the database part of Config.
type DBConfig struct {
	InstanceClass       string
	EngineVersion       string // major version only, e.g. "16"
	AllocatedStorage    int
	MaxAllocatedStorage int
	BackupRetentionDays int
	Name                string
	Username            string
	AllowedCIDRs        []netip.Prefix
	AllowPublic         bool
}

// Problem is one invalid configuration value.
type Problem struct {
	Key     string // namespaced key, e.g. "chronos:dbAllowedCidrs"
	Message string // what is wrong and the expected form
}

// ValidationError lists every problem of a stack configuration at once, so
// an operator fixes the stack file in one pass.
type ValidationError struct {
	Stack    string
	Problems []Problem
}

// Error implements error with one problem per line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration for stack %q (%d problems):", e.Stack, len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Key, p.Message)
	}
	return b.String()
}

// Limits enforced by Parse.
const (
	MinPasswordLen       = 16
	MinPublicPasswordLen = 24 // a world-reachable database needs a longer password
	MaxPasswordLen       = 128
	MinCMSSecretLen      = 32
	MinProdBackupDays    = 7
	MinBackupDays        = 1
	MaxBackupDays        = 35
	MinGP3StorageGiB     = 20
	MaxStorageGiB        = 65536
	MinEngineMajor       = 13
)

var (
	stackRE         = regexp.MustCompile(`^[a-z](-?[a-z0-9])*$`)
	regionRE        = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$`)
	bucketRE        = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	instanceClassRE = regexp.MustCompile(`^db\.[a-z0-9-]+\.[a-z0-9]+$`)
	pgIdentRE       = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	vpcRE           = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	iamNameRE       = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	kmsARNRE        = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]{36}$`)
	tagRE           = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// wellKnownUsernames are master user names that scanners try first.
var wellKnownUsernames = []string{"postgres", "admin", "administrator", "root", "rdsadmin", "master", "user", "sa", "test"}

// reservedDBNames cannot be used as the application database.
var reservedDBNames = []string{"postgres", "template0", "template1", "rdsadmin"}

// reservedTags are set by the program on every resource.
var reservedTags = []string{"project", "stack", "managed-by"}

// Parse reads and validates the configuration of stack from src. Missing
// optional keys take the defaults of Keys. Every problem is reported in one
// *ValidationError; no resource should be declared when it is non-nil.
func Parse(stack string, src Source) (Config, error) {
	p := parser{src: src, defaults: map[string]string{}}
	for _, k := range Keys() {
		if !k.Required {
			p.defaults[k.Name] = k.Default
		}
	}
	c := Config{Project: Project, Stack: stack}
	if !stackRE.MatchString(stack) || len(stack) > 40 {
		// The stack name becomes part of RDS and IAM resource names.
		p.fail("stack", fmt.Sprintf("%q: expected a stack name of 1-40 lowercase letters, digits and single hyphens, starting with a letter", stack))
	}

	if v, _, ok := src(RegionKey); !ok || strings.TrimSpace(v) == "" {
		p.fail(RegionKey, "required: the AWS region, e.g. us-east-1 (pulumi config set aws:region us-east-1)")
	} else if !regionRE.MatchString(v) {
		p.fail(RegionKey, fmt.Sprintf("%q is not an AWS region name; expected a form like us-east-1", v))
	} else {
		c.Region = v
	}

	c.Production = p.boolean(KeyProduction)
	if looksLikeProduction(stack) && !c.Production {
		p.fail(FullKey(KeyProduction), fmt.Sprintf("stack %q looks like production; set chronos:production: true (or rename the stack)", stack))
	}

	c.BucketName = p.str(KeyBucketName)
	if msg := bucketNameProblem(c.BucketName); msg != "" {
		p.fail(FullKey(KeyBucketName), msg)
	}
	c.BucketEncryption = p.str(KeyBucketEncryption)
	c.BucketKMSKeyARN = p.str(KeyBucketKMSKeyARN)
	switch c.BucketEncryption {
	case "AES256":
		if c.BucketKMSKeyARN != "" {
			p.fail(FullKey(KeyBucketKMSKeyARN), "only used with chronos:bucketEncryption: aws:kms")
		}
	case "aws:kms":
		if c.BucketKMSKeyARN != "" && !kmsARNRE.MatchString(c.BucketKMSKeyARN) {
			p.fail(FullKey(KeyBucketKMSKeyARN), "expected a KMS key ARN: arn:aws:kms:<region>:<account>:key/<uuid>")
		}
	default:
		p.fail(FullKey(KeyBucketEncryption), fmt.Sprintf("%q: expected AES256 or aws:kms", c.BucketEncryption))
	}
	c.NoncurrentVersionDays = p.intRange(KeyNoncurrentVersionDays, 1, 3650)
	c.CORSMaxAgeSeconds = p.intRange(KeyCORSMaxAgeSeconds, 0, 86400)
	c.CORSOrigins = p.origins(c.Production)

	c.VPCID = p.str(KeyVPCID)
	if c.VPCID != "" && !vpcRE.MatchString(c.VPCID) {
		p.fail(FullKey(KeyVPCID), fmt.Sprintf("%q: expected a VPC id like vpc-0123456789abcdef0, or empty for the default VPC", c.VPCID))
	}

	c.DB = p.database(c.Production)

	c.CMSUserName = p.str(KeyCMSUserName)
	if c.CMSUserName == "" {
		c.CMSUserName = "payload-cms-user-" + stack
	}
	// The group name is the user name plus "-group"; both must fit IAM's limit.
	if !iamNameRE.MatchString(c.CMSUserName + "-group") {
		p.fail(FullKey(KeyCMSUserName), fmt.Sprintf("%q: expected 1-58 characters of letters, digits and +=,.@_-", c.CMSUserName))
	}
	c.AccessKeyGeneration = p.intRange(KeyAccessKeyGeneration, 1, 1<<20)
	c.RetainPreviousAccessKey = p.boolean(KeyRetainPreviousKey)

	c.HasCMSSecret = p.cmsSecret()
	c.Tags = p.tags()
	c.Compute = p.compute(c)

	if len(p.problems) > 0 {
		return Config{}, &ValidationError{Stack: stack, Problems: p.problems}
	}
	return c, nil
}

func looksLikeProduction(stack string) bool {
	s := strings.ToLower(stack)
	return s == "prod" || s == "production" || strings.HasPrefix(s, "prod-") || strings.HasSuffix(s, "-prod")
}

// bucketNameProblem applies S3's general purpose bucket naming rules.
func bucketNameProblem(name string) string {
	const form = "expected 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"
	switch {
	case name == "":
		return "required: " + form
	case !bucketRE.MatchString(name):
		return fmt.Sprintf("%q: %s", name, form)
	case strings.Contains(name, ".."), strings.Contains(name, ".-"), strings.Contains(name, "-."):
		return fmt.Sprintf("%q: adjacent dots or dot-hyphen are not allowed; %s", name, form)
	case strings.HasPrefix(name, "xn--"), strings.HasPrefix(name, "sthree-"), strings.HasSuffix(name, "-s3alias"), strings.HasSuffix(name, "--ol-s3"):
		return fmt.Sprintf("%q: uses a prefix or suffix S3 reserves", name)
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return fmt.Sprintf("%q: must not look like an IP address", name)
	}
	return ""
}

type parser struct {
	src      Source
	defaults map[string]string
	problems []Problem
}

func (p *parser) fail(key, msg string) {
	p.problems = append(p.problems, Problem{Key: key, Message: msg})
}

func (p *parser) raw(name string) string {
	if v, _, ok := p.src(FullKey(name)); ok {
		return v
	}
	return p.defaults[name]
}

func (p *parser) str(name string) string { return strings.TrimSpace(p.raw(name)) }

func (p *parser) boolean(name string) bool {
	v := p.str(name)
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(FullKey(name), fmt.Sprintf("%q: expected true or false", v))
	}
	return b
}

func (p *parser) intRange(name string, lo, hi int) int {
	v := p.str(name)
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fail(FullKey(name), fmt.Sprintf("%q: expected an integer between %d and %d", v, lo, hi))
		return 0
	}
	if n < lo || n > hi {
		p.fail(FullKey(name), fmt.Sprintf("%d: expected an integer between %d and %d", n, lo, hi))
	}
	return n
}

// list accepts a JSON list (how the engine passes structured config) or, for
// values set on the command line, a comma-separated string.
func (p *parser) list(name, example string) []string {
	v := p.str(name)
	if v == "" {
		return nil
	}
	if strings.HasPrefix(v, "[") {
		var out []string
		if err := json.Unmarshal([]byte(v), &out); err != nil {
			p.fail(FullKey(name), fmt.Sprintf("expected a list of strings such as %s", example))
			return nil
		}
		return out
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) origins(production bool) []string {
	key := FullKey(KeyCORSOrigins)
	var out []string
	for _, o := range p.list(KeyCORSOrigins, `["https://www.example.com"]`) {
		origin, msg := normalizeOrigin(o)
		switch {
		case msg != "":
			p.fail(key, msg)
		case production && !strings.HasPrefix(origin, "https://"):
			p.fail(key, fmt.Sprintf("%q: production origins must use https", o))
		case production && isLocalHost(origin):
			p.fail(key, fmt.Sprintf("%q: localhost is not a production origin", o))
		case slices.Contains(out, origin):
			p.fail(key, fmt.Sprintf("%q is listed twice", o))
		default:
			out = append(out, origin)
		}
	}
	return out
}

// normalizeOrigin checks that o is a browser origin: scheme://host[:port].
func normalizeOrigin(o string) (string, string) {
	const form = "expected an origin scheme://host[:port] with scheme http or https and no path, e.g. https://www.example.com"
	if o == "*" || strings.Contains(o, "*") {
		return "", fmt.Sprintf("%q: wildcards are not allowed; %s", o, form)
	}
	u, err := url.Parse(o)
	if err != nil {
		return "", fmt.Sprintf("%q: %s", o, form)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Sprintf("%q: unknown scheme %q; %s", o, u.Scheme, form)
	}
	if u.Host == "" || u.Hostname() == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Sprintf("%q: %s", o, form)
	}
	if u.Path == "/" {
		return "", fmt.Sprintf("%q: remove the trailing slash; browsers send origins without one", o)
	}
	if o != strings.ToLower(o) {
		return "", fmt.Sprintf("%q: write origins in lowercase, as browsers send them", o)
	}
	return u.Scheme + "://" + u.Host, ""
}

func isLocalHost(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}

func (p *parser) database(production bool) DBConfig {
	d := DBConfig{
		InstanceClass: p.str(KeyDBInstanceClass),
		EngineVersion: p.str(KeyDBEngineVersion),
		Name:          p.str(KeyDBName),
		Username:      p.str(KeyDBUsername),
	}
	if !instanceClassRE.MatchString(d.InstanceClass) {
		p.fail(FullKey(KeyDBInstanceClass), fmt.Sprintf("%q: expected an RDS instance class such as db.t4g.micro", d.InstanceClass))
	}
	if n, err := strconv.Atoi(d.EngineVersion); err != nil || n < MinEngineMajor {
		p.fail(FullKey(KeyDBEngineVersion), fmt.Sprintf("%q: expected a PostgreSQL major version number >= %d, e.g. 16 (minor versions upgrade automatically)", d.EngineVersion, MinEngineMajor))
	}
	d.AllocatedStorage = p.intRange(KeyDBAllocatedStorage, MinGP3StorageGiB, MaxStorageGiB)
	d.MaxAllocatedStorage = p.intRange(KeyDBMaxAllocatedStorage, MinGP3StorageGiB, MaxStorageGiB)
	if d.AllocatedStorage > 0 && d.MaxAllocatedStorage > 0 && d.MaxAllocatedStorage <= d.AllocatedStorage {
		p.fail(FullKey(KeyDBMaxAllocatedStorage), fmt.Sprintf("%d: the autoscaling cap must be greater than chronos:dbAllocatedStorage (%d)", d.MaxAllocatedStorage, d.AllocatedStorage))
	}
	minBackup := MinBackupDays
	if production {
		minBackup = MinProdBackupDays
	}
	d.BackupRetentionDays = p.intRange(KeyDBBackupRetentionDays, minBackup, MaxBackupDays)

	if !pgIdentRE.MatchString(d.Name) || slices.Contains(reservedDBNames, d.Name) {
		p.fail(FullKey(KeyDBName), fmt.Sprintf("%q: expected a lowercase identifier (letter, then letters, digits, _) other than %s", d.Name, strings.Join(reservedDBNames, ", ")))
	}
	if !pgIdentRE.MatchString(d.Username) {
		p.fail(FullKey(KeyDBUsername), fmt.Sprintf("%q: expected a lowercase identifier (letter, then letters, digits, _)", d.Username))
	} else if slices.Contains(wellKnownUsernames, d.Username) {
		p.fail(FullKey(KeyDBUsername), fmt.Sprintf("%q is a well-known default; choose another master user name, e.g. chronos_admin", d.Username))
	}

	// In production allowPublicDatabase only admits an allowlist while the
	// stack switches to compute ecs (see publicDatabase); 0.0.0.0/0 stays
	// refused there whatever it says.
	d.AllowPublic = p.boolean(KeyAllowPublicDatabase)
	worldOpen := false
	key := FullKey(KeyDBAllowedCIDRs)
	for _, s := range p.list(KeyDBAllowedCIDRs, `["203.0.113.0/24"]`) {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			p.fail(key, fmt.Sprintf("%q is not a CIDR block; expected a form like 203.0.113.0/24 or 2001:db8::/32", s))
			continue
		}
		if pfx.Masked() != pfx {
			p.fail(key, fmt.Sprintf("%q has host bits set; expected the network address, %s", s, pfx.Masked()))
			continue
		}
		if pfx.Bits() == 0 {
			worldOpen = true
			switch {
			case production:
				p.fail(key, fmt.Sprintf("%q opens the database to the whole internet and is never allowed in production; list the client CIDR blocks", s))
				continue
			case !d.AllowPublic:
				p.fail(key, fmt.Sprintf("%q opens the database to the whole internet; list the client CIDR blocks, or set chronos:allowPublicDatabase: true to do this deliberately", s))
				continue
			}
		}
		if slices.Contains(d.AllowedCIDRs, pfx) {
			p.fail(key, fmt.Sprintf("%q is listed twice", s))
			continue
		}
		d.AllowedCIDRs = append(d.AllowedCIDRs, pfx)
	}
	// A Lightsail database is reachable from every address.
	p.password(worldOpen || p.str(KeyDatabase) == DatabaseLightsail)
	return d
}

// password validates the master password without ever echoing it.
func (p *parser) password(worldOpen bool) {
	key := FullKey(KeyDBPassword)
	v, secret, ok := p.src(key)
	if !ok || v == "" {
		p.fail(key, "required secret: set it with `pulumi config set --secret chronos:dbPassword` (16-128 characters)")
		return
	}
	if !secret {
		p.fail(key, "is stored in plaintext; set it with `pulumi config set --secret chronos:dbPassword`")
	}
	minLen := MinPasswordLen
	if worldOpen {
		minLen = MinPublicPasswordLen
	}
	if len(v) < minLen || len(v) > MaxPasswordLen {
		p.fail(key, fmt.Sprintf("has %d characters; expected %d-%d", len(v), minLen, MaxPasswordLen))
	}
	for _, r := range v {
		if r < 0x21 || r > 0x7e || r == '/' || r == '"' || r == '@' {
			p.fail(key, "expected printable ASCII characters other than / \" @ and space (RDS rejects them)")
			break
		}
	}
}

func (p *parser) cmsSecret() bool {
	key := FullKey(KeyCMSSecret)
	v, secret, ok := p.src(key)
	if !ok || v == "" {
		return false
	}
	if !secret {
		p.fail(key, "is stored in plaintext; set it with `pulumi config set --secret chronos:cmsSecret`")
	}
	if len(v) < MinCMSSecretLen {
		p.fail(key, fmt.Sprintf("has %d bytes; expected at least %d (e.g. openssl rand -base64 48)", len(v), MinCMSSecretLen))
	}
	return true
}

func (p *parser) tags() map[string]string {
	key := FullKey(KeyTags)
	out := map[string]string{}
	v := p.str(KeyTags)
	if v == "" {
		return out
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		p.fail(key, `expected a map of tag names to string values, e.g. {"owner": "web-team"}`)
		return map[string]string{}
	}
	for _, k := range slices.Sorted(maps.Keys(out)) {
		val := out[k]
		switch {
		case slices.Contains(reservedTags, k):
			p.fail(key, fmt.Sprintf("%q is set by the program on every resource; remove it", k))
		case k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") || !tagRE.MatchString(k):
			p.fail(key, fmt.Sprintf("%q: expected a tag name of 1-128 letters, digits, spaces and _.:/=+-@ not starting with aws:", k))
		case len(val) > 256 || !tagRE.MatchString(val):
			p.fail(key, fmt.Sprintf("value of %q: expected up to 256 letters, digits, spaces and _.:/=+-@", k))
		}
	}
	return out
}

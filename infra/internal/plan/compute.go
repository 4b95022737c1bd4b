package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Compute targets (chronos:compute).
const (
	ComputeNone      = "none"
	ComputeECS       = "ecs"
	ComputeLightsail = "lightsail"
)

// Database services (chronos:database).
const (
	DatabaseRDS       = "rds"
	DatabaseLightsail = "lightsail"
)

// CloudFrontRegion is where CloudFront reads viewer certificates from.
const CloudFrontRegion = "us-east-1"

// ComputeConfig is the part of Config that says where and how the CMS runs.
type ComputeConfig struct {
	Kind     string // ComputeNone, ComputeECS or ComputeLightsail
	Database string // DatabaseRDS or DatabaseLightsail

	// Image is "" (bootstrap: repository only), a digest "sha256:<hex>" in
	// the stack's repository, or a full "<repository>@sha256:<hex>".
	Image string

	Domain         string
	HostedZoneID   string
	CertificateARN string

	CPU              int
	Memory           int
	Architecture     string // ARM64 or X86_64
	MinTasks         int
	MaxTasks         int
	CPUTarget        int
	Spot             bool
	DBMaxConns       int
	LogRetentionDays int

	LightsailPower    string
	LightsailScale    int
	LightsailDBBundle string
}

// Runs reports whether the stack runs the CMS (compute is not none).
func (c ComputeConfig) Runs() bool { return c.Kind != ComputeNone }

// Serving reports whether the stack runs the CMS and has an image to run;
// without one only the image repository is declared.
func (c ComputeConfig) Serving() bool { return c.Runs() && c.Image != "" }

// DeploymentMaxPercent is the ECS rolling-deploy ceiling: during a deploy up
// to twice the running tasks exist, each with its own connection pool.
const DeploymentMaxPercent = 200

// ConnectionReserve is kept free of CMS pools: PostgreSQL's 3
// superuser_reserved_connections plus room for `cms migrate` and psql.
const ConnectionReserve = 8

var (
	digestRE   = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	imageRefRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+@sha256:[0-9a-f]{64}$`)
	hostnameRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	zoneIDRE   = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
	certARNRE  = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]{36}$`)
	bundleRE   = regexp.MustCompile(`^(micro|small|medium|large|xlarge|2xlarge)(_ha)?_\d+_\d+$`)
)

// fargateMemory lists the valid memory sizes (MiB) of each Fargate CPU size.
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(lo, hi, step int) []int {
	var out []int
	for v := lo; v <= hi; v += step {
		out = append(out, v)
	}
	return out
}

// FargatePairValid reports whether cpu/memory is a task size Fargate runs.
func FargatePairValid(cpu, memory int) bool {
	return slices.Contains(fargateMemory[cpu], memory)
}

// logRetentionDays are the values CloudWatch Logs accepts.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var lightsailPowers = []string{"nano", "micro", "small", "medium", "large", "xlarge"}

// classMemoryGiB is the memory of the RDS instance classes whose connection
// limit the plan can estimate, by family and size.
var classMemoryGiB = map[string]map[string]float64{
	"burstable": {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32},
	"general":   {"large": 8, "xlarge": 16, "2xlarge": 32, "4xlarge": 64, "8xlarge": 128},
	"memory":    {"large": 16, "xlarge": 32, "2xlarge": 64, "4xlarge": 128, "8xlarge": 256},
}

var classFamily = map[string]string{
	"t3": "burstable", "t4g": "burstable",
	"m5": "general", "m6g": "general", "m6i": "general", "m7g": "general", "m7i": "general",
	"r5": "memory", "r6g": "memory", "r6i": "memory", "r7g": "memory", "r7i": "memory",
}

// MaxConnections estimates RDS PostgreSQL's default max_connections,
// LEAST(DBInstanceClassMemory/9531392, 5000), for an instance class. RDS
// reserves part of the memory for the OS, so DBInstanceClassMemory is taken
// as 75% of the class's memory: an underestimate, on purpose. ok is false
// for a class the table does not know.
func MaxConnections(class string) (int, bool) {
	parts := strings.Split(class, ".")
	if len(parts) != 3 || parts[0] != "db" {
		return 0, false
	}
	gib, ok := classMemoryGiB[classFamily[parts[1]]][parts[2]]
	if !ok {
		return 0, false
	}
	return min(int(gib*0.75*(1<<30)/9531392), 5000), true
}

// PeakConnections is the most connections the CMS tasks may hold at once:
// the most tasks, doubled during a rolling deploy, times the pool size.
func PeakConnections(maxTasks, perTask int) int {
	return maxTasks * DeploymentMaxPercent / 100 * perTask
}

// compute parses and validates the compute keys against the rest of c.
func (p *parser) compute(c Config) ComputeConfig {
	k := ComputeConfig{
		Kind:              p.str(KeyCompute),
		Database:          p.str(KeyDatabase),
		Image:             p.str(KeyCMSImage),
		Domain:            p.str(KeyCMSDomain),
		HostedZoneID:      p.str(KeyCMSHostedZoneID),
		CertificateARN:    p.str(KeyCMSCertificateARN),
		Architecture:      p.str(KeyCMSArchitecture),
		LightsailPower:    p.str(KeyLightsailPower),
		LightsailDBBundle: p.str(KeyLightsailDBBundle),
	}
	key := FullKey
	switch k.Kind {
	case ComputeNone, ComputeECS:
	case ComputeLightsail:
		if c.Production {
			p.fail(key(KeyCompute), "lightsail is for dev and preview stacks only (plain-text secrets, no private database, no autoscaling); use ecs in production")
		}
	default:
		p.fail(key(KeyCompute), fmt.Sprintf("%q: expected none, ecs or lightsail", k.Kind))
	}
	switch k.Database {
	case DatabaseRDS:
	case DatabaseLightsail:
		if c.Production {
			p.fail(key(KeyDatabase), "lightsail is for dev and preview stacks only (no Multi-AZ, deletion protection, forced TLS or private access from ECS); use rds in production")
		}
		if len(c.DB.AllowedCIDRs) > 0 {
			p.fail(key(KeyDBAllowedCIDRs), "not applied to a Lightsail database, which is public to every address (with a strong password and TLS); leave it empty")
		}
		if k.Kind == ComputeECS {
			p.fail(key(KeyDatabase), "lightsail databases live outside the VPC, so ECS tasks could reach them only over the internet; use rds with compute ecs")
		}
	default:
		p.fail(key(KeyDatabase), fmt.Sprintf("%q: expected rds or lightsail", k.Database))
	}

	switch {
	case k.Image == "":
	case !k.Runs():
		p.fail(key(KeyCMSImage), "only used with chronos:compute ecs or lightsail")
	case !digestRE.MatchString(k.Image) && !imageRefRE.MatchString(k.Image):
		p.fail(key(KeyCMSImage), fmt.Sprintf("%q: expected an image digest sha256:<64 hex digits> or <repository>@sha256:<64 hex digits> (tags can be re-pointed; a digest cannot)", k.Image))
	}

	p.domain(&k, c)

	k.CPU = p.intRange(KeyCMSCPU, 256, 16384)
	k.Memory = p.intRange(KeyCMSMemory, 512, 122880)
	if k.CPU > 0 && k.Memory > 0 && !FargatePairValid(k.CPU, k.Memory) {
		p.fail(key(KeyCMSMemory), fmt.Sprintf("%d MiB with chronos:cmsCpu %d is not a Fargate task size; valid memory for %d CPU units: %s", k.Memory, k.CPU, k.CPU, joinInts(fargateMemory[k.CPU])))
	}
	if k.Architecture != "ARM64" && k.Architecture != "X86_64" {
		p.fail(key(KeyCMSArchitecture), fmt.Sprintf("%q: expected ARM64 or X86_64", k.Architecture))
	}
	k.MinTasks = p.intRange(KeyCMSMinTasks, 1, 20)
	k.MaxTasks = p.intRange(KeyCMSMaxTasks, 1, 20)
	if k.MaxTasks > 0 && k.MinTasks > k.MaxTasks {
		p.fail(key(KeyCMSMaxTasks), fmt.Sprintf("%d is below chronos:cmsMinTasks (%d)", k.MaxTasks, k.MinTasks))
	}
	if c.Production && k.Kind == ComputeECS && k.MinTasks > 0 && k.MinTasks < 2 {
		p.fail(key(KeyCMSMinTasks), fmt.Sprintf("%d: production runs at least 2 tasks, so one task's failure or a deploy never takes the CMS down", k.MinTasks))
	}
	k.CPUTarget = p.intRange(KeyCMSCPUTarget, 20, 90)
	k.Spot = p.boolean(KeyCMSSpot)
	if c.Production && k.Spot {
		p.fail(key(KeyCMSSpot), "must be false in production: Spot tasks can be stopped at two minutes' notice")
	}
	k.DBMaxConns = p.intRange(KeyCMSDBMaxConns, 2, 100)
	k.LogRetentionDays = p.intRange(KeyCMSLogRetentionDays, 1, 3653)
	if k.LogRetentionDays > 0 && !slices.Contains(logRetentionDays, k.LogRetentionDays) {
		p.fail(key(KeyCMSLogRetentionDays), fmt.Sprintf("%d: expected a CloudWatch retention value: %s", k.LogRetentionDays, joinInts(logRetentionDays)))
	}
	if !slices.Contains(lightsailPowers, k.LightsailPower) {
		p.fail(key(KeyLightsailPower), fmt.Sprintf("%q: expected one of %s", k.LightsailPower, strings.Join(lightsailPowers, ", ")))
	}
	k.LightsailScale = p.intRange(KeyLightsailScale, 1, 20)
	if !bundleRE.MatchString(k.LightsailDBBundle) {
		p.fail(key(KeyLightsailDBBundle), fmt.Sprintf("%q: expected a Lightsail database bundle id such as micro_2_0 or small_ha_2_0", k.LightsailDBBundle))
	}

	if k.Kind == ComputeECS && k.Database == DatabaseRDS && k.MaxTasks > 0 && k.DBMaxConns > 0 {
		p.connectionBudget(c.DB.InstanceClass, k.MaxTasks, k.DBMaxConns, KeyCMSMaxTasks)
	}
	if k.Kind == ComputeLightsail && k.Database == DatabaseRDS && k.LightsailScale > 0 && k.DBMaxConns > 0 {
		p.connectionBudget(c.DB.InstanceClass, k.LightsailScale, k.DBMaxConns, KeyLightsailScale)
	}

	if k.Runs() && !c.HasCMSSecret {
		p.fail(key(KeyCMSSecret), fmt.Sprintf("required with chronos:compute %s (the CMS's PAYLOAD_SECRET): openssl rand -base64 48 | pulumi config set --secret chronos:cmsSecret", k.Kind))
	}
	p.publicDatabase(c, k)
	return k
}

// connectionBudget refuses a task count whose peak connections do not fit
// the database's limit minus ConnectionReserve.
func (p *parser) connectionBudget(class string, tasks, perTask int, tasksKey string) {
	limit, ok := MaxConnections(class)
	if !ok {
		p.fail(FullKey(KeyDBInstanceClass), fmt.Sprintf("%q: the connection limit of this class is unknown, so the CMS's connection budget cannot be checked; use a db.t3, t4g, m5-m7, or r5-r7 class", class))
		return
	}
	peak := PeakConnections(tasks, perTask)
	if peak > limit-ConnectionReserve {
		p.fail(FullKey(tasksKey), fmt.Sprintf("%d tasks x %d connections (chronos:cmsDbMaxConns), doubled during a deploy, is %d connections; %s allows about %d, %d kept in reserve: lower the tasks or the connections, or use a larger instance class", tasks, perTask, peak, class, limit, ConnectionReserve))
	}
}

// publicDatabase enforces the private database once the CMS runs in the
// VPC: production refuses an allowlist unless allowPublicDatabase says the
// stack is mid-switch.
func (p *parser) publicDatabase(c Config, k ComputeConfig) {
	if !c.Production || !c.DB.AllowPublic && len(c.DB.AllowedCIDRs) == 0 {
		return
	}
	switch {
	case k.Kind == ComputeECS && len(c.DB.AllowedCIDRs) > 0 && !c.DB.AllowPublic:
		p.fail(FullKey(KeyDBAllowedCIDRs), "must be empty in production with compute ecs: the tasks reach the database privately; set chronos:allowPublicDatabase: true only while switching an existing stack")
	case k.Kind != ComputeECS && c.DB.AllowPublic:
		p.fail(FullKey(KeyAllowPublicDatabase), "may be true in production only with chronos:compute ecs, while switching an existing stack to the private database")
	}
}

// domain validates the custom domain keys.
func (p *parser) domain(k *ComputeConfig, c Config) {
	key := FullKey
	if k.Domain == "" {
		if k.HostedZoneID != "" {
			p.fail(key(KeyCMSHostedZoneID), "only used with chronos:cmsDomain")
		}
		if k.CertificateARN != "" {
			p.fail(key(KeyCMSCertificateARN), "only used with chronos:cmsDomain")
		}
		return
	}
	if k.Kind != ComputeECS {
		p.fail(key(KeyCMSDomain), "only used with chronos:compute ecs (Lightsail serves its own https domain)")
	}
	if !hostnameRE.MatchString(k.Domain) || len(k.Domain) > 253 {
		p.fail(key(KeyCMSDomain), fmt.Sprintf("%q: expected a lowercase host name such as cms.example.com (no scheme, no path)", k.Domain))
	}
	if k.HostedZoneID != "" && !zoneIDRE.MatchString(k.HostedZoneID) {
		p.fail(key(KeyCMSHostedZoneID), fmt.Sprintf("%q: expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", k.HostedZoneID))
	}
	if k.CertificateARN != "" {
		m := certARNRE.FindStringSubmatch(k.CertificateARN)
		switch {
		case m == nil:
			p.fail(key(KeyCMSCertificateARN), "expected an ACM certificate ARN: arn:aws:acm:us-east-1:<account>:certificate/<uuid>")
		case m[1] != CloudFrontRegion:
			p.fail(key(KeyCMSCertificateARN), fmt.Sprintf("is in %s; CloudFront uses certificates from %s only", m[1], CloudFrontRegion))
		}
	}
	switch {
	case k.HostedZoneID == "" && k.CertificateARN == "":
		p.fail(key(KeyCMSDomain), "needs chronos:cmsHostedZoneId (the certificate is issued and validated there) or chronos:cmsCertificateArn (an issued certificate in us-east-1)")
	case k.CertificateARN == "" && c.Region != "" && c.Region != CloudFrontRegion:
		p.fail(key(KeyCMSDomain), fmt.Sprintf("the program issues CloudFront certificates only in stacks in %s; with aws:region %s set chronos:cmsCertificateArn to a certificate issued in %s", CloudFrontRegion, c.Region, CloudFrontRegion))
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

package plan

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/contract"
)

// CMSPort is the port the CMS container listens on (the image's CMS_ADDR).
const CMSPort = 8080

// HealthPath is the load balancer's health check. Not /readyz: that fails
// while the schema is ahead of a task's binary, which during a rolling
// deploy would mark every old task unhealthy and make a circuit-breaker
// rollback impossible (research/deploy.md 4.3). CI checks /readyz instead.
const HealthPath = "/healthz"

// MediaPrefix is the object key prefix of media in the bucket (S3_PREFIX);
// the CDN serves exactly this prefix from the bucket.
const MediaPrefix = "media/"

// ContainerName is the CMS container's name in the task definition.
const ContainerName = "cms"

// Repository holds the arguments of the CMS image repository (ECR).
type Repository struct {
	Name          string
	KeepImages    int
	ForceDelete   bool // dev: `pulumi destroy` removes it with its images
	Protect       bool
	LifecycleJSON string
}

// RepositoryFor derives the image repository of a stack that runs the CMS.
func RepositoryFor(c Config) Repository {
	const keep = 20
	return Repository{
		Name:        "chronos-cms-" + c.Stack,
		KeepImages:  keep,
		ForceDelete: !c.Production,
		Protect:     c.Production,
		LifecycleJSON: mustJSON(map[string]any{"rules": []map[string]any{{
			"rulePriority": 1,
			"description":  "keep the last " + strconv.Itoa(keep) + " images",
			"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
			"action":       map[string]any{"type": "expire"},
		}}}),
	}
}

// ImageRef resolves the configured image against the repository URL: a
// bare digest means the stack's own repository.
func ImageRef(image, repositoryURL string) string {
	if strings.HasPrefix(image, "sha256:") {
		return repositoryURL + "@" + image
	}
	return image
}

// Service holds the arguments of the ECS service and its companions.
type Service struct {
	Name             string // cluster, service, task family and role name stem
	LogGroup         string
	SecretName       string
	SecretRecovery   int // days; 0 deletes at once (dev)
	CPU, Memory      int
	Architecture     string
	MinTasks         int
	MaxTasks         int
	CPUTarget        int
	CapacityProvider string // FARGATE or FARGATE_SPOT
	LogRetentionDays int
	DBMaxConns       int
	Autoscale        bool
	Protect          bool // `protect` on the log group and the secret
	TaskPolicy       PolicyDocument
	Env              map[string]string // static part of the container env
}

// ServiceFor derives the ECS arguments from a validated Config.
func ServiceFor(c Config) Service {
	k := c.Compute
	name := "chronos-" + c.Stack
	s := Service{
		Name:             name,
		LogGroup:         "/chronos/" + c.Stack + "/cms",
		SecretName:       "chronos/" + c.Stack + "/cms",
		CPU:              k.CPU,
		Memory:           k.Memory,
		Architecture:     k.Architecture,
		MinTasks:         k.MinTasks,
		MaxTasks:         k.MaxTasks,
		CPUTarget:        k.CPUTarget,
		CapacityProvider: "FARGATE",
		LogRetentionDays: k.LogRetentionDays,
		DBMaxConns:       k.DBMaxConns,
		Autoscale:        k.MaxTasks > k.MinTasks,
		Protect:          c.Production,
		TaskPolicy:       CMSPolicy(c.BucketName, c.BucketKMSKeyARN),
		Env:              baseEnv(c),
	}
	if k.Spot {
		s.CapacityProvider = "FARGATE_SPOT"
	}
	if c.Production {
		s.SecretRecovery = 7
	}
	s.Env[contract.CMSMediaDelivery] = "public"
	return s
}

// baseEnv is the plain environment every compute target gives the CMS.
func baseEnv(c Config) map[string]string {
	return map[string]string{
		contract.CMSEnv:         "production",
		contract.CMSAddr:        ":" + strconv.Itoa(CMSPort),
		contract.CMSCORSOrigins: strings.Join(c.CORSOrigins, ","),
		contract.S3Bucket:       c.BucketName,
		contract.S3Region:       c.Region,
		contract.S3Prefix:       MediaPrefix,
		// Several tasks migrate safely: each migration takes an advisory lock.
		contract.CMSAutoMigrate: "true",
		contract.CMSDBMaxConns:  strconv.Itoa(c.Compute.DBMaxConns),
	}
}

// SecretEnv are the variables the task reads from the stack's Secrets
// Manager secret (a JSON object with these keys), never from plain env.
var SecretEnv = []string{contract.PostgresURL, contract.PayloadSecret}

// Runtime are the values of the container definition known only once the
// other resources exist.
type Runtime struct {
	Image          string
	Region         string
	SecretARN      string
	PublicURL      string   // https://<cmsDomain or the distribution's domain>
	TrustedProxies []string // VPC CIDR (load balancer) + CloudFront's origin-facing ranges
}

// ContainerDefinitions renders the task's container definitions: plain
// environment for non-secrets only, PostgreSQL URL and signing secret from
// the secret, awslogs in blocking mode, and the image's own health probe.
func (s Service) ContainerDefinitions(rt Runtime) string {
	env := maps.Clone(s.Env)
	env[contract.CMSPublicURL] = rt.PublicURL
	env[contract.S3PublicURL] = rt.PublicURL
	env[contract.CMSTrustedProxies] = strings.Join(rt.TrustedProxies, ",")
	var environment []map[string]string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if contract.IsSecret(k) {
			// A programming error: secrets go through SecretEnv only.
			panic(fmt.Sprintf("plan: secret %s in plain environment", k))
		}
		environment = append(environment, map[string]string{"name": k, "value": env[k]})
	}
	var secrets []map[string]string
	for _, k := range SecretEnv {
		secrets = append(secrets, map[string]string{"name": k, "valueFrom": rt.SecretARN + ":" + k + "::"})
	}
	return mustJSON([]map[string]any{{
		"name":         ContainerName,
		"image":        rt.Image,
		"essential":    true,
		"portMappings": []map[string]any{{"containerPort": CMSPort, "protocol": "tcp"}},
		"environment":  environment,
		"secrets":      secrets,
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group":         s.LogGroup,
				"awslogs-region":        rt.Region,
				"awslogs-stream-prefix": ContainerName,
				// The default, non-blocking, drops logs under back-pressure.
				"mode": "blocking",
			},
		},
		"healthCheck": map[string]any{
			"command":     []string{"CMD", "/cms", "healthcheck"},
			"interval":    15,
			"timeout":     5,
			"retries":     3,
			"startPeriod": 30,
		},
	}})
}

// SecretJSON is the secret's value: the variables of SecretEnv.
func SecretJSON(postgresURL, payloadSecret string) string {
	return mustJSON(map[string]string{contract.PostgresURL: postgresURL, contract.PayloadSecret: payloadSecret})
}

// AssumeRolePolicy lets ECS tasks assume a role.
func AssumeRolePolicy() PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: []Statement{{
		Sid: "EcsTasks", Effect: "Allow",
		Principal: map[string]string{"Service": "ecs-tasks.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
	}}}
}

// ExecutionPolicy is everything the ECS agent needs to start a task: pull
// from this repository (GetAuthorizationToken has no resource scope in
// IAM), write to this log group, and read this one secret.
func ExecutionPolicy(repositoryARN, logGroupARN, secretARN string) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: []Statement{
		{Sid: "RegistryLogin", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		{Sid: "PullImage", Effect: "Allow", Action: []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, Resource: []string{repositoryARN}},
		{Sid: "WriteLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logGroupARN + ":*"}},
		{Sid: "ReadSecret", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{secretARN}},
	}}
}

// TrustedProxies is CMS_TRUSTED_PROXIES behind CloudFront and the load
// balancer: the VPC (the load balancer's nodes connect from there) and
// CloudFront's origin-facing ranges (the hop the load balancer appends to
// X-Forwarded-For), so the CMS takes the viewer's address as client IP.
func TrustedProxies(vpcCIDR string, cloudFront []string) []string {
	out := []string{vpcCIDR}
	cf := slices.Clone(cloudFront)
	slices.Sort(cf)
	return append(out, slices.Compact(cf)...)
}

// Package plan holds every decision the Pulumi program makes, as pure
// functions: the stack configuration (parsed and validated with every problem
// reported at once), the resource arguments derived from it, the IAM policy
// document, the bucket policy and the CORS rules. It does not import Pulumi,
// so its tests compile in seconds and run without an engine.
package plan

// Project is the Pulumi project name; configuration keys are "chronos:<key>".
const Project = "chronos"

// RegionKey is the AWS provider's region key; the stack file must set it.
const RegionKey = "aws:region"

// Key declares one project configuration key. Pulumi.yaml declares the same
// keys with the same type, default and description (a test keeps them equal),
// so the CLI and the program agree on defaults.
type Key struct {
	Name        string // without the "chronos:" namespace
	Type        string // Pulumi.yaml type: string, integer, boolean or array
	Default     string // raw default as the engine would pass it; "" with Required
	Required    bool   // no default: every stack must set it
	Secret      bool   // must be set with `pulumi config set --secret`
	Description string
}

// Configuration key names (without the project namespace).
const (
	KeyProduction            = "production"
	KeyBucketName            = "bucketName"
	KeyBucketEncryption      = "bucketEncryption"
	KeyBucketKMSKeyARN       = "bucketKmsKeyArn"
	KeyNoncurrentVersionDays = "noncurrentVersionDays"
	KeyCORSOrigins           = "corsOrigins"
	KeyCORSMaxAgeSeconds     = "corsMaxAgeSeconds"
	KeyVPCID                 = "vpcId"
	KeyDBInstanceClass       = "dbInstanceClass"
	KeyDBEngineVersion       = "dbEngineVersion"
	KeyDBAllocatedStorage    = "dbAllocatedStorage"
	KeyDBMaxAllocatedStorage = "dbMaxAllocatedStorage"
	KeyDBBackupRetentionDays = "dbBackupRetentionDays"
	KeyDBName                = "dbName"
	KeyDBUsername            = "dbUsername"
	KeyDBPassword            = "dbPassword"
	KeyDBAllowedCIDRs        = "dbAllowedCidrs"
	KeyAllowPublicDatabase   = "allowPublicDatabase"
	KeyCMSUserName           = "cmsUserName"
	KeyAccessKeyGeneration   = "accessKeyGeneration"
	KeyRetainPreviousKey     = "retainPreviousAccessKey"
	KeyCMSSecret             = "cmsSecret"
	KeyTags                  = "tags"

	KeyCompute             = "compute"
	KeyDatabase            = "database"
	KeyCMSImage            = "cmsImage"
	KeyCMSDomain           = "cmsDomain"
	KeyCMSHostedZoneID     = "cmsHostedZoneId"
	KeyCMSCertificateARN   = "cmsCertificateArn"
	KeyCMSCPU              = "cmsCpu"
	KeyCMSMemory           = "cmsMemory"
	KeyCMSArchitecture     = "cmsArchitecture"
	KeyCMSMinTasks         = "cmsMinTasks"
	KeyCMSMaxTasks         = "cmsMaxTasks"
	KeyCMSCPUTarget        = "cmsCpuTarget"
	KeyCMSSpot             = "cmsSpot"
	KeyCMSDBMaxConns       = "cmsDbMaxConns"
	KeyCMSLogRetentionDays = "cmsLogRetentionDays"
	KeyLightsailPower      = "lightsailPower"
	KeyLightsailScale      = "lightsailScale"
	KeyLightsailDBBundle   = "lightsailDbBundle"
)

// Keys returns every project configuration key, in documentation order.
func Keys() []Key {
	return []Key{
		{Name: KeyProduction, Type: "boolean", Default: "false", Description: "Production stack: deletion protection, multi-AZ, final snapshot, protect on stateful resources, https-only origins, no public database."},
		{Name: KeyBucketName, Type: "string", Required: true, Description: "Name of the S3 asset bucket (globally unique)."},
		{Name: KeyBucketEncryption, Type: "string", Default: "AES256", Description: "Default bucket encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS)."},
		{Name: KeyBucketKMSKeyARN, Type: "string", Default: "", Description: "Customer managed KMS key ARN for aws:kms; empty uses the AWS managed aws/s3 key."},
		{Name: KeyNoncurrentVersionDays, Type: "integer", Default: "30", Description: "Days after which noncurrent object versions expire."},
		{Name: KeyCORSOrigins, Type: "array", Default: "[]", Description: "Web origins (scheme://host[:port]) allowed by the bucket's CORS rules and the CMS (CMS_CORS_ORIGINS)."},
		{Name: KeyCORSMaxAgeSeconds, Type: "integer", Default: "3000", Description: "Seconds browsers may cache a CORS preflight answer."},
		{Name: KeyVPCID, Type: "string", Default: "", Description: "VPC for the database; empty uses the account's default VPC."},
		{Name: KeyDBInstanceClass, Type: "string", Default: "db.t4g.micro", Description: "RDS instance class."},
		{Name: KeyDBEngineVersion, Type: "string", Default: "16", Description: "PostgreSQL major version (minor versions are upgraded automatically)."},
		{Name: KeyDBAllocatedStorage, Type: "integer", Default: "20", Description: "Initial gp3 storage in GiB."},
		{Name: KeyDBMaxAllocatedStorage, Type: "integer", Default: "100", Description: "Storage autoscaling cap in GiB."},
		{Name: KeyDBBackupRetentionDays, Type: "integer", Default: "1", Description: "Days automated backups are kept (production needs at least 7)."},
		{Name: KeyDBName, Type: "string", Default: "chronos", Description: "Name of the database the CMS uses."},
		{Name: KeyDBUsername, Type: "string", Default: "chronos_admin", Description: "Master user name (not a well-known default such as postgres or admin)."},
		{Name: KeyDBPassword, Type: "string", Required: true, Secret: true, Description: "Master password, 16-128 printable ASCII characters without / \" @ or space. Set with `pulumi config set --secret`."},
		{Name: KeyDBAllowedCIDRs, Type: "array", Default: "[]", Description: "CIDR blocks allowed to reach PostgreSQL on port 5432; the database is publicly accessible only when non-empty."},
		{Name: KeyAllowPublicDatabase, Type: "boolean", Default: "false", Description: "Allow a public database: 0.0.0.0/0 or ::/0 in dbAllowedCidrs outside production; in production with compute ecs, a non-empty dbAllowedCidrs (while switching an existing stack to the private database)."},
		{Name: KeyCMSUserName, Type: "string", Default: "", Description: "IAM user of the CMS; empty means payload-cms-user-<stack>."},
		{Name: KeyAccessKeyGeneration, Type: "integer", Default: "1", Description: "Generation of the CMS access key; raise it to rotate the key."},
		{Name: KeyRetainPreviousKey, Type: "boolean", Default: "false", Description: "Keep the previous generation's access key while the CMS switches to the new one."},
		{Name: KeyCMSSecret, Type: "string", Default: "", Description: "Token signing secret (>= 32 bytes) exported as payloadSecret; required with compute ecs or lightsail. Set with `pulumi config set --secret`."},
		{Name: KeyTags, Type: "object", Default: "{}", Description: "Extra tags for every taggable resource (project, stack and managed-by are always set)."},
		{Name: KeyCompute, Type: "string", Default: ComputeNone, Description: "Where the CMS runs: none (no compute, the CMS runs elsewhere), ecs (Fargate behind CloudFront and a load balancer, private database) or lightsail (a Lightsail container service; never in production)."},
		{Name: KeyDatabase, Type: "string", Default: DatabaseRDS, Description: "PostgreSQL service: rds, or lightsail (a Lightsail managed database for the cheapest non-production stack; not with compute ecs)."},
		{Name: KeyCMSImage, Type: "string", Default: "", Description: "CMS image by digest: sha256:<64 hex> in the stack's ECR repository, or <repository>@sha256:<64 hex>. Empty declares only the repository (the first deploy's bootstrap step); CI sets it to the digest it pushed."},
		{Name: KeyCMSDomain, Type: "string", Default: "", Description: "Custom host name of the CMS (e.g. cms.example.com); empty serves it on the CloudFront default domain. Needs cmsHostedZoneId or cmsCertificateArn."},
		{Name: KeyCMSHostedZoneID, Type: "string", Default: "", Description: "Route 53 hosted zone of cmsDomain: the certificate is issued, DNS-validated and aliased to CloudFront there."},
		{Name: KeyCMSCertificateARN, Type: "string", Default: "", Description: "Existing issued ACM certificate for cmsDomain in us-east-1 (CloudFront's region); used instead of issuing one."},
		{Name: KeyCMSCPU, Type: "integer", Default: "256", Description: "Fargate task CPU units (256 = 0.25 vCPU)."},
		{Name: KeyCMSMemory, Type: "integer", Default: "512", Description: "Fargate task memory in MiB; must be a valid pair with cmsCpu."},
		{Name: KeyCMSArchitecture, Type: "string", Default: "ARM64", Description: "Task CPU architecture: ARM64 or X86_64 (the image must contain it)."},
		{Name: KeyCMSMinTasks, Type: "integer", Default: "1", Description: "Fewest running CMS tasks (production needs at least 2)."},
		{Name: KeyCMSMaxTasks, Type: "integer", Default: "2", Description: "Most running CMS tasks under CPU autoscaling."},
		{Name: KeyCMSCPUTarget, Type: "integer", Default: "60", Description: "Average CPU percent the autoscaling keeps the tasks at (20-90)."},
		{Name: KeyCMSSpot, Type: "boolean", Default: "false", Description: "Run the tasks on Fargate Spot (about 70% cheaper, may be interrupted; never in production)."},
		{Name: KeyCMSDBMaxConns, Type: "integer", Default: "10", Description: "Database connections per CMS task (CMS_DB_MAX_CONNS); the peak task count times this must fit the database's connection limit."},
		{Name: KeyCMSLogRetentionDays, Type: "integer", Default: "30", Description: "Days the CMS's CloudWatch logs are kept (a CloudWatch retention value, e.g. 14, 30, 90, 365)."},
		{Name: KeyLightsailPower, Type: "string", Default: "micro", Description: "Lightsail container power: nano, micro, small, medium, large or xlarge."},
		{Name: KeyLightsailScale, Type: "integer", Default: "1", Description: "Lightsail container nodes (1-20; no autoscaling)."},
		{Name: KeyLightsailDBBundle, Type: "string", Default: "micro_2_0", Description: "Lightsail database bundle (e.g. micro_2_0, small_2_0) with database lightsail."},
	}
}

// FullKey returns the namespaced key, e.g. "chronos:bucketName".
func FullKey(name string) string { return Project + ":" + name }

// SecretKeys returns the namespaced keys whose values must be secrets when
// set. cmsSecret is among them although Pulumi.yaml does not declare it
// `secret: true`: it is optional, and a key declared secret there must have
// an encrypted value in every stack. Parse enforces the rule instead.
func SecretKeys() []string {
	var out []string
	for _, k := range Keys() {
		if k.Secret || k.Name == KeyCMSSecret {
			out = append(out, FullKey(k.Name))
		}
	}
	return out
}

package plan

import "github.com/automatonic/chronos/app/contract"

// LightsailService holds the arguments of a Lightsail container service
// (compute: lightsail). What it gives up against ECS: its environment is a
// plain map (the database URL, signing secret and the IAM user's key are in
// the deployment in clear, though encrypted in Pulumi state), it has no IAM
// role (the static access key stays), no VPC (the database stays public),
// no autoscaling, and no CDN (media are presigned S3 redirects).
type LightsailService struct {
	Name       string
	Power      string
	Scale      int
	Env        map[string]string // plain part; the program adds the secrets
	HealthPath string
}

// LightsailServiceFor derives the container service of a lightsail stack.
func LightsailServiceFor(c Config) LightsailService {
	env := baseEnv(c)
	env[contract.CMSMediaDelivery] = "presign"
	return LightsailService{
		Name:       "chronos-" + c.Stack,
		Power:      c.Compute.LightsailPower,
		Scale:      c.Compute.LightsailScale,
		Env:        env,
		HealthPath: HealthPath,
	}
}

// LightsailSecretEnv are the variables a Lightsail deployment carries as
// (Pulumi-secret) plain environment, for want of a secret store.
var LightsailSecretEnv = []string{contract.PostgresURL, contract.PayloadSecret, contract.S3AccessKeyID, contract.S3SecretAccessKey}

// LightsailDatabase holds the arguments of a Lightsail managed PostgreSQL
// (database: lightsail). It gives up against RDS: Multi-AZ, deletion
// protection, storage autoscaling, a parameter group forcing TLS (clients
// use sslmode=require), Performance Insights, and private access from ECS.
type LightsailDatabase struct {
	Name              string
	Blueprint         string
	Bundle            string
	DBName            string
	Username          string
	Public            bool
	Backups           bool
	SkipFinalSnapshot bool
}

// LightsailDatabaseFor derives the Lightsail database of a dev stack. It is
// public: the container service is not in a VPC, and whether it reaches a
// private Lightsail database is not documented.
func LightsailDatabaseFor(c Config) LightsailDatabase {
	return LightsailDatabase{
		Name:              "chronos-" + c.Stack,
		Blueprint:         "postgres_" + c.DB.EngineVersion,
		Bundle:            c.Compute.LightsailDBBundle,
		DBName:            c.DB.Name,
		Username:          c.DB.Username,
		Public:            true,
		Backups:           true,
		SkipFinalSnapshot: true,
	}
}

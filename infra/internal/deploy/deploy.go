// Package deploy is the Pulumi glue of the chronos program: it reads the
// stack configuration, hands it to package plan for every decision, and
// declares the resources as three component resources (database, storage,
// identity). Only infra/ imports Pulumi; this package imports just the
// pulumi-aws subpackages it declares resources from.
package deploy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/infra/internal/plan"
)

// Exports are the stack outputs, keyed by the env contract's output names.
type Exports map[string]pulumi.Output

// Run is the program body: Deploy, then export every output.
func Run(ctx *pulumi.Context) error {
	exports, err := Deploy(ctx)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(exports)) {
		ctx.Export(name, exports[name])
	}
	return nil
}

// ContextSource reads configuration from the Pulumi engine.
func ContextSource(ctx *pulumi.Context) plan.Source {
	return func(key string) (string, bool, bool) {
		v, ok := ctx.GetConfig(key)
		return v, ctx.IsConfigSecret(key), ok
	}
}

// Deploy validates the stack configuration and declares every resource.
// An invalid configuration returns a *plan.ValidationError before any
// resource is declared.
func Deploy(ctx *pulumi.Context) (Exports, error) {
	cfg, err := plan.Parse(ctx.Stack(), ContextSource(ctx))
	if err != nil {
		return nil, err
	}
	tags := plan.Tags(cfg)
	// Parse has checked the password is present and stored as a secret.
	password := config.RequireSecret(ctx, plan.FullKey(plan.KeyDBPassword))

	db, err := NewDatabase(ctx, "database", &DatabaseArgs{
		Plan:     plan.DatabaseFor(cfg),
		VPCID:    cfg.VPCID,
		Password: password,
		Tags:     tags,
	})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	st, err := NewStorage(ctx, "storage", &StorageArgs{Plan: plan.StorageFor(cfg), Tags: tags})
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	id, err := NewIdentity(ctx, "identity", &IdentityArgs{Plan: plan.IdentityFor(cfg), Tags: tags},
		pulumi.DependsOn([]pulumi.Resource{st}))
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}

	dbPlan := plan.DatabaseFor(cfg)
	postgresURL := pulumi.All(db.Instance.Address, db.Instance.Port, password).ApplyT(
		func(v []any) string {
			return plan.PostgresURL(dbPlan.Username, v[2].(string), v[0].(string), v[1].(int), dbPlan.DBName)
		}).(pulumi.StringOutput)

	exports := Exports{
		contract.OutPostgresURL:     pulumi.ToSecret(postgresURL),
		contract.OutBucketName:      st.Bucket.Bucket,
		contract.OutRegion:          pulumi.String(cfg.Region).ToStringOutput(),
		contract.OutAccessKeyID:     id.AccessKey.ID().ToStringOutput(),
		contract.OutSecretAccessKey: pulumi.ToSecret(id.AccessKey.Secret),
		contract.OutCORSOrigins:     pulumi.String(strings.Join(cfg.CORSOrigins, ",")).ToStringOutput(),
		contract.OutDBEndpoint:      db.Instance.Endpoint,
	}
	if cfg.HasCMSSecret {
		exports[contract.OutPayloadSecret] = config.RequireSecret(ctx, plan.FullKey(plan.KeyCMSSecret))
	}
	return exports, nil
}

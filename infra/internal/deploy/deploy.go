// Package deploy is the Pulumi glue of the chronos program: it reads the
// stack configuration, hands it to package plan for every decision, and
// declares the resources as component resources: database, storage and
// identity always; with chronos:compute also the image registry and either
// the ECS service with its HTTPS edge or a Lightsail container service. Only infra/ imports Pulumi; this package imports just the
// pulumi-aws subpackages it declares resources from.
package deploy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
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
	k := cfg.Compute
	// Parse has checked the password is present and stored as a secret.
	password := config.RequireSecret(ctx, plan.FullKey(plan.KeyDBPassword))
	var cmsSecret pulumi.StringOutput
	if cfg.HasCMSSecret {
		cmsSecret = config.RequireSecret(ctx, plan.FullKey(plan.KeyCMSSecret))
	}
	exports := Exports{}

	ecsServing := k.Kind == plan.ComputeECS && k.Serving()
	var net Network
	if k.Database == plan.DatabaseRDS || ecsServing {
		if net, err = network(ctx, cfg.VPCID, ecsServing); err != nil {
			return nil, err
		}
	}
	db, err := declareDatabase(ctx, cfg, net, password, tags, exports)
	if err != nil {
		return nil, err
	}

	var registry *Registry
	if k.Runs() {
		if registry, err = NewRegistry(ctx, "registry", &RegistryArgs{Plan: plan.RepositoryFor(cfg), Tags: tags}); err != nil {
			return nil, fmt.Errorf("registry: %w", err)
		}
		exports[contract.OutCMSRepositoryURL] = registry.Repository.RepositoryUrl
	}

	// The edge comes before the bucket: the bucket policy names the
	// distribution, which knows the bucket by its (configured) name.
	var edge *Edge
	storageArgs := &StorageArgs{Plan: plan.StorageFor(cfg), Tags: tags}
	if ecsServing {
		verify := pulumi.ToSecret(cmsSecret.ApplyT(plan.OriginVerifyValue)).(pulumi.StringOutput)
		edge, err = NewEdge(ctx, "edge", &EdgeArgs{Plan: plan.EdgeFor(cfg), Network: net, CORSOrigins: cfg.CORSOrigins, OriginVerify: verify, Tags: tags})
		if err != nil {
			return nil, fmt.Errorf("edge: %w", err)
		}
		storageArgs.MediaDistributionARN = &edge.Distribution.Arn
		exports[contract.OutCMSURL] = edge.URL
	}
	st, err := NewStorage(ctx, "storage", storageArgs)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	id, err := NewIdentity(ctx, "identity", &IdentityArgs{Plan: plan.IdentityFor(cfg), Tags: tags},
		pulumi.DependsOn([]pulumi.Resource{st}))
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}

	switch {
	case ecsServing:
		svc, err := NewService(ctx, "service", &ServiceArgs{
			Plan: plan.ServiceFor(cfg), Region: cfg.Region, Image: k.Image, Network: net,
			Repository: registry, Edge: edge, DBSecurityGrp: db.securityGroup,
			PostgresURL: db.url, PayloadSecret: cmsSecret, Tags: tags,
		}, pulumi.DependsOn([]pulumi.Resource{st}))
		if err != nil {
			return nil, fmt.Errorf("service: %w", err)
		}
		exports[contract.OutCMSImage] = svc.ImageRef
		exports[contract.OutCMSCluster] = svc.Cluster.Name
		exports[contract.OutCMSService] = svc.Service.Name
		exports[contract.OutCMSLogGroup] = svc.LogGroup.Name
	case k.Kind == plan.ComputeLightsail:
		ls, err := NewLightsailService(ctx, "lightsail", &LightsailServiceArgs{
			Plan: plan.LightsailServiceFor(cfg), Image: k.Image, Repository: registry,
			Secrets: map[string]pulumi.StringOutput{
				contract.PostgresURL:       db.url,
				contract.PayloadSecret:     cmsSecret,
				contract.S3AccessKeyID:     id.AccessKey.ID().ToStringOutput(),
				contract.S3SecretAccessKey: id.AccessKey.Secret,
			},
			Tags: tags,
		}, pulumi.DependsOn([]pulumi.Resource{st}))
		if err != nil {
			return nil, fmt.Errorf("lightsail: %w", err)
		}
		exports[contract.OutCMSURL] = ls.URL
		if k.Image != "" {
			exports[contract.OutCMSImage] = ls.ImageRef
		}
	}

	exports[contract.OutPostgresURL] = pulumi.ToSecret(db.url).(pulumi.StringOutput)
	exports[contract.OutBucketName] = st.Bucket.Bucket
	exports[contract.OutRegion] = pulumi.String(cfg.Region).ToStringOutput()
	exports[contract.OutAccessKeyID] = id.AccessKey.ID().ToStringOutput()
	exports[contract.OutSecretAccessKey] = pulumi.ToSecret(id.AccessKey.Secret)
	exports[contract.OutCORSOrigins] = pulumi.String(strings.Join(cfg.CORSOrigins, ",")).ToStringOutput()
	if cfg.HasCMSSecret {
		exports[contract.OutPayloadSecret] = cmsSecret
	}
	return exports, nil
}

// database is what the rest of the program needs from either database.
type database struct {
	url           pulumi.StringOutput // secret
	securityGroup *ec2.SecurityGroup  // RDS only
}

// declareDatabase declares the RDS or Lightsail database and exports its
// endpoint.
func declareDatabase(ctx *pulumi.Context, cfg plan.Config, net Network, password pulumi.StringOutput, tags map[string]string, exports Exports) (database, error) {
	if cfg.Compute.Database == plan.DatabaseLightsail {
		p := plan.LightsailDatabaseFor(cfg)
		ld, err := NewLightsailDatabase(ctx, "database", &LightsailDatabaseArgs{Plan: p, Password: password, Tags: tags})
		if err != nil {
			return database{}, fmt.Errorf("database: %w", err)
		}
		d := ld.Database
		exports[contract.OutDBEndpoint] = pulumi.Sprintf("%s:%d", d.MasterEndpointAddress, d.MasterEndpointPort)
		url := pulumi.All(d.MasterEndpointAddress, d.MasterEndpointPort, password).ApplyT(func(v []any) string {
			return plan.PostgresURL(p.Username, v[2].(string), v[0].(string), v[1].(int), p.DBName)
		}).(pulumi.StringOutput)
		return database{url: pulumi.ToSecret(url).(pulumi.StringOutput)}, nil
	}
	p := plan.DatabaseFor(cfg)
	db, err := NewDatabase(ctx, "database", &DatabaseArgs{Plan: p, Network: net, Password: password, Tags: tags})
	if err != nil {
		return database{}, fmt.Errorf("database: %w", err)
	}
	exports[contract.OutDBEndpoint] = db.Instance.Endpoint
	url := pulumi.All(db.Instance.Address, db.Instance.Port, password).ApplyT(func(v []any) string {
		return plan.PostgresURL(p.Username, v[2].(string), v[0].(string), v[1].(int), p.DBName)
	}).(pulumi.StringOutput)
	return database{url: pulumi.ToSecret(url).(pulumi.StringOutput), securityGroup: db.SecurityGroup}, nil
}

package deploy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lightsail"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/infra/internal/plan"
)

// LightsailServiceArgs are the inputs of NewLightsailService.
type LightsailServiceArgs struct {
	Plan       plan.LightsailService
	Image      string // "" = declare the service but deploy nothing yet
	Repository *Registry
	// Secrets are the LightsailSecretEnv values, each a Pulumi secret.
	Secrets map[string]pulumi.StringOutput
	Tags    map[string]string
}

// LightsailService is the CMS on a Lightsail container service pulling from
// the stack's ECR repository, on Lightsail's default HTTPS domain.
type LightsailService struct {
	pulumi.ResourceState

	Service  *lightsail.ContainerService
	URL      pulumi.StringOutput
	ImageRef pulumi.StringOutput
}

// NewLightsailService declares the Lightsail compute component.
func NewLightsailService(ctx *pulumi.Context, name string, args *LightsailServiceArgs, opts ...pulumi.ResourceOption) (*LightsailService, error) {
	l := &LightsailService{}
	if err := ctx.RegisterComponentResource("chronos:infra:LightsailService", name, l, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(l)
	var err error
	l.Service, err = lightsail.NewContainerService(ctx, name+"-containers", &lightsail.ContainerServiceArgs{
		Name:  pulumi.String(p.Name),
		Power: pulumi.String(p.Power),
		Scale: pulumi.Int(p.Scale),
		PrivateRegistryAccess: &lightsail.ContainerServicePrivateRegistryAccessArgs{
			EcrImagePullerRole: &lightsail.ContainerServicePrivateRegistryAccessEcrImagePullerRoleArgs{IsActive: pulumi.Bool(true)},
		},
		Tags: pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("container service: %w", err)
	}
	puller := l.Service.PrivateRegistryAccess.EcrImagePullerRole().PrincipalArn().Elem()
	pullPolicy := puller.ApplyT(func(arn string) string {
		return plan.PolicyDocument{Version: "2012-10-17", Statement: []plan.Statement{{
			Sid: "LightsailPulls", Effect: "Allow",
			Principal: map[string]string{"AWS": arn},
			Action:    []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
		}}}.JSON()
	}).(pulumi.StringOutput)
	policy, err := ecr.NewRepositoryPolicy(ctx, name+"-pull", &ecr.RepositoryPolicyArgs{
		Repository: args.Repository.Repository.Name,
		Policy:     pullPolicy,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("repository policy: %w", err)
	}
	l.URL = l.Service.Url

	if args.Image != "" {
		l.ImageRef = args.Repository.Repository.RepositoryUrl.ApplyT(func(url string) string {
			return plan.ImageRef(args.Image, url)
		}).(pulumi.StringOutput)
		env := pulumi.StringMap{}
		for k, v := range p.Env {
			env[k] = pulumi.String(v)
		}
		env[contract.CMSPublicURL] = l.URL
		for _, k := range plan.LightsailSecretEnv {
			v, ok := args.Secrets[k]
			if !ok {
				return nil, fmt.Errorf("lightsail: no value for %s", k)
			}
			env[k] = pulumi.ToSecret(v).(pulumi.StringOutput)
		}
		if _, err := lightsail.NewContainerServiceDeploymentVersion(ctx, name+"-deployment", &lightsail.ContainerServiceDeploymentVersionArgs{
			ServiceName: l.Service.Name,
			Containers: lightsail.ContainerServiceDeploymentVersionContainerArray{&lightsail.ContainerServiceDeploymentVersionContainerArgs{
				ContainerName: pulumi.String(plan.ContainerName),
				Image:         l.ImageRef,
				Environment:   env,
				Ports:         pulumi.StringMap{fmt.Sprint(plan.CMSPort): pulumi.String("HTTP")},
			}},
			PublicEndpoint: &lightsail.ContainerServiceDeploymentVersionPublicEndpointArgs{
				ContainerName: pulumi.String(plan.ContainerName),
				ContainerPort: pulumi.Int(plan.CMSPort),
				HealthCheck: &lightsail.ContainerServiceDeploymentVersionPublicEndpointHealthCheckArgs{
					Path:               pulumi.String(p.HealthPath),
					SuccessCodes:       pulumi.String("200"),
					IntervalSeconds:    pulumi.Int(10),
					TimeoutSeconds:     pulumi.Int(5),
					HealthyThreshold:   pulumi.Int(2),
					UnhealthyThreshold: pulumi.Int(3),
				},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
			return nil, fmt.Errorf("deployment: %w", err)
		}
	}
	if err := ctx.RegisterResourceOutputs(l, pulumi.Map{"url": l.URL}); err != nil {
		return nil, err
	}
	return l, nil
}

// LightsailDatabaseArgs are the inputs of NewLightsailDatabase.
type LightsailDatabaseArgs struct {
	Plan     plan.LightsailDatabase
	Password pulumi.StringOutput
	Tags     map[string]string
}

// LightsailDatabase is a Lightsail managed PostgreSQL (dev stacks only).
type LightsailDatabase struct {
	pulumi.ResourceState

	Database *lightsail.Database
}

// NewLightsailDatabase declares the Lightsail database component.
func NewLightsailDatabase(ctx *pulumi.Context, name string, args *LightsailDatabaseArgs, opts ...pulumi.ResourceOption) (*LightsailDatabase, error) {
	d := &LightsailDatabase{}
	if err := ctx.RegisterComponentResource("chronos:infra:LightsailDatabase", name, d, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	var err error
	d.Database, err = lightsail.NewDatabase(ctx, name+"-lightsail", &lightsail.DatabaseArgs{
		RelationalDatabaseName: pulumi.String(p.Name),
		BlueprintId:            pulumi.String(p.Blueprint),
		BundleId:               pulumi.String(p.Bundle),
		MasterDatabaseName:     pulumi.String(p.DBName),
		MasterUsername:         pulumi.String(p.Username),
		MasterPassword:         args.Password,
		PubliclyAccessible:     pulumi.Bool(p.Public),
		BackupRetentionEnabled: pulumi.Bool(p.Backups),
		SkipFinalSnapshot:      pulumi.Bool(p.SkipFinalSnapshot),
		ApplyImmediately:       pulumi.Bool(true),
		Tags:                   pulumi.ToStringMap(args.Tags),
	}, pulumi.Parent(d))
	if err != nil {
		return nil, fmt.Errorf("lightsail database: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{"endpoint": d.Database.MasterEndpointAddress}); err != nil {
		return nil, err
	}
	return d, nil
}

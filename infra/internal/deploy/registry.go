package deploy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/plan"
)

// RegistryArgs are the inputs of NewRegistry.
type RegistryArgs struct {
	Plan plan.Repository
	Tags map[string]string
}

// Registry is the CMS's image repository. It exists before any image (the
// first deploy's bootstrap step), so CI can push to it.
type Registry struct {
	pulumi.ResourceState

	Repository *ecr.Repository
}

// NewRegistry declares the registry component.
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	r := &Registry{}
	if err := ctx.RegisterComponentResource("chronos:infra:Registry", name, r, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(r)
	var err error
	r.Repository, err = ecr.NewRepository(ctx, name+"-repository", &ecr.RepositoryArgs{
		Name: pulumi.String(p.Name),
		// Digests are what deploys use; immutable tags keep a tag from
		// ever being re-pointed at other bytes.
		ImageTagMutability:         pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
		EncryptionConfigurations:   ecr.RepositoryEncryptionConfigurationArray{&ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")}},
		ForceDelete:                pulumi.Bool(p.ForceDelete),
		Tags:                       pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.Protect(p.Protect))
	if err != nil {
		return nil, fmt.Errorf("repository: %w", err)
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, name+"-lifecycle", &ecr.LifecyclePolicyArgs{
		Repository: r.Repository.Name,
		Policy:     pulumi.String(p.LifecycleJSON),
	}, parent); err != nil {
		return nil, fmt.Errorf("lifecycle policy: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"repositoryUrl": r.Repository.RepositoryUrl}); err != nil {
		return nil, err
	}
	return r, nil
}

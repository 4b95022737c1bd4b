package deploy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/plan"
)

// IdentityArgs are the inputs of NewIdentity.
type IdentityArgs struct {
	Plan plan.Identity
	Tags map[string]string
}

// Identity is the CMS's IAM user, the group that carries its only policy,
// and its access keys.
type Identity struct {
	pulumi.ResourceState

	User      *iam.User
	Group     *iam.Group
	AccessKey *iam.AccessKey // the current generation; the CMS uses this one
}

// NewIdentity declares the identity component.
func NewIdentity(ctx *pulumi.Context, name string, args *IdentityArgs, opts ...pulumi.ResourceOption) (*Identity, error) {
	id := &Identity{}
	if err := ctx.RegisterComponentResource("chronos:infra:Identity", name, id, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(id)

	var err error
	id.User, err = iam.NewUser(ctx, name+"-user", &iam.UserArgs{
		Name: pulumi.String(p.UserName),
		Path: pulumi.String(p.Path),
		Tags: pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	id.Group, err = iam.NewGroup(ctx, name+"-group", &iam.GroupArgs{
		Name: pulumi.String(p.GroupName),
		Path: pulumi.String(p.Path),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("group: %w", err)
	}
	// The policy lives on the group only (Security Hub IAM.2).
	if _, err := iam.NewGroupPolicy(ctx, name+"-group-policy", &iam.GroupPolicyArgs{
		Group:  id.Group.Name,
		Name:   pulumi.String("chronos-assets"),
		Policy: pulumi.String(p.Policy.JSON()),
	}, parent); err != nil {
		return nil, fmt.Errorf("group policy: %w", err)
	}
	membership, err := iam.NewUserGroupMembership(ctx, name+"-membership", &iam.UserGroupMembershipArgs{
		User:   id.User.Name,
		Groups: pulumi.StringArray{id.Group.Name},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("group membership: %w", err)
	}
	for i, gen := range p.KeyGenerations {
		key, err := iam.NewAccessKey(ctx, plan.AccessKeyName(p.UserName, gen), &iam.AccessKeyArgs{
			User: id.User.Name,
		}, parent, pulumi.DependsOn([]pulumi.Resource{membership}))
		if err != nil {
			return nil, fmt.Errorf("access key generation %d: %w", gen, err)
		}
		if i == 0 {
			id.AccessKey = key
		}
	}

	if err := ctx.RegisterResourceOutputs(id, pulumi.Map{"userName": id.User.Name}); err != nil {
		return nil, err
	}
	return id, nil
}

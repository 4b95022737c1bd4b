package deploy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/plan"
)

// DatabaseArgs are the inputs of NewDatabase.
type DatabaseArgs struct {
	Plan     plan.Database
	Network  Network
	Password pulumi.StringOutput
	Tags     map[string]string
}

// Database is the RDS PostgreSQL instance with its parameter group, subnet
// group and security group.
type Database struct {
	pulumi.ResourceState

	Instance      *rds.Instance
	SecurityGroup *ec2.SecurityGroup
}

// NewDatabase declares the database component.
func NewDatabase(ctx *pulumi.Context, name string, args *DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	d := &Database{}
	if err := ctx.RegisterComponentResource("chronos:infra:Database", name, d, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(d)
	tags := pulumi.ToStringMap(args.Tags)

	vpcID, subnetIDs := args.Network.VPCID, args.Network.SubnetIDs

	params, err := rds.NewParameterGroup(ctx, name+"-params", &rds.ParameterGroupArgs{
		Name:        pulumi.String(p.ParameterGroupName),
		Family:      pulumi.String(p.ParameterGroupFamily),
		Description: pulumi.String("chronos: TLS-only PostgreSQL"),
		Parameters:  parameters(p.Parameters),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("parameter group: %w", err)
	}
	subnets, err := rds.NewSubnetGroup(ctx, name+"-subnets", &rds.SubnetGroupArgs{
		Name:        pulumi.String(p.SubnetGroupName),
		Description: pulumi.String("chronos database subnets"),
		SubnetIds:   pulumi.ToStringArray(subnetIDs),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("subnet group: %w", err)
	}
	// No inline rules: each allowed CIDR is its own rule resource, so adding
	// or removing one never rewrites the others.
	d.SecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(p.SecurityGroupName),
		Description: pulumi.String("chronos PostgreSQL: port 5432 from the configured CIDR allowlist only"),
		VpcId:       pulumi.String(vpcID),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("security group: %w", err)
	}
	for _, in := range p.Ingress {
		rule := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: d.SecurityGroup.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(plan.PostgresPort),
			ToPort:          pulumi.Int(plan.PostgresPort),
			Description:     pulumi.String(in.Description),
			Tags:            tags,
		}
		if in.IPv6 {
			rule.CidrIpv6 = pulumi.String(in.CIDR)
		} else {
			rule.CidrIpv4 = pulumi.String(in.CIDR)
		}
		// Named after the CIDR so reordering the allowlist replaces nothing.
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-ingress-"+ruleSuffix(in.CIDR), rule, parent); err != nil {
			return nil, fmt.Errorf("ingress rule %s: %w", in.CIDR, err)
		}
	}

	inst := &rds.InstanceArgs{
		Identifier:                   pulumi.String(p.Identifier),
		Engine:                       pulumi.String(p.Engine),
		EngineVersion:                pulumi.String(p.EngineVersion),
		AutoMinorVersionUpgrade:      pulumi.Bool(p.AutoMinorUpgrade),
		AllowMajorVersionUpgrade:     pulumi.Bool(p.AllowMajorUpgrade),
		InstanceClass:                pulumi.String(p.InstanceClass),
		StorageType:                  pulumi.String(p.StorageType),
		AllocatedStorage:             pulumi.Int(p.AllocatedStorage),
		MaxAllocatedStorage:          pulumi.Int(p.MaxAllocatedStorage),
		StorageEncrypted:             pulumi.Bool(p.StorageEncrypted),
		DbName:                       pulumi.String(p.DBName),
		Username:                     pulumi.String(p.Username),
		Password:                     args.Password,
		Port:                         pulumi.Int(plan.PostgresPort),
		ParameterGroupName:           params.Name,
		DbSubnetGroupName:            subnets.Name,
		VpcSecurityGroupIds:          pulumi.StringArray{d.SecurityGroup.ID().ToStringOutput()},
		PubliclyAccessible:           pulumi.Bool(p.PubliclyAccessible),
		BackupRetentionPeriod:        pulumi.Int(p.BackupRetentionDays),
		CopyTagsToSnapshot:           pulumi.Bool(p.CopyTagsToSnapshot),
		EnabledCloudwatchLogsExports: pulumi.ToStringArray(p.LogExports),
		PerformanceInsightsEnabled:   pulumi.Bool(p.PerformanceInsights),
		DeletionProtection:           pulumi.Bool(p.DeletionProtection),
		MultiAz:                      pulumi.Bool(p.MultiAZ),
		SkipFinalSnapshot:            pulumi.Bool(p.SkipFinalSnapshot),
		// Production keeps automated backups after the instance is deleted.
		DeleteAutomatedBackups: pulumi.Bool(!p.DeletionProtection),
		Tags:                   tags,
	}
	if p.PerformanceInsights {
		inst.PerformanceInsightsRetentionPeriod = pulumi.Int(p.PerformanceInsightDays)
	}
	if p.FinalSnapshotID != "" {
		inst.FinalSnapshotIdentifier = pulumi.String(p.FinalSnapshotID)
	}
	d.Instance, err = rds.NewInstance(ctx, name+"-instance", inst, parent, pulumi.Protect(p.Protect))
	if err != nil {
		return nil, fmt.Errorf("instance: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{"endpoint": d.Instance.Endpoint}); err != nil {
		return nil, err
	}
	return d, nil
}

// Network is the VPC the database and the CMS tasks share.
type Network struct {
	VPCID     string
	SubnetIDs []string // sorted
	CIDR      string   // looked up only when the CMS runs in the VPC
}

// network returns the VPC and its subnets: the configured VPC, or the
// account's default VPC. withCIDR also returns its address range.
func network(ctx *pulumi.Context, vpcID string, withCIDR bool) (Network, error) {
	var n Network
	if vpcID == "" || withCIDR {
		args := &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)}
		if vpcID != "" {
			args = &ec2.LookupVpcArgs{Id: pulumi.StringRef(vpcID)}
		}
		v, err := ec2.LookupVpc(ctx, args)
		if err != nil {
			return n, fmt.Errorf("looking up the VPC (set chronos:vpcId if the account has no default VPC): %w", err)
		}
		vpcID, n.CIDR = v.Id, v.CidrBlock
	}
	n.VPCID = vpcID
	s, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{
		Filters: []ec2.GetSubnetsFilter{{Name: "vpc-id", Values: []string{vpcID}}},
	})
	if err != nil {
		return n, fmt.Errorf("listing subnets of %s: %w", vpcID, err)
	}
	if len(s.Ids) < 2 {
		return n, fmt.Errorf("VPC %s has %d subnets; an RDS subnet group and a load balancer need subnets in at least two availability zones", vpcID, len(s.Ids))
	}
	n.SubnetIDs = slices.Clone(s.Ids)
	slices.Sort(n.SubnetIDs) // stable order: no spurious diffs between runs
	return n, nil
}

func parameters(m map[string]string) rds.ParameterGroupParameterArray {
	var out rds.ParameterGroupParameterArray
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, rds.ParameterGroupParameterArgs{
			Name:  pulumi.String(k),
			Value: pulumi.String(m[k]),
			// Static parameters need a reboot; rds.force_ssl is dynamic.
			ApplyMethod: pulumi.String("immediate"),
		})
	}
	return out
}

// ruleSuffix turns a CIDR into a resource-name suffix: 203.0.113.0/24 -> 203-0-113-0-24.
func ruleSuffix(cidr string) string {
	return strings.NewReplacer(".", "-", "/", "-", ":", "-").Replace(cidr)
}

package deploy

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/plan"
)

// ServiceArgs are the inputs of NewService.
type ServiceArgs struct {
	Plan          plan.Service
	Region        string
	Image         string // as configured: a digest or a full reference
	Network       Network
	Repository    *Registry
	Edge          *Edge
	DBSecurityGrp *ec2.SecurityGroup
	PostgresURL   pulumi.StringOutput // secret
	PayloadSecret pulumi.StringOutput // secret
	Tags          map[string]string
}

// Service is the CMS on ECS Fargate: its secret, roles, log group, task
// security group, cluster, task definition, service and autoscaling.
type Service struct {
	pulumi.ResourceState

	Cluster       *ecs.Cluster
	Service       *ecs.Service
	TaskSecGroup  *ec2.SecurityGroup
	LogGroup      *cloudwatch.LogGroup
	ImageRef      pulumi.StringOutput
	ExecutionRole *iam.Role
	TaskRole      *iam.Role
}

// NewService declares the service component.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	s := &Service{}
	if err := ctx.RegisterComponentResource("chronos:infra:Service", name, s, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(s)
	tags := pulumi.ToStringMap(args.Tags)
	var err error

	s.LogGroup, err = cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(p.LogGroup),
		RetentionInDays: pulumi.Int(p.LogRetentionDays),
		Tags:            tags,
	}, parent, pulumi.Protect(p.Protect))
	if err != nil {
		return nil, fmt.Errorf("log group: %w", err)
	}

	secret, err := secretsmanager.NewSecret(ctx, name+"-secret", &secretsmanager.SecretArgs{
		Name:                 pulumi.String(p.SecretName),
		Description:          pulumi.String("chronos CMS: POSTGRES_URL and PAYLOAD_SECRET, read by the ECS agent at task start"),
		RecoveryWindowInDays: pulumi.Int(p.SecretRecovery),
		Tags:                 tags,
	}, parent, pulumi.Protect(p.Protect))
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	value := pulumi.All(args.PostgresURL, args.PayloadSecret).ApplyT(func(v []any) string {
		return plan.SecretJSON(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, name+"-secret-value", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("secret value: %w", err)
	}

	assume := pulumi.String(plan.AssumeRolePolicy().JSON())
	s.ExecutionRole, err = iam.NewRole(ctx, name+"-execution-role", &iam.RoleArgs{
		Name:             pulumi.String(p.Name + "-execution"),
		Path:             pulumi.String("/chronos/"),
		Description:      pulumi.String("ECS agent of the chronos CMS: pull its image, write its logs, read its one secret"),
		AssumeRolePolicy: assume,
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("execution role: %w", err)
	}
	execPolicy := pulumi.All(args.Repository.Repository.Arn, s.LogGroup.Arn, secret.Arn).ApplyT(func(v []any) string {
		return plan.ExecutionPolicy(v[0].(string), v[1].(string), v[2].(string)).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-execution-policy", &iam.RolePolicyArgs{
		Role:   s.ExecutionRole.Name,
		Name:   pulumi.String("chronos-task-start"),
		Policy: execPolicy,
	}, parent); err != nil {
		return nil, fmt.Errorf("execution policy: %w", err)
	}
	s.TaskRole, err = iam.NewRole(ctx, name+"-task-role", &iam.RoleArgs{
		Name:             pulumi.String(p.Name + "-task"),
		Path:             pulumi.String("/chronos/"),
		Description:      pulumi.String("The chronos CMS at run time: its asset bucket only"),
		AssumeRolePolicy: assume,
		Tags:             tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("task role: %w", err)
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-task-policy", &iam.RolePolicyArgs{
		Role:   s.TaskRole.Name,
		Name:   pulumi.String("chronos-assets"),
		Policy: pulumi.String(p.TaskPolicy.JSON()),
	}, parent); err != nil {
		return nil, fmt.Errorf("task policy: %w", err)
	}

	if err := s.network(ctx, name, args, tags, parent); err != nil {
		return nil, err
	}

	s.Cluster, err = ecs.NewCluster(ctx, name+"-cluster", &ecs.ClusterArgs{
		Name: pulumi.String(p.Name),
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	providers, err := ecs.NewClusterCapacityProviders(ctx, name+"-capacity", &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       s.Cluster.Name,
		CapacityProviders: pulumi.ToStringArray([]string{"FARGATE", "FARGATE_SPOT"}),
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			&ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(p.CapacityProvider), Weight: pulumi.Int(1)},
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("capacity providers: %w", err)
	}

	s.ImageRef = args.Repository.Repository.RepositoryUrl.ApplyT(func(url string) string {
		return plan.ImageRef(args.Image, url)
	}).(pulumi.StringOutput)
	containers := pulumi.All(s.ImageRef, secret.Arn, args.Edge.URL).ApplyT(func(v []any) string {
		return p.ContainerDefinitions(plan.Runtime{
			Image:          v[0].(string),
			Region:         args.Region,
			SecretARN:      v[1].(string),
			PublicURL:      v[2].(string),
			TrustedProxies: plan.TrustedProxies(args.Network.CIDR, args.Edge.CloudFrontRanges),
		})
	}).(pulumi.StringOutput)
	task, err := ecs.NewTaskDefinition(ctx, name+"-task", &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(p.Name + "-cms"),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
		Cpu:                     pulumi.String(strconv.Itoa(p.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(p.Memory)),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(p.Architecture),
		},
		ExecutionRoleArn:     s.ExecutionRole.Arn,
		TaskRoleArn:          s.TaskRole.Arn,
		ContainerDefinitions: containers,
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("task definition: %w", err)
	}

	s.Service, err = ecs.NewService(ctx, name+"-service", &ecs.ServiceArgs{
		Name:           pulumi.String(p.Name + "-cms"),
		Cluster:        s.Cluster.Arn,
		TaskDefinition: task.Arn,
		DesiredCount:   pulumi.Int(p.MinTasks),
		CapacityProviderStrategies: ecs.ServiceCapacityProviderStrategyArray{
			&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(p.CapacityProvider), Weight: pulumi.Int(1)},
		},
		PlatformVersion: pulumi.String("LATEST"),
		// Public subnets of the default VPC: a public address reaches ECR,
		// Secrets Manager, logs and S3 without a NAT gateway; the task's
		// security group admits only the load balancer.
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        pulumi.ToStringArray(args.Network.SubnetIDs),
			SecurityGroups: pulumi.StringArray{s.TaskSecGroup.ID()},
			AssignPublicIp: pulumi.Bool(true),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: args.Edge.TargetGroup.Arn,
			ContainerName:  pulumi.String(plan.ContainerName),
			ContainerPort:  pulumi.Int(plan.CMSPort),
		}},
		HealthCheckGracePeriodSeconds:   pulumi.Int(60),
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(plan.DeploymentMaxPercent),
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		// `pulumi up` returns only once the new tasks serve (or the
		// circuit breaker rolled back, which fails the update).
		WaitForSteadyState: pulumi.Bool(true),
		// Secrets are read at task start: a new secret value must start
		// new tasks even when the task definition is unchanged.
		ForceNewDeployment: pulumi.Bool(true),
		Triggers:           pulumi.StringMap{"secretVersion": version.VersionId},
		PropagateTags:      pulumi.String("SERVICE"),
		Tags:               tags,
	}, parent,
		pulumi.DependsOn([]pulumi.Resource{args.Edge.Rule, providers}),
		// Autoscaling owns the running count; a deploy must not reset it.
		pulumi.IgnoreChanges([]string{"desiredCount"}))
	if err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}

	if p.Autoscale {
		resourceID := pulumi.Sprintf("service/%s/%s", s.Cluster.Name, s.Service.Name)
		target, err := appautoscaling.NewTarget(ctx, name+"-scaling", &appautoscaling.TargetArgs{
			ServiceNamespace:  pulumi.String("ecs"),
			ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
			ResourceId:        resourceID,
			MinCapacity:       pulumi.Int(p.MinTasks),
			MaxCapacity:       pulumi.Int(p.MaxTasks),
			Tags:              tags,
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("scaling target: %w", err)
		}
		if _, err := appautoscaling.NewPolicy(ctx, name+"-scaling-cpu", &appautoscaling.PolicyArgs{
			Name:              pulumi.String(p.Name + "-cpu"),
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue: pulumi.Float64(float64(p.CPUTarget)),
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String("ECSServiceAverageCPUUtilization"),
				},
				ScaleOutCooldown: pulumi.Int(60),
				ScaleInCooldown:  pulumi.Int(300),
			},
		}, parent); err != nil {
			return nil, fmt.Errorf("scaling policy: %w", err)
		}
	}

	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"service": s.Service.Name}); err != nil {
		return nil, err
	}
	return s, nil
}

// network declares the task security group and every rule between the
// load balancer, the tasks and the database.
func (s *Service) network(ctx *pulumi.Context, name string, args *ServiceArgs, tags pulumi.StringMap, parent pulumi.ResourceOption) error {
	var err error
	s.TaskSecGroup, err = ec2.NewSecurityGroup(ctx, name+"-task-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(args.Plan.Name + "-task"),
		Description: pulumi.String("chronos CMS tasks: 8080 from the load balancer; out to HTTPS and the database"),
		VpcId:       pulumi.String(args.Network.VPCID),
		Tags:        tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("task security group: %w", err)
	}
	lbSG, taskSG := args.Edge.LBSecurityGroup.ID(), s.TaskSecGroup.ID()
	ingress := []struct {
		name string
		args *vpc.SecurityGroupIngressRuleArgs
	}{
		{"-task-from-lb", &vpc.SecurityGroupIngressRuleArgs{SecurityGroupId: taskSG, ReferencedSecurityGroupId: lbSG, IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(plan.CMSPort), ToPort: pulumi.Int(plan.CMSPort), Description: pulumi.String("CMS from the load balancer"), Tags: tags}},
		// The database's only ingress once the allowlist is empty.
		{"-db-from-tasks", &vpc.SecurityGroupIngressRuleArgs{SecurityGroupId: args.DBSecurityGrp.ID(), ReferencedSecurityGroupId: taskSG, IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(plan.PostgresPort), ToPort: pulumi.Int(plan.PostgresPort), Description: pulumi.String("PostgreSQL from the CMS tasks"), Tags: tags}},
	}
	for _, r := range ingress {
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+r.name, r.args, parent); err != nil {
			return fmt.Errorf("ingress rule %s: %w", r.name, err)
		}
	}
	egress := []struct {
		name string
		args *vpc.SecurityGroupEgressRuleArgs
	}{
		{"-lb-to-tasks", &vpc.SecurityGroupEgressRuleArgs{SecurityGroupId: lbSG, ReferencedSecurityGroupId: taskSG, IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(plan.CMSPort), ToPort: pulumi.Int(plan.CMSPort), Description: pulumi.String("to the CMS tasks"), Tags: tags}},
		{"-tasks-to-db", &vpc.SecurityGroupEgressRuleArgs{SecurityGroupId: taskSG, ReferencedSecurityGroupId: args.DBSecurityGrp.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(plan.PostgresPort), ToPort: pulumi.Int(plan.PostgresPort), Description: pulumi.String("to PostgreSQL"), Tags: tags}},
		// ECR, Secrets Manager, CloudWatch Logs, S3 and webhooks are HTTPS.
		{"-tasks-to-https", &vpc.SecurityGroupEgressRuleArgs{SecurityGroupId: taskSG, CidrIpv4: pulumi.String("0.0.0.0/0"), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), Description: pulumi.String("HTTPS to AWS APIs and webhooks"), Tags: tags}},
	}
	for _, r := range egress {
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+r.name, r.args, parent); err != nil {
			return fmt.Errorf("egress rule %s: %w", r.name, err)
		}
	}
	return nil
}

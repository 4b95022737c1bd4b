package deploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/infra/internal/deploy"
	"github.com/automatonic/chronos/infra/internal/plan"
	"github.com/automatonic/chronos/infra/internal/stackfile"
)

const (
	repoRoot       = "../../.."
	testPassword   = "Test-Passw0rd-for-mocks-only-1234"
	testCMSSecret  = "test-cms-secret-0123456789abcdef0123456789"
	mockKeySecret  = "mock-secret-access-key"
	mockDBAddress  = "chronos.abc123.us-east-1.rds.amazonaws.com"
	mockDefaultVPC = "vpc-0123456789abcdef0"
	mockVPCCIDR    = "172.31.0.0/16"
	mockPrefixList = "pl-3b927c52"
	testDigest     = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	mockAccount    = "123456789012"

	mockDistributionARN = "arn:aws:cloudfront::" + mockAccount + ":distribution/E1234567890ABC"
)

// mockCloudFrontRanges are the origin-facing ranges the mock prefix list holds.
var mockCloudFrontRanges = []string{"130.176.0.0/17", "15.158.0.0/16"}

// Resource types the program declares.
const (
	typeInstance     = "aws:rds/instance:Instance"
	typeParamGroup   = "aws:rds/parameterGroup:ParameterGroup"
	typeSubnetGroup  = "aws:rds/subnetGroup:SubnetGroup"
	typeSG           = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress      = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeBucket       = "aws:s3/bucketV2:BucketV2"
	typePAB          = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeOwnership    = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeVersioning   = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeSSE          = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeBucketPolicy = "aws:s3/bucketPolicy:BucketPolicy"
	typeLifecycle    = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeCORS         = "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"
	typeUser         = "aws:iam/user:User"
	typeGroup        = "aws:iam/group:Group"
	typeGroupPolicy  = "aws:iam/groupPolicy:GroupPolicy"
	typeMembership   = "aws:iam/userGroupMembership:UserGroupMembership"
	typeAccessKey    = "aws:iam/accessKey:AccessKey"

	typeRepository   = "aws:ecr/repository:Repository"
	typeRepoPolicy   = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	typeLifecycleECR = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	typeLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
	typeSecret       = "aws:secretsmanager/secret:Secret"
	typeSecretValue  = "aws:secretsmanager/secretVersion:SecretVersion"
	typeRole         = "aws:iam/role:Role"
	typeRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	typeEgress       = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeLB           = "aws:lb/loadBalancer:LoadBalancer"
	typeTargetGroup  = "aws:lb/targetGroup:TargetGroup"
	typeListener     = "aws:lb/listener:Listener"
	typeListenerRule = "aws:lb/listenerRule:ListenerRule"
	typeOAC          = "aws:cloudfront/originAccessControl:OriginAccessControl"
	typeHeaders      = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
	typeDistribution = "aws:cloudfront/distribution:Distribution"
	typeCertificate  = "aws:acm/certificate:Certificate"
	typeCertValid    = "aws:acm/certificateValidation:CertificateValidation"
	typeRecord       = "aws:route53/record:Record"
	typeCluster      = "aws:ecs/cluster:Cluster"
	typeCapacity     = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	typeTaskDef      = "aws:ecs/taskDefinition:TaskDefinition"
	typeService      = "aws:ecs/service:Service"
	typeScaleTarget  = "aws:appautoscaling/target:Target"
	typeScalePolicy  = "aws:appautoscaling/policy:Policy"
	typeLSContainers = "aws:lightsail/containerService:ContainerService"
	typeLSDeployment = "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion"
	typeLSDatabase   = "aws:lightsail/database:Database"
)

// ecsTypes are declared only by a stack that serves the CMS on ECS.
var ecsTypes = []string{typeLogGroup, typeSecret, typeSecretValue, typeRole, typeRolePolicy, typeEgress, typeLB, typeTargetGroup, typeListener, typeListenerRule, typeOAC, typeHeaders, typeDistribution, typeCluster, typeCapacity, typeTaskDef, typeService}

// taggable lists the declared types that accept tags; each must carry the
// project, stack and managed-by tags. The first seven exist in every stack.
var taggable = []string{typeInstance, typeParamGroup, typeSubnetGroup, typeSG, typeIngress, typeBucket, typeUser,
	typeRepository, typeLogGroup, typeSecret, typeRole, typeEgress, typeLB, typeTargetGroup, typeListener, typeListenerRule,
	typeDistribution, typeCertificate, typeCluster, typeTaskDef, typeService, typeScaleTarget, typeLSContainers, typeLSDatabase}

// declared is one resource the program registered.
type declared struct {
	Type    string
	Name    string
	Inputs  resource.PropertyMap
	Protect bool
	Parent  string
	Ignore  []string
	ID      string
	State   resource.PropertyMap
}

// mocks records every registration and answers the two lookups the
// program makes (default VPC, its subnets).
type mocks struct {
	mu        sync.Mutex
	resources []declared
	calls     []string
	subnets   []string
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := declared{Type: args.TypeToken, Name: args.Name, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		d.Protect = rpc.GetProtect()
		d.Parent = rpc.GetParent()
		d.Ignore = rpc.GetIgnoreChanges()
	}

	state := args.Inputs.Copy()
	id := args.Name + "-id"
	str := func(k string) string {
		if v, ok := args.Inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return args.Name
	}
	set := func(k, v string) { state[resource.PropertyKey(k)] = resource.NewProperty(v) }
	region := "arn:aws:%s:us-east-1:" + mockAccount + ":"
	switch args.TypeToken {
	case typeInstance:
		set("address", mockDBAddress)
		state["port"] = resource.NewProperty(5432.0)
		set("endpoint", mockDBAddress+":5432")
	case typeAccessKey:
		id = "AKIAMOCK" + strings.ToUpper(args.Name[len(args.Name)-2:])
		set("secret", mockKeySecret)
	case typeBucket:
		set("arn", "arn:aws:s3:::"+args.Inputs["bucket"].StringValue())
	case typeRepository:
		set("arn", fmt.Sprintf(region, "ecr")+"repository/"+str("name"))
		set("repositoryUrl", mockAccount+".dkr.ecr.us-east-1.amazonaws.com/"+str("name"))
	case typeLogGroup:
		set("arn", fmt.Sprintf(region, "logs")+"log-group:"+str("name"))
	case typeSecret:
		set("arn", fmt.Sprintf(region, "secretsmanager")+"secret:"+str("name")+"-AbCdEf")
	case typeSecretValue:
		set("versionId", "version-1")
	case typeRole:
		set("arn", "arn:aws:iam::"+mockAccount+":role/chronos/"+str("name"))
		set("name", str("name"))
	case typeLB:
		set("arn", fmt.Sprintf(region, "elasticloadbalancing")+"loadbalancer/app/"+args.Name)
		set("dnsName", args.Name+".us-east-1.elb.amazonaws.com")
	case typeTargetGroup, typeListener:
		set("arn", fmt.Sprintf(region, "elasticloadbalancing")+args.Name)
	case typeDistribution:
		id = "E1234567890ABC"
		set("arn", "arn:aws:cloudfront::"+mockAccount+":distribution/"+id)
		set("domainName", "d111111abcdef8.cloudfront.net")
	case typeCertificate:
		set("arn", fmt.Sprintf(region, "acm")+"certificate/"+args.Name)
		state["domainValidationOptions"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"domainName":          resource.NewProperty(str("domainName")),
			"resourceRecordName":  resource.NewProperty("_abc." + str("domainName") + "."),
			"resourceRecordType":  resource.NewProperty("CNAME"),
			"resourceRecordValue": resource.NewProperty("_def.acm-validations.aws."),
		})})
	case typeCertValid:
		state["certificateArn"] = args.Inputs["certificateArn"]
	case typeRecord:
		set("fqdn", str("name"))
	case typeCluster:
		set("arn", fmt.Sprintf(region, "ecs")+"cluster/"+str("name"))
		set("name", str("name"))
	case typeTaskDef:
		set("arn", fmt.Sprintf(region, "ecs")+"task-definition/"+str("family")+":1")
	case typeService:
		set("name", str("name"))
	case typeLSContainers:
		set("url", "https://"+str("name")+".abc123.us-east-1.cs.amazonlightsail.com/")
		state["privateRegistryAccess"] = resource.NewProperty(resource.PropertyMap{
			"ecrImagePullerRole": resource.NewProperty(resource.PropertyMap{
				"isActive":     resource.NewProperty(true),
				"principalArn": resource.NewProperty("arn:aws:iam::" + mockAccount + ":role/amazon/lightsail/us-east-1/containers/chronos/puller"),
			}),
		})
	case typeLSDatabase:
		set("masterEndpointAddress", "ls-abc.czowadgeezqi.us-east-1.rds.amazonaws.com")
		state["masterEndpointPort"] = resource.NewProperty(5432.0)
	}
	d.ID, d.State = id, state
	m.resources = append(m.resources, d)
	return id, state, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, args.Token)
	switch args.Token {
	case "aws:ec2/getVpc:getVpc":
		vpcID := mockDefaultVPC
		if v, ok := args.Args["id"]; ok && v.IsString() {
			vpcID = v.StringValue()
		} else if !args.Args["default"].BoolValue() {
			return nil, errors.New("program looked up a VPC other than the default one")
		}
		return resource.PropertyMap{"id": resource.NewProperty(vpcID), "default": resource.NewProperty(vpcID == mockDefaultVPC), "cidrBlock": resource.NewProperty(mockVPCCIDR)}, nil
	case "aws:ec2/getSubnets:getSubnets":
		ids := make([]resource.PropertyValue, 0, len(m.subnets))
		for _, s := range m.subnets {
			ids = append(ids, resource.NewProperty(s))
		}
		return resource.PropertyMap{"id": resource.NewProperty(mockDefaultVPC), "ids": resource.NewProperty(ids)}, nil
	case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
		if args.Args["name"].StringValue() != plan.CloudFrontPrefixList {
			return nil, errors.New("looked up prefix list " + args.Args["name"].StringValue())
		}
		var entries []resource.PropertyValue
		for _, c := range mockCloudFrontRanges {
			entries = append(entries, resource.NewProperty(resource.PropertyMap{"cidr": resource.NewProperty(c), "description": resource.NewProperty("")}))
		}
		return resource.PropertyMap{"id": resource.NewProperty(mockPrefixList), "name": resource.NewProperty(plan.CloudFrontPrefixList), "entries": resource.NewProperty(entries)}, nil
	}
	return nil, errors.New("unexpected call " + args.Token)
}

func (m *mocks) ofType(typ string) []declared {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []declared
	for _, r := range m.resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// one returns the single resource of typ, failing the test otherwise.
func (m *mocks) one(t *testing.T, typ string) declared {
	t.Helper()
	rs := m.ofType(typ)
	if len(rs) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(rs), typ)
	}
	return rs[0]
}

// run is one mocked `pulumi up` of the real program.
type run struct {
	mocks   *mocks
	exports deploy.Exports
	err     error
	values  map[string]string
}

// stackConfig returns a real stack file's configuration plus the secrets
// `pulumi config set --secret` would add.
func stackConfig(t *testing.T, stack string) (map[string]string, []string) {
	t.Helper()
	s, err := stackfile.Load(filepath.Join(repoRoot, "Pulumi.yaml"), filepath.Join(repoRoot, "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	values := maps.Clone(s.Values)
	values["chronos:dbPassword"] = testPassword
	values["chronos:cmsSecret"] = testCMSSecret
	return values, append(slices.Clone(s.Secure), "chronos:dbPassword", "chronos:cmsSecret")
}

// deployed is a stack's configuration as CI's deploy passes it: with the
// digest of the image it pushed.
func deployed(t *testing.T, stack string) (map[string]string, []string) {
	t.Helper()
	values, secret := stackConfig(t, stack)
	values["chronos:cmsImage"] = testDigest
	return values, secret
}

// runProgram runs deploy.Deploy under the Pulumi mocks with the given config.
func runProgram(t *testing.T, stack string, values map[string]string, secret []string) run {
	t.Helper()
	m := &mocks{subnets: []string{"subnet-b", "subnet-a", "subnet-c"}}
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project:          plan.Project,
		Stack:            stack,
		Config:           values,
		ConfigSecretKeys: secret,
		Mocks:            m,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ctx.Close() })
	r := run{mocks: m, values: values}
	r.err = pulumi.RunWithContext(ctx, func(ctx *pulumi.Context) error {
		exports, err := deploy.Deploy(ctx)
		for name, v := range exports {
			ctx.Export(name, v)
		}
		r.exports = exports
		return err
	})
	return r
}

// await resolves an output after the run.
func await(t *testing.T, o pulumi.Output) internals.UnsafeAwaitOutputResult {
	t.Helper()
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func strs(v resource.PropertyValue) []string {
	var out []string
	if !v.IsArray() {
		return nil
	}
	for _, e := range v.ArrayValue() {
		out = append(out, e.StringValue())
	}
	return out
}

// want describes what each real stack must declare.
type want struct {
	stack         string
	production    bool
	instanceClass string
	minBackup     float64
	origins       []string
	cidrs         []string
	bucket        string
	user          string
	ecs           bool   // serves the CMS on ECS
	domain        string // cmsDomain
	minTasks      float64
	maxTasks      float64
	spot          bool
}

var stackWants = []want{
	{stack: "dev", instanceClass: "db.t4g.micro", minBackup: 1, origins: []string{"http://localhost:3000", "https://preview.automatonic.com"}, bucket: "automatonic-assets-dev", user: "payload-cms-user-dev", ecs: true, minTasks: 1, maxTasks: 2, spot: true},
	{stack: "prod", production: true, instanceClass: "db.t4g.small", minBackup: 7, origins: []string{"https://automatonic.com", "https://www.automatonic.com"}, bucket: "automatonic-assets-prod", user: "payload-cms-user-prod", ecs: true, domain: "cms.automatonic.com", minTasks: 2, maxTasks: 4},
}

func TestRealStacks(t *testing.T) {
	for _, w := range stackWants {
		t.Run(w.stack, func(t *testing.T) {
			values, secret := deployed(t, w.stack)
			r := runProgram(t, w.stack, values, secret)
			if r.err != nil {
				t.Fatalf("program failed: %v", r.err)
			}
			checkStack(t, r, w)
		})
	}
}

// checkStack runs every check of a stack's declared resources and outputs.
func checkStack(t *testing.T, r run, w want) {
	t.Run("database", func(t *testing.T) { checkDatabase(t, r, w) })
	t.Run("network", func(t *testing.T) { checkNetwork(t, r, w) })
	t.Run("storage", func(t *testing.T) { checkStorage(t, r, w) })
	t.Run("identity", func(t *testing.T) { checkIdentity(t, r, w) })
	t.Run("tags", func(t *testing.T) { checkTags(t, r, w) })
	t.Run("protect", func(t *testing.T) { checkProtect(t, r, w) })
	t.Run("outputs", func(t *testing.T) { checkOutputs(t, r, w, true) })
	t.Run("no secret in plain text", func(t *testing.T) { checkNoPlainSecrets(t, r) })
	if w.ecs {
		t.Run("ecs", func(t *testing.T) { checkECS(t, r, w) })
	}
}

func checkDatabase(t *testing.T, r run, w want) {
	db := r.mocks.one(t, typeInstance)
	in := db.Inputs
	eq := func(key string, want any) {
		t.Helper()
		v, ok := in[resource.PropertyKey(key)]
		if !ok {
			t.Errorf("instance input %s missing, want %v", key, want)
			return
		}
		if got := v.V; got != want {
			t.Errorf("instance %s = %v, want %v", key, got, want)
		}
	}
	eq("engine", "postgres")
	eq("engineVersion", "16")
	eq("autoMinorVersionUpgrade", true)
	eq("allowMajorVersionUpgrade", false)
	eq("instanceClass", w.instanceClass)
	eq("storageType", "gp3")
	eq("storageEncrypted", true)
	eq("copyTagsToSnapshot", true)
	eq("performanceInsightsEnabled", true)
	eq("performanceInsightsRetentionPeriod", 7.0)
	eq("publiclyAccessible", len(w.cidrs) > 0)
	eq("deletionProtection", w.production)
	eq("multiAz", w.production)
	eq("skipFinalSnapshot", !w.production)
	eq("port", 5432.0)
	eq("identifier", "chronos-"+w.stack)
	if w.production {
		eq("finalSnapshotIdentifier", "chronos-prod-final")
	} else if _, ok := in["finalSnapshotIdentifier"]; ok {
		t.Error("dev sets a final snapshot identifier")
	}
	if a, m := in["allocatedStorage"].NumberValue(), in["maxAllocatedStorage"].NumberValue(); a < 20 || m <= a {
		t.Errorf("storage %v GiB with autoscaling cap %v", a, m)
	}
	if b := in["backupRetentionPeriod"].NumberValue(); b < w.minBackup {
		t.Errorf("backup retention %v days, want >= %v", b, w.minBackup)
	}
	if u := in["username"].StringValue(); u == "postgres" || u == "admin" || u == "" {
		t.Errorf("master user name %q", u)
	}
	if pw := in["password"]; !pw.IsSecret() {
		t.Error("password input is not a secret")
	} else if pw.SecretValue().Element.StringValue() != testPassword {
		t.Error("password input is not the configured secret")
	}
	if !slices.Contains(strs(in["enabledCloudwatchLogsExports"]), "postgresql") {
		t.Errorf("log exports = %v", strs(in["enabledCloudwatchLogsExports"]))
	}
	if got := strs(in["vpcSecurityGroupIds"]); len(got) != 1 || got[0] != r.dbSG(t).ID {
		t.Errorf("security groups = %v", got)
	}

	pg := r.mocks.one(t, typeParamGroup)
	if f := pg.Inputs["family"].StringValue(); f != "postgres16" {
		t.Errorf("parameter group family %q", f)
	}
	if in["parameterGroupName"].StringValue() != pg.Inputs["name"].StringValue() {
		t.Errorf("instance uses parameter group %v, declared %v", in["parameterGroupName"], pg.Inputs["name"])
	}
	forceSSL := false
	for _, p := range pg.Inputs["parameters"].ArrayValue() {
		o := p.ObjectValue()
		if o["name"].StringValue() == "rds.force_ssl" && o["value"].StringValue() == "1" {
			forceSSL = true
		}
	}
	if !forceSSL {
		t.Errorf("parameter group lacks rds.force_ssl=1: %v", pg.Inputs["parameters"])
	}
}

// dbSG returns the database's security group.
func (r run) dbSG(t *testing.T) declared {
	t.Helper()
	for _, sg := range r.mocks.ofType(typeSG) {
		if sg.Name == "database-sg" {
			return sg
		}
	}
	t.Fatal("no database security group")
	return declared{}
}

func checkNetwork(t *testing.T, r run, w want) {
	sg := r.dbSG(t)
	if sg.Inputs["vpcId"].StringValue() != mockDefaultVPC {
		t.Errorf("security group VPC %v, want the default VPC", sg.Inputs["vpcId"])
	}
	for _, k := range []resource.PropertyKey{"ingress", "egress"} {
		if v, ok := sg.Inputs[k]; ok && v.IsArray() && len(v.ArrayValue()) > 0 {
			t.Errorf("security group has inline %s rules: %v", k, v)
		}
	}
	sn := r.mocks.one(t, typeSubnetGroup)
	if got := strs(sn.Inputs["subnetIds"]); !slices.Equal(got, []string{"subnet-a", "subnet-b", "subnet-c"}) {
		t.Errorf("subnet group subnets = %v", got)
	}
	var cidrs []string
	for _, rule := range r.mocks.ofType(typeIngress) {
		in := rule.Inputs
		if in["securityGroupId"].StringValue() != sg.ID {
			continue // the load balancer's and the tasks' rules: see checkECS
		}
		if ref, ok := in["referencedSecurityGroupId"]; ok && ref.IsString() {
			if !w.ecs || ref.StringValue() != "service-task-sg-id" {
				t.Errorf("database admits security group %v", ref)
			}
			continue
		}
		if in["fromPort"].NumberValue() != 5432 || in["toPort"].NumberValue() != 5432 || in["ipProtocol"].StringValue() != "tcp" {
			t.Errorf("rule %s opens %v-%v/%v, want 5432/tcp only", rule.Name, in["fromPort"], in["toPort"], in["ipProtocol"])
		}
		cidr := in["cidrIpv4"]
		if !cidr.IsString() {
			cidr = in["cidrIpv6"]
		}
		if strings.HasSuffix(cidr.StringValue(), "/0") {
			t.Errorf("rule %s opens the database to the internet", rule.Name)
		}
		cidrs = append(cidrs, cidr.StringValue())
	}
	slices.Sort(cidrs)
	if !slices.Equal(cidrs, w.cidrs) && len(cidrs)+len(w.cidrs) > 0 {
		t.Errorf("ingress CIDRs = %v, want %v", cidrs, w.cidrs)
	}
}

func checkStorage(t *testing.T, r run, w want) {
	b := r.mocks.one(t, typeBucket)
	if b.Inputs["bucket"].StringValue() != w.bucket {
		t.Errorf("bucket name %v, want %s", b.Inputs["bucket"], w.bucket)
	}
	if fd, ok := b.Inputs["forceDestroy"]; ok && fd.BoolValue() {
		t.Error("bucket has forceDestroy")
	}
	onBucket := func(d declared) {
		t.Helper()
		if d.Inputs["bucket"].StringValue() != w.bucket {
			t.Errorf("%s applies to bucket %v", d.Type, d.Inputs["bucket"])
		}
	}

	v := r.mocks.one(t, typeVersioning)
	onBucket(v)
	if s := v.Inputs["versioningConfiguration"].ObjectValue()["status"].StringValue(); s != "Enabled" {
		t.Errorf("versioning %q", s)
	}

	sse := r.mocks.one(t, typeSSE)
	onBucket(sse)
	rule := sse.Inputs["rules"].ArrayValue()[0].ObjectValue()
	if alg := rule["applyServerSideEncryptionByDefault"].ObjectValue()["sseAlgorithm"].StringValue(); alg != "AES256" && alg != "aws:kms" {
		t.Errorf("sse algorithm %q", alg)
	}

	pab := r.mocks.one(t, typePAB)
	onBucket(pab)
	for _, k := range []resource.PropertyKey{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if !pab.Inputs[k].IsBool() || !pab.Inputs[k].BoolValue() {
			t.Errorf("public access block %s = %v", k, pab.Inputs[k])
		}
	}

	own := r.mocks.one(t, typeOwnership)
	onBucket(own)
	if o := own.Inputs["rule"].ObjectValue()["objectOwnership"].StringValue(); o != "BucketOwnerEnforced" {
		t.Errorf("object ownership %q", o)
	}

	pol := r.mocks.one(t, typeBucketPolicy)
	onBucket(pol)
	var doc plan.PolicyDocument
	if err := json.Unmarshal([]byte(pol.Inputs["policy"].StringValue()), &doc); err != nil {
		t.Fatalf("bucket policy: %v", err)
	}
	tlsDeny, admitsCDN := false, false
	for _, s := range doc.Statement {
		if s.Effect == "Deny" && s.Condition["Bool"]["aws:SecureTransport"] == "false" &&
			slices.Contains(s.Resource, "arn:aws:s3:::"+w.bucket) && slices.Contains(s.Resource, "arn:aws:s3:::"+w.bucket+"/*") {
			tlsDeny = true
		}
		if s.Effect == "Allow" {
			// Only the stack's own distribution, by ARN, reading media.
			if !w.ecs || s.Condition["StringEquals"]["AWS:SourceArn"] != mockDistributionARN ||
				!slices.Equal(s.Action, []string{"s3:GetObject"}) || !slices.Equal(s.Resource, []string{"arn:aws:s3:::" + w.bucket + "/media/*"}) {
				t.Errorf("bucket policy allows %+v", s)
			}
			admitsCDN = true
		}
	}
	if admitsCDN != w.ecs {
		t.Errorf("bucket policy admits the distribution: %v, want %v", admitsCDN, w.ecs)
	}
	if !tlsDeny {
		t.Errorf("bucket policy does not deny non-TLS requests: %s", pol.Inputs["policy"].StringValue())
	}

	lc := r.mocks.one(t, typeLifecycle)
	onBucket(lc)
	var noncurrent, abort bool
	for _, rv := range lc.Inputs["rules"].ArrayValue() {
		rule := rv.ObjectValue()
		if rule["status"].StringValue() != "Enabled" {
			t.Errorf("lifecycle rule %v disabled", rule["id"])
		}
		if n, ok := rule["noncurrentVersionExpiration"]; ok && n.ObjectValue()["noncurrentDays"].NumberValue() > 0 {
			noncurrent = true
		}
		if a, ok := rule["abortIncompleteMultipartUpload"]; ok && a.ObjectValue()["daysAfterInitiation"].NumberValue() == 1 {
			abort = true
		}
	}
	if !noncurrent || !abort {
		t.Errorf("lifecycle rules: noncurrent expiry %v, abort multipart after 1 day %v", noncurrent, abort)
	}

	cors := r.mocks.one(t, typeCORS)
	onBucket(cors)
	methods := map[string]bool{}
	for _, rv := range cors.Inputs["corsRules"].ArrayValue() {
		rule := rv.ObjectValue()
		if got := strs(rule["allowedOrigins"]); !slices.Equal(got, w.origins) {
			t.Errorf("CORS origins = %v, want %v", got, w.origins)
		}
		if !slices.Contains(strs(rule["exposeHeaders"]), "ETag") {
			t.Errorf("CORS rule %v does not expose ETag", rule["id"])
		}
		if rule["maxAgeSeconds"].NumberValue() <= 0 {
			t.Errorf("CORS rule %v has no max age", rule["id"])
		}
		for _, m := range strs(rule["allowedMethods"]) {
			methods[m] = true
		}
		if slices.Contains(strs(rule["allowedMethods"]), "PUT") && !slices.Contains(strs(rule["allowedHeaders"]), "Content-Type") {
			t.Errorf("upload rule does not allow Content-Type: %v", strs(rule["allowedHeaders"]))
		}
	}
	for _, m := range []string{"GET", "HEAD", "PUT", "POST"} {
		if !methods[m] {
			t.Errorf("CORS does not allow %s", m)
		}
	}
	if methods["DELETE"] {
		t.Error("CORS allows DELETE")
	}
}

func checkIdentity(t *testing.T, r run, w want) {
	u := r.mocks.one(t, typeUser)
	if u.Inputs["name"].StringValue() != w.user {
		t.Errorf("user %v, want %s", u.Inputs["name"], w.user)
	}
	g := r.mocks.one(t, typeGroup)
	gp := r.mocks.one(t, typeGroupPolicy)
	if gp.Inputs["group"].StringValue() != g.Inputs["name"].StringValue() {
		t.Errorf("policy on group %v, want %v", gp.Inputs["group"], g.Inputs["name"])
	}
	var doc plan.PolicyDocument
	if err := json.Unmarshal([]byte(gp.Inputs["policy"].StringValue()), &doc); err != nil {
		t.Fatalf("group policy: %v", err)
	}
	if p := plan.PolicyProblems(doc, w.bucket, ""); len(p) > 0 {
		t.Errorf("group policy is not least privilege: %v", p)
	}
	var actions []string
	for _, s := range doc.Statement {
		actions = append(actions, s.Action...)
	}
	slices.Sort(actions)
	if !slices.Equal(actions, plan.CMSActions()) {
		t.Errorf("group policy actions %v, want exactly %v", actions, plan.CMSActions())
	}
	// Security Hub IAM.2: nothing attached to the user directly.
	for _, typ := range []string{"aws:iam/userPolicy:UserPolicy", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"} {
		if n := len(r.mocks.ofType(typ)); n > 0 {
			t.Errorf("%d %s resources: policies must go through the group", n, typ)
		}
	}
	m := r.mocks.one(t, typeMembership)
	if m.Inputs["user"].StringValue() != w.user || !slices.Equal(strs(m.Inputs["groups"]), []string{g.Inputs["name"].StringValue()}) {
		t.Errorf("membership = %v", m.Inputs)
	}
	k := r.mocks.one(t, typeAccessKey)
	if k.Inputs["user"].StringValue() != w.user {
		t.Errorf("access key for %v", k.Inputs["user"])
	}
}

func checkTags(t *testing.T, r run, w want) {
	for i, typ := range taggable {
		rs := r.mocks.ofType(typ)
		if len(rs) == 0 && i < 7 && typ != typeIngress {
			t.Errorf("no %s declared", typ)
		}
		for _, d := range rs {
			tags, ok := d.Inputs["tags"]
			if !ok || !tags.IsObject() {
				t.Errorf("%s %s has no tags", typ, d.Name)
				continue
			}
			o := tags.ObjectValue()
			for k, v := range map[resource.PropertyKey]string{"project": "chronos", "stack": w.stack, "managed-by": "pulumi"} {
				if !o[k].IsString() || o[k].StringValue() != v {
					t.Errorf("%s %s tag %s = %v, want %s", typ, d.Name, k, o[k], v)
				}
			}
		}
	}
}

func checkProtect(t *testing.T, r run, w want) {
	stateful := []string{typeInstance, typeBucket}
	if w.ecs {
		// The image history, the logs and the secret outlive any deploy.
		stateful = append(stateful, typeRepository, typeLogGroup, typeSecret)
	}
	for _, typ := range stateful {
		if d := r.mocks.one(t, typ); d.Protect != w.production {
			t.Errorf("%s protect = %v, want %v", typ, d.Protect, w.production)
		}
	}
	// Components group the resources: every custom resource has a parent
	// that is one of the components.
	for _, d := range r.mocks.resources {
		if strings.HasPrefix(d.Type, "chronos:infra:") {
			continue
		}
		if !strings.Contains(d.Parent, "chronos:infra:") {
			t.Errorf("%s %s is not inside a component (parent %q)", d.Type, d.Name, d.Parent)
		}
	}
}

func checkOutputs(t *testing.T, r run, w want, withCMSSecret bool) {
	names := slices.Sorted(maps.Keys(r.exports))
	wantNames := slices.Collect(maps.Keys(contract.Outputs()))
	wantNames = append(wantNames, contract.OutDBEndpoint)
	if w.ecs {
		wantNames = append(wantNames, contract.OutCMSURL, contract.OutCMSRepositoryURL, contract.OutCMSImage, contract.OutCMSCluster, contract.OutCMSService, contract.OutCMSLogGroup)
	}
	if !withCMSSecret {
		wantNames = slices.DeleteFunc(wantNames, func(s string) bool { return s == contract.OutPayloadSecret })
	}
	slices.Sort(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Fatalf("exported %v, want the contract's %v", names, wantNames)
	}
	for _, name := range names {
		res := await(t, r.exports[name])
		env := contract.Outputs()[name]
		if secret := env != "" && contract.IsSecret(env); res.Secret != secret {
			t.Errorf("output %s secret = %v, want %v (env %s)", name, res.Secret, secret, env)
		}
	}
	str := func(name string) string { return await(t, r.exports[name]).Value.(string) }
	if got := str(contract.OutBucketName); got != w.bucket {
		t.Errorf("bucketName = %q", got)
	}
	if got := str(contract.OutRegion); got != "us-east-1" {
		t.Errorf("region = %q", got)
	}
	if got := str(contract.OutCORSOrigins); got != strings.Join(w.origins, ",") {
		t.Errorf("corsOrigins = %q", got)
	}
	if got := str(contract.OutSecretAccessKey); got != mockKeySecret {
		t.Errorf("secretAccessKey is not the access key's secret")
	}
	if got := str(contract.OutAccessKeyID); !strings.HasPrefix(got, "AKIAMOCK") {
		t.Errorf("accessKeyId = %q", got)
	}
	if got := str(contract.OutDBEndpoint); got != mockDBAddress+":5432" {
		t.Errorf("dbEndpoint = %q", got)
	}
	pg := str(contract.OutPostgresURL)
	wantURL := plan.PostgresURL("chronos_admin", testPassword, mockDBAddress, 5432, "chronos")
	if pg != wantURL || !strings.Contains(pg, "sslmode=require") {
		t.Errorf("postgresUrl has the wrong shape (host %s, sslmode=require expected)", mockDBAddress)
	}
	if withCMSSecret && str(contract.OutPayloadSecret) != testCMSSecret {
		t.Error("payloadSecret is not the configured cmsSecret")
	}
}

// withoutCompute turns a stack back into today's shape: the CMS runs
// elsewhere and reaches the database through an allowlist.
func withoutCompute(values map[string]string) {
	values["chronos:compute"] = "none"
	delete(values, "chronos:cmsImage")
	values["chronos:dbAllowedCidrs"] = `["203.0.113.0/24"]`
}

func TestComputeNoneKeepsTodaysStack(t *testing.T) {
	values, secret := stackConfig(t, "dev")
	withoutCompute(values)
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	w := stackWants[0]
	w.ecs, w.cidrs = false, []string{"203.0.113.0/24"}
	checkStack(t, r, w)
	for _, typ := range append([]string{typeRepository, typeLSContainers, typeLSDatabase}, ecsTypes...) {
		if n := len(r.mocks.ofType(typ)); n > 0 {
			t.Errorf("compute none declares %d %s", n, typ)
		}
	}
	if slices.Contains(r.mocks.calls, "aws:ec2/getManagedPrefixList:getManagedPrefixList") {
		t.Error("compute none looked up CloudFront's prefix list")
	}
}

func TestKeyRotationKeepsPreviousKey(t *testing.T) {
	values, secret := stackConfig(t, "prod")
	values["chronos:accessKeyGeneration"] = "2"
	values["chronos:retainPreviousAccessKey"] = "true"
	r := runProgram(t, "prod", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	var names []string
	for _, k := range r.mocks.ofType(typeAccessKey) {
		names = append(names, k.Name)
	}
	slices.Sort(names)
	if want := []string{"payload-cms-user-prod-key-g1", "payload-cms-user-prod-key-g2"}; !slices.Equal(names, want) {
		t.Fatalf("access keys %v, want %v", names, want)
	}
	if id := await(t, r.exports[contract.OutAccessKeyID]).Value.(string); id != "AKIAMOCKG2" {
		t.Errorf("exported key %q, want the new generation", id)
	}
}

func TestConfiguredVPCSkipsDefaultLookup(t *testing.T) {
	values, secret := stackConfig(t, "dev")
	withoutCompute(values)
	values["chronos:vpcId"] = "vpc-0fedcba9876543210"
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if slices.Contains(r.mocks.calls, "aws:ec2/getVpc:getVpc") {
		t.Error("looked up the default VPC although chronos:vpcId is set")
	}
	if v := r.mocks.one(t, typeSG).Inputs["vpcId"].StringValue(); v != "vpc-0fedcba9876543210" {
		t.Errorf("security group in %s", v)
	}
}

func TestConfiguredVPCHoldsTheService(t *testing.T) {
	values, secret := deployed(t, "dev")
	values["chronos:vpcId"] = "vpc-0fedcba9876543210"
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, typ := range []string{typeSG, typeTargetGroup} {
		for _, d := range r.mocks.ofType(typ) {
			if v := d.Inputs["vpcId"].StringValue(); v != "vpc-0fedcba9876543210" {
				t.Errorf("%s %s in %s", typ, d.Name, v)
			}
		}
	}
}

func TestEmptyAllowlistMeansPrivateDatabase(t *testing.T) {
	values, secret := stackConfig(t, "dev")
	withoutCompute(values)
	values["chronos:dbAllowedCidrs"] = "[]"
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if pub := r.mocks.one(t, typeInstance).Inputs["publiclyAccessible"].BoolValue(); pub {
		t.Error("database publicly accessible without an allowlist")
	}
	if n := len(r.mocks.ofType(typeIngress)); n != 0 {
		t.Errorf("%d ingress rules without an allowlist", n)
	}
}

func TestInvalidConfigDeclaresNothing(t *testing.T) {
	tests := []struct {
		name   string
		stack  string
		change func(values map[string]string, secret []string) []string
		key    string
	}{
		{name: "missing region", stack: "dev", key: "aws:region", change: func(v map[string]string, s []string) []string {
			delete(v, "aws:region")
			return s
		}},
		{name: "world-open prod", stack: "prod", key: "chronos:dbAllowedCidrs", change: func(v map[string]string, s []string) []string {
			v["chronos:dbAllowedCidrs"] = `["0.0.0.0/0"]`
			return s
		}},
		{name: "malformed CIDR", stack: "dev", key: "chronos:dbAllowedCidrs", change: func(v map[string]string, s []string) []string {
			v["chronos:dbAllowedCidrs"] = `["10.0.0.300/32"]`
			return s
		}},
		{name: "unknown origin scheme", stack: "dev", key: "chronos:corsOrigins", change: func(v map[string]string, s []string) []string {
			v["chronos:corsOrigins"] = `["ws://localhost:3000"]`
			return s
		}},
		{name: "missing secret", stack: "prod", key: "chronos:dbPassword", change: func(v map[string]string, s []string) []string {
			delete(v, "chronos:dbPassword")
			return s
		}},
		{name: "plaintext secret", stack: "prod", key: "chronos:dbPassword", change: func(v map[string]string, s []string) []string {
			return slices.DeleteFunc(s, func(k string) bool { return k == "chronos:dbPassword" })
		}},
		{name: "lightsail compute in prod", stack: "prod", key: "chronos:compute", change: set("chronos:compute", "lightsail")},
		{name: "lightsail database in prod", stack: "prod", key: "chronos:database", change: set("chronos:database", "lightsail")},
		{name: "invalid Fargate pair", stack: "prod", key: "chronos:cmsMemory", change: set("chronos:cmsMemory", "512")},
		{name: "one task in prod", stack: "prod", key: "chronos:cmsMinTasks", change: set("chronos:cmsMinTasks", "1")},
		{name: "connection budget", stack: "prod", key: "chronos:cmsMaxTasks", change: set("chronos:cmsMaxTasks", "12")},
		{name: "domain without zone or certificate in prod", stack: "prod", key: "chronos:cmsDomain", change: func(v map[string]string, s []string) []string {
			delete(v, "chronos:cmsCertificateArn")
			delete(v, "chronos:cmsHostedZoneId")
			return s
		}},
		{name: "allowlist in prod with ecs", stack: "prod", key: "chronos:dbAllowedCidrs", change: set("chronos:dbAllowedCidrs", `["198.51.100.10/32"]`)},
		{name: "image by tag", stack: "dev", key: "chronos:cmsImage", change: set("chronos:cmsImage", "chronos-cms:latest")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, secret := deployed(t, tt.stack)
			secret = tt.change(values, secret)
			r := runProgram(t, tt.stack, values, secret)
			var ve *plan.ValidationError
			if !errors.As(r.err, &ve) {
				t.Fatalf("program error = %v, want a *plan.ValidationError", r.err)
			}
			if !strings.Contains(r.err.Error(), tt.key+":") {
				t.Errorf("error does not name %s:\n%v", tt.key, r.err)
			}
			if strings.Contains(r.err.Error(), testPassword) || strings.Contains(r.err.Error(), testCMSSecret) {
				t.Error("error leaks a secret")
			}
			if n := len(r.mocks.resources); n != 0 {
				t.Errorf("%d resources declared before validation failed", n)
			}
		})
	}
}

// set returns a change of TestInvalidConfigDeclaresNothing that sets one key.
func set(key, value string) func(map[string]string, []string) []string {
	return func(v map[string]string, s []string) []string {
		v[key] = value
		return s
	}
}

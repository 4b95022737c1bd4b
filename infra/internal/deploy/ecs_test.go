package deploy_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/infra/internal/plan"
)

// plainSecrets are the values that must never appear outside a Pulumi
// secret: in a resource input, an environment variable or an output.
func plainSecrets() []string {
	return []string{testPassword, testCMSSecret, mockKeySecret, plan.OriginVerifyValue(testCMSSecret)}
}

// findPlain reports every non-secret string under v that holds a secret.
func findPlain(path string, v resource.PropertyValue, found func(path string)) {
	switch {
	case v.IsSecret():
		return
	case v.IsString():
		for _, s := range plainSecrets() {
			if strings.Contains(v.StringValue(), s) {
				found(path)
			}
		}
	case v.IsArray():
		for i, e := range v.ArrayValue() {
			findPlain(path+"["+string(rune('0'+i%10))+"]", e, found)
		}
	case v.IsObject():
		for k, e := range v.ObjectValue() {
			findPlain(path+"."+string(k), e, found)
		}
	}
}

func checkNoPlainSecrets(t *testing.T, r run) {
	for _, d := range r.mocks.resources {
		findPlain(d.Type+" "+d.Name, resource.NewObjectProperty(d.Inputs), func(path string) {
			t.Errorf("%s holds a secret value in plain text", path)
		})
	}
	for name, o := range r.exports {
		res := await(t, o)
		s, ok := res.Value.(string)
		if !ok || res.Secret {
			continue
		}
		for _, secret := range plainSecrets() {
			if strings.Contains(s, secret) {
				t.Errorf("output %s holds a secret value and is not a secret", name)
			}
		}
	}
}

func obj(v resource.PropertyValue) resource.PropertyMap {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsObject() {
		return resource.PropertyMap{}
	}
	return v.ObjectValue()
}

func arr(v resource.PropertyValue) []resource.PropertyValue {
	if !v.IsArray() {
		return nil
	}
	return v.ArrayValue()
}

// byName returns the resource of typ with the given Pulumi name.
func (r run) byName(t *testing.T, typ, name string) declared {
	t.Helper()
	for _, d := range r.mocks.ofType(typ) {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no %s named %s", typ, name)
	return declared{}
}

func policyOf(t *testing.T, d declared) plan.PolicyDocument {
	t.Helper()
	var doc plan.PolicyDocument
	if err := json.Unmarshal([]byte(sv(d.Inputs["policy"])), &doc); err != nil {
		t.Fatalf("%s policy: %v", d.Name, err)
	}
	return doc
}

type containerDef struct {
	Name        string `json:"name"`
	Image       string `json:"image"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
}

func checkECS(t *testing.T, r run, w want) {
	name := "chronos-" + w.stack

	repo := r.mocks.one(t, typeRepository)
	if sv(repo.Inputs["imageTagMutability"]) != "IMMUTABLE" {
		t.Errorf("ECR tags mutable: %v", repo.Inputs["imageTagMutability"])
	}
	if !obj(repo.Inputs["imageScanningConfiguration"])["scanOnPush"].BoolValue() {
		t.Error("ECR does not scan on push")
	}
	if lc := r.mocks.one(t, typeLifecycleECR); sv(lc.Inputs["repository"]) != sv(repo.Inputs["name"]) {
		t.Errorf("lifecycle policy on %v", lc.Inputs["repository"])
	}

	logs := r.mocks.one(t, typeLogGroup)
	if days := logs.Inputs["retentionInDays"]; !days.IsNumber() || days.NumberValue() <= 0 {
		t.Errorf("log retention = %v", days)
	}

	// The execution role reads exactly one secret: the stack's.
	secret := r.mocks.one(t, typeSecret)
	secretARN := sv(secret.State["arn"])
	exec := r.byName(t, typeRolePolicy, "service-execution-policy")
	if sv(exec.Inputs["role"]) != name+"-execution" {
		t.Errorf("execution policy on role %v", exec.Inputs["role"])
	}
	readsSecret := false
	for _, s := range policyOf(t, exec).Statement {
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("execution policy: wildcard action %s", a)
			}
			if strings.HasPrefix(a, "secretsmanager:") || strings.HasPrefix(a, "ssm:") || strings.HasPrefix(a, "kms:") {
				if a != "secretsmanager:GetSecretValue" || !slices.Equal(s.Resource, []string{secretARN}) {
					t.Errorf("execution policy: %s on %v", a, s.Resource)
				}
				readsSecret = true
			}
		}
		if slices.Contains(s.Resource, "*") && !slices.Equal(s.Action, []string{"ecr:GetAuthorizationToken"}) {
			t.Errorf("execution policy: %v on *", s.Action)
		}
	}
	if !readsSecret {
		t.Error("execution role cannot read the secret")
	}
	if n := len(r.mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")); n > 0 {
		t.Errorf("%d managed policy attachments: a managed policy grants more than the task needs", n)
	}
	// The task role: the CMS's bucket policy, no wildcard anywhere.
	task := r.byName(t, typeRolePolicy, "service-task-policy")
	doc := policyOf(t, task)
	if p := plan.PolicyProblems(doc, w.bucket, ""); len(p) > 0 {
		t.Errorf("task role policy: %v", p)
	}
	for _, s := range doc.Statement {
		for _, v := range append(slices.Clone(s.Action), s.Resource...) {
			if v == "*" || strings.HasSuffix(v, ":*") {
				t.Errorf("task role policy has %s", v)
			}
		}
	}
	for _, role := range r.mocks.ofType(typeRole) {
		trust := sv(role.Inputs["assumeRolePolicy"])
		if !strings.Contains(trust, `"ecs-tasks.amazonaws.com"`) || strings.Count(trust, "Service") != 1 {
			t.Errorf("role %s trusts %s", role.Name, trust)
		}
	}

	// The load balancer admits CloudFront only.
	lbSG := r.byName(t, typeSG, "edge-lb-sg")
	taskSG := r.byName(t, typeSG, "service-task-sg")
	dbSG := r.dbSG(t)
	ingressOn := map[string][]declared{}
	for _, rule := range r.mocks.ofType(typeIngress) {
		sg := sv(rule.Inputs["securityGroupId"])
		ingressOn[sg] = append(ingressOn[sg], rule)
	}
	if len(ingressOn[lbSG.ID]) == 0 {
		t.Error("load balancer has no ingress rule")
	}
	for _, rule := range ingressOn[lbSG.ID] {
		in := rule.Inputs
		if sv(in["prefixListId"]) != mockPrefixList || in["cidrIpv4"].IsString() || in["cidrIpv6"].IsString() || in["referencedSecurityGroupId"].IsString() {
			t.Errorf("load balancer ingress %s: %v", rule.Name, in)
		}
	}
	for _, rule := range ingressOn[taskSG.ID] {
		if sv(rule.Inputs["referencedSecurityGroupId"]) != lbSG.ID || rule.Inputs["fromPort"].NumberValue() != plan.CMSPort {
			t.Errorf("task ingress %s: %v", rule.Name, rule.Inputs)
		}
	}
	// The database admits the tasks' security group and nothing else.
	if rules := ingressOn[dbSG.ID]; len(rules) != 1 || sv(rules[0].Inputs["referencedSecurityGroupId"]) != taskSG.ID ||
		rules[0].Inputs["fromPort"].NumberValue() != 5432 || rules[0].Inputs["cidrIpv4"].IsString() {
		t.Errorf("database ingress = %v, want 5432 from the task security group only", rules)
	}
	if r.mocks.one(t, typeInstance).Inputs["publiclyAccessible"].BoolValue() {
		t.Error("database publicly accessible with compute ecs")
	}
	listener := r.mocks.one(t, typeListener)
	def := obj(arr(listener.Inputs["defaultActions"])[0])
	if sv(def["type"]) != "fixed-response" || sv(obj(def["fixedResponse"])["statusCode"]) != "403" {
		t.Errorf("listener default action %v: requests without the origin header must be refused", def)
	}
	rule := r.mocks.one(t, typeListenerRule)
	cond := obj(obj(arr(rule.Inputs["conditions"])[0])["httpHeader"])
	values := arr(cond["values"])
	if sv(cond["httpHeaderName"]) != plan.OriginHeader || len(values) != 1 || !values[0].IsSecret() ||
		values[0].SecretValue().Element.StringValue() != plan.OriginVerifyValue(testCMSSecret) {
		t.Errorf("listener rule condition %v", cond)
	}
	if lb := r.mocks.one(t, typeLB); lb.Inputs["enableDeletionProtection"].BoolValue() != w.production || !lb.Inputs["dropInvalidHeaderFields"].BoolValue() {
		t.Errorf("load balancer deletion protection %v (want %v), drop invalid headers %v", lb.Inputs["enableDeletionProtection"], w.production, lb.Inputs["dropInvalidHeaderFields"])
	}
	if hc := obj(r.mocks.one(t, typeTargetGroup).Inputs["healthCheck"]); sv(hc["path"]) != "/healthz" {
		t.Errorf("health check path %v, want /healthz", hc["path"])
	}

	// CloudFront: HTTPS for viewers, the origin header, media through OAC.
	dist := r.mocks.one(t, typeDistribution)
	behaviours := append([]resource.PropertyValue{dist.Inputs["defaultCacheBehavior"]}, arr(dist.Inputs["orderedCacheBehaviors"])...)
	for _, b := range behaviours {
		if p := sv(obj(b)["viewerProtocolPolicy"]); p != "redirect-to-https" {
			t.Errorf("behaviour %v: viewer protocol %s", obj(b)["pathPattern"], p)
		}
	}
	origins := map[string]resource.PropertyMap{}
	for _, o := range arr(dist.Inputs["origins"]) {
		origins[sv(obj(o)["originId"])] = obj(o)
	}
	media := obj(arr(dist.Inputs["orderedCacheBehaviors"])[0])
	if sv(media["pathPattern"]) != "media/*" || !origins[sv(media["targetOriginId"])]["originAccessControlId"].IsString() {
		t.Errorf("media behaviour %v does not read the bucket through origin access control", media)
	}
	cms := origins[sv(obj(dist.Inputs["defaultCacheBehavior"])["targetOriginId"])]
	if h := obj(arr(cms["customHeaders"])[0]); sv(h["name"]) != plan.OriginHeader || !h["value"].IsSecret() {
		t.Errorf("CMS origin header %v", h)
	}
	cert := obj(dist.Inputs["viewerCertificate"])
	wantURL := "https://d111111abcdef8.cloudfront.net"
	if w.domain == "" {
		if !cert["cloudfrontDefaultCertificate"].BoolValue() {
			t.Errorf("viewer certificate %v, want CloudFront's default", cert)
		}
	} else {
		wantURL = "https://" + w.domain
		if !cert["acmCertificateArn"].IsString() || sv(cert["minimumProtocolVersion"]) != "TLSv1.2_2021" || sv(cert["sslSupportMethod"]) != "sni-only" {
			t.Errorf("viewer certificate %v", cert)
		}
		if got := strs(dist.Inputs["aliases"]); !slices.Equal(got, []string{w.domain}) {
			t.Errorf("aliases %v", got)
		}
	}
	if got := await(t, r.exports[contract.OutCMSURL]).Value; got != wantURL {
		t.Errorf("cmsUrl = %v, want %s", got, wantURL)
	}

	// The task: secrets from the secret, the right URLs and client IPs.
	td := r.mocks.one(t, typeTaskDef)
	if a := sv(obj(td.Inputs["runtimePlatform"])["cpuArchitecture"]); a != "ARM64" {
		t.Errorf("architecture %s", a)
	}
	if sv(td.Inputs["executionRoleArn"]) == sv(td.Inputs["taskRoleArn"]) {
		t.Error("task and execution role are the same")
	}
	var defs []containerDef
	if err := json.Unmarshal([]byte(sv(td.Inputs["containerDefinitions"])), &defs); err != nil || len(defs) != 1 {
		t.Fatalf("container definitions: %v", err)
	}
	env := map[string]string{}
	for _, e := range defs[0].Environment {
		if contract.IsSecret(e.Name) || e.Name == contract.S3AccessKeyID {
			t.Errorf("%s in the plain environment", e.Name)
		}
		env[e.Name] = e.Value
	}
	for k, v := range map[string]string{contract.CMSEnv: "production", contract.CMSPublicURL: wantURL, contract.S3PublicURL: wantURL, contract.CMSMediaDelivery: "public", contract.S3Bucket: w.bucket} {
		if env[k] != v {
			t.Errorf("env %s = %q, want %q", k, env[k], v)
		}
	}
	if want := strings.Join(append([]string{mockVPCCIDR}, mockCloudFrontRanges...), ","); env[contract.CMSTrustedProxies] != want {
		t.Errorf("CMS_TRUSTED_PROXIES = %q, want %q", env[contract.CMSTrustedProxies], want)
	}
	for _, s := range defs[0].Secrets {
		if !strings.HasPrefix(s.ValueFrom, secretARN+":") {
			t.Errorf("secret %s from %s", s.Name, s.ValueFrom)
		}
	}
	if !strings.Contains(defs[0].Image, "@"+testDigest) {
		t.Errorf("image %s is not the deployed digest", defs[0].Image)
	}

	svc := r.mocks.one(t, typeService)
	in := svc.Inputs
	if !in["waitForSteadyState"].BoolValue() {
		t.Error("pulumi up does not wait for the new tasks")
	}
	if cb := obj(in["deploymentCircuitBreaker"]); !cb["enable"].BoolValue() || !cb["rollback"].BoolValue() {
		t.Errorf("circuit breaker %v", cb)
	}
	if !in["forceNewDeployment"].BoolValue() || sv(obj(in["triggers"])["secretVersion"]) != "version-1" {
		t.Errorf("a secret change does not redeploy: triggers %v", in["triggers"])
	}
	if !slices.Contains(svc.Ignore, "desiredCount") {
		t.Errorf("service ignores %v; autoscaling's desiredCount must be ignored", svc.Ignore)
	}
	if n := obj(in["networkConfiguration"]); !slices.Equal(strs(n["securityGroups"]), []string{taskSG.ID}) {
		t.Errorf("service security groups %v", n["securityGroups"])
	}
	wantProvider := "FARGATE"
	if w.spot {
		wantProvider = "FARGATE_SPOT"
	}
	if p := sv(obj(arr(in["capacityProviderStrategies"])[0])["capacityProvider"]); p != wantProvider {
		t.Errorf("capacity provider %s, want %s", p, wantProvider)
	}
	st := r.mocks.one(t, typeScaleTarget)
	if st.Inputs["minCapacity"].NumberValue() != w.minTasks || st.Inputs["maxCapacity"].NumberValue() != w.maxTasks {
		t.Errorf("autoscaling %v-%v, want %v-%v", st.Inputs["minCapacity"], st.Inputs["maxCapacity"], w.minTasks, w.maxTasks)
	}
	pol := obj(r.mocks.one(t, typeScalePolicy).Inputs["targetTrackingScalingPolicyConfiguration"])
	if sv(obj(pol["predefinedMetricSpecification"])["predefinedMetricType"]) != "ECSServiceAverageCPUUtilization" {
		t.Errorf("scaling policy %v", pol)
	}
}

func TestBootstrapDeclaresOnlyTheRepository(t *testing.T) {
	values, secret := stackConfig(t, "dev") // no cmsImage yet
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	r.mocks.one(t, typeRepository)
	for _, typ := range ecsTypes {
		if n := len(r.mocks.ofType(typ)); n > 0 {
			t.Errorf("bootstrap declares %d %s", n, typ)
		}
	}
	if _, ok := r.exports[contract.OutCMSRepositoryURL]; !ok {
		t.Error("no repository URL to push to")
	}
	if _, ok := r.exports[contract.OutCMSURL]; ok {
		t.Error("a cmsUrl without a service")
	}
	checkNoPlainSecrets(t, r)
}

func TestHostedZoneIssuesCertificate(t *testing.T) {
	values, secret := deployed(t, "prod")
	delete(values, "chronos:cmsCertificateArn")
	values["chronos:cmsHostedZoneId"] = "Z0123456789ABCDEFGHIJ"
	r := runProgram(t, "prod", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	cert := r.mocks.one(t, typeCertificate)
	if sv(cert.Inputs["domainName"]) != "cms.automatonic.com" || sv(cert.Inputs["validationMethod"]) != "DNS" {
		t.Errorf("certificate %v", cert.Inputs)
	}
	valid := r.mocks.one(t, typeCertValid)
	dist := r.mocks.one(t, typeDistribution)
	if got := sv(obj(dist.Inputs["viewerCertificate"])["acmCertificateArn"]); got != sv(valid.State["certificateArn"]) {
		t.Errorf("distribution uses %s, not the validated certificate", got)
	}
	var aliasTypes []string
	for _, rec := range r.mocks.ofType(typeRecord) {
		if sv(rec.Inputs["zoneId"]) != "Z0123456789ABCDEFGHIJ" {
			t.Errorf("record %s in zone %v", rec.Name, rec.Inputs["zoneId"])
		}
		if a := arr(rec.Inputs["aliases"]); len(a) == 1 {
			if sv(obj(a[0])["name"]) != "d111111abcdef8.cloudfront.net" || sv(obj(a[0])["zoneId"]) != plan.CloudFrontHostedZoneID {
				t.Errorf("alias %v", a[0])
			}
			aliasTypes = append(aliasTypes, sv(rec.Inputs["type"]))
		}
	}
	slices.Sort(aliasTypes)
	if !slices.Equal(aliasTypes, []string{"A", "AAAA"}) {
		t.Errorf("alias records %v, want A and AAAA", aliasTypes)
	}
	w := stackWants[1]
	checkECS(t, r, w)
}

func TestAutoscalingOnlyWithRoomToScale(t *testing.T) {
	values, secret := deployed(t, "dev")
	values["chronos:cmsMaxTasks"] = "1"
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if n := len(r.mocks.ofType(typeScaleTarget)); n != 0 {
		t.Errorf("%d scaling targets with min = max", n)
	}
	if d := r.mocks.one(t, typeService).Inputs["desiredCount"].NumberValue(); d != 1 {
		t.Errorf("desired count %v", d)
	}
}

func TestLightsailStack(t *testing.T) {
	values, secret := deployed(t, "dev")
	values["chronos:compute"] = "lightsail"
	values["chronos:database"] = "lightsail"
	r := runProgram(t, "dev", values, secret)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, typ := range append([]string{typeInstance, typeSG}, ecsTypes...) {
		if n := len(r.mocks.ofType(typ)); n > 0 {
			t.Errorf("lightsail stack declares %d %s", n, typ)
		}
	}
	db := r.mocks.one(t, typeLSDatabase)
	if !db.Inputs["masterPassword"].IsSecret() || sv(db.Inputs["blueprintId"]) != "postgres_16" {
		t.Errorf("lightsail database %v", db.Inputs)
	}
	svc := r.mocks.one(t, typeLSContainers)
	if !obj(obj(svc.Inputs["privateRegistryAccess"])["ecrImagePullerRole"])["isActive"].BoolValue() {
		t.Error("the container service cannot pull from ECR")
	}
	pull := policyOf(t, r.mocks.one(t, typeRepoPolicy))
	puller := sv(obj(obj(svc.State["privateRegistryAccess"])["ecrImagePullerRole"])["principalArn"])
	for _, s := range pull.Statement {
		if p, _ := s.Principal.(map[string]any); p["AWS"] != puller || !slices.Equal(s.Action, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}) {
			t.Errorf("repository policy statement %+v", s)
		}
	}
	dep := r.mocks.one(t, typeLSDeployment)
	c := obj(arr(dep.Inputs["containers"])[0])
	env := obj(c["environment"])
	for _, k := range plan.LightsailSecretEnv {
		if v, ok := env[resource.PropertyKey(k)]; !ok || !v.IsSecret() {
			t.Errorf("%s is missing or not a Pulumi secret in the deployment", k)
		}
	}
	if sv(env[resource.PropertyKey(contract.CMSMediaDelivery)]) != "presign" {
		t.Errorf("media delivery %v", env[resource.PropertyKey(contract.CMSMediaDelivery)])
	}
	if hc := obj(obj(dep.Inputs["publicEndpoint"])["healthCheck"]); sv(hc["path"]) != "/healthz" {
		t.Errorf("health check %v", hc)
	}
	if got := await(t, r.exports[contract.OutCMSURL]).Value.(string); !strings.HasPrefix(got, "https://") {
		t.Errorf("cmsUrl %s", got)
	}
	pg := await(t, r.exports[contract.OutPostgresURL])
	if !pg.Secret || !strings.Contains(pg.Value.(string), "sslmode=require") {
		t.Error("postgresUrl of the lightsail database is not a TLS URL kept secret")
	}
	checkNoPlainSecrets(t, r)
}

// sv returns a string property's value, or "" for anything else.
func sv(v resource.PropertyValue) string {
	if v.IsSecret() || !v.IsString() {
		return ""
	}
	return v.StringValue()
}

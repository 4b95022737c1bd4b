package plan

import (
	"slices"
	"strconv"
	"strings"
)

// ObjectActions are the object-level S3 actions the CMS calls (GetObject
// also covers HeadObject; PutObject covers every multipart step but abort).
var objectActions = []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"}

// bucketActions are the bucket-level actions: listing for deletes by prefix
// and for cleaning up abandoned multipart uploads.
var bucketActions = []string{"s3:ListBucket", "s3:ListBucketMultipartUploads"}

// CMSActions returns every action the CMS policy allows, sorted.
func CMSActions() []string {
	out := append(slices.Clone(objectActions), bucketActions...)
	slices.Sort(out)
	return out
}

// Identity holds the names of the CMS's IAM user, group and access keys.
type Identity struct {
	UserName string
	// GroupName holds the policy; the user gets permissions only through it
	// (Security Hub IAM.2: no policies attached to users).
	GroupName string
	Path      string
	// KeyGenerations lists the access keys to keep, current first. During a
	// rotation it holds the previous generation too, so the running CMS keeps
	// working until it picks up the new key.
	KeyGenerations []int
	Policy         PolicyDocument
}

// IdentityFor derives the IAM arguments from a validated Config.
func IdentityFor(c Config) Identity {
	gens := []int{c.AccessKeyGeneration}
	if c.RetainPreviousAccessKey && c.AccessKeyGeneration > 1 {
		gens = append(gens, c.AccessKeyGeneration-1)
	}
	return Identity{
		UserName:       c.CMSUserName,
		GroupName:      c.CMSUserName + "-group",
		Path:           "/chronos/",
		KeyGenerations: gens,
		Policy:         CMSPolicy(c.BucketName, c.BucketKMSKeyARN),
	}
}

// AccessKeyName is the Pulumi resource name of one key generation. A new
// name (not a changed input) makes Pulumi create the new key before it
// deletes the old one.
func AccessKeyName(userName string, generation int) string {
	return userName + "-key-g" + strconv.Itoa(generation)
}

// CMSPolicy is the least-privilege policy of the CMS: the listed actions on
// exactly this bucket's ARNs, nothing else. A customer managed KMS key adds
// the two KMS actions S3 needs for SSE-KMS, on that key only.
func CMSPolicy(bucket, kmsKeyARN string) PolicyDocument {
	arn := BucketARN(bucket)
	doc := PolicyDocument{
		Version: "2012-10-17",
		Statement: []Statement{
			{Sid: "ObjectReadWrite", Effect: "Allow", Action: slices.Clone(objectActions), Resource: []string{arn + "/*"}},
			{Sid: "BucketList", Effect: "Allow", Action: slices.Clone(bucketActions), Resource: []string{arn}},
		},
	}
	if kmsKeyARN != "" {
		doc.Statement = append(doc.Statement, Statement{
			Sid: "BucketKey", Effect: "Allow",
			Action:   []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource: []string{kmsKeyARN},
		})
	}
	return doc
}

// PolicyProblems checks a policy document for what least privilege forbids:
// wildcard actions or resources, NotAction/NotResource style escapes (not
// representable here), and resources outside the bucket or key. It returns
// one message per problem.
func PolicyProblems(doc PolicyDocument, bucket, kmsKeyARN string) []string {
	arn := BucketARN(bucket)
	var out []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			out = append(out, s.Sid+": effect "+s.Effect)
		}
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				out = append(out, s.Sid+": wildcard action "+a)
			}
		}
		for _, r := range s.Resource {
			switch {
			case strings.Contains(strings.TrimSuffix(r, "/*"), "*"), r == "*":
				out = append(out, s.Sid+": wildcard resource "+r)
			case r != arn && r != arn+"/*" && (kmsKeyARN == "" || r != kmsKeyARN):
				out = append(out, s.Sid+": foreign resource "+r)
			}
		}
	}
	return out
}

// Tags returns the tags of every taggable resource: the configured extras
// plus project, stack and managed-by, which cannot be overridden.
func Tags(c Config) map[string]string {
	t := map[string]string{}
	for k, v := range c.Tags {
		t[k] = v
	}
	t["project"] = c.Project
	t["stack"] = c.Stack
	t["managed-by"] = "pulumi"
	return t
}

package plan

import (
	"crypto/sha256"
	"encoding/hex"
)

// Managed CloudFront policies (ids are the same in every account).
const (
	// CachePolicyDisabled: the CMS answers every request (it caches itself).
	CachePolicyDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	// CachePolicyOptimized honours the origin's Cache-Control (1 s - 1 year).
	CachePolicyOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	// OriginRequestAllViewerExceptHost forwards headers, cookies and query
	// strings; Host becomes the load balancer's name.
	OriginRequestAllViewerExceptHost = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// CloudFrontHostedZoneID is the Route 53 zone of every CloudFront domain
// (the target of alias records).
const CloudFrontHostedZoneID = "Z2FDTNDATAQYW2"

// CloudFrontPrefixList is the AWS-managed prefix list of CloudFront's
// origin-facing addresses: the only source the load balancer admits.
const CloudFrontPrefixList = "com.amazonaws.global.cloudfront.origin-facing"

// OriginHeader carries a value only this stack's distribution sends; the
// load balancer forwards nothing without it, so another CloudFront
// distribution (same source addresses) cannot reach the CMS.
const OriginHeader = "X-Chronos-Origin-Verify"

// MediaCSP is sent with every media file from the CDN: files are served
// from the CMS's own origin, so they must never run as a page (the CMS's
// proxy delivery sends the same policy).
const MediaCSP = "default-src 'none'; sandbox"

// Edge holds the arguments of the HTTPS front: CloudFront in front of the
// load balancer (default behaviour) and of the bucket's media prefix.
type Edge struct {
	Name                  string
	Domain                string // "" = the distribution's own *.cloudfront.net
	HostedZoneID          string
	CertificateARN        string // given; "" with a domain = issue one
	IssueCertificate      bool
	PriceClass            string
	MinimumTLS            string
	MediaPathPattern      string
	MediaOriginDomain     string // the bucket's regional endpoint
	LBDeletionProtection  bool
	LBIdleTimeoutSeconds  int
	HealthPath            string
	DeregistrationSeconds int
}

// EdgeFor derives the HTTPS front of an ECS stack.
func EdgeFor(c Config) Edge {
	k := c.Compute
	return Edge{
		Name:                  "chronos-" + c.Stack,
		Domain:                k.Domain,
		HostedZoneID:          k.HostedZoneID,
		CertificateARN:        k.CertificateARN,
		IssueCertificate:      k.Domain != "" && k.CertificateARN == "",
		PriceClass:            "PriceClass_100",
		MinimumTLS:            "TLSv1.2_2021",
		MediaPathPattern:      MediaPrefix + "*",
		MediaOriginDomain:     c.BucketName + ".s3." + c.Region + ".amazonaws.com",
		LBDeletionProtection:  c.Production,
		LBIdleTimeoutSeconds:  60,
		HealthPath:            HealthPath,
		DeregistrationSeconds: 30,
	}
}

// OriginVerifyValue derives the origin header's value from the CMS secret,
// so it is as secret as that and rotates with it; the secret itself never
// leaves the task.
func OriginVerifyValue(cmsSecret string) string {
	h := sha256.Sum256([]byte("chronos origin verify\x00" + cmsSecret))
	return hex.EncodeToString(h[:])
}

// BucketPolicyFor is the bucket policy: TLS only, and, with a distribution,
// read access for that distribution (by its ARN) to the media prefix only.
func BucketPolicyFor(bucket, distributionARN string) PolicyDocument {
	doc := BucketPolicy(bucket)
	if distributionARN == "" {
		return doc
	}
	doc.Statement = append(doc.Statement, Statement{
		Sid:       "CloudFrontReadsMedia",
		Effect:    "Allow",
		Principal: map[string]string{"Service": "cloudfront.amazonaws.com"},
		Action:    []string{"s3:GetObject"},
		Resource:  []string{BucketARN(bucket) + "/" + MediaPrefix + "*"},
		Condition: map[string]map[string]string{"StringEquals": {"AWS:SourceArn": distributionARN}},
	})
	return doc
}

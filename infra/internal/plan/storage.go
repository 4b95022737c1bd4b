package plan

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Storage holds the arguments of the asset bucket and its companions.
type Storage struct {
	BucketName            string
	BucketARN             string
	SSEAlgorithm          string // "AES256" or "aws:kms"
	KMSKeyARN             string // "" = AWS managed key (with aws:kms)
	BucketKeyEnabled      bool
	NoncurrentVersionDays int
	AbortMultipartDays    int
	CORS                  []CORSRule
	Protect               bool
}

// CORSRule mirrors one S3 CORS rule; JSON tags give the golden file the
// field names S3 uses.
type CORSRule struct {
	ID             string   `json:"ID"`
	AllowedMethods []string `json:"AllowedMethods"`
	AllowedOrigins []string `json:"AllowedOrigins"`
	AllowedHeaders []string `json:"AllowedHeaders,omitempty"`
	ExposeHeaders  []string `json:"ExposeHeaders,omitempty"`
	MaxAgeSeconds  int      `json:"MaxAgeSeconds"`
}

// BucketARN returns the ARN of a bucket in the aws partition.
func BucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

// StorageFor derives the bucket arguments from a validated Config.
func StorageFor(c Config) Storage {
	return Storage{
		BucketName:            c.BucketName,
		BucketARN:             BucketARN(c.BucketName),
		SSEAlgorithm:          c.BucketEncryption,
		KMSKeyARN:             c.BucketKMSKeyARN,
		BucketKeyEnabled:      c.BucketEncryption == "aws:kms", // cuts KMS request costs
		NoncurrentVersionDays: c.NoncurrentVersionDays,
		AbortMultipartDays:    1,
		CORS:                  CORSRules(c.CORSOrigins, c.CORSMaxAgeSeconds),
		Protect:               c.Production,
	}
}

// uploadHeaders are the request headers a browser sends on a presigned PUT
// or POST (aws-sdk-go-v2 presigner, Payload's client uploads).
var uploadHeaders = []string{
	"Cache-Control",
	"Content-Disposition",
	"Content-MD5",
	"Content-Type",
	"x-amz-checksum-crc32",
	"x-amz-checksum-crc32c",
	"x-amz-checksum-sha256",
	"x-amz-content-sha256",
	"x-amz-date",
	"x-amz-meta-*",
	"x-amz-sdk-checksum-algorithm",
	"x-amz-security-token",
}

// CORSRules returns the bucket's CORS rules for the origins: reads (GET,
// HEAD) and browser uploads (PUT, POST) with ETag exposed, which multipart
// uploads need to complete. No origins means no rules: S3 then answers no
// cross-origin request at all.
func CORSRules(origins []string, maxAge int) []CORSRule {
	if len(origins) == 0 {
		return nil
	}
	o := slices.Clone(origins)
	return []CORSRule{
		{
			ID:             "read",
			AllowedMethods: []string{"GET", "HEAD"},
			AllowedOrigins: o,
			AllowedHeaders: []string{"Range", "If-Match", "If-None-Match", "If-Modified-Since"},
			ExposeHeaders:  []string{"ETag", "Content-Length", "Content-Range", "Content-Type", "Last-Modified"},
			MaxAgeSeconds:  maxAge,
		},
		{
			ID:             "browser-upload",
			AllowedMethods: []string{"PUT", "POST"},
			AllowedOrigins: slices.Clone(origins),
			AllowedHeaders: slices.Clone(uploadHeaders),
			ExposeHeaders:  []string{"ETag"},
			MaxAgeSeconds:  maxAge,
		},
	}
}

// CORSJSON renders the rules as S3's CORSConfiguration document.
func CORSJSON(rules []CORSRule) string {
	return mustJSON(map[string]any{"CORSRules": rules})
}

// PolicyDocument is an IAM or resource policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Principal and Condition are used only
// by the bucket policy.
type Statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// BucketPolicy denies every request to the bucket that does not use TLS
// 1.2 or later (Security Hub S3.5).
func BucketPolicy(bucket string) PolicyDocument {
	arn := BucketARN(bucket)
	res := []string{arn, arn + "/*"}
	return PolicyDocument{
		Version: "2012-10-17",
		Statement: []Statement{
			{
				Sid:       "DenyInsecureTransport",
				Effect:    "Deny",
				Principal: "*",
				Action:    []string{"s3:*"},
				Resource:  res,
				Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
			},
			{
				Sid:       "DenyOutdatedTLS",
				Effect:    "Deny",
				Principal: "*",
				Action:    []string{"s3:*"},
				Resource:  res,
				Condition: map[string]map[string]string{"NumericLessThan": {"s3:TlsVersion": "1.2"}},
			},
		},
	}
}

// JSON renders the document with stable indentation.
func (d PolicyDocument) JSON() string { return mustJSON(d) }

func mustJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Only plain structs of strings reach here; failing is a programming error.
		panic(fmt.Sprintf("plan: marshal: %v", err))
	}
	return string(b)
}

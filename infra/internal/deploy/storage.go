package deploy

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/plan"
)

// StorageArgs are the inputs of NewStorage.
type StorageArgs struct {
	Plan plan.Storage
	Tags map[string]string
	// MediaDistributionARN, when set, is the CloudFront distribution the
	// bucket policy lets read the media prefix.
	MediaDistributionARN *pulumi.StringOutput
}

// Storage is the asset bucket with its security and lifecycle settings.
type Storage struct {
	pulumi.ResourceState

	Bucket *s3.BucketV2
}

// NewStorage declares the storage component.
func NewStorage(ctx *pulumi.Context, name string, args *StorageArgs, opts ...pulumi.ResourceOption) (*Storage, error) {
	s := &Storage{}
	if err := ctx.RegisterComponentResource("chronos:infra:Storage", name, s, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(s)

	var err error
	s.Bucket, err = s3.NewBucketV2(ctx, name+"-bucket", &s3.BucketV2Args{
		Bucket: pulumi.String(p.BucketName),
		Tags:   pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.Protect(p.Protect))
	if err != nil {
		return nil, fmt.Errorf("bucket: %w", err)
	}
	bucket := s.Bucket.Bucket

	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("public access block: %w", err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, fmt.Errorf("ownership controls: %w", err)
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("versioning: %w", err)
	}

	sse := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String(p.SSEAlgorithm),
	}
	if p.KMSKeyARN != "" {
		sse.KmsMasterKeyId = pulumi.String(p.KMSKeyARN)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: sse,
			BucketKeyEnabled:                   pulumi.Bool(p.BucketKeyEnabled),
		}},
	}, parent); err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}

	// After the public access block, so S3 never sees the policy on a bucket
	// whose public settings are still being applied.
	var policy pulumi.StringInput = pulumi.String(plan.BucketPolicyFor(p.BucketName, "").JSON())
	if args.MediaDistributionARN != nil {
		policy = args.MediaDistributionARN.ApplyT(func(arn string) string {
			return plan.BucketPolicyFor(p.BucketName, arn).JSON()
		}).(pulumi.StringOutput)
	}
	if _, err := s3.NewBucketPolicy(ctx, name+"-tls-only", &s3.BucketPolicyArgs{
		Bucket: bucket,
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab})); err != nil {
		return nil, fmt.Errorf("bucket policy: %w", err)
	}

	// Noncurrent-version rules need versioning switched on first.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("expire-noncurrent-versions"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(p.NoncurrentVersionDays),
				},
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
					ExpiredObjectDeleteMarker: pulumi.Bool(true),
				},
			},
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("abort-incomplete-multipart-uploads"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
					DaysAfterInitiation: pulumi.Int(p.AbortMultipartDays),
				},
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return nil, fmt.Errorf("lifecycle: %w", err)
	}

	if len(p.CORS) > 0 {
		var rules s3.BucketCorsConfigurationV2CorsRuleArray
		for _, r := range p.CORS {
			rules = append(rules, &s3.BucketCorsConfigurationV2CorsRuleArgs{
				Id:             pulumi.String(r.ID),
				AllowedMethods: pulumi.ToStringArray(r.AllowedMethods),
				AllowedOrigins: pulumi.ToStringArray(r.AllowedOrigins),
				AllowedHeaders: pulumi.ToStringArray(r.AllowedHeaders),
				ExposeHeaders:  pulumi.ToStringArray(r.ExposeHeaders),
				MaxAgeSeconds:  pulumi.Int(r.MaxAgeSeconds),
			})
		}
		if _, err := s3.NewBucketCorsConfigurationV2(ctx, name+"-cors", &s3.BucketCorsConfigurationV2Args{
			Bucket:    bucket,
			CorsRules: rules,
		}, parent); err != nil {
			return nil, fmt.Errorf("cors: %w", err)
		}
	}

	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"bucket": bucket}); err != nil {
		return nil, err
	}
	return s, nil
}

package deploy

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/plan"
)

// EdgeArgs are the inputs of NewEdge.
type EdgeArgs struct {
	Plan         plan.Edge
	Network      Network
	CORSOrigins  []string
	OriginVerify pulumi.StringOutput // secret; see plan.OriginVerifyValue
	Tags         map[string]string
}

// Edge is the HTTPS front of the CMS: a CloudFront distribution serving
// the CMS from an internet-facing load balancer that admits only
// CloudFront (by source prefix list and by a secret origin header), and
// the bucket's media prefix through origin access control.
type Edge struct {
	pulumi.ResourceState

	LBSecurityGroup *ec2.SecurityGroup
	TargetGroup     *lb.TargetGroup
	Listener        *lb.Listener
	Rule            *lb.ListenerRule
	Distribution    *cloudfront.Distribution
	URL             pulumi.StringOutput // https://<domain>
	// CloudFrontRanges are the origin-facing CIDRs of CloudFront at deploy
	// time (for CMS_TRUSTED_PROXIES).
	CloudFrontRanges []string
}

// NewEdge declares the edge component.
func NewEdge(ctx *pulumi.Context, name string, args *EdgeArgs, opts ...pulumi.ResourceOption) (*Edge, error) {
	e := &Edge{}
	if err := ctx.RegisterComponentResource("chronos:infra:Edge", name, e, opts...); err != nil {
		return nil, err
	}
	p := args.Plan
	parent := pulumi.Parent(e)
	tags := pulumi.ToStringMap(args.Tags)

	cf, err := ec2.LookupManagedPrefixList(ctx, &ec2.LookupManagedPrefixListArgs{Name: pulumi.StringRef(plan.CloudFrontPrefixList)})
	if err != nil {
		return nil, fmt.Errorf("looking up CloudFront's origin-facing prefix list: %w", err)
	}
	for _, entry := range cf.Entries {
		e.CloudFrontRanges = append(e.CloudFrontRanges, entry.Cidr)
	}
	slices.Sort(e.CloudFrontRanges)

	e.LBSecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-lb-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(p.Name + "-lb"),
		Description: pulumi.String("chronos load balancer: HTTP from CloudFront's origin-facing addresses only"),
		VpcId:       pulumi.String(args.Network.VPCID),
		Tags:        tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer security group: %w", err)
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-lb-from-cloudfront", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: e.LBSecurityGroup.ID(),
		PrefixListId:    pulumi.String(cf.Id),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(80),
		ToPort:          pulumi.Int(80),
		Description:     pulumi.String("HTTP from CloudFront (origin-facing)"),
		Tags:            tags,
	}, parent); err != nil {
		return nil, fmt.Errorf("load balancer ingress: %w", err)
	}

	alb, err := lb.NewLoadBalancer(ctx, name+"-lb", &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		SecurityGroups:           pulumi.StringArray{e.LBSecurityGroup.ID()},
		Subnets:                  pulumi.ToStringArray(args.Network.SubnetIDs),
		DropInvalidHeaderFields:  pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(p.LBDeletionProtection),
		IdleTimeout:              pulumi.Int(p.LBIdleTimeoutSeconds),
		Tags:                     tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("load balancer: %w", err)
	}
	e.TargetGroup, err = lb.NewTargetGroup(ctx, name+"-tg", &lb.TargetGroupArgs{
		TargetType:          pulumi.String("ip"),
		Port:                pulumi.Int(plan.CMSPort),
		Protocol:            pulumi.String("HTTP"),
		VpcId:               pulumi.String(args.Network.VPCID),
		DeregistrationDelay: pulumi.Int(p.DeregistrationSeconds),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Path:               pulumi.String(p.HealthPath),
			Matcher:            pulumi.String("200"),
			Interval:           pulumi.Int(15),
			Timeout:            pulumi.Int(5),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("target group: %w", err)
	}
	// Without the origin header nothing is forwarded: the default action
	// refuses, so another distribution's requests never reach the CMS.
	e.Listener, err = lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("fixed-response"),
			FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
				ContentType: pulumi.String("text/plain"),
				MessageBody: pulumi.String("forbidden"),
				StatusCode:  pulumi.String("403"),
			},
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("listener: %w", err)
	}
	e.Rule, err = lb.NewListenerRule(ctx, name+"-from-cloudfront", &lb.ListenerRuleArgs{
		ListenerArn: e.Listener.Arn,
		Priority:    pulumi.Int(1),
		Conditions: lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
			HttpHeader: &lb.ListenerRuleConditionHttpHeaderArgs{
				HttpHeaderName: pulumi.String(plan.OriginHeader),
				Values:         pulumi.StringArray{args.OriginVerify},
			},
		}},
		Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: e.TargetGroup.Arn,
		}},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("listener rule: %w", err)
	}

	oac, err := cloudfront.NewOriginAccessControl(ctx, name+"-media-oac", &cloudfront.OriginAccessControlArgs{
		Name:                          pulumi.String(p.Name + "-media"),
		Description:                   pulumi.String("chronos: CloudFront reads the media prefix of the asset bucket"),
		OriginAccessControlOriginType: pulumi.String("s3"),
		SigningBehavior:               pulumi.String("always"),
		SigningProtocol:               pulumi.String("sigv4"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("origin access control: %w", err)
	}
	mediaHeaders := &cloudfront.ResponseHeadersPolicyArgs{
		Name:    pulumi.String(p.Name + "-media"),
		Comment: pulumi.String("chronos media: never rendered as a page"),
		SecurityHeadersConfig: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs{
			ContentTypeOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs{Override: pulumi.Bool(true)},
			ContentSecurityPolicy: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs{
				ContentSecurityPolicy: pulumi.String(plan.MediaCSP),
				Override:              pulumi.Bool(true),
			},
			StrictTransportSecurity: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs{
				AccessControlMaxAgeSec: pulumi.Int(31536000),
				Override:               pulumi.Bool(true),
			},
		},
	}
	if len(args.CORSOrigins) > 0 {
		mediaHeaders.CorsConfig = &cloudfront.ResponseHeadersPolicyCorsConfigArgs{
			AccessControlAllowCredentials: pulumi.Bool(false),
			AccessControlAllowHeaders:     &cloudfront.ResponseHeadersPolicyCorsConfigAccessControlAllowHeadersArgs{Items: pulumi.StringArray{pulumi.String("*")}},
			AccessControlAllowMethods:     &cloudfront.ResponseHeadersPolicyCorsConfigAccessControlAllowMethodsArgs{Items: pulumi.ToStringArray([]string{"GET", "HEAD"})},
			AccessControlAllowOrigins:     &cloudfront.ResponseHeadersPolicyCorsConfigAccessControlAllowOriginsArgs{Items: pulumi.ToStringArray(args.CORSOrigins)},
			AccessControlMaxAgeSec:        pulumi.Int(3000),
			OriginOverride:                pulumi.Bool(true),
		}
	}
	headers, err := cloudfront.NewResponseHeadersPolicy(ctx, name+"-media-headers", mediaHeaders, parent)
	if err != nil {
		return nil, fmt.Errorf("media response headers policy: %w", err)
	}

	viewerCert := &cloudfront.DistributionViewerCertificateArgs{CloudfrontDefaultCertificate: pulumi.Bool(true)}
	var aliases pulumi.StringArray
	if p.Domain != "" {
		certARN, err := certificate(ctx, name, p, tags, parent)
		if err != nil {
			return nil, err
		}
		aliases = pulumi.StringArray{pulumi.String(p.Domain)}
		viewerCert = &cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn:      certARN,
			SslSupportMethod:       pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String(p.MinimumTLS),
		}
	}

	const cmsOrigin, mediaOrigin = "cms", "media"
	e.Distribution, err = cloudfront.NewDistribution(ctx, name+"-cdn", &cloudfront.DistributionArgs{
		Enabled:       pulumi.Bool(true),
		Comment:       pulumi.String(p.Name + ": CMS and media"),
		Aliases:       aliases,
		IsIpv6Enabled: pulumi.Bool(true),
		HttpVersion:   pulumi.String("http2and3"),
		PriceClass:    pulumi.String(p.PriceClass),
		Origins: cloudfront.DistributionOriginArray{
			&cloudfront.DistributionOriginArgs{
				OriginId:   pulumi.String(cmsOrigin),
				DomainName: alb.DnsName,
				// The load balancer has no certificate for its own name;
				// the listener rule admits only this distribution's header.
				CustomOriginConfig: &cloudfront.DistributionOriginCustomOriginConfigArgs{
					HttpPort:             pulumi.Int(80),
					HttpsPort:            pulumi.Int(443),
					OriginProtocolPolicy: pulumi.String("http-only"),
					OriginSslProtocols:   pulumi.ToStringArray([]string{"TLSv1.2"}),
					OriginReadTimeout:    pulumi.Int(60),
				},
				CustomHeaders: cloudfront.DistributionOriginCustomHeaderArray{&cloudfront.DistributionOriginCustomHeaderArgs{
					Name:  pulumi.String(plan.OriginHeader),
					Value: args.OriginVerify,
				}},
			},
			&cloudfront.DistributionOriginArgs{
				OriginId:              pulumi.String(mediaOrigin),
				DomainName:            pulumi.String(p.MediaOriginDomain),
				OriginAccessControlId: oac.ID(),
			},
		},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:        pulumi.String(cmsOrigin),
			ViewerProtocolPolicy:  pulumi.String("redirect-to-https"),
			AllowedMethods:        pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}),
			CachedMethods:         pulumi.ToStringArray([]string{"GET", "HEAD"}),
			CachePolicyId:         pulumi.String(plan.CachePolicyDisabled),
			OriginRequestPolicyId: pulumi.String(plan.OriginRequestAllViewerExceptHost),
			Compress:              pulumi.Bool(true),
		},
		// Media: originals and image sizes alike carry the CMS's
		// Cache-Control (a day): names are unique only while a file exists,
		// so neither is immutable; the managed policy honours that header.
		OrderedCacheBehaviors: cloudfront.DistributionOrderedCacheBehaviorArray{&cloudfront.DistributionOrderedCacheBehaviorArgs{
			PathPattern:             pulumi.String(p.MediaPathPattern),
			TargetOriginId:          pulumi.String(mediaOrigin),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS"}),
			CachedMethods:           pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS"}),
			CachePolicyId:           pulumi.String(plan.CachePolicyOptimized),
			ResponseHeadersPolicyId: headers.ID(),
			Compress:                pulumi.Bool(true),
		}},
		Restrictions: &cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{RestrictionType: pulumi.String("none")},
		},
		ViewerCertificate: viewerCert,
		Tags:              tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{e.Rule}))
	if err != nil {
		return nil, fmt.Errorf("distribution: %w", err)
	}

	if p.Domain != "" && p.HostedZoneID != "" {
		for _, typ := range []string{"A", "AAAA"} {
			if _, err := route53.NewRecord(ctx, name+"-alias-"+typ, &route53.RecordArgs{
				ZoneId: pulumi.String(p.HostedZoneID),
				Name:   pulumi.String(p.Domain),
				Type:   pulumi.String(typ),
				Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
					Name:                 e.Distribution.DomainName,
					ZoneId:               pulumi.String(plan.CloudFrontHostedZoneID),
					EvaluateTargetHealth: pulumi.Bool(false),
				}},
			}, parent); err != nil {
				return nil, fmt.Errorf("alias record %s: %w", typ, err)
			}
		}
	}

	if p.Domain != "" {
		e.URL = pulumi.String("https://" + p.Domain).ToStringOutput()
	} else {
		e.URL = pulumi.Sprintf("https://%s", e.Distribution.DomainName)
	}
	if err := ctx.RegisterResourceOutputs(e, pulumi.Map{"url": e.URL}); err != nil {
		return nil, err
	}
	return e, nil
}

// certificate returns the viewer certificate's ARN: the configured one, or
// one issued for the domain and validated in its Route 53 zone.
func certificate(ctx *pulumi.Context, name string, p plan.Edge, tags pulumi.StringMap, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if !p.IssueCertificate {
		return pulumi.String(p.CertificateARN).ToStringOutput(), nil
	}
	cert, err := acm.NewCertificate(ctx, name+"-cert", &acm.CertificateArgs{
		DomainName:       pulumi.String(p.Domain),
		ValidationMethod: pulumi.String("DNS"),
		KeyAlgorithm:     pulumi.String("EC_prime256v1"),
		Tags:             tags,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("certificate: %w", err)
	}
	// One domain, so one validation record.
	opt := cert.DomainValidationOptions.Index(pulumi.Int(0))
	rec, err := route53.NewRecord(ctx, name+"-cert-validation", &route53.RecordArgs{
		ZoneId:         pulumi.String(p.HostedZoneID),
		Name:           opt.ResourceRecordName().Elem(),
		Type:           opt.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{opt.ResourceRecordValue().Elem()},
		Ttl:            pulumi.Int(300),
		AllowOverwrite: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("certificate validation record: %w", err)
	}
	v, err := acm.NewCertificateValidation(ctx, name+"-cert-validated", &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{rec.Fqdn},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("certificate validation: %w", err)
	}
	return v.CertificateArn, nil
}

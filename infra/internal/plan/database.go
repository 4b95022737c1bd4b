package plan

import (
	"net/url"
	"strconv"
	"strings"
)

// PostgresPort is the port the database listens on and the only port the
// security group opens.
const PostgresPort = 5432

// Database holds the arguments of the RDS instance and its companions.
type Database struct {
	Identifier             string
	Engine                 string
	EngineVersion          string // major only: minors are auto-upgraded
	ParameterGroupFamily   string
	Parameters             map[string]string
	InstanceClass          string
	StorageType            string
	AllocatedStorage       int
	MaxAllocatedStorage    int
	StorageEncrypted       bool
	BackupRetentionDays    int
	CopyTagsToSnapshot     bool
	AutoMinorUpgrade       bool
	AllowMajorUpgrade      bool
	DBName                 string
	Username               string
	PubliclyAccessible     bool
	PerformanceInsights    bool
	PerformanceInsightDays int
	LogExports             []string
	DeletionProtection     bool
	MultiAZ                bool
	SkipFinalSnapshot      bool
	FinalSnapshotID        string // set only when a final snapshot is taken
	Protect                bool   // Pulumi `protect` on the instance
	Ingress                []Ingress
	SubnetGroupName        string
	SecurityGroupName      string
	ParameterGroupName     string
}

// Ingress is one security group ingress rule: PostgresPort from one CIDR.
type Ingress struct {
	CIDR        string
	IPv6        bool
	Description string
}

// DatabaseFor derives the database arguments from a validated Config.
func DatabaseFor(c Config) Database {
	base := c.Project + "-" + c.Stack
	d := Database{
		Identifier:           base,
		Engine:               "postgres",
		EngineVersion:        c.DB.EngineVersion,
		ParameterGroupFamily: ParameterGroupFamily(c.DB.EngineVersion),
		Parameters:           map[string]string{"rds.force_ssl": "1"},
		InstanceClass:        c.DB.InstanceClass,
		StorageType:          "gp3",
		AllocatedStorage:     c.DB.AllocatedStorage,
		MaxAllocatedStorage:  c.DB.MaxAllocatedStorage,
		StorageEncrypted:     true,
		BackupRetentionDays:  c.DB.BackupRetentionDays,
		CopyTagsToSnapshot:   true,
		AutoMinorUpgrade:     true,
		AllowMajorUpgrade:    false,
		DBName:               c.DB.Name,
		Username:             c.DB.Username,
		PubliclyAccessible:   len(c.DB.AllowedCIDRs) > 0,
		PerformanceInsights:  PerformanceInsightsSupported(c.DB.InstanceClass),
		LogExports:           []string{"postgresql", "upgrade"},
		DeletionProtection:   c.Production,
		MultiAZ:              c.Production,
		SkipFinalSnapshot:    !c.Production,
		Protect:              c.Production,
		SubnetGroupName:      base + "-db",
		SecurityGroupName:    base + "-db",
		ParameterGroupName:   base + "-" + ParameterGroupFamily(c.DB.EngineVersion),
	}
	if d.PerformanceInsights {
		d.PerformanceInsightDays = 7 // the free retention tier
	}
	if c.Production {
		d.FinalSnapshotID = base + "-final"
	}
	for _, p := range c.DB.AllowedCIDRs {
		d.Ingress = append(d.Ingress, Ingress{
			CIDR:        p.String(),
			IPv6:        p.Addr().Is6(),
			Description: "PostgreSQL from " + p.String(),
		})
	}
	return d
}

// ParameterGroupFamily returns the RDS parameter group family of a
// PostgreSQL major version, e.g. "16" -> "postgres16".
func ParameterGroupFamily(major string) string { return "postgres" + major }

// PerformanceInsightsSupported reports whether RDS for PostgreSQL offers
// Performance Insights on the instance class. AWS lists no class
// restriction for PostgreSQL on current generations; the legacy t2 and
// m1-m3 classes never had it.
func PerformanceInsightsSupported(class string) bool {
	for _, legacy := range []string{"db.t1.", "db.t2.", "db.m1.", "db.m2.", "db.m3."} {
		if strings.HasPrefix(class, legacy) {
			return false
		}
	}
	return true
}

// PostgresURL builds the CMS's connection URL. TLS is required because the
// parameter group forces it; credentials are escaped so any valid password
// survives.
func PostgresURL(user, password, host string, port int, db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(user, password),
		Host:     host + ":" + strconv.Itoa(port),
		Path:     "/" + db,
		RawQuery: "sslmode=require",
	}
	return u.String()
}

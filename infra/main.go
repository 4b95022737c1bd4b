// Command infra is the chronos Pulumi program (Pulumi.yaml: main: infra/).
// Every decision lives in internal/plan; internal/deploy declares resources.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/automatonic/chronos/infra/internal/deploy"
)

func main() { pulumi.Run(deploy.Run) }

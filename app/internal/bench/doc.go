// Package bench is the measuring side of `cmsbench`: a closed-loop HTTP load
// generator with latency percentiles, the realistic data set it runs
// against, process memory readings from /proc, and the report. It is not
// linked into the CMS binary.
package bench

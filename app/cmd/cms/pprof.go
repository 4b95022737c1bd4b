//go:build pprof

package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
)

// pprofAddrEnv names the address a profiling build (go build -tags pprof;
// cmsbench --pprof) serves net/http/pprof on. Release builds do not
// compile this file: the product has no profiling endpoint.
const pprofAddrEnv = "CMSBENCH_PPROF_ADDR"

func init() {
	addr := os.Getenv(pprofAddrEnv)
	if addr == "" {
		return
	}
	// Every blocking event and mutex contention is sampled: the profiles
	// are for finding what serialises requests, not for production.
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		slog.Error("pprof listener", "addr", addr, "err", err)
		return
	}
	go func() { _ = http.Serve(l, mux) }()
}

#!/usr/bin/env bash
# scripts/pocketbase.sh — build the stock PocketBase binary (the module's
# examples/base, which its releases are built from) for the side-by-side
# bench, cache it and print its path:
#
#   go run ./app/cmd/cmsbench --sqlite --pages 200 --media 50 --pocketbase "$(scripts/pocketbase.sh)"
#
# It is built with `go install module@version` from the Go module proxy, so
# PocketBase never enters Chronos's go.mod. PocketBase v0.40.4 needs Go 1.27,
# newer than the Go Chronos builds with: GOTOOLCHAIN selects it for this one
# build only (the go command fetches that toolchain through the proxy once,
# about 76 MB). The first build takes a few CPU-minutes; later runs print
# the cached path at once. POCKETBASE_VERSION, POCKETBASE_GOTOOLCHAIN and
# POCKETBASE_CACHE override the defaults.
set -euo pipefail
version="${POCKETBASE_VERSION:-v0.40.4}"
toolchain="${POCKETBASE_GOTOOLCHAIN:-go1.27.3}"
cache="${POCKETBASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chronos-bench}"
dir="$cache/pocketbase-$version"
bin="$dir/base"
if [ ! -x "$bin" ]; then
	mkdir -p "$dir"
	echo "building PocketBase $version with $toolchain into $dir (a few minutes, once)" >&2
	GOTOOLCHAIN="$toolchain" GOBIN="$dir" CGO_ENABLED=0 \
		go install -trimpath "github.com/pocketbase/pocketbase/examples/base@$version" >&2
fi
echo "$bin"

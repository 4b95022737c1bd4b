#!/usr/bin/env bash
# scripts/test.sh — THE test command of the repository (`make test`, which
# .ci/run calls). It must pass on a fresh Debian machine with Go and no Docker
# engine, as root, with CI=true, so it first installs whatever the tests need:
#
#   PostgreSQL server binaries  apt-get install -y postgresql   (only if missing)
#   Chromium                    apt-get install -y chromium     (only if missing)
#   versitygw (S3 server)       go install …/versitygw@$VERSITYGW_VERSION into $CHRONOS_CACHE/bin
#   actionlint                  go install …/actionlint@$ACTIONLINT_VERSION into $CHRONOS_CACHE/bin
#   npm packages                `npm ci` in every directory under test/sdk/ (and
#                               app/internal/httpapi/sdkcompat/) that has a
#                               package-lock.json: the Payload SDK and the
#                               TypeScript compiler (tsc checks payload-types.ts);
#                               app/internal/admin/editor/: Lexical and esbuild, to
#                               rebuild the admin's editor bundle byte for byte
#                               (TestEditorBundleReproducible) and to run
#                               @lexical/headless in the browser test;
#                               app/internal/admin/browsertest/testdata/frontend/:
#                               @payloadcms/live-preview for the live preview's
#                               test front end.
#
# The apt-get, npm and Go tool installs run in the background while go vet
# compiles (a cold `go vet ./...` is about 710 CPU-seconds, measured on a
# quiet machine 2026-12-06 with an empty GOCACHE: it compiles every package
# and type-checks every dependency again for vet's facts; `go test -vet=off`
# then adds about 80 for the test binaries), and the run waits for them
# before actionlint and the tests.
#
# Then it checks, in order: gofmt, go vet, actionlint, docker-compose config
# (only when a compose client is installed) and go test ./... — which runs
# every fuzz target's seed corpus (testdata/fuzz) as an ordinary test. Real
# fuzzing is not part of the test command: each -fuzz run recompiles its
# package's dependencies instrumented, which cost a cold CI run 283 s for 40 s
# of fuzzing. `make fuzz` runs it instead, longer (FUZZTIME=2m per target). Every step runs even when an earlier one failed;
# the summary at the end lists each step's result and time, and the exit status
# is non-zero when any step failed.
#
# Modes: no argument runs everything; --lint-only runs gofmt, go vet,
# actionlint and the compose check (make lint); --fuzz-only runs the fuzz step
# (make fuzz, with a longer FUZZTIME).
#
# Knobs (environment):
#   CHRONOS_CACHE   tool cache (default ${XDG_CACHE_HOME:-~/.cache}/chronos)
#   GO_TEST_FLAGS   extra flags for go test ./... (e.g. "-count=1 -race")
#   FUZZTIME        time per fuzz target in --fuzz-only mode (default 2m)
#   FUZZMINIMIZETIME time spent minimising each new input (default 1s; Go's
#                   60s default makes a short run spend its budget minimising)
#   FUZZ_TARGETS    space-separated pkg:FuzzName pairs; default: every target found
#   TEST_POSTGRES_URL  use this server instead of throwaway clusters
#   CI              defaults to true here: this script installs every service,
#                   so a test that cannot find one fails instead of skipping
#                   (app/internal/testenv). CI=false allows the skips.
#
# No `set -e`: each step's failure is recorded and the next step still runs.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2

VERSITYGW_VERSION=v1.8.0 # keep in step with testenv.VersitygwVersion
ACTIONLINT_VERSION=v1.7.12
FUZZTIME=${FUZZTIME:-2m}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-1s}
GO_TEST_TIMEOUT=${GO_TEST_TIMEOUT:-15m}

# Fuzz targets known to exist or planned. Targets that do not exist yet are
# reported and skipped, not failures; targets found in the code but missing
# here are run too (see fuzz_targets), so this list only documents intent and
# fixes the order.
FUZZ_LIST=(
	./app/internal/query:FuzzParse
	./app/internal/store:FuzzWhereSQL
	./app/internal/richtext:FuzzValidate
	./app/internal/richtext:FuzzHTML
	./app/internal/server/mediatest:FuzzUploadHandler
)

export CI=${CI:-true}
export CHRONOS_CACHE=${CHRONOS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chronos}
CACHE_BIN=$CHRONOS_CACHE/bin
mkdir -p "$CACHE_BIN"
export PATH="$CACHE_BIN:$PATH"

START=$(date +%s)
GO_TEST_LOG=$(mktemp -t chronos-go-test.XXXXXX)
trap 'rm -f "$GO_TEST_LOG"' EXIT
declare -a SUMMARY=()
FAILED=0

log() { printf '\n==> %s\n' "$*"; }
warn() { printf 'test.sh: %s\n' "$*" >&2; }

# step NAME CMD... runs one step, times it and records the result.
step() {
	local name=$1
	shift
	log "$name"
	local t0 rc
	t0=$(date +%s)
	"$@"
	rc=$?
	local dt=$(($(date +%s) - t0))
	if [ "$rc" -eq 0 ]; then
		SUMMARY+=("$(printf '  ok    %-28s %4ss' "$name" "$dt")")
	elif [ "$rc" -eq 77 ]; then # 77: skipped (nothing to do)
		SUMMARY+=("$(printf '  skip  %-28s %4ss' "$name" "$dt")")
	else
		SUMMARY+=("$(printf '  FAIL  %-28s %4ss (exit %s)' "$name" "$dt" "$rc")")
		FAILED=1
	fi
}

# ---------------------------------------------------------------- installs

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		warn "need root for: $*"
		return 1
	fi
}

have_pg() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && return 0
	done
	command -v initdb >/dev/null && command -v pg_ctl >/dev/null
}

have_chromium() {
	[ -x /usr/bin/chromium ] || command -v chromium >/dev/null ||
		command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null
}

# go_tool NAME MODULE_PATH VERSION installs a Go tool into CACHE_BIN unless
# the binary there was already built from that module version.
go_tool() {
	local name=$1 pkg=$2 version=$3 bin=$CACHE_BIN/$1 have=""
	[ -x "$bin" ] && have=$(go version -m "$bin" 2>/dev/null | awk '$1 == "mod" { print $3; exit }')
	if [ "$have" = "$version" ]; then
		echo "$name $version: cached at $bin"
		return 0
	fi
	echo "$name $version: go install $pkg@$version (a few minutes when cold)"
	# GOFLAGS cleared: `go install pkg@version` ignores this module, and flags
	# meant for it (e.g. -mod=vendor) would break the install.
	GOBIN=$CACHE_BIN GOFLAGS="" go install "$pkg@$version"
}

# install_go_tools builds versitygw and actionlint into CACHE_BIN when missing.
install_go_tools() {
	local rc=0
	go_tool versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" || rc=1
	go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" || rc=1
	return $rc
}

# install_system installs the missing apt packages and runs npm ci. It is
# mostly network and disk, so the full run starts it in the background and
# compiles (go vet) meanwhile; see start_installs and wait_installs.
install_system() {
	local rc=0 need=() want=()
	have_pg || need+=(postgresql)
	have_chromium || need+=(chromium)
	# Nice to have: shellcheck makes actionlint check `run:` scripts (and
	# checks scripts/*.sh); docker-compose validates docker-compose.yml.
	command -v shellcheck >/dev/null || want+=(shellcheck)
	docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || want+=(docker-compose)
	if [ ${#need[@]} -eq 0 ] && [ ${#want[@]} -eq 0 ]; then
		echo "postgresql, chromium, shellcheck, docker-compose: present"
	elif ! command -v apt-get >/dev/null; then
		warn "no apt-get: cannot install ${need[*]} ${want[*]}"
		[ ${#need[@]} -eq 0 ] || rc=1
	else
		echo "apt-get install -y ${need[*]} ${want[*]}"
		if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq; then
			warn "apt-get update failed"
			[ ${#need[@]} -eq 0 ] || rc=1
		elif ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${need[@]}" "${want[@]}" >/dev/null; then
			warn "apt-get install ${need[*]} ${want[*]} failed"
			[ ${#need[@]} -eq 0 ] || rc=1
		fi
	fi
	npm_deps || rc=1
	return $rc
}

# start_installs runs install_system and install_go_tools as two background
# jobs, their output kept in logs until wait_installs prints it. On a fresh
# machine apt-get and npm spend about two minutes downloading and unpacking,
# and `go install` of the two tools (153 s in the foreground on a fresh
# machine, 2026-12-06) starts by downloading their modules, while go vet
# starts by downloading this module's: run side by side, each fills the
# CPUs the others leave idle instead of adding its time to theirs.
start_installs() {
	SYSTEM_LOG=$(mktemp -t chronos-install.XXXXXX)
	TOOLS_LOG=$(mktemp -t chronos-tools.XXXXXX)
	install_system >"$SYSTEM_LOG" 2>&1 &
	SYSTEM_PID=$!
	install_go_tools >"$TOOLS_LOG" 2>&1 &
	TOOLS_PID=$!
	echo "apt-get and npm (pid $SYSTEM_PID) and the Go tools (pid $TOOLS_PID) install in the background while go vet compiles"
}

# wait_installs waits for start_installs' jobs, prints what they said and
# fails when either failed.
wait_installs() {
	local rc=0
	wait "$SYSTEM_PID" || rc=$?
	cat "$SYSTEM_LOG"
	wait "$TOOLS_PID" || rc=$?
	cat "$TOOLS_LOG"
	rm -f "$SYSTEM_LOG" "$TOOLS_LOG"
	return $rc
}

# npm_deps runs `npm ci` where a package-lock.json says the tests need npm
# packages, skipping directories whose node_modules match the lock file.
npm_deps() {
	local lock dir sum stamp
	while IFS= read -r lock; do
		dir=$(dirname "$lock")
		sum=$(sha256sum "$lock" | cut -d' ' -f1)
		stamp=$dir/node_modules/.chronos-lock-sha256 # as testenv.LockStamp
		if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
			echo "npm: $dir up to date"
			continue
		fi
		echo "npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
		echo "$sum" >"$stamp"
	done < <(find test/sdk app/internal/httpapi/sdkcompat app/internal/admin/editor app/internal/admin/browsertest/testdata/frontend -name package-lock.json -not -path '*/node_modules/*' 2>/dev/null | sort)
}

# ------------------------------------------------------------------ checks

check_gofmt() {
	local files
	files=$(find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' -not -path '*/testdata/*' -print0 |
		xargs -0 gofmt -l) || {
		echo "gofmt failed (syntax error?)"
		return 1
	}
	if [ -n "$files" ]; then
		echo "gofmt would change these files (run: gofmt -w FILE):"
		while IFS= read -r f; do echo "  $f"; done <<<"$files"
		return 1
	fi
}

check_actionlint() {
	local files=(.github/workflows/*.yml .github/workflows/*.yaml)
	local existing=()
	for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
	if [ ${#existing[@]} -eq 0 ]; then
		echo "no workflows"
		return 77
	fi
	actionlint -no-color "${existing[@]}"
}

# check_shell runs shellcheck on the repository's shell scripts when it is
# installed (install_system installs it where it can).
check_shell() {
	command -v shellcheck >/dev/null || { echo "shellcheck not installed"; return 77; }
	local files=(.ci/run scripts/*.sh)
	shellcheck "${files[@]}"
}

# check_compose validates docker-compose.yml with a compose client when one is
# installed (none is by default: there is no Docker engine here). The
# repocheck Go test checks the file's contents either way.
check_compose() {
	[ -f docker-compose.yml ] || { echo "no docker-compose.yml"; return 77; }
	if docker compose version >/dev/null 2>&1; then
		PAYLOAD_SECRET=dev docker compose -f docker-compose.yml config -q
	elif command -v docker-compose >/dev/null; then
		PAYLOAD_SECRET=dev docker-compose -f docker-compose.yml config -q
	else
		echo "no compose client installed; internal/repocheck checks the file instead"
		return 77
	fi
}

run_tests() {
	# -p 2: two cores. Services come from app/internal/testenv; with CI=true a
	# missing one fails its test instead of skipping it.
	# -count=1: never report a cached pass. The test cache cannot see the
	# services (PostgreSQL, S3, Chromium) a test talks to.
	# -vet=off: the go vet step has just run every analyzer on every package
	# and its tests. go test's own vet runs a subset under other flags, so it
	# misses go vet's cache and type-checks every dependency again from
	# source: 111 CPU-seconds (58 s) of a cold run, for no finding go vet
	# could not make (measured 2026-12-06 with an empty GOCACHE).
	# shellcheck disable=SC2086 # GO_TEST_FLAGS is a list of flags
	go test -p 2 -count=1 -vet=off -timeout "$GO_TEST_TIMEOUT" ${GO_TEST_FLAGS:-} ./... 2>&1 | tee "$GO_TEST_LOG"
}

# fuzz_targets prints pkg:Name for FUZZ_TARGETS, or else FUZZ_LIST followed by
# every other Fuzz target that `go test -list` finds.
fuzz_targets() {
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		tr ' ' '\n' <<<"$FUZZ_TARGETS" | grep .
		return
	fi
	local found
	found=$(go test -list '^Fuzz' ./... 2>/dev/null | awk '
		/^Fuzz/ { names[++n] = $1; next }
		/^ok[ \t]/ { pkg = $2; sub("^github.com/automatonic/chronos", ".", pkg)
			for (i = 1; i <= n; i++) print pkg ":" names[i]; n = 0 }')
	printf '%s\n' "${FUZZ_LIST[@]}" "$found" | grep . | awk '!seen[$0]++'
}

run_fuzz() {
	if [ "$FUZZTIME" = 0 ] || [ "$FUZZTIME" = 0s ]; then
		echo "FUZZTIME=0: skipped"
		return 77
	fi
	local rc=0 ran=0 entry pkg name listed
	while IFS= read -r entry; do
		pkg=${entry%%:*}
		name=${entry#*:}
		# Not `go test -list | grep -q`: grep's early exit would fail the
		# pipeline under pipefail.
		listed=$([ -d "$pkg" ] && go test -list "^${name}\$" "$pkg" 2>/dev/null)
		if ! grep -qx "$name" <<<"$listed"; then
			echo "  (no $name in $pkg yet — skipped)"
			continue
		fi
		echo "  fuzz $pkg $name for $FUZZTIME"
		ran=$((ran + 1))
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "$pkg" || {
			echo "  FAIL: $pkg $name (a failing input is saved under $pkg/testdata/fuzz/$name)"
			rc=1
		}
	done < <(fuzz_targets)
	[ "$ran" -gt 0 ] || { [ "$rc" -eq 0 ] && return 77; }
	return $rc
}

# ------------------------------------------------------------------- main

MODE=${1:-all}
case $MODE in
all | --lint-only | --fuzz-only) ;;
*)
	echo "usage: scripts/test.sh [--lint-only|--fuzz-only]" >&2
	exit 2
	;;
esac

echo "chronos test ($MODE): $(go version), CI=${CI:-}, cache $CHRONOS_CACHE"
case $MODE in
all)
	start_installs
	step "gofmt" check_gofmt
	step "go vet ./..." go vet ./...
	# actionlint wants itself and shellcheck, and the tests want PostgreSQL,
	# Chromium, versitygw and the npm packages: the background installs must
	# be done by here.
	step "installs (background)" wait_installs
	step "actionlint" check_actionlint
	step "shellcheck" check_shell
	step "docker-compose config" check_compose
	step "go test ./..." run_tests
	;;
--lint-only)
	step "install actionlint" go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"
	step "gofmt" check_gofmt
	step "go vet ./..." go vet ./...
	step "actionlint" check_actionlint
	step "shellcheck" check_shell
	step "docker-compose config" check_compose
	;;
--fuzz-only)
	step "fuzz (${FUZZTIME} each)" run_fuzz
	;;
esac

echo
echo "==> summary ($(($(date +%s) - START))s in all)"
printf '%s\n' "${SUMMARY[@]}"
if [ "$FAILED" -ne 0 ]; then
	if grep -qE '^(--- FAIL|FAIL)' "$GO_TEST_LOG"; then
		echo
		echo "failing tests and packages:"
		grep -E '^(\s*--- FAIL|FAIL\s+\S)' "$GO_TEST_LOG" | sed 's/^/  /'
	fi
	echo "FAILED"
	exit 1
fi
echo "PASSED"

#!/usr/bin/env bash
# scripts/payload-types.sh — rebuild the golden payload-types.ts with the real
# Payload 3.90.2 `generate:types` (needs npm and a few minutes; not part of
# `make test`). It writes scripts/payload-types/payload.config.ts from the
# content definitions (go run ./app/cmd/payloadconfig), installs the pinned
# Payload packages (scripts/payload-types/package-lock.json) and runs Payload's
# generator, which writes scripts/payload-types/payload-types.ts: the file
# TestTypesGolden (app/internal/cli) compares `cms types` with. Commit both.
# It ends by diffing Payload's output against `cms types`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=scripts/payload-types
go run ./app/cmd/payloadconfig >"$dir/payload.config.ts"
(
	cd "$dir"
	[ -f node_modules/payload/package.json ] || npm ci --no-audit --no-fund --loglevel=error
	npx payload generate:types --config payload.config.ts
)
if go run ./app/cmd/cms types --out - | diff -u "$dir/payload-types.ts" -; then
	echo "cms types writes exactly what Payload 3.90.2 writes"
else
	echo "cms types differs from Payload 3.90.2 (above); fix the emitter or list the difference in the README" >&2
	exit 1
fi

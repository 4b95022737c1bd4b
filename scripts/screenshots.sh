#!/usr/bin/env bash
# Renders the admin UI's main screens (sign-in, dashboard, page list, page
# editor, media drawer, version diff, live preview, media library, user list, account) at
# desktop (1440x900) and phone (390x844) widths into ./screenshots/
# (git-ignored; a selection is committed in docs/screenshots/). It seeds a
# throwaway SQLite CMS with users, uploaded images and pages, serves the
# browser tests' front end for the live preview (npm: @payloadcms/live-preview,
# installed from its lock file on first use), and drives Debian's chromium
# headless through the same harness as the browser tests.
#   usage: scripts/screenshots.sh [output-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "chromium is missing; installing it (apt-get install -y chromium)" >&2
  apt-get install -y chromium >/dev/null
fi
SCREENSHOTS_DIR="$out" CI="${CI:-true}" go test ./app/internal/admin/browsertest -run '^TestScreenshots$' -count=1 -v
ls -1 "$out"/*.png

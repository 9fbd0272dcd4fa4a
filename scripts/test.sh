#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need on a fresh machine, prepares
# the clang truth for Linux 6.1 (cached after the first run), builds, and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build
bash scripts/prepare-linux.sh
bash scripts/ensure-postgres.sh
# test/diff-html.test.ts renders the HTML report in Debian's headless Chromium.
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
# Everything must run here: missing truth is a failure, not a skip.
ABI_BLAME_REQUIRE_TRUTH=1 npx vitest run

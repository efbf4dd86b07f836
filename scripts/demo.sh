#!/usr/bin/env bash
# `npm run demo`: works on a fresh clone — installs dependencies if missing, builds, then runs the demo
# (which brings the stack up itself). Extra arguments go to the demo (e.g. --no-stack).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
exec node dist/tools/demo/main.js "$@"

#!/usr/bin/env bash
# `npm run demo`: works on a fresh clone — installs dependencies if missing, builds, then runs the demo
# (which brings the stack up itself). Extra arguments go to the demo (e.g. --no-stack).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_modules
npm run --silent build
exec node dist/tools/demo/main.js "$@"

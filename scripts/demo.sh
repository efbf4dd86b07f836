#!/usr/bin/env bash
# `npm run demo`: works on a fresh clone — installs dependencies if missing, builds, then runs the demo
# (which brings the stack up itself). Extra arguments go to the demo (e.g. --no-stack, --screenshot FILE:
# `npm run demo:screenshot` saves docs/dashboard.png with Debian's Chromium, installed if missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_modules
npm run --silent build
if [[ " $* " == *" --screenshot "* ]] && [ -z "${CHROMIUM_PATH:-}" ]; then
  CHROMIUM_PATH=$(bash scripts/infra.sh browser)
  export CHROMIUM_PATH
fi
exec node dist/tools/demo/main.js "$@"

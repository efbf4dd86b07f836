#!/usr/bin/env bash
# Jest on a Node that runs it (24.9 or later: scripts/infra.sh node), with VM modules on, through which
# Jest's sandbox loads the ES-module packages. Arguments go to jest, e.g.
#   npm run jest -- test/integration/redis.int-spec.ts --selectProjects integration --runInBand
# Only Jest needs it: children spawned from the tests (the services) run on that Node too, without the flag.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_DIR=$(bash "$ROOT/scripts/infra.sh" node)
exec "$NODE_DIR/node" --experimental-vm-modules --disable-warning=ExperimentalWarning "$ROOT/node_modules/jest/bin/jest.js" "$@"

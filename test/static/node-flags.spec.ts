import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';
import { root } from './compose-file';

const GATEWAY = 'dist/apps/gateway/src/main.js';
const read = (file: string) => readFileSync(join(root, file), 'utf8');
/** The words of a command line between `node` and the gateway's script. */
const flagsIn = (command: string[]) => command.slice(command.indexOf('node') + 1, command.indexOf(GATEWAY));

// Every way of starting the gateway gives it the same node flags (apps/gateway/src/node-flags.ts); the
// compose files' commands are checked with the rest of each service (compose.spec.ts, compose-cluster.spec.ts).
describe('the gateway node flags', () => {
  it('when the image starts by default (the gateway), then it has them', () => {
    const cmd = read('Dockerfile').match(/^CMD (\[.*dist\/apps\/gateway\/src\/main\.js.*\])$/m);
    expect(flagsIn(JSON.parse(cmd![1]))).toEqual(GATEWAY_NODE_FLAGS);
  });

  it('when `npm run start:gateway` or scripts/stack.sh starts it, then it has them', () => {
    const start = JSON.parse(read('package.json')).scripts['start:gateway'] as string;
    expect(flagsIn(start.split(' '))).toEqual(GATEWAY_NODE_FLAGS);
    const stack = read('scripts/stack.sh').match(/\[ "\$name" = gateway \] && flags=\(([^)]*)\)/);
    expect(stack![1].split(' ')).toEqual(GATEWAY_NODE_FLAGS);
  });
});

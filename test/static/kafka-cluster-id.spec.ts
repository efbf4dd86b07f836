import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './compose-file';

// Kafka's `kafka-storage format -t <id>` reads an id that starts with "-" as an option and fails: 1 base64url
// id in 64 did, so a new machine's first `scripts/infra.sh up` failed now and then (it did in CI).
describe('the Kafka cluster id of the local scripts', () => {
  const GENERATOR = 'scripts/infra/kafka/cluster-id.js';

  it.each(['scripts/infra/kafka.sh', 'scripts/infra/cluster.sh'])(
    'when %s formats Kafka, then it takes the id from the one generator',
    (script) => {
      expect(readFileSync(join(root, script), 'utf8')).toContain(`node "$ROOT/${GENERATOR}"`);
    },
  );

  it('when 20,000 ids are made, then each is 16 bytes of base64url and none starts with "-"', () => {
    const { newClusterId } = require(join(root, GENERATOR)) as { newClusterId: () => string };
    for (let i = 0; i < 20_000; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

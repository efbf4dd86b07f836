// A new Kafka cluster id: 16 random bytes in base64url, as `kafka-storage random-uuid` makes them, never
// starting with "-" (kafka-storage format would read such an id as an option and fail). Printed on stdout.
const { randomBytes } = require('node:crypto');

function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

if (require.main === module) process.stdout.write(newClusterId());
module.exports = { newClusterId };

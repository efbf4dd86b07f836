import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices, root } from './compose-file';

// A moved CLI or service must not leave a compose file starting a file the build no longer makes.
describe.each(['docker-compose.yml', 'docker-compose.cluster.yml'])('%s commands', (file) => {
  const services = composeServices(file);
  const scripts = Object.entries(services).flatMap(([name, service]) =>
    [...JSON.stringify(service.command ?? '').matchAll(/dist\/([\w/.-]+)\.js/g)].map((m) => [name, m[1]]),
  );

  it('run something', () => expect(scripts.length).toBeGreaterThan(0));

  it.each(scripts)('when %s starts, then dist/%s.js is built from a source file', (_, path) => {
    expect(existsSync(join(root, `${path}.ts`))).toBe(true);
  });
});

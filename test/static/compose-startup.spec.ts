import { composeServices, dependenciesOf } from './compose-file';

// What the first `docker compose up` on a clean machine needs, in both compose files: each image built once,
// PostgreSQL reported healthy only once it takes connections, and a setup patient with what it waits on.
describe.each(['docker-compose.yml', 'docker-compose.cluster.yml'])('%s on a clean machine', (file) => {
  const services = composeServices(file);
  const builders = Object.entries(services).filter(([, service]) => service.build);
  const builderOf = (tag: string) => builders.find(([, service]) => service.image === tag)?.[0];

  it('when the images are built, then each tag has one builder (bake builds in parallel: two exports of one tag collide)', () => {
    const byTag: Record<string, string[]> = {};
    for (const [name, service] of builders) (byTag[service.image] ??= []).push(name);
    expect(Object.entries(byTag).filter(([, names]) => names.length > 1)).toEqual([]);
    for (const [name, service] of builders)
      expect([name, service.image]).toEqual([name, expect.stringMatching(/:local$/)]);
  });

  it('when a service runs an image built here, then it never pulls it and starts after its builder', () => {
    const users = Object.entries(services).filter(([, s]) => !s.build && builderOf(s.image));
    expect(users.length).toBeGreaterThan(0);
    for (const [name, service] of users) {
      expect([name, service.pull_policy]).toEqual([name, 'never']);
      expect([name, [...dependenciesOf(services, name)]]).toEqual([
        name,
        expect.arrayContaining([builderOf(service.image)]),
      ]);
    }
  });

  it('when PostgreSQL is probed, then over TCP: the server of its first-time init listens on the socket only', () => {
    const probe = services.postgres.healthcheck.test.join(' ');
    expect(probe).toMatch(/^CMD pg_isready .*-h 127\.0\.0\.1\b/);
  });

  it('when setup starts, then it waits a bounded time for its first connections to PostgreSQL and Kafka', () => {
    const command = services.setup.command.join(' ');
    const waits = [...command.matchAll(/ops\/src\/(migrate|create-topics)\.js --wait (\d+)/g)];
    expect(waits.map(([, cli]) => cli)).toEqual(['migrate', 'create-topics']);
    for (const [, , seconds] of waits) expect(Number(seconds)).toBeGreaterThanOrEqual(30);
    for (const [, , seconds] of waits) expect(Number(seconds)).toBeLessThanOrEqual(300);
  });
});

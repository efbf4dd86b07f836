import { metricsRegistry } from './metrics';
import { scrapeGauge } from './scrape-gauge';

const scrape = () => metricsRegistry.getSingleMetricAsString('test_backlog');

describe('scrapeGauge', () => {
  afterEach(() => metricsRegistry.removeSingleMetric('test_backlog'));

  it('when /metrics is scraped, then the gauge is measured then, once, with its labels', async () => {
    let measured = 0;
    scrapeGauge('test_backlog', 'a backlog', ['group'], async () => {
      measured += 1;
      return [
        { labels: { group: 'a' }, value: 3 },
        { labels: { group: 'b' }, value: 0 },
      ];
    });
    expect(measured).toBe(0);
    const text = await scrape();
    expect(measured).toBe(1);
    expect(text).toMatch(/^test_backlog\{group="a"\} 3$/m);
    expect(text).toMatch(/^test_backlog\{group="b"\} 0$/m);
  });

  it('when a label is gone at the next scrape, then its old value is not shown', async () => {
    const groups = [['a', 'b'], ['b']];
    scrapeGauge(
      'test_backlog',
      'a backlog',
      ['group'],
      async () => (groups.shift() ?? []).map((group) => ({ labels: { group }, value: 1 })),
      { reuseForMs: 0 },
    );
    await scrape();
    const text = await scrape();
    expect(text).not.toMatch(/group="a"/);
    expect(text).toMatch(/^test_backlog\{group="b"\} 1$/m);
  });

  it('when the measure fails, then the scrape still answers, with no value for the gauge', async () => {
    scrapeGauge('test_backlog', 'a backlog', ['group'], () => Promise.reject(new Error('kafka is down')));
    const text = await scrape();
    expect(text).toContain('# TYPE test_backlog gauge');
    expect(text).not.toMatch(/^test_backlog/m);
  });

  it('when the measure of an unlabelled gauge fails, then it reads NaN, not 0', async () => {
    scrapeGauge('test_backlog', 'a backlog', [], () => Promise.reject(new Error('database is down')));
    expect(await scrape()).toMatch(/^test_backlog nan$/im);
  });

  it('when /metrics is asked again and again, then the dependency is measured once a second at most', async () => {
    let measured = 0;
    scrapeGauge('test_backlog', 'a backlog', [], async () => [{ value: ++measured }]);
    const texts = await Promise.all(Array.from({ length: 20 }, scrape));
    expect(measured).toBe(1);
    for (const text of texts) expect(text).toMatch(/^test_backlog 1$/m);
  });

  it('when the name is registered again, then the newest measure is the one scraped', async () => {
    scrapeGauge('test_backlog', 'a backlog', [], async () => [{ value: 1 }]);
    scrapeGauge('test_backlog', 'a backlog', [], async () => [{ value: 2 }]);
    expect(await scrape()).toMatch(/^test_backlog 2$/m);
  });
});

import { answersByOutcome } from './purchase-answers';

describe('purchase answers by outcome', () => {
  it('when most refusals were decided in memory, then they are counted with those Redis decided, once each', () => {
    const purchases = [
      { labels: { outcome: 'OK' }, value: 100 },
      { labels: { outcome: 'SOLD_OUT' }, value: 13 },
    ];
    const refusals = [
      { labels: { reason: 'SOLD_OUT', decided_by: 'redis' }, value: 13 },
      { labels: { reason: 'SOLD_OUT', decided_by: 'memory' }, value: 2887 },
      { labels: { reason: 'UNAUTHORIZED', decided_by: 'request' }, value: 2 },
    ];
    expect(answersByOutcome(purchases, refusals)).toEqual({ OK: 100, SOLD_OUT: 2900, UNAUTHORIZED: 2 });
  });

  it('when nothing was answered yet, then there is no outcome', () => {
    expect(answersByOutcome([], [])).toEqual({});
  });
});

import { randomUUID } from 'node:crypto';
import { DeadLetterMessage, TOPICS } from '@app/contracts';
import { OrderFixture, processedByCancelService, produceTimeout } from '../../support/cancel-fixtures';
import { SweeperService } from '../../../apps/cancel-service/src/sweeper/sweeper.service';
import { CancelServiceUnderTest } from '../../support/cancel-service';
import { TopicRecorder } from '../../support/topic-recorder';

const STOCK = 10;

describe('cancel-service: timeout messages it cannot use (real Redis, PostgreSQL, Kafka)', () => {
  let service: CancelServiceUnderTest;
  let deadLetters: TopicRecorder;

  beforeAll(async () => {
    service = await CancelServiceUnderTest.start();
    // the sweeper stopped: a cancellation here can only come from a timeout message, however slow the
    // machine (timeliness is timeouts.int-spec's concern)
    await service.app.get(SweeperService).beforeApplicationShutdown();
    deadLetters = await TopicRecorder.start(service.kafka, TOPICS.deadLetter);
  });
  afterEach(() => service.expectReconciled());
  afterAll(async () => {
    await deadLetters?.stop();
    await service?.stop();
  });

  const lettersFor = async (key: string) => {
    await deadLetters.caughtUp();
    return deadLetters.withKey(key).map((m) => JSON.parse(String(m.value)) as DeadLetterMessage);
  };

  it('when a timeout message is malformed, then it is dead-lettered with its reason and the next one still runs', async () => {
    const { fixtures, producer } = service;
    const activityId = await fixtures.activity(STOCK);
    const order = await fixtures.order(activityId, { expiresAt: Date.now() });
    const malformed = JSON.stringify({ orderId: 'not-a-uuid', dueAt: 'soon' });

    const bad = await produceTimeout(producer, 1, order, { value: malformed });
    await produceTimeout(producer, 1, order);

    await service.cancelledLatenessMs(order); // cancelled and released: the good message ran
    expect(await lettersFor(order.id)).toEqual([
      {
        sourceTopic: bad.topic,
        partition: bad.partition,
        offset: bad.offset,
        reason: expect.stringMatching(/orderId/),
        payload: malformed,
      },
    ]);
  });

  it('when a timeout names an order that does not exist, then it is dead-lettered with that reason', async () => {
    const { fixtures, producer, admin } = service;
    const activityId = await fixtures.activity(STOCK);
    const ghost: OrderFixture = {
      id: randomUUID(),
      activityId,
      userId: 'ghost',
      quantity: 1,
      expiresAt: Date.now(),
    };

    const at = await produceTimeout(producer, 1, ghost);
    await processedByCancelService(admin, at);

    const [letter] = await lettersFor(ghost.id);
    expect(letter).toMatchObject({ offset: at.offset, reason: `order ${ghost.id} does not exist` });
  });
});

import { bots } from './bots.scenario';
import { clusterFailover } from './cluster-failover.scenario';
import { crashAfterReserve } from './crash-after-reserve.scenario';
import { duplicateMessage } from './duplicate-message.scenario';
import { hotItemShards } from './hot-item-shards.scenario';
import { latePayment } from './late-payment.scenario';
import { newSubscriber } from './new-subscriber.scenario';
import { oversell } from './oversell.scenario';
import { payVsCancel } from './pay-vs-cancel.scenario';
import { peakShaving } from './peak-shaving.scenario';
import { Scenario } from './scenario';
import { timeout } from './timeout.scenario';
import { waitingRoom } from './waiting-room.scenario';

/** In the order of the walkthrough (docs/walkthrough.md); `all` runs them in this order (not the cluster's). */
export const SCENARIOS: readonly Scenario[] = [
  oversell,
  bots,
  waitingRoom,
  crashAfterReserve,
  duplicateMessage,
  payVsCancel,
  latePayment,
  timeout,
  newSubscriber,
  peakShaving,
  clusterFailover,
  hotItemShards,
];

import { bots } from './bots.scenario';
import { crashAfterReserve } from './crash-after-reserve.scenario';
import { duplicateMessage } from './duplicate-message.scenario';
import { hotItemShards } from './hot-item-shards.scenario';
import { newSubscriber } from './new-subscriber.scenario';
import { oversell } from './oversell.scenario';
import { payVsCancel } from './pay-vs-cancel.scenario';
import { peakShaving } from './peak-shaving.scenario';
import { Scenario } from './scenario';
import { timeout } from './timeout.scenario';

/** In the order of the walkthrough (docs/walkthrough.md); `all` runs them in this order. */
export const SCENARIOS: readonly Scenario[] = [
  oversell,
  bots,
  crashAfterReserve,
  duplicateMessage,
  payVsCancel,
  timeout,
  newSubscriber,
  peakShaving,
  hotItemShards,
];

import { CreateActivitiesAndOrders1763700000000 } from './1763700000000-create-activities-and-orders';
import { OrdersByActivityStatus1764100000000 } from './1764100000000-orders-by-activity-status';
import { ActivityPurchaseDefences1764100000001 } from './1764100000001-activity-purchase-defences';
import { ActivityLedger1764200000000 } from './1764200000000-activity-ledger';
import { PaidAnnounced1764300000000 } from './1764300000000-paid-announced';
import { ActivityStockShards1764400000000 } from './1764400000000-activity-stock-shards';
import { RecoveryLedger1764500000000 } from './1764500000000-recovery-ledger';
import { Payments1764600000000 } from './1764600000000-payments';
import { Blacklist1764650000000 } from './1764650000000-blacklist';
import { RefundAnnounced1764660000000 } from './1764660000000-refund-announced';
import { ActivityWaitingRoom1764670000000 } from './1764670000000-activity-waiting-room';
import { ActivitiesByEnd1764680000000 } from './1764680000000-activities-by-end';
import { ActivityLiveQuantity1764690000000 } from './1764690000000-activity-live-quantity';
import { DropOrdersLiveByActivity1764700000000 } from './1764700000000-drop-orders-live-by-activity';
import { AbandonedAttemptsByBuyer1764710000000 } from './1764710000000-abandoned-attempts-by-buyer';
import { OrdersByActivityBuyer1764720000000 } from './1764720000000-orders-by-activity-buyer';

/** Listed explicitly (no glob) so the same list works from TypeScript sources and from dist/. */
export const MIGRATIONS = [
  CreateActivitiesAndOrders1763700000000,
  OrdersByActivityStatus1764100000000,
  ActivityPurchaseDefences1764100000001,
  ActivityLedger1764200000000,
  PaidAnnounced1764300000000,
  ActivityStockShards1764400000000,
  RecoveryLedger1764500000000,
  Payments1764600000000,
  Blacklist1764650000000,
  RefundAnnounced1764660000000,
  ActivityWaitingRoom1764670000000,
  ActivitiesByEnd1764680000000,
  ActivityLiveQuantity1764690000000,
  DropOrdersLiveByActivity1764700000000,
  AbandonedAttemptsByBuyer1764710000000,
  OrdersByActivityBuyer1764720000000,
];

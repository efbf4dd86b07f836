import { join } from 'node:path';
import { LuaScript } from '@app/redis';
import { STOCK_LUA } from './reservation-lua';

const script = (name: string) => new LuaScript(join(__dirname, `${name}.lua`), STOCK_LUA);

/**
 * Every transition of a reservation (see reservation.ts), one Lua script each, all sharing the codec:
 *   reserve (→ R, the gateway)  take (R → T)  settle (T → O | F)  release (→ X | U)  abandon (R → U)
 * the two steps of a rebuild from the ledger, and the two of a transfer of stock between shards.
 */
export const STOCK_SCRIPTS = {
  reserve: script('reserve'),
  take: script('take'),
  settle: script('settle'),
  release: script('release'),
  abandon: script('abandon'),
  rebuildRecords: script('rebuild-records'),
  rebuildStock: script('rebuild-stock'),
  transferOut: script('transfer-out'),
  transferIn: script('transfer-in'),
} as const;

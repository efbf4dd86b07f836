import { Check, INVARIANT } from './check';
import { CheckContext } from './check-context';

const compare = (ok: boolean, yes: string, no: string): string => (ok ? yes : no);

/** 1. PostgreSQL never holds more live quantity than the activity had, and Redis never went below zero. */
export function checkNoOversell({ figures: f }: CheckContext): Check {
  const withinStock = f.sold <= f.initialStock;
  const redisOk = f.remaining !== null && f.remaining >= 0;
  const remaining = f.remaining === null ? 'missing' : `${f.remaining} ${compare(redisOk, '≥', '<')} 0`;
  return {
    name: INVARIANT.noOversell,
    ok: withinStock && redisOk,
    detail: `sold ${f.sold} ${compare(withinStock, '≤', '>')} stock ${f.initialStock}; Redis remaining ${remaining}`,
  };
}

/**
 * 2. Once quiet, every unit is either still in Redis or in a live order. Before that, units in flight
 * (R/T) or awaiting release are legitimately in neither, so the equation cannot be judged: not being quiet
 * is reported as the failure, with the numbers, because a settled system that never becomes quiet is
 * itself broken (a reservation never turned into an order, or a release never finished).
 */
export function checkConservation({ figures: f, quiet }: CheckContext): Check {
  const sum = (f.remaining ?? 0) + f.sold;
  const balanced = f.remaining !== null && sum === f.initialStock;
  const equation = `remaining ${f.remaining ?? 'missing'} + sold ${f.sold} = ${sum} ${compare(balanced, '=', '≠')} stock ${f.initialStock}`;
  if (quiet) return { name: INVARIANT.conservation, ok: balanced, detail: equation };
  const why = [
    `${f.inFlight} reservations in R/T`,
    `${f.awaitingRelease} cancelled orders awaiting release`,
    `${f.overduePending} PENDING orders overdue`,
    ...(f.redisMoved ? ['Redis moved while reading'] : []),
  ];
  return { name: INVARIANT.conservation, ok: false, detail: `not quiet (${why.join(', ')}); ${equation}` };
}

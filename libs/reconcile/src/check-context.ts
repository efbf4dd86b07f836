import { EvaluationTime, Figures } from './figures';
import { Snapshot } from './snapshot';

/** Everything a check may look at: one snapshot, its figures, and the clock the checks agree on. */
export interface CheckContext extends EvaluationTime {
  snapshot: Snapshot;
  figures: Figures;
  quiet: boolean;
}

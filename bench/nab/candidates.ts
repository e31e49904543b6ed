/**
 * The settings leave-one-category-out chooses among, simplest first (a tie keeps the simpler). The
 * shipped default (`createAnomalyDetector()`'s) is the one the in-sample profiles and the offset mean are
 * reported for. Few candidates on purpose: each is a whole detector, not a point of a fine grid.
 */
import { DEFAULT_ANOMALY } from '../../detectors/anomaly/index.ts';
import type { AnomalyOptions } from '../../detectors/anomaly/index.ts';

export interface Candidate {
  readonly name: string;
  readonly options: Partial<AnomalyOptions>;
}

export const DEFAULT_CANDIDATE: Candidate = { name: 'default', options: {} };

export const CANDIDATES: readonly Candidate[] = [
  { name: 'no-discount-no-fatigue', options: { familiarWeight: 1, barGain: 1 } },
  { name: 'no-discount', options: { familiarWeight: 1 } },
  { name: 'no-fatigue', options: { barGain: 1 } },
  { name: 'no-stall', options: { statistical: { ...DEFAULT_ANOMALY.statistical, stall: 0 } } },
  DEFAULT_CANDIDATE,
  // Heavier-tailed series (tweet volumes, ad clicks) give larger ordinary |z|: a higher floor for novelty.
  { name: 'z-floor-6', options: { statistical: { ...DEFAULT_ANOMALY.statistical, zFloor: 6 } } },
];

/**
 * The settings the protocol judges. `CHOICES` are what leave-one-category-out may choose between inside its
 * folds (simplest first: a tie keeps the simpler); `ABLATIONS` are only reported, each alone with its
 * threshold chosen on the other categories, to show what each part of the detector carries out of sample.
 * Choosing among the six whole detectors of the tenth round scored 70.44 left out (mean over 8 starts),
 * below the default alone (72.35): every extra choice is one more way to fit the training categories, so
 * the choice is kept to settings one would ship. The shipped default (`createAnomalyDetector()`'s) is the
 * one the in-sample profiles and the offset mean are reported for.
 */
import { DEFAULT_ANOMALY } from '../../detectors/anomaly/index.ts';
import type { AnomalyOptions } from '../../detectors/anomaly/index.ts';

export interface Candidate {
  readonly name: string;
  readonly options: Partial<AnomalyOptions>;
  /** Scores judged by their anomaly likelihood for the series (detectors/anomaly/likelihood.ts). */
  readonly likelihood?: true;
}

export const DEFAULT_CANDIDATE: Candidate = { name: 'default', options: {} };

export const CHOICES: readonly Candidate[] = [DEFAULT_CANDIDATE];

/**
 * Candidates for a change to the default, each judged alone against it (not offered to the fold choice).
 * The one before (a seasonal profile learned per day, judged from the third day) lost 2.2 points in-sample
 * and 3.2 left out over the 8 starts, and was removed with its option. `likelihood`: the default's scores
 * judged by their anomaly likelihood (NuPIC's published constants, nothing chosen).
 */
export const CHALLENGERS: readonly Candidate[] = [
  { name: 'likelihood', options: {}, likelihood: true },
  // The likelihood in place of the detector's own calibration: every novelty scored (no suppression after
  // an alarm, no fatigue bar), the series' history of them deciding what is unusual.
  { name: 'likelihood-raw', options: { suppress: 0, barGain: 1 }, likelihood: true },
];

export const ABLATIONS: readonly Candidate[] = [
  { name: 'no-discount-no-fatigue', options: { familiarWeight: 1, barGain: 1 } },
  { name: 'no-discount', options: { familiarWeight: 1 } },
  { name: 'no-fatigue', options: { barGain: 1 } },
  { name: 'no-stall', options: { statistical: { ...DEFAULT_ANOMALY.statistical, stall: 0 } } },
  // Heavier-tailed series (tweet volumes, ad clicks) give larger ordinary |z|: a higher floor for novelty.
  { name: 'z-floor-6', options: { statistical: { ...DEFAULT_ANOMALY.statistical, zFloor: 6 } } },
];

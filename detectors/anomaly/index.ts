/** Streaming anomaly detection for any series: the combined detector's factory and its parts. */
import type { SeriesDetector } from '../series.ts';
import { CombinedDetector } from './combined.ts';
import type { AnomalyOptions } from './combined.ts';

export type { AnomalyOptions } from './combined.ts';
export { DEFAULT_ANOMALY } from './combined.ts';
export { familyModelName, loadForecaster, trainFamilyForecaster } from './learned.ts';

export function createAnomalyDetector(options: Partial<AnomalyOptions> = {}): SeriesDetector {
  return new CombinedDetector(options);
}

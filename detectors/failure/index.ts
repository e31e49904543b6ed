/** Failure prediction for the detector tier: time to exhaustion, SLO burn alerts, the learned precursor model. */
export {
  timeToExhaustion,
  type ExhaustionForecast,
  type ExhaustionOptions,
  type ExhaustionStatus,
} from './exhaustion.ts';
export { theilSen, type TrendFit } from './trend.ts';
export {
  createBurnRateMonitor,
  evaluateBurnRules,
  burnRate,
  DEFAULT_BURN_RULES,
  type BurnAlert,
  type BurnMonitorOptions,
  type BurnRateMonitor,
  type BurnRule,
  type BurnStatus,
} from './slo-burn.ts';
export {
  CHANNELS,
  telemetryRunSchema,
  type Channel,
  type ChannelSeries,
  type Incident,
  type TelemetryRun,
} from './telemetry.ts';
export {
  precursorPredictor,
  PRECURSOR_FORMAT,
  type PrecursorPrediction,
  type PrecursorPredictor,
  type PrecursorWeights,
} from './precursor.ts';
export { trainPrecursor, type TrainPrecursorOptions, type TrainedPrecursor } from './train-precursor.ts';
export { loadPrecursor, savePrecursor, PRECURSOR_MODEL } from './precursor-store.ts';
export { simulateRuns, FAULT_KINDS, type SimulationOptions } from './simulator.ts';
export { channelWindow } from './window.ts';

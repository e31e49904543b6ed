import { createModelStore, type ModelManifest } from '../models/index.ts';
import { PRECURSOR_FORMAT, precursorPredictor, precursorWeightsSchema, type PrecursorPredictor } from './precursor.ts';
import type { TrainedPrecursor } from './train-precursor.ts';

export const PRECURSOR_MODEL = 'precursor';

/** Saves a trained precursor model as a new version in `<dataDir>/models/precursor/`. */
export function savePrecursor(
  dataDir: string,
  trained: TrainedPrecursor,
  source: string,
  keep?: number,
): Promise<ModelManifest> {
  const { samples, events } = trained.test;
  return createModelStore(dataDir, keep === undefined ? {} : { keep }).save(PRECURSOR_MODEL, {
    format: PRECURSOR_FORMAT,
    trainingData: { source, ...trained.summary },
    metrics: {
      testEventPrecision: events.precision,
      testEventRecall: events.recall,
      testEventF1: events.f1,
      testIncidents: events.incidents,
      testMedianLeadSteps: events.medianLeadSteps,
      testSamplePrecision: samples.precision,
      testSampleRecall: samples.recall,
      testSampleAccuracy: samples.accuracy,
      threshold: trained.weights.threshold,
      persistSteps: trained.weights.persistSteps,
    },
    files: { 'model.json': JSON.stringify(trained.weights) },
  });
}

/**
 * Reloads the newest saved precursor model (for a service at start), or undefined when none was
 * trained yet. A version in another format or with invalid weights is an error, not silently skipped.
 */
export async function loadPrecursor(
  dataDir: string,
): Promise<{ readonly manifest: ModelManifest; readonly predictor: PrecursorPredictor } | undefined> {
  const stored = await createModelStore(dataDir).latest(PRECURSOR_MODEL);
  if (stored === undefined) return undefined;
  if (stored.manifest.format !== PRECURSOR_FORMAT)
    throw new Error(
      `precursor model v${String(stored.manifest.version)} has format ${stored.manifest.format}, expected ${PRECURSOR_FORMAT}`,
    );
  const weights = precursorWeightsSchema.parse(JSON.parse((await stored.read('model.json')).toString('utf8')));
  return { manifest: stored.manifest, predictor: await precursorPredictor(weights) };
}

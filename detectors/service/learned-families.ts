import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createAnomalyDetector, DEFAULT_ANOMALY, familyModelName, loadForecaster } from '../anomaly/index.ts';
import { withLimit } from './limit.ts';
import { meaningOf } from './meaning.ts';
import type { LearnedForecaster } from '../anomaly/learned.ts';
import { createModelStore } from '../models/index.ts';
import type { SeriesDetector, SeriesLabels } from '../series.ts';
import { tfReady } from '../tf/index.ts';

/**
 * The learned view per metric family: forecasters trained with `npm run train -- forecaster` are loaded
 * from DATA_DIR at start, and every series of a family gets a detector with its family's model attached.
 * Series of a family without a model (or seen before loading finished) run the statistical views alone.
 */
export class LearnedFamilies {
  readonly #models = new Map<string, LearnedForecaster>();

  /** Loads the newest version of every family forecaster saved under `dataDir`; returns their names. */
  async load(dataDir: string): Promise<string[]> {
    const names = await readdir(join(dataDir, 'models')).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    });
    const store = createModelStore(dataDir);
    if (names.some((n) => n.startsWith('forecaster-'))) await tfReady();
    for (const name of names.filter((n) => n.startsWith('forecaster-'))) {
      const model = await loadForecaster(store, name);
      if (model !== undefined) this.#models.set(name, model);
    }
    return [...this.#models.keys()].sort();
  }

  detectorFor(labels: SeriesLabels): SeriesDetector {
    const model = this.#models.get(familyModelName(labels.__name__ ?? ''));
    // A gauge that legitimately rests (heap size, a pool's size) is not stuck when it stops moving.
    const meaning = meaningOf(labels);
    const statistical = meaning.stallMatters
      ? DEFAULT_ANOMALY.statistical
      : { ...DEFAULT_ANOMALY.statistical, stall: 0 };
    const detector = createAnomalyDetector({ statistical, ...(model === undefined ? {} : { learned: model }) });
    // A symptom's limit pages even when the detector is fatigued or suppressed by earlier alarms.
    return withLimit(detector, meaning.limit);
  }
}

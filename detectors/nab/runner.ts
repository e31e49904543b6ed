/**
 * Runs a streaming detector over a NAB-layout corpus and scores it. The detector is built per file with
 * settings fixed in advance (only NAB's probationary length, which NAB hands every detector), sees rows one
 * at a time in order, and never sees labels: windows are loaded separately and only the scorer reads them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeriesDetector } from '../series.ts';
import { readNabData, readWindowLabels, windowsToRows, NabFormatError } from './corpus.ts';
import type { NabFile } from './corpus.ts';
import { optimise, normalise, probationaryLength, PROFILES } from './scorer.ts';
import type { ProfileName, RowWindow, ScoredFile } from './scorer.ts';

export const DEFAULT_NAB_DIR = fileURLToPath(new URL('../../../shared/data/nab/', import.meta.url));

export interface CorpusFile {
  readonly file: NabFile;
  readonly windows: readonly RowWindow[];
}

export async function loadCorpus(
  dataDir = join(DEFAULT_NAB_DIR, 'data'),
  labelsFile = join(DEFAULT_NAB_DIR, 'labels', 'combined_windows.json'),
): Promise<CorpusFile[]> {
  const [files, labels] = await Promise.all([readNabData(dataDir), readWindowLabels(labelsFile)]);
  return files.map((file) => {
    const windows = labels[file.name];
    if (windows === undefined) throw new NabFormatError(`${file.name} has no entry in ${labelsFile}`);
    return { file, windows: windowsToRows(file, windows) };
  });
}

/**
 * The corpus as if every file began `rows` rows later: a robustness check. Windows move with the rows;
 * like NAB when it built the labels, a window that would now start in the probationary period is dropped.
 * A detector whose score swings with where the data happens to begin is tuned to luck, not to anomalies.
 */
export function offsetCorpus(corpus: readonly CorpusFile[], rows: number): CorpusFile[] {
  if (!Number.isInteger(rows) || rows < 0)
    throw new RangeError(`offset must be a whole number of rows, got ${String(rows)}`);
  return corpus.map(({ file, windows }) => {
    const kept = file.rows.slice(rows);
    const probationary = probationaryLength(kept.length);
    return {
      file: { name: file.name, rows: kept },
      windows: windows
        .map((w) => ({ start: w.start - rows, end: w.end - rows }))
        .filter((w) => w.start >= probationary),
    };
  });
}

/** What a NAB detector is told before it sees a file: how many rows it may learn from unscored. */
export interface NabDetectorSettings {
  readonly probationary: number;
}

export type NabDetectorFactory = (settings: NabDetectorSettings) => SeriesDetector;

export function runFile(file: NabFile, factory: NabDetectorFactory): Float64Array {
  const detector = factory({ probationary: probationaryLength(file.rows.length) });
  const scores = new Float64Array(file.rows.length);
  for (const [i, row] of file.rows.entries()) {
    const { score } = detector.update({ ts: row.ts, value: row.value });
    if (!(score >= 0 && score <= 1))
      throw new RangeError(`${file.name} row ${String(i)}: score ${String(score)} not in [0, 1]`);
    scores[i] = score;
  }
  return scores;
}

/** Writes `timestamp,value,anomaly_score` under `outDir`, in the data file's sub-folder and name. */
export async function writeResult(outDir: string, file: NabFile, scores: ArrayLike<number>): Promise<void> {
  const path = join(outDir, file.name);
  await mkdir(dirname(path), { recursive: true });
  const lines = file.rows.map((row, i) => `${row.timestamp},${String(row.value)},${String(scores[i] ?? 0)}`);
  await writeFile(path, `timestamp,value,anomaly_score\n${lines.join('\n')}\n`);
}

export interface CategoryScore {
  readonly files: number;
  readonly windows: number;
  /** Raw standard-profile score at the corpus threshold. */
  readonly raw: number;
  /** Normalised over the category's own windows (null when it has none: then raw is the FP cost). */
  readonly standard: number | null;
}

export interface CorpusScore {
  readonly standard: number;
  readonly reward_low_fp: number;
  readonly reward_low_fn: number;
  readonly thresholds: Readonly<Record<ProfileName, number>>;
  readonly categories: Readonly<Record<string, CategoryScore>>;
}

export function scoreCorpus(files: readonly ScoredFile[]): CorpusScore {
  const standard = optimise(files, PROFILES.standard);
  const lowFp = optimise(files, PROFILES.reward_low_fp);
  const lowFn = optimise(files, PROFILES.reward_low_fn);
  const groups = new Map<string, { files: number; windows: number; raw: number }>();
  for (const file of files) {
    const category = file.name.includes('/') ? file.name.slice(0, file.name.indexOf('/')) : '.';
    const group = groups.get(category) ?? { files: 0, windows: 0, raw: 0 };
    group.files += 1;
    group.windows += file.windows.length;
    group.raw += standard.perFile.get(file.name) ?? 0;
    groups.set(category, group);
  }
  const categories = Object.fromEntries(
    [...groups].map(([name, g]) => [
      name,
      { ...g, standard: g.windows > 0 ? normalise(g.raw, g.windows, PROFILES.standard) : null },
    ]),
  );
  return {
    standard: standard.score,
    reward_low_fp: lowFp.score,
    reward_low_fn: lowFn.score,
    thresholds: { standard: standard.threshold, reward_low_fp: lowFp.threshold, reward_low_fn: lowFn.threshold },
    categories,
  };
}

/**
 * `npm run bench -- nab [--data DIR --labels FILE --out DIR] [--quick] [--offsets N --step ROWS]
 * [--settings a,b]`: runs the anomaly detector over every file of a NAB-layout folder (default: the
 * development subset), writes NAB result CSVs under --out, and scores them with the TypeScript NAB scorer
 * (three profiles, per category). Then the settings of bench/nab/candidates.ts are judged by the protocol
 * (detectors/nab/README.md):
 *  - leave-one-category-out: for each category with windows the setting (among CHOICES) and the threshold
 *    are chosen on the others and the category is scored with them; every setting also alone;
 *  - at the alarm level: the default scored at its own alarm threshold, nothing chosen;
 *  - start offsets: everything again with the first k × --step rows (default 15) of every file dropped, for
 *    k < --offsets (default 8): means and spreads;
 *  - losses: where the default's points go (missed windows, lateness, false positives per category), at the
 *    alarm level and on each left-out category at its fold's threshold, means over the starts.
 * --quick scores every sixth file only, at one offset; --settings judges only those settings (and the
 * default). Scores are cached per setting, offset and file (bench/nab/cache.ts): a rerun scores what changed.
 */
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { createAnomalyDetector, DEFAULT_ANOMALY } from '../detectors/anomaly/index.ts';
import { tfReady } from '../detectors/tf/index.ts';
import { atFixedThreshold, leaveOneCategoryOut } from '../detectors/nab/protocol.ts';
import type { LeaveOneOutResult } from '../detectors/nab/protocol.ts';
import { lossesByCategory } from '../detectors/nab/losses.ts';
import type { Losses } from '../detectors/nab/losses.ts';
import { PROFILES } from '../detectors/nab/scorer.ts';
import {
  DEFAULT_NAB_DIR,
  loadCorpus,
  offsetCorpus,
  runFile,
  scoreCorpus,
  writeResult,
} from '../detectors/nab/runner.ts';
import type { CorpusFile } from '../detectors/nab/runner.ts';
import type { ScoredFile } from '../detectors/nab/scorer.ts';
import { cached, cacheKey, store } from './nab/cache.ts';
import { ABLATIONS, CHALLENGERS, CHOICES, DEFAULT_CANDIDATE } from './nab/candidates.ts';
import type { Candidate } from './nab/candidates.ts';
import { round } from './support/stats.ts';

const argsSchema = z.object({
  data: z.string().min(1).default(join(DEFAULT_NAB_DIR, 'data')),
  labels: z
    .string()
    .min(1)
    .default(join(DEFAULT_NAB_DIR, 'labels', 'combined_windows.json')),
  out: z.string().min(1).optional(),
  quick: z.boolean().default(false),
  offsets: z.coerce.number().int().min(1).max(100).default(8),
  step: z.coerce.number().int().min(1).max(10_000).default(15),
  /** Comma-separated setting names to judge (the default always): a rerun of a few settings only. */
  settings: z.string().optional(),
});

function parseArgs(args: readonly string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2);
    if (name === 'quick') raw.quick = true;
    else {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      raw[name] = value;
      i++;
    }
  }
  return argsSchema.strict().parse(raw);
}

export default async function nab(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  const out = options.out ?? (await mkdtemp(join(tmpdir(), 'nab-results-')));
  let corpus = await loadCorpus(options.data, options.labels);
  if (options.quick) corpus = corpus.filter((_, i) => i % 6 === 0);
  const backend = await tfReady();
  const started = performance.now();
  const scored = await run(corpus, DEFAULT_CANDIDATE, 0);
  for (const [i, { file }] of corpus.entries()) await writeResult(out, file, scored[i]?.scores ?? []);
  const seconds = (performance.now() - started) / 1000;
  const result = scoreCorpus(scored);
  const offsets = Array.from({ length: options.quick ? 1 : options.offsets }, (_, k) => k * options.step);
  const standard: number[] = [];
  const fixed: number[] = [];
  const loco: LeaveOneOutResult[] = [];
  // Where the default's points go, per start: at its alarm level, and on each left-out category at the
  // threshold its fold chose (the difference is what the fitted threshold costs out of sample).
  const atAlarm: Record<string, Losses>[] = [];
  const atFold: Record<string, Losses>[] = [];
  const only = options.settings?.split(',');
  const judged = [...CHOICES, ...CHALLENGERS, ...ABLATIONS].filter(
    (c) => c === DEFAULT_CANDIDATE || only === undefined || only.includes(c.name),
  );
  // Each setting alone (only the threshold chosen on the other categories), per offset.
  const alone = judged.map(() => ({ standard: [] as number[], loco: [] as number[] }));
  for (const rows of offsets) {
    const shifted = offsetCorpus(corpus, rows);
    const runs: ScoredFile[][] = [];
    for (const candidate of judged) runs.push(await run(shifted, candidate, rows));
    const shipped = runs[judged.indexOf(DEFAULT_CANDIDATE)];
    if (shipped !== undefined) {
      standard.push(scoreCorpus(shipped).standard);
      fixed.push(atFixedThreshold(shipped, DEFAULT_ANOMALY.alarm));
    }
    loco.push(leaveOneCategoryOut(runs.filter((_, i) => CHOICES.includes(judged[i] ?? DEFAULT_CANDIDATE))));
    if (shipped !== undefined) {
      const lossOptions = {
        profile: PROFILES.standard,
        hiddenAt: DEFAULT_ANOMALY.alarm,
        hiddenRows: DEFAULT_ANOMALY.suppress,
      };
      atAlarm.push(lossesByCategory(shipped, { ...lossOptions, threshold: DEFAULT_ANOMALY.alarm }));
      atFold.push(
        Object.fromEntries(
          (loco.at(-1)?.folds ?? []).map((f) => [
            f.category,
            lossesByCategory(shipped, { ...lossOptions, threshold: f.threshold })[f.category],
          ]),
        ) as Record<string, Losses>,
      );
    }
    for (const [c, files] of runs.entries()) {
      alone[c]?.standard.push(scoreCorpus(files).standard);
      alone[c]?.loco.push(leaveOneCategoryOut([files]).standard);
    }
    process.stderr.write(`offset ${String(rows)}: standard ${String(round(standard.at(-1) ?? NaN, 2))}, `);
    process.stderr.write(`leave-one-category-out ${String(round(loco.at(-1)?.standard ?? NaN, 2))}, `);
    process.stderr.write(`at the alarm level ${String(round(fixed.at(-1) ?? NaN, 2))}\n`);
  }
  const categories = Object.fromEntries(
    Object.entries(result.categories).map(([name, c]) => [
      name,
      {
        files: c.files,
        windows: c.windows,
        raw: round(c.raw),
        standard: c.standard === null ? null : round(c.standard, 2),
      },
    ]),
  );
  process.stderr.write(`results in ${out}; thresholds ${JSON.stringify(result.thresholds)}\n`);
  const atStart = loco[0];
  return {
    bench: 'nab',
    standard: round(result.standard, 2),
    reward_low_fp: round(result.reward_low_fp, 2),
    reward_low_fn: round(result.reward_low_fn, 2),
    categories,
    files: corpus.length,
    rows: scored.reduce((n, f) => n + f.scores.length, 0),
    seconds: round(seconds, 2),
    tf_backend: backend,
    folds: atStart?.folds.map((f) => ({
      category: f.category,
      chosen: judged.filter((c) => CHOICES.includes(c))[f.chosen]?.name,
      threshold: round(f.threshold, 4),
      train: round(f.train, 2),
      held_out: round(f.heldOut, 2),
      held_out_over_offsets: summary(loco.map((l) => l.folds.find((g) => g.category === f.category)?.heldOut ?? NaN)),
    })),
    offsets: {
      rows: offsets,
      standard: summary(standard),
      leave_one_category_out: summary(loco.map((l) => l.standard)),
      fixed_threshold: summary(fixed),
    },
    candidates: judged.map((c, i) => ({
      name: c.name,
      offered: CHOICES.includes(c),
      standard: summary(alone[i]?.standard ?? []),
      leave_one_category_out: summary(alone[i]?.loco ?? []),
    })),
    losses: {
      at_alarm_level: meanLosses(atAlarm),
      left_out_at_fold_threshold: meanLosses(atFold),
    },
    fixed_threshold: round(fixed[0] ?? Number.NaN, 2),
    leave_one_category_out: round(atStart?.standard ?? Number.NaN, 2),
    offset_mean: summary(standard).mean,
  };
}

async function run(corpus: readonly CorpusFile[], candidate: Candidate, offset: number): Promise<ScoredFile[]> {
  const scored: ScoredFile[] = [];
  for (const { file, windows } of corpus) {
    const key = await cacheKey(
      candidate.options,
      offset,
      file.name,
      file.rows.map((r) => r.value),
    );
    let scores = await cached(key, file.rows.length);
    if (scores === undefined) {
      scores = runFile(file, ({ probationary }) =>
        createAnomalyDetector({ ...candidate.options, warmup: probationary }),
      );
      await store(key, scores);
    }
    scored.push({ name: file.name, scores, windows });
  }
  return scored;
}

/** Per category, the mean over the starts of each loss (counts and points of the 100). */
function meanLosses(perStart: readonly Record<string, Losses>[]): Record<string, Record<string, number>> {
  const mean = (pick: (l: Losses) => number, category: string) =>
    round(
      perStart.reduce((sum, l) => sum + (l[category] === undefined ? 0 : pick(l[category])), 0) / perStart.length,
      2,
    );
  const categories = [...new Set(perStart.flatMap((l) => Object.keys(l)))];
  return Object.fromEntries(
    categories.map((c) => [
      c,
      {
        windows: mean((l) => l.windows, c),
        missed: mean((l) => l.missed, c),
        missed_after_alarm: mean((l) => l.missedAfterAlarm, c),
        false_positives: mean((l) => l.falsePositives, c),
        points_missed: mean((l) => l.points.missed, c),
        points_late: mean((l) => l.points.late, c),
        points_false_positives: mean((l) => l.points.falsePositives, c),
      },
    ]),
  );
}

function summary(values: readonly number[]): { values: number[]; mean: number; min: number; max: number } {
  return {
    values: values.map((v) => round(v, 2)),
    mean: round(values.reduce((a, b) => a + b, 0) / values.length, 2),
    min: round(Math.min(...values), 2),
    max: round(Math.max(...values), 2),
  };
}

/**
 * `npm run bench -- nab [--data DIR --labels FILE --out DIR] [--quick] [--offsets N --step ROWS]`: runs
 * the combined anomaly detector over every file of a NAB-layout folder (default: the development subset),
 * writes NAB result CSVs under --out, and scores them with the TypeScript NAB scorer. --quick scores every
 * sixth file only. --offsets N (default 1) scores the corpus N times more, each time with the first
 * k × --step rows (default 15) of every file dropped, and reports the spread of the standard score: how
 * much of a result is where the data happens to begin.
 */
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { createAnomalyDetector } from '../detectors/anomaly/index.ts';
import { tfReady } from '../detectors/tf/index.ts';
import {
  DEFAULT_NAB_DIR,
  loadCorpus,
  offsetCorpus,
  runFile,
  scoreCorpus,
  writeResult,
} from '../detectors/nab/runner.ts';
import type { CorpusFile } from '../detectors/nab/runner.ts';
import { round } from './support/stats.ts';

const argsSchema = z.object({
  data: z.string().min(1).default(join(DEFAULT_NAB_DIR, 'data')),
  labels: z
    .string()
    .min(1)
    .default(join(DEFAULT_NAB_DIR, 'labels', 'combined_windows.json')),
  out: z.string().min(1).optional(),
  quick: z.boolean().default(false),
  offsets: z.coerce.number().int().min(1).max(100).default(1),
  step: z.coerce.number().int().min(1).max(10_000).default(15),
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
  const scored = run(corpus);
  for (const [i, { file }] of corpus.entries()) await writeResult(out, file, scored[i]?.scores ?? []);
  const seconds = (performance.now() - started) / 1000;
  const result = scoreCorpus(scored);
  const offsets = Array.from({ length: options.offsets - 1 }, (_, k) => (k + 1) * options.step);
  const shifted = offsets.map((rows) => scoreCorpus(run(offsetCorpus(corpus, rows))).standard);
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
    ...(offsets.length === 0 ? {} : { offsets: spread([0, ...offsets], [result.standard, ...shifted]) }),
  };
}

function run(corpus: readonly CorpusFile[]): { name: string; scores: Float64Array; windows: CorpusFile['windows'] }[] {
  return corpus.map(({ file, windows }) => ({
    name: file.name,
    scores: runFile(file, ({ probationary }) => createAnomalyDetector({ warmup: probationary, learned: 'self' })),
    windows,
  }));
}

function spread(rows: readonly number[], standard: readonly number[]): Record<string, unknown> {
  const mean = standard.reduce((a, b) => a + b, 0) / standard.length;
  return {
    rows,
    standard: standard.map((s) => round(s, 2)),
    mean: round(mean, 2),
    min: round(Math.min(...standard), 2),
    max: round(Math.max(...standard), 2),
  };
}

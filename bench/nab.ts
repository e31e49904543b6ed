/**
 * `npm run bench -- nab [--data DIR --labels FILE --out DIR] [--quick]`: runs the combined anomaly
 * detector over every file of a NAB-layout folder (default: the development subset), writes NAB result
 * CSVs under --out, and scores them with the TypeScript NAB scorer. --quick scores the first 6 files only.
 */
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { createAnomalyDetector } from '../detectors/anomaly/index.ts';
import { tfReady } from '../detectors/tf/index.ts';
import { DEFAULT_NAB_DIR, loadCorpus, runFile, scoreCorpus, writeResult } from '../detectors/nab/runner.ts';
import { round } from './support/stats.ts';

const argsSchema = z.object({
  data: z.string().min(1).default(join(DEFAULT_NAB_DIR, 'data')),
  labels: z.string().min(1).default(join(DEFAULT_NAB_DIR, 'labels', 'combined_windows.json')),
  out: z.string().min(1).optional(),
  quick: z.boolean().default(false),
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
  const scored = [];
  for (const { file, windows } of corpus) {
    const scores = runFile(file, ({ probationary }) => createAnomalyDetector({ warmup: probationary, learned: 'self' }));
    await writeResult(out, file, scores);
    scored.push({ name: file.name, scores, windows });
  }
  const seconds = (performance.now() - started) / 1000;
  const result = scoreCorpus(scored);
  const categories = Object.fromEntries(
    Object.entries(result.categories).map(([name, c]) => [
      name,
      { files: c.files, windows: c.windows, raw: round(c.raw), standard: c.standard === null ? null : round(c.standard, 2) },
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
  };
}

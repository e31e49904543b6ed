/**
 * `npm run bench -- nab-synthetic [--seeds 1-5] [--files 3] [--settings a,b] [--generators a,b]`: the
 * anomaly detector on the seeded generators of bench/nab-synthetic/generators.ts (bursty counts,
 * heavy-tailed latencies, a sparse hourly business metric, a Gaussian control), scored with the project's
 * NAB scorer. Per generator and seed, one corpus of --files files; its standard threshold is chosen on that
 * corpus, as NAB does. Also, at the detector's own alarm level (0.5): false positives per 5,000 scored rows
 * (alerting rows outside windows), windows found, and which view raised the false positives. Means and
 * spreads over the seeds, and each setting's difference to the default paired by seed (the same files).
 * Settings: the default and the bench/nab/candidates.ts CHALLENGERS and ABLATIONS named in --settings;
 * --generators a,b runs only those generators.
 */
import { z } from 'zod';
import { createAnomalyDetector, DEFAULT_ANOMALY } from '../detectors/anomaly/index.ts';
import type { CorpusFile } from '../detectors/nab/runner.ts';
import { scoreCorpus } from '../detectors/nab/runner.ts';
import { probationaryLength } from '../detectors/nab/scorer.ts';
import { ABLATIONS, CHALLENGERS, DEFAULT_CANDIDATE } from './nab/candidates.ts';
import type { Candidate } from './nab/candidates.ts';
import { generateFile, GENERATORS } from './nab-synthetic/generators.ts';
import { round } from './support/stats.ts';

const argsSchema = z
  .object({
    seeds: z
      .string()
      .regex(/^\d+-\d+$/)
      .default('1-5'),
    files: z.coerce.number().int().min(1).max(20).default(3),
    settings: z.string().optional(),
    generators: z.string().optional(),
  })
  .strict();

function parseArgs(args: readonly string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag = '', value] = [args[i], args[i + 1]];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`expected --name value, got ${flag}`);
    raw[flag.slice(2)] = value;
  }
  return argsSchema.parse(raw);
}

interface SeedResult {
  readonly standard: number;
  readonly fpPer5000: number;
  readonly found: number;
  readonly windows: number;
  readonly fpViews: Record<string, number>;
}

function runCorpus(corpus: readonly CorpusFile[], candidate: Candidate): SeedResult {
  const scored = [];
  let falsePositives = 0;
  let judgedRows = 0;
  let found = 0;
  let windows = 0;
  const fpViews: Record<string, number> = {};
  for (const { file, windows: w } of corpus) {
    const probationary = probationaryLength(file.rows.length);
    const detector = createAnomalyDetector({ ...candidate.options, warmup: probationary });
    const scores = new Float64Array(file.rows.length);
    const hit = new Set<number>();
    for (const [i, row] of file.rows.entries()) {
      const verdict = detector.update({ ts: row.ts, value: row.value });
      scores[i] = verdict.score;
      if (i < probationary || verdict.score < DEFAULT_ANOMALY.alarm) continue;
      const inside = w.findIndex((win) => i >= win.start && i <= win.end);
      if (inside >= 0) hit.add(inside);
      else {
        falsePositives += 1;
        const view = verdict.fired[0] ?? 'none';
        fpViews[view] = (fpViews[view] ?? 0) + 1;
      }
    }
    judgedRows += file.rows.length - probationary;
    found += hit.size;
    windows += w.length;
    scored.push({ name: file.name, scores, windows: w });
  }
  return {
    standard: scoreCorpus(scored).standard,
    fpPer5000: (5000 * falsePositives) / judgedRows,
    found,
    windows,
    fpViews,
  };
}

function summary(values: readonly number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return {
    mean: round(mean, 2),
    sd: round(sd, 2),
    min: round(Math.min(...values), 2),
    max: round(Math.max(...values), 2),
  };
}

export default async function nabSynthetic(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  const [from = 1, to = 5] = options.seeds.split('-').map(Number);
  const seeds = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  const names = options.settings?.split(',') ?? [];
  const candidates = [DEFAULT_CANDIDATE, ...[...CHALLENGERS, ...ABLATIONS].filter((c) => names.includes(c.name))];
  const generators = GENERATORS.filter((g) => options.generators?.split(',').includes(g.name) ?? true);
  const results = [];
  for (const generator of generators) {
    const corpora = seeds.map((seed) =>
      Array.from({ length: options.files }, (_, i) => generateFile(generator, seed, i)),
    );
    let baseline: SeedResult[] = [];
    for (const candidate of candidates) {
      const perSeed = corpora.map((corpus) => runCorpus(corpus, candidate));
      if (candidate === DEFAULT_CANDIDATE) baseline = perSeed;
      const fpViews: Record<string, number> = {};
      for (const r of perSeed) for (const [v, n] of Object.entries(r.fpViews)) fpViews[v] = (fpViews[v] ?? 0) + n;
      const row = {
        generator: generator.name,
        setting: candidate.name,
        standard: summary(perSeed.map((r) => r.standard)),
        fp_per_5000: summary(perSeed.map((r) => r.fpPer5000)),
        // Paired by seed (the same files): the difference to the default is what a change is judged by.
        standard_vs_default: summary(perSeed.map((r, i) => r.standard - (baseline[i]?.standard ?? NaN))),
        windows_found: perSeed.reduce((n, r) => n + r.found, 0),
        windows: perSeed.reduce((n, r) => n + r.windows, 0),
        fp_by_view: fpViews,
      };
      process.stderr.write(`${JSON.stringify(row)}\n`);
      results.push(row);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { bench: 'nab-synthetic', seeds, files_per_corpus: options.files, results };
}

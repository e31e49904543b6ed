/**
 * `node bench/alert-storm/compare.ts [--seeds 1,2,3,4,5] [--generators kubernetes,fleet,market] [--setting JSON]
 * [--per-storm] [--jitter MS]`:
 * one correlation setting (the `correlation` config block as JSON, default: the defaults) replayed in-process
 * (replay.ts) on every storm of the given seeds and generators; prints purity and completeness per generator
 * as min-max (mean), and the means over all storms; `--per-storm` also one JSON line per storm (for paired
 * comparisons). `--jitter`: each send processed up to MS of event time late (replay.ts `jittered`), the order
 * a loaded platform takes a storm compressed to seconds in. Choose settings on tuning seeds (1-5, tune.ts);
 * replay the held-out seeds (11-20) only to report a setting already chosen.
 */
import { z } from 'zod';
import type { AlertsConfigInput } from '../../platform/alerts/config/schema.ts';
import { replay } from './replay.ts';
import type { Scores } from './score.ts';
import { generateStorm, generatorNames } from './storms/storm.ts';

const value = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const args = z
  .object({
    seeds: z.array(z.coerce.number().int().min(0)).min(1),
    generators: z.array(z.enum(generatorNames)).min(1),
    setting: z.record(z.string(), z.unknown()),
    jitter: z.coerce.number().min(0).max(3_600_000),
  })
  .parse({
    seeds: (value('seeds') ?? '1,2,3,4,5').split(','),
    generators: (value('generators') ?? 'kubernetes,fleet,market').split(','),
    setting: JSON.parse(value('setting') ?? '{}') as unknown,
    jitter: value('jitter') ?? 0,
  });
const setting = args.setting as AlertsConfigInput['correlation'];

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const spread = (xs: readonly number[]): string =>
  `${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)} (${mean(xs).toFixed(3)})`;
const all: Scores[] = [];
for (const g of args.generators) {
  const rs = args.seeds.map((seed) => {
    const r = replay(generateStorm(g, seed), setting, args.jitter);
    if (process.argv.includes('--per-storm'))
      process.stdout.write(`${JSON.stringify({ storm: `${g}-${String(seed)}`, ...r })}\n`);
    return r;
  });
  all.push(...rs);
  process.stdout.write(
    `${g}: purity ${spread(rs.map((r) => r.purity))} completeness ${spread(rs.map((r) => r.completeness))} ` +
      `incidents ${mean(rs.map((r) => r.incidents)).toFixed(1)} noise merged ${mean(rs.map((r) => r.noiseMerged)).toFixed(1)}\n`,
  );
}
const p = mean(all.map((r) => r.purity));
const c = mean(all.map((r) => r.completeness));
process.stdout.write(`all: purity ${p.toFixed(3)} completeness ${c.toFixed(3)} sum ${(p + c).toFixed(3)}\n`);

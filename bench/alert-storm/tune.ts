/**
 * `node bench/alert-storm/tune.ts [--seeds 1,2,3,4,5]`: the settings search on tuning seeds of the tuning
 * generators, replayed in-process (replay.ts); the bench reports on held-out seeds (11-20), never used here.
 * Prints one line per setting: mean and worst purity, mean completeness, incidents and merged noise. The
 * defaults maximise mean purity plus mean completeness over the tuning storms. This round's grid: the weight
 * of traced failures, the factor against an incident naming none of them, and the join threshold.
 */
import { replay } from './replay.ts';
import { generateStorm, tuningGenerators } from './storms/storm.ts';

const i = process.argv.indexOf('--seeds');
const seeds = (i >= 0 ? (process.argv[i + 1] ?? '') : '1,2,3,4,5').split(',').map(Number);
const storms = tuningGenerators.flatMap((g) => seeds.map((seed) => generateStorm(g, seed)));
for (const threshold of [0.9, 1, 1.25])
  for (const traced of [0, 0.5, 1])
    for (const foreignFailure of [1, 0.7, 0.5, 0.3]) {
      const setting = { threshold, traced_weight: traced, foreign_failure: foreignFailure };
      const rs = storms.map((s) => replay(s, setting));
      const mean = (f: (r: (typeof rs)[number]) => number): number => rs.reduce((a, r) => a + f(r), 0) / rs.length;
      const worst = Math.min(...rs.map((r) => r.purity)).toFixed(3);
      const p = mean((r) => r.purity);
      const c = mean((r) => r.completeness);
      process.stdout.write(
        `threshold ${String(threshold)} traced ${String(traced)} foreign_failure ${String(foreignFailure)}: ` +
          `purity ${p.toFixed(3)} (worst ${worst}) completeness ${c.toFixed(3)} sum ${(p + c).toFixed(3)} ` +
          `incidents ${mean((r) => r.incidents).toFixed(1)} noise merged ${mean((r) => r.noiseMerged).toFixed(1)}\n`,
      );
    }

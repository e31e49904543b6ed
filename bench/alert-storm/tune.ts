/**
 * `node bench/alert-storm/tune.ts [--seeds 1,2,3,4,5]`: the settings search on tuning seeds of the tuning
 * generators, replayed in-process (replay.ts); the bench reports on held-out seeds (11-20), never used here.
 * Prints one line per setting: mean and worst purity, mean completeness, incidents and merged noise. The
 * defaults maximise mean purity plus mean completeness over the tuning storms. This round's grid (the fifth):
 * how long after an incident's onset a join needs a traced path between the alert's services and the
 * incident's (0: never), whether merges need one, and how many calls make a path.
 */
import { replay } from './replay.ts';
import { generateStorm, tuningGenerators } from './storms/storm.ts';

const i = process.argv.indexOf('--seeds');
const seeds = (i >= 0 ? (process.argv[i + 1] ?? '') : '1,2,3,4,5').split(',').map(Number);
const storms = tuningGenerators.flatMap((g) => seeds.map((seed) => generateStorm(g, seed)));
for (const after of [0, 30_000, 60_000, 120_000])
  for (const merges of [false, true])
    for (const hops of after === 0 && !merges ? [2] : [1, 2, 3]) {
      const setting = { apart_after: after, apart_merges: merges, apart_hops: hops };
      const rs = storms.map((s) => replay(s, setting));
      const mean = (f: (r: (typeof rs)[number]) => number): number => rs.reduce((a, r) => a + f(r), 0) / rs.length;
      const worst = Math.min(...rs.map((r) => r.purity)).toFixed(3);
      const p = mean((r) => r.purity);
      const c = mean((r) => r.completeness);
      process.stdout.write(
        `apart_after ${String(after)} merges ${String(merges)} hops ${String(hops)}: ` +
          `purity ${p.toFixed(3)} (worst ${worst}) completeness ${c.toFixed(3)} sum ${(p + c).toFixed(3)} ` +
          `incidents ${mean((r) => r.incidents).toFixed(1)} noise merged ${mean((r) => r.noiseMerged).toFixed(1)}\n`,
      );
    }

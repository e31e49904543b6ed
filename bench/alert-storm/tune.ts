/**
 * `node bench/alert-storm/tune.ts [--seeds 1,2,3,4,5]`: the settings search on tuning seeds of every
 * generator, replayed in-process (replay.ts); the bench reports on held-out seeds (11-20), never used here.
 * Prints one line per setting: mean and worst purity, mean completeness, incidents and merged noise. The
 * defaults maximise mean purity plus mean completeness over the tuning storms.
 */
import { replay } from './replay.ts';
import { generateStorm, tuningGenerators } from './storms/storm.ts';

const i = process.argv.indexOf('--seeds');
const seeds = (i >= 0 ? (process.argv[i + 1] ?? '') : '1,2,3,4,5').split(',').map(Number);
const storms = tuningGenerators.flatMap((g) => seeds.map((seed) => generateStorm(g, seed)));
for (const threshold of [1.5, 2, 2.5])
  for (const mergeOnset of ['0s', '30s', '1m', '2m'])
    for (const graphWeight of [0.5, 1]) {
      const rs = storms.map((s) => replay(s, { threshold, merge_onset: mergeOnset, graph_weight: graphWeight }));
      const mean = (f: (r: (typeof rs)[number]) => number): string =>
        (rs.reduce((a, r) => a + f(r), 0) / rs.length).toFixed(3);
      const worst = Math.min(...rs.map((r) => r.purity)).toFixed(3);
      process.stdout.write(
        `threshold ${String(threshold)} merge ${mergeOnset} graph ${String(graphWeight)}: purity ${mean((r) => r.purity)} ` +
          `(worst ${worst}) completeness ${mean((r) => r.completeness)} incidents ${mean((r) => r.incidents)} ` +
          `noise merged ${mean((r) => r.noiseMerged)}\n`,
      );
    }

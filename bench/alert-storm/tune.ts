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
for (const threshold of [0.8, 0.9, 1, 1.1, 1.25, 1.5, 2])
  for (const foreignSymptom of [1, 0.7, 0.6, 0.5, 0.4])
    for (const mergeOnset of ['0s', '30s', '1m', '2m']) {
      const rs = storms.map((s) => replay(s, { threshold, foreign_symptom: foreignSymptom, merge_onset: mergeOnset }));
      const mean = (f: (r: (typeof rs)[number]) => number): string =>
        (rs.reduce((a, r) => a + f(r), 0) / rs.length).toFixed(3);
      const worst = Math.min(...rs.map((r) => r.purity)).toFixed(3);
      process.stdout.write(
        `threshold ${String(threshold)} foreign ${String(foreignSymptom)} merge ${mergeOnset}: purity ${mean((r) => r.purity)} ` +
          `(worst ${worst}) completeness ${mean((r) => r.completeness)} incidents ${mean((r) => r.incidents)} ` +
          `noise merged ${mean((r) => r.noiseMerged)}\n`,
      );
    }

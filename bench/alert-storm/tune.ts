/**
 * `node bench/alert-storm/tune.ts`: the settings search. Tuning seeds 1 and 2 of every generator, replayed
 * in-process (replay.ts); the bench reports on seeds 11-13, never used here. Prints one line per setting:
 * mean and worst purity, mean completeness, incidents and merged noise. The defaults maximise mean purity plus
 * mean completeness over these six storms.
 */
import { replay } from './replay.ts';
import { generateStorm, generators, type GeneratorName } from './storms/storm.ts';

const storms = (Object.keys(generators) as GeneratorName[]).flatMap((g) =>
  [1, 2].map((seed) => generateStorm(g, seed)),
);
for (const threshold of [1.5, 2, 2.5])
  for (const decay of ['45s', '1m', '90s'])
    for (const symptomWeight of [0, 0.5, 1])
      for (const background of [10, 30]) {
        const rs = storms.map((s) => replay(s, { threshold, decay, symptom_weight: symptomWeight, background }));
        const mean = (f: (r: (typeof rs)[number]) => number): string =>
          (rs.reduce((a, r) => a + f(r), 0) / rs.length).toFixed(3);
        const worst = Math.min(...rs.map((r) => r.purity)).toFixed(3);
        process.stdout.write(
          `threshold ${String(threshold)} decay ${decay} symptom ${String(symptomWeight)} ` +
            `background ${String(background)}: purity ${mean((r) => r.purity)} ` +
            `(worst ${worst}) completeness ${mean((r) => r.completeness)} incidents ${mean((r) => r.incidents)} ` +
            `noise merged ${mean((r) => r.noiseMerged)}\n`,
        );
      }

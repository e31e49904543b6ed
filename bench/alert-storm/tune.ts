/**
 * `node bench/alert-storm/tune.ts [--seeds 1,2,3,4,5]`: the settings search on tuning seeds of the tuning
 * generators, replayed in-process (replay.ts); the bench reports on held-out seeds (11-20), never used here.
 * Prints one line per setting: mean and worst purity, mean completeness, incidents and merged noise. The
 * defaults maximise mean purity plus mean completeness over the tuning storms. This round's grid (seventh,
 * experimental switches read from the environment, removed in the next commit): incident spread (`X_SPREAD`),
 * relations learned from alerts naming two entities (`X_REL` weight, `X_FLOOR` minimum strength), a label's
 * values to be context (`X_CMV`), merges only at a share of the best score (`X_MR`), late joins on owned
 * values (`X_OWN` time constant), values one alert of a larger incident named (`X_LONE`, `X_LONEN`).
 */
import { replay } from './replay.ts';
import { generateStorm } from './storms/storm.ts';

const i = process.argv.indexOf('--seeds');
const seeds = (i >= 0 ? (process.argv[i + 1] ?? '') : '1,2,3,4,5').split(',').map(Number);
const storms = (['kubernetes', 'fleet', 'market', 'datacenter'] as const).flatMap((g) =>
  seeds.map((seed) => generateStorm(g, seed)),
);
const grid: [Record<string, string>, Record<string, number>][] = [
  [{}, {}],
  [{ X_SPREAD: '1' }, {}],
  [{ X_SPREAD: '1' }, { threshold: 0.85 }],
  [{ X_SPREAD: '1' }, { threshold: 0.7 }],
  [{ X_REL: '1' }, {}],
  [{ X_REL: '0.5' }, {}],
  [{ X_REL: '1', X_FLOOR: '0.5' }, {}],
  [{ X_REL: '1' }, { threshold: 1.25 }],
  [{ X_REL: '1' }, { threshold: 1.5 }],
  [{ X_REL: '1', X_SPREAD: '1' }, {}],
  [{ X_CMV: '9' }, {}],
  [{ X_CMV: '12' }, {}],
  [{ X_MR: '0.5' }, {}],
  [{ X_MR: '0.8' }, {}],
  [{ X_OWN: '300000' }, {}],
  [{ X_OWN: '150000' }, {}],
  [{ X_LONE: '0.5', X_LONEN: '2' }, {}],
  [{ X_LONE: '0.5', X_LONEN: '3' }, {}],
];
const switches = ['X_SPREAD', 'X_REL', 'X_FLOOR', 'X_CMV', 'X_MR', 'X_OWN', 'X_LONE', 'X_LONEN'];
for (const [env, setting] of grid) {
  for (const k of switches) delete process.env[k];
  Object.assign(process.env, env);
  const rs = storms.map((s) => replay(s, setting));
  const mean = (f: (r: (typeof rs)[number]) => number): number => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  const worst = Math.min(...rs.map((r) => r.purity)).toFixed(3);
  const p = mean((r) => r.purity);
  const c = mean((r) => r.completeness);
  process.stdout.write(
    `${JSON.stringify(env)} ${JSON.stringify(setting)}: purity ${p.toFixed(3)} (worst ${worst}) ` +
      `completeness ${c.toFixed(3)} sum ${(p + c).toFixed(3)} incidents ${mean((r) => r.incidents).toFixed(1)} ` +
      `noise merged ${mean((r) => r.noiseMerged).toFixed(1)}\n`,
  );
}

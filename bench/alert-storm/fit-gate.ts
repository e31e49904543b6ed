/**
 * `node bench/alert-storm/fit-gate.ts [--seeds 1,2,3,4,5]`: fits the join gate's model
 * (platform/alerts/correlation/join-gate.ts) on the tuning storms. Each storm is replayed with the gate off;
 * every join the correlator weighs is labelled right when the incident's majority (at that moment) is the
 * alert's own cause. Prints the model to paste as `fittedJoinModel`, and the area under the ROC curve of the
 * model and of the score alone on the same joins. Held-out seeds (11-20) are never used here.
 */
import {
  featureVector,
  fitJoinModel,
  plausibility,
  type JoinFeatures,
} from '../../platform/alerts/correlation/join-gate.ts';
import { fingerprintOf } from '../../platform/alerts/fingerprint.ts';
import { replay } from './replay.ts';
import { generateStorm, tuningGenerators } from './storms/storm.ts';

const i = process.argv.indexOf('--seeds');
const seeds = (i >= 0 ? (process.argv[i + 1] ?? '') : '1,2,3,4,5').split(',').map(Number);
const joins: { features: JoinFeatures; x: number[]; right: boolean }[] = [];
for (const g of tuningGenerators)
  for (const seed of seeds) {
    const storm = generateStorm(g, seed);
    const cause = new Map(storm.alerts.map((a) => [fingerprintOf(a.labels), a.cause]));
    replay(storm, { join_gate: 0 }, (fingerprint, incident, features) => {
      const own = cause.get(fingerprint);
      const same = [...incident.alerts.keys()].filter((fp) => cause.get(fp) === own).length;
      joins.push({ features, x: featureVector(features), right: same * 2 > incident.alerts.size });
    });
  }

/** Probability that a right join is rated above a wrong one. */
function auc(rated: readonly number[], right: readonly boolean[]): number {
  const order = rated.map((r, k) => [r, k] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let positives = 0;
  order.forEach(([, k], rank) => {
    if (right[k] === true) {
      rankSum += rank;
      positives++;
    }
  });
  const negatives = right.length - positives;
  return (rankSum - (positives * (positives - 1)) / 2) / (positives * negatives);
}

const model = fitJoinModel(joins);
const right = joins.map((j) => j.right);
const round = (x: number): number => Math.round(x * 10_000) / 10_000;
process.stdout.write(
  `joins ${String(joins.length)}, right ${String(right.filter(Boolean).length)}; ` +
    `AUC model ${auc(
      joins.map((j) => plausibility(j.features, model)),
      right,
    ).toFixed(3)}, score alone ${auc(
      joins.map((j) => j.features.score),
      right,
    ).toFixed(3)}\n` +
    `${JSON.stringify({
      mean: model.mean.map(round),
      scale: model.scale.map(round),
      weights: model.weights.map(round),
      bias: round(model.bias),
    })}\n`,
);

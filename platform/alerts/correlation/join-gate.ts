import type { Incident } from '../model.ts';

/**
 * How plausible a join is: the best incident an alert passes the threshold for is sometimes another cause's,
 * reached through a pod or node the two share by chance. A logistic model over what the correlator knows
 * of the decision (no label names, no values: nothing of a vocabulary) rates it; a join rated under the gate
 * opens an incident instead. The model is fitted by `bench/alert-storm/fit-gate.ts` on the tuning storms.
 */
export interface JoinFeatures {
  /** The join score (decayed) and the time since the incident's onset and since its latest alert. */
  readonly score: number;
  readonly sinceOnsetS: number;
  readonly sinceLastS: number;
  /** The incident never showed the alert's symptom. */
  readonly newSymptom: boolean;
  /** Labels naming an entity in the evidence, the strongest term, the symptom's term. */
  readonly entities: number;
  readonly strongest: number;
  readonly symptom: number;
  /** A traced call is part of the evidence. */
  readonly traced: boolean;
  /** The largest share, in the incident, of a value the alert names. */
  readonly topShare: number;
  readonly incidentSize: number;
  /** Incidents the alert passes for; the runner-up's score over the best (0: none). */
  readonly candidates: number;
  readonly runnerUp: number;
  /** Labels of the alert that are not context. */
  readonly labels: number;
}

/** Told of each join the entity correlator weighs, with the incident as it is then (to fit the model). */
export type JoinObserver = (fingerprint: string, incident: Incident, features: JoinFeatures) => void;

export interface JoinModel {
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
}

export function featureVector(f: JoinFeatures): number[] {
  return [
    Math.log(Math.max(f.score, 1e-6)),
    f.sinceOnsetS,
    f.newSymptom ? 1 : 0,
    f.entities,
    f.strongest,
    f.traced ? 1 : 0,
    Math.log1p(f.incidentSize),
    f.candidates,
    f.runnerUp,
    f.symptom,
    f.topShare,
    f.sinceLastS,
    f.labels,
  ];
}

/** Probability that the join puts the alert with its own cause. */
export function plausibility(f: JoinFeatures, model: JoinModel = fittedJoinModel): number {
  const x = featureVector(f);
  let z = model.bias;
  x.forEach((v, i) => {
    z += ((v - (model.mean[i] ?? 0)) / (model.scale[i] ?? 1)) * (model.weights[i] ?? 0);
  });
  return 1 / (1 + Math.exp(-z));
}

/** Logistic regression by gradient descent on standardised features, with a small L2 penalty. */
export function fitJoinModel(
  samples: readonly { x: readonly number[]; right: boolean }[],
  iterations = 3000,
): JoinModel {
  const n = samples.length;
  const d = samples[0]?.x.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => samples.reduce((s, r) => s + (r.x[j] ?? 0), 0) / n);
  const scale = mean.map((m, j) => Math.sqrt(samples.reduce((s, r) => s + ((r.x[j] ?? 0) - m) ** 2, 0) / n) + 1e-9);
  const z = samples.map((r) => r.x.map((v, j) => (v - (mean[j] ?? 0)) / (scale[j] ?? 1)));
  const w = new Array<number>(d).fill(0);
  let bias = 0;
  const rate = 0.1;
  const l2 = 0.01;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    let gb = 0;
    z.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(bias + x.reduce((s, v, j) => s + v * (w[j] ?? 0), 0))));
      const e = p - (samples[i]?.right === true ? 1 : 0);
      x.forEach((v, j) => (grad[j] = (grad[j] ?? 0) + e * v));
      gb += e;
    });
    w.forEach((wj, j) => (w[j] = wj - rate * ((grad[j] ?? 0) / n + l2 * wj)));
    bias -= (rate * gb) / n;
  }
  return { mean, scale, weights: w, bias };
}

/** Fitted on seeds 1-5 of the kubernetes, fleet and market storms (bench/alert-storm/fit-gate.ts). */
export const fittedJoinModel: JoinModel = {
  mean: [0.7744, 26.5487, 0.3553, 2.6623, 2.1916, 0.3737, 1.7247, 1.2182, 0.3325, 0.4404, 0.5403, 5.835, 6.0195],
  scale: [0.4796, 24.7174, 0.4786, 1.1815, 0.7938, 0.4838, 0.9082, 0.4477, 0.2625, 0.4924, 0.1627, 15.2923, 0.9853],
  weights: [
    0.3403, -0.2715, 0.1364, -0.2534, 0.1993, 0.0519, 0.5798, -0.0267, -0.0945, 0.0851, 0.2696, 0.0261, -0.0897,
  ],
  bias: 0.8349,
};

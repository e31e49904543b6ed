import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntityCorrelator } from './entity-correlator.ts';
import { fitJoinModel, plausibility, type JoinFeatures } from './join-gate.ts';
import { seededRandom } from '../../random/seeded.ts';
import { alertOf, place, testOptions } from './testing.ts';

const correlator = (joinGate: number, seen: JoinFeatures[] = []): EntityCorrelator => {
  const c = new EntityCorrelator({
    ...testOptions,
    threshold: 1,
    joinGate,
    observeJoin: (_fp, _incident, f) => seen.push(f),
  });
  for (let i = 0; i < 30; i++)
    place(
      c,
      alertOf({ alertname: `Other${String(i % 5)}`, cluster: 'eu', service: `svc-${String(i)}` }, i),
      `bg-${String(i)}`,
    );
  return c;
};

const features = (over: Partial<JoinFeatures>): JoinFeatures => ({
  score: 1.5,
  sinceOnsetS: 20,
  sinceLastS: 5,
  newSymptom: false,
  entities: 2,
  strongest: 1.5,
  symptom: 0.3,
  traced: false,
  topShare: 0.5,
  incidentSize: 5,
  candidates: 1,
  runnerUp: 0,
  labels: 5,
  ...over,
});

describe('join gate', () => {
  it('rates a join more plausible with a higher score, a larger incident and a fresher onset', () => {
    const base = plausibility(features({}));
    assert.ok(base > 0 && base < 1);
    assert.ok(plausibility(features({ score: 4 })) > base);
    assert.ok(plausibility(features({ incidentSize: 40 })) > base);
    assert.ok(plausibility(features({ sinceOnsetS: 120 })) < base);
  });

  it('fits a logistic model that finds the feature that separates right from wrong joins', () => {
    const random = seededRandom(7);
    const samples = Array.from({ length: 400 }, () => {
      const x = [random() * 2 - 1, random() * 2 - 1];
      return { x, right: (x[0] ?? 0) + (random() - 0.5) * 0.4 > 0 };
    });
    const model = fitJoinModel(samples, 300);
    assert.ok((model.weights[0] ?? 0) > 1, `weight on the separating feature: ${String(model.weights[0])}`);
    assert.ok(Math.abs(model.weights[1] ?? 0) < 0.3, `weight on noise: ${String(model.weights[1])}`);
  });

  it('declines a join it rates under the gate: the alert opens its own incident and says which join it declined', () => {
    const seen: JoinFeatures[] = [];
    const c = correlator(1, seen);
    seen.length = 0;
    const root = place(c, alertOf({ alertname: 'PostgresDown', cluster: 'eu', db: 'pg-orders' }, 40), 'root');
    const client = place(c, alertOf({ alertname: 'DBErrors', cluster: 'eu', database: 'pg-orders' }, 42), 'client');
    assert.notEqual(client.incident.id, root.incident.id);
    assert.equal(client.why.kind, 'opened');
    const declined = client.why.shared[0];
    assert.equal(declined?.label, 'declined join');
    assert.equal(declined.value, 'PostgresDown incident');
    assert.ok(declined.weight > 0 && declined.weight < 1, `plausibility ${String(declined.weight)}`);
    assert.equal(seen.length, 1);
    const [weighed] = seen;
    assert.ok(weighed !== undefined);
    assert.equal(weighed.incidentSize, 1);
    assert.ok(weighed.entities >= 1);
  });

  it('lets the same join through with the gate off', () => {
    const c = correlator(0);
    const root = place(c, alertOf({ alertname: 'PostgresDown', cluster: 'eu', db: 'pg-orders' }, 40), 'root');
    const client = place(c, alertOf({ alertname: 'DBErrors', cluster: 'eu', database: 'pg-orders' }, 42), 'client');
    assert.equal(client.incident.id, root.incident.id);
    assert.equal(client.why.kind, 'joined');
  });
});

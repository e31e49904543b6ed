import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprintOf } from '../fingerprint.ts';
import type { Alert, Incident, Labels } from '../model.ts';
import { ConcurrentAlerts } from './concurrent.ts';
import { EntityCorrelator } from './entity-correlator.ts';
import { tokensOf } from './tokens.ts';

const t0 = Date.parse('2026-03-02T10:00:00Z');
const options = {
  windowMs: 600_000,
  threshold: 2,
  decayMs: 60_000,
  symptomWeight: 0.5,
  affinityWeight: 1,
  background: 30,
  maxConcurrent: 1_000,
  maxAffinityPairs: 1_000,
};

const alertOf = (labels: Labels, atSeconds: number): Alert => ({
  fingerprint: fingerprintOf(labels),
  status: 'firing',
  labels,
  annotations: {},
  startsAt: t0 + atSeconds * 1000,
  source: 'test',
  traceIds: [],
});

/** Feeds alerts through match/attach as the pipeline does; returns the incident id of each. */
let opened = 0;
function feed(c: EntityCorrelator, alerts: readonly Alert[]): string[] {
  return alerts.map((a) => {
    const incident: Incident = c.match(a) ?? {
      id: `inc-${String(opened++)}`,
      status: 'triggered',
      title: '',
      severity: 'warning',
      priority: 3,
      createdAt: 0,
      updatedAt: 0,
      lastAlertAt: a.startsAt,
      alerts: new Map(),
    };
    incident.alerts.set(a.fingerprint, {
      alert: a,
      enrichment: { remediations: [], traceIds: [] },
      priority: 3,
      firstSeen: 0,
      lastSeen: 0,
      routes: [],
    });
    c.attach(incident, a);
    return incident.id;
  });
}

/** Background: alerts on many services and nodes, all in one cluster (context). */
const background = (count: number): Alert[] =>
  Array.from({ length: count }, (_, i) =>
    alertOf(
      { alertname: `Other${String(i % 7)}`, cluster: 'eu', service: `svc-${String(i)}`, node: `n${String(i % 9)}` },
      i,
    ),
  );

describe('entity correlator', () => {
  it('derives the entities hidden in generated names', () => {
    const values = tokensOf({ pod: 'checkout-6d8f7b9c5-x2k4l', instance: 'vm7.corp.example:9100' }).map((t) => t.value);
    for (const v of ['checkout-6d8f7b9c5-x2k4l', 'checkout', 'vm7.corp.example', 'vm7'])
      assert.ok(values.includes(v), v);
  });

  it('joins alerts that share a rare value under any label name, keeps one-offs alone', () => {
    const c = new EntityCorrelator(options);
    feed(c, background(40));
    const [root, client, caller, unrelated] = feed(c, [
      alertOf({ alertname: 'PostgresDown', cluster: 'eu', db: 'pg-orders' }, 50),
      alertOf({ alertname: 'DBErrors', cluster: 'eu', service: 'orders', database: 'pg-orders' }, 55),
      alertOf({ alertname: 'HighErrorRate', cluster: 'eu', service: 'web', upstream: 'orders' }, 58),
      alertOf({ alertname: 'DiskFull', cluster: 'eu', service: 'billing', node: 'n3' }, 75),
    ]);
    assert.equal(client, root, 'the database named under another label');
    assert.equal(caller, root, 'a caller naming the service that joined');
    assert.notEqual(unrelated, root, 'shares only the cluster, which every alert carries');
  });

  it('says why an alert joined: the shared values and their weights', () => {
    const c = new EntityCorrelator(options);
    feed(c, background(40));
    const [root] = feed(c, [alertOf({ alertname: 'NodeDown', cluster: 'eu', node: 'ip-10-0-1-7' }, 50)]);
    const pod = alertOf({ alertname: 'PodNotReady', cluster: 'eu', pod: 'api-1', node: 'ip-10-0-1-7' }, 52);
    const incident = c.match(pod);
    assert.equal(incident?.id, root);
    if (incident === undefined) return;
    const why = c.attach(incident, pod);
    assert.equal(why.kind, 'joined');
    assert.ok(why.score >= options.threshold);
    assert.deepEqual(why.shared[0]?.value, 'ip-10-0-1-7');
    assert.ok(why.shared.every((s) => s.label !== 'cluster'));
  });

  it('lets the score fade with the time since the incident began', () => {
    const c = new EntityCorrelator(options);
    feed(c, background(40));
    const ids = feed(c, [
      alertOf({ alertname: 'Crash', cluster: 'eu', service: 'quotes', version: 'v2' }, 50),
      alertOf({ alertname: 'Crash', cluster: 'eu', service: 'quotes', version: 'v2', pod: 'q-1' }, 60),
      alertOf({ alertname: 'Crash', cluster: 'eu', service: 'quotes', version: 'v2', pod: 'q-2' }, 50 + 540),
    ]);
    assert.equal(ids[1], ids[0]);
    assert.notEqual(ids[2], ids[0], 'nine minutes after the onset');
  });

  it('fades the score either way from the onset, and an earlier alert arriving late moves the onset', () => {
    const c = new EntityCorrelator(options);
    feed(c, background(40));
    const crash = (pod: string, at: number): Alert =>
      alertOf({ alertname: 'Crash', cluster: 'eu', service: 'quotes', version: 'v2', pod }, at);
    const ids = feed(c, [crash('q-1', 600), crash('q-2', 610), crash('q-3', 600 - 540)]);
    assert.equal(ids[1], ids[0]);
    assert.notEqual(ids[2], ids[0], 'started nine minutes before the onset, arrived after');
    const d = new EntityCorrelator(options);
    feed(d, background(40));
    // Arrival order q-2 (t=600), then q-1 (t=560: the onset moves to it), then q-3, 30 s after q-1.
    const [b, a] = feed(d, [crash('q-2', 600), crash('q-1', 560)]);
    assert.equal(a, b);
    const late = crash('q-3', 590);
    const incident = d.match(late);
    assert.equal(incident?.id, b);
    if (incident === undefined) return;
    assert.equal(d.attach(incident, late).sinceOnsetSeconds, 30, 'from the earliest alert, not the first to arrive');
  });

  it('learns from operators: incidents merged before make similar alerts join', () => {
    const c = new EntityCorrelator(options);
    feed(c, background(40));
    const first = [
      alertOf({ alertname: 'FeedStale', cluster: 'eu', exchange: 'xnas' }, 50),
      alertOf({ alertname: 'ChartsSlow', cluster: 'eu', service: 'charts' }, 52),
    ];
    const [a, b] = feed(c, first);
    assert.notEqual(a, b, 'nothing shared: apart');
    const ia = c.incidentOf(first[0]?.fingerprint ?? '');
    const ib = c.incidentOf(first[1]?.fingerprint ?? '');
    assert.ok(ia !== undefined && ib !== undefined);
    for (let k = 0; k < 3; k++) c.feedback(ia, ib, 'together');
    const [again] = feed(c, [alertOf({ alertname: 'ChartsErrors', cluster: 'eu', service: 'charts', pod: 'c-2' }, 55)]);
    assert.ok(again === a || again === b, 'joins the merged pair');
  });

  it('asks more of an alert whose symptom the incident never showed', () => {
    const run = (foreignSymptom: number): [string | undefined, string | undefined] => {
      const c = new EntityCorrelator({ ...options, threshold: 3, foreignSymptom });
      feed(c, background(40));
      const [root] = feed(c, [
        alertOf({ alertname: 'HighErrorRate', cluster: 'eu', service: 'quotes', pod: 'q-1' }, 50),
        alertOf({ alertname: 'HighErrorRate', cluster: 'eu', service: 'quotes', pod: 'q-2' }, 52),
      ]);
      const [same, foreign] = feed(c, [
        alertOf({ alertname: 'HighErrorRate', cluster: 'eu', service: 'quotes', pod: 'q-3' }, 55),
        alertOf({ alertname: 'CertificateExpiring', cluster: 'eu', service: 'quotes', pod: 'q-4' }, 56),
      ]);
      return [same === root ? 'joined' : undefined, foreign === root ? 'joined' : undefined];
    };
    assert.deepEqual(run(1), ['joined', 'joined'], 'the shared service alone is enough without the factor');
    assert.deepEqual(run(0.5), ['joined', undefined], 'the one-off on the same service stays apart');
  });

  it('says in the reason what a symptom new to the incident cost', () => {
    const c = new EntityCorrelator({ ...options, threshold: 1, foreignSymptom: 0.5 });
    feed(c, background(40));
    feed(c, [alertOf({ alertname: 'NodeDown', cluster: 'eu', node: 'ip-10-0-1-7' }, 50)]);
    const pod = alertOf({ alertname: 'PodNotReady', cluster: 'eu', pod: 'api-1', node: 'ip-10-0-1-7' }, 51);
    const incident = c.match(pod);
    assert.ok(incident !== undefined);
    const why = c.attach(incident, pod);
    const cost = why.shared.find((s) => s.label === 'new symptom');
    assert.equal(cost?.value, 'podnotready');
    const gained = why.shared.reduce((sum, s) => sum + Math.max(0, s.weight), 0);
    assert.ok(Math.abs(cost.weight + gained / 2) < 0.01, 'half the evidence');
  });

  it('never joins on a shared symptom alone', () => {
    const c = new EntityCorrelator({ ...options, threshold: 0.1, symptomWeight: 1 });
    feed(c, background(40));
    const [a, b] = feed(c, [
      alertOf({ alertname: 'DiskFull', cluster: 'eu', service: 'ledger', node: 'n-a' }, 50),
      alertOf({ alertname: 'DiskFull', cluster: 'eu', service: 'search', node: 'n-b' }, 51),
    ]);
    assert.notEqual(b, a);
  });

  it('bounds what it remembers of concurrent alerts', () => {
    const concurrent = new ConcurrentAlerts({ windowMs: 3_600_000, maxAlerts: 50, background: 0 });
    for (let i = 0; i < 500; i++) concurrent.add(`fp${String(i)}`, t0 + i, tokensOf({ node: `n${String(i)}` }));
    assert.equal(concurrent.size, 50);
  });
});

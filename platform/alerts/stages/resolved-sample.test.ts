import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { EntityCorrelator } from '../correlation/entity-correlator.ts';
import { alert, testPipeline } from '../test-support.ts';
import { GroupScheduler } from './group.ts';
import { resolvedInMemory } from './resolved-sample.ts';
import { compileRoute } from './route.ts';

describe('an open incident keeps its firing alerts and a bounded sample of resolved ones in memory', () => {
  it('forgets the oldest resolved alerts beyond the sample, counts them, and still closes', () => {
    const { pipeline, clock } = testPipeline({
      route: { receiver: 'none' },
      receivers: [{ name: 'none', targets: [] }],
      correlation: { strategy: 'group_by', group_by: ['service'] },
    });
    const t0 = clock.now();
    const stuck = alert({ alertname: 'Stuck', service: 'checkout' }, t0);
    const id = pipeline.process(stuck).incidentId ?? '';
    const n = resolvedInMemory * 5;
    for (let i = 0; i < n; i++) {
      clock.advance(1_000);
      const labels = { alertname: `A${String(i)}`, service: 'checkout' };
      assert.equal(pipeline.process(alert(labels, clock.now())).incidentId, id);
      pipeline.process(alert(labels, clock.now(), 'resolved'));
    }
    const incident = pipeline.incident(id);
    assert.ok(incident !== undefined, 'still open: one alert fires');
    assert.equal(incident.alerts.size, 1 + resolvedInMemory, 'the firing alert and the latest resolved ones');
    assert.equal(incident.forgotten, n - resolvedInMemory);
    assert.ok(incident.alerts.has(stuck.fingerprint));
    assert.ok(incident.alerts.has(alert({ alertname: `A${String(n - 1)}`, service: 'checkout' }, 0).fingerprint));
    // A repeat of a forgotten resolve is a duplicate, not a new incident.
    const again = pipeline.process(alert({ alertname: 'A0', service: 'checkout' }, clock.now(), 'resolved'));
    assert.equal(again.outcome, 'deduplicated');
    pipeline.process(alert(stuck.labels, clock.now(), 'resolved'));
    assert.equal(pipeline.incident(id), undefined, 'closed once the last firing alert resolved');
    pipeline.stop();
  });

  it('the entity correlator forgets the fingerprint but keeps its values as evidence', () => {
    const c = new EntityCorrelator({
      windowMs: 600_000,
      threshold: 0.5,
      decayMs: 600_000,
      symptomWeight: 0.5,
      affinityWeight: 0,
      background: 30,
      maxConcurrent: 1_000,
      maxAffinityPairs: 100,
    });
    const a = alert({ alertname: 'DbDown', db: 'orders-db' }, 0);
    const incident = { id: 'i1', alerts: new Map() } as unknown as Parameters<typeof c.attach>[0];
    c.attach(incident, a);
    c.attach(incident, alert({ alertname: 'Slow', db: 'orders-db', service: 'x' }, 1_000));
    c.forget(incident, a.fingerprint);
    assert.equal(c.incidentOf(a.fingerprint), undefined);
    const joined = c.match(alert({ alertname: 'Errors', db: 'orders-db', service: 'y' }, 2_000));
    assert.equal(joined?.id, 'i1', 'the forgotten alert still counts towards the shared value');
  });

  it('group timers stop tracking a forgotten alert', () => {
    const groups = new GroupScheduler(new ManualClock(0), () => 'held');
    const route = compileRoute({ receiver: 'r' });
    groups.touch('k', route, 'i1', 'fp1');
    groups.touch('k', route, 'i1', 'fp2');
    groups.forget('i1', 'fp1');
    assert.deepEqual([...(groups.groupsOf('i1')[0]?.fingerprints ?? [])], ['fp2']);
    groups.stop();
  });
});

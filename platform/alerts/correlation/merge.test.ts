import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels } from '../model.ts';
import { alert, testPipeline } from '../test-support.ts';

const none = { route: { receiver: 'none' }, receivers: [{ name: 'none', targets: [] }] };

/** Unrelated alerts on many services and nodes: what makes a shared service or node rare. */
function background(run: (labels: Labels, atSeconds: number) => string | undefined): void {
  for (let i = 0; i < 40; i++)
    run(
      { alertname: `Other${String(i % 7)}`, cluster: 'eu', service: `svc-${String(i)}`, node: `n${String(i % 9)}` },
      i,
    );
}

function storm(mergeOnset: string) {
  const { pipeline, clock } = testPipeline({
    ...none,
    correlation: { threshold: 2, foreign_symptom: 1, merge_onset: mergeOnset },
  });
  const t0 = clock.now();
  const run = (labels: Labels, atSeconds: number): string | undefined => {
    clock.set(t0 + atSeconds * 1000);
    return pipeline.process(alert(labels, t0 + atSeconds * 1000)).incidentId;
  };
  background(run);
  // The cause: a database and its client on the orders service.
  const cause = run({ alertname: 'PostgresDown', cluster: 'eu', db: 'pg-orders' }, 50);
  run({ alertname: 'DBErrors', cluster: 'eu', service: 'orders', db: 'pg-orders', pod: 'orders-1' }, 52);
  // An effect seen before the evidence linking it arrived: web's alerts name nothing of the cause.
  const effect = run({ alertname: 'HighLatency', cluster: 'eu', service: 'web', pod: 'web-1', node: 'n77' }, 55);
  run({ alertname: 'HighErrorRate', cluster: 'eu', service: 'web', pod: 'web-1', node: 'n77' }, 56);
  // The bridge: a web pod's client-side alert naming the database.
  const bridge = run({ alertname: 'DBErrors', cluster: 'eu', service: 'web', pod: 'web-1', db: 'pg-orders' }, 60);
  return { pipeline, cause, effect, bridge };
}

describe('correlator merges', () => {
  it('merges an effect that opened early into its cause once an alert shows both are one', () => {
    const { pipeline, cause, effect, bridge } = storm('1m');
    assert.ok(cause !== undefined && effect !== undefined);
    assert.notEqual(effect, cause, 'apart until the bridge');
    assert.equal(bridge, cause, 'the bridging alert ends in the earlier incident');
    assert.equal(pipeline.incident(effect), undefined, 'the effect incident was resolved into the cause');
    const merged = pipeline.incident(cause);
    assert.ok(merged !== undefined);
    assert.equal(merged.alerts.size, 5);
    const moved = [...merged.alerts.values()].flatMap((a) => (a.correlation?.kind === 'moved' ? [a.correlation] : []));
    assert.equal(moved.length, 3, 'the web alerts moved (the bridge had joined them: they share more)');
    for (const m of moved) {
      assert.equal(m.by, 'correlation');
      assert.ok(m.shared.length > 0, 'says which values bridged them');
    }
  });

  it('keeps them apart when merging is off or their onsets are too far apart', () => {
    for (const setting of ['0s', '2s']) {
      const { pipeline, cause, effect } = storm(setting);
      assert.ok(cause !== undefined && effect !== undefined);
      assert.notEqual(pipeline.incident(effect), undefined, setting);
      assert.equal(pipeline.incident(cause)?.alerts.size, 2, setting);
    }
  });
});

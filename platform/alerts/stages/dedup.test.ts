import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, hook, testPipeline } from '../test-support.ts';
import { Dedup } from './dedup.ts';

describe('dedup', () => {
  it('drops repeats of a known alert in the same state and counts state changes for flapping', () => {
    const d = new Dedup(60_000);
    const a = alert({ alertname: 'A' }, 0);
    assert.equal(d.observe(a, 0), 'new');
    assert.equal(d.observe(a, 1_000), 'duplicate');
    assert.equal(d.observe({ ...a, status: 'resolved' }, 2_000), 'changed');
    assert.equal(d.observe(a, 3_000), 'changed');
    assert.equal(d.transitions(a.fingerprint, 3_000), 2);
    assert.equal(d.transitions(a.fingerprint, 70_000), 0, 'old transitions leave the window');
  });

  it('in the pipeline, a re-sent alert neither opens an incident nor notifies again', () => {
    const { pipeline, clock, sent } = testPipeline({
      route: { receiver: 'team', group_wait: '1s' },
      receivers: [{ name: 'team', targets: [hook('team')] }],
    });
    const a = alert({ alertname: 'DiskFull', service: 'db', severity: 'warning' }, clock.now());
    const first = pipeline.process(a);
    assert.equal(first.outcome, 'opened');
    for (let i = 0; i < 5; i++)
      assert.deepEqual(pipeline.process(a), { outcome: 'deduplicated', incidentId: first.incidentId });
    clock.advance(2_000);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.message.alertCount, 1);
    assert.equal(pipeline.openIncidents, 1);
  });
});

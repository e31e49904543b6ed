import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, hook, testPipeline } from '../test-support.ts';

describe('correlation into incidents', () => {
  const setup = () =>
    testPipeline({
      route: { receiver: 'team' },
      receivers: [{ name: 'team', targets: [hook('team')] }],
      topology: { web: ['api'], api: ['db', 'cache'], reports: ['warehouse'] },
      correlation: { strategy: 'topology', window: '5m', max_hops: 1, equal: ['cluster'] },
    });

  it('joins alerts of neighbouring services within the window, same cluster only', () => {
    const { pipeline, clock } = setup();
    const t = clock.now();
    const root = pipeline.process(alert({ alertname: 'DBDown', service: 'db', cluster: 'eu' }, t));
    assert.equal(root.outcome, 'opened');
    assert.deepEqual(
      pipeline.process(alert({ alertname: 'HighErrorRate', service: 'api', cluster: 'eu' }, t + 30_000)),
      { outcome: 'joined', incidentId: root.incidentId },
    );
    assert.equal(
      pipeline.process(alert({ alertname: 'HighLatency', service: 'web', cluster: 'eu' }, t + 60_000)).incidentId,
      root.incidentId,
      'two hops away through api, which joined',
    );
    assert.notEqual(
      pipeline.process(alert({ alertname: 'HighErrorRate', service: 'api', cluster: 'us' }, t + 60_000)).incidentId,
      root.incidentId,
      'other cluster',
    );
    assert.notEqual(
      pipeline.process(alert({ alertname: 'Lag', service: 'warehouse', cluster: 'eu' }, t + 60_000)).incidentId,
      root.incidentId,
      'unrelated service',
    );
    assert.notEqual(
      pipeline.process(alert({ alertname: 'CacheMiss', service: 'cache', cluster: 'eu' }, t + 20 * 60_000)).incidentId,
      root.incidentId,
      'too late',
    );
  });

  it('groups similar alerts without topology, and a resolved incident takes no more alerts', () => {
    const { pipeline, clock } = setup();
    const t = clock.now();
    const a = alert({ alertname: 'CertExpiring', job: 'ingress', cluster: 'eu', instance: 'i1' }, t);
    const first = pipeline.process(a);
    assert.equal(
      pipeline.process(alert({ alertname: 'CertExpiring', job: 'ingress', cluster: 'eu', instance: 'i2' }, t))
        .incidentId,
      first.incidentId,
    );
    pipeline.resolve(first.incidentId ?? '', 'tester');
    assert.notEqual(
      pipeline.process(alert({ alertname: 'CertExpiring', job: 'ingress', cluster: 'eu', instance: 'i3' }, t))
        .incidentId,
      first.incidentId,
    );
    const again = pipeline.process(a);
    assert.notEqual(
      again.outcome,
      'deduplicated',
      'an alert still firing after its incident was resolved by hand is taken again',
    );
    assert.notEqual(again.incidentId, first.incidentId);
  });
});

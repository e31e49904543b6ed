import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, hook, testPipeline } from '../test-support.ts';

describe('inhibition', () => {
  const setup = () =>
    testPipeline({
      route: { receiver: 'team', group_by: ['...'], group_wait: '1s' },
      receivers: [{ name: 'team', targets: [hook('team')] }],
      inhibit_rules: [
        {
          source_matchers: ['alertname="ClusterDown"'],
          target_matchers: ['severity=~"warning|info"'],
          equal: ['cluster'],
        },
      ],
      correlation: { strategy: 'topology', similarity: 1, equal: [] },
    });

  it('a firing source mutes matching targets with equal labels, only in its cluster', () => {
    const { pipeline, clock, sent } = setup();
    const now = clock.now();
    const down = alert({ alertname: 'ClusterDown', cluster: 'eu', severity: 'critical' }, now);
    pipeline.process(down);
    const muted = pipeline.process(alert({ alertname: 'PodRestarts', cluster: 'eu', severity: 'warning' }, now));
    pipeline.process(alert({ alertname: 'PodRestarts', cluster: 'us', severity: 'warning' }, now));
    clock.advance(2_000);
    const titles = sent
      .map((s) => `${s.message.alerts[0]?.labels.alertname ?? ''}/${s.message.alerts[0]?.labels.cluster ?? ''}`)
      .sort();
    assert.deepEqual(titles, ['ClusterDown/eu', 'PodRestarts/us']);
    assert.equal(
      pipeline
        .incident(muted.incidentId ?? '')
        ?.alerts.values()
        .next().value?.suppressedBy,
      'inhibited',
    );
  });

  it('lifts the inhibition once the source resolves', () => {
    const { pipeline, clock, sent } = setup();
    const now = clock.now();
    const down = alert({ alertname: 'ClusterDown', cluster: 'eu', severity: 'critical' }, now);
    pipeline.process(down);
    pipeline.process(alert({ alertname: 'PodRestarts', cluster: 'eu', severity: 'warning' }, now));
    clock.advance(2_000);
    assert.equal(sent.length, 1);
    pipeline.process({ ...down, status: 'resolved' });
    clock.advance(300_000);
    assert.ok(
      sent.some((s) => s.message.kind === 'page' && s.message.alerts[0]?.labels.alertname === 'PodRestarts'),
      'the target is notified on the next tick',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMatcher } from '../matchers.ts';
import { alert, hook, testPipeline } from '../test-support.ts';
import { inMaintenance, silencedBy } from './silence.ts';

describe('silences and maintenance windows', () => {
  it('a silence mutes matching alerts while active; they notify once it expires', () => {
    const { pipeline, clock, sent, silences } = testPipeline({
      route: { receiver: 'team', group_wait: '1s', group_interval: '1m' },
      receivers: [{ name: 'team', targets: [hook('team')] }],
    });
    const now = clock.now();
    silences.push({
      id: 's1',
      matchers: [parseMatcher('service="checkout"'), parseMatcher('alertname=~"High.*"')],
      startsAt: now,
      endsAt: now + 120_000,
      createdBy: 'ops',
      comment: 'deploy',
    });
    const r = pipeline.process(alert({ alertname: 'HighLatency', service: 'checkout' }, now));
    pipeline.process(alert({ alertname: 'HighLatency', service: 'search' }, now));
    clock.advance(2_000);
    assert.deepEqual(
      sent.map((s) => s.message.alerts[0]?.labels.service),
      ['search'],
    );
    assert.equal(
      pipeline
        .incident(r.incidentId ?? '')
        ?.alerts.values()
        .next().value?.suppressedDetail,
      's1',
    );
    clock.advance(180_000);
    assert.deepEqual(
      sent.map((s) => s.message.alerts[0]?.labels.service),
      ['search', 'checkout'],
    );
  });

  it('silencedBy respects start and end', () => {
    const s = { id: 'x', matchers: [parseMatcher('a="1"')], startsAt: 100, endsAt: 200, createdBy: 'u', comment: 'c' };
    assert.equal(silencedBy({ a: '1' }, [s], 99), undefined);
    assert.equal(silencedBy({ a: '1' }, [s], 150)?.id, 'x');
    assert.equal(silencedBy({ a: '2' }, [s], 150), undefined);
    assert.equal(silencedBy({ a: '1' }, [s], 200), undefined);
  });

  it('weekly maintenance windows follow the local clock, also past midnight', () => {
    // Saturdays 23:00-02:00 Berlin time.
    const w = [
      {
        id: 'm',
        matchers: [parseMatcher('env="prod"')],
        weekly: { days: [6], from: '23:00', to: '02:00', time_zone: 'Europe/Berlin' },
      },
    ];
    assert.equal(inMaintenance({ env: 'prod' }, w, Date.parse('2026-07-04T21:30:00Z'))?.id, 'm', 'Sat 23:30 CEST');
    assert.equal(
      inMaintenance({ env: 'prod' }, w, Date.parse('2026-07-04T23:30:00Z'))?.id,
      'm',
      'Sun 01:30 CEST belongs to Saturday',
    );
    assert.equal(inMaintenance({ env: 'prod' }, w, Date.parse('2026-07-05T21:30:00Z')), undefined, 'Sun 23:30');
    assert.equal(inMaintenance({ env: 'dev' }, w, Date.parse('2026-07-04T21:30:00Z')), undefined);
  });
});

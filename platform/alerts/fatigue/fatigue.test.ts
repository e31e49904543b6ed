import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { alert, testPipeline } from '../test-support.ts';
import { SqliteDigestBuffer } from './digest.ts';

describe('fatigue control', () => {
  const setup = (quiet?: { start: string; end: string }) =>
    testPipeline({
      route: { receiver: 'ops', group_wait: '0s', group_by: ['...'] },
      receivers: [{ name: 'ops', escalation_policy: 'p' }],
      users: [
        {
          id: 'alice',
          name: 'Alice',
          time_zone: 'Europe/Berlin',
          ...(quiet ? { quiet_hours: quiet } : {}),
          contacts: [{ type: 'webhook', url: 'http://127.0.0.1:9/alice' }],
        },
      ],
      escalation_policies: [{ id: 'p', name: 'P', steps: [{ timeout: '1h', targets: [{ user: 'alice' }] }] }],
      correlation: { strategy: 'topology', similarity: 1, equal: [], labels: ['alertname'] },
      fatigue: { rate_limit: { max: 2, per: '10m' }, digest: { interval: '30m', min_priority: 4 } },
    });

  it('rate-limits each person, holding the excess and low priorities for the digest', () => {
    const { pipeline, clock, sent } = setup();
    for (let i = 0; i < 5; i++)
      pipeline.process(alert({ alertname: `Warn${String(i)}`, severity: 'warning' }, clock.now()));
    pipeline.process(alert({ alertname: 'Info', severity: 'info' }, clock.now()));
    pipeline.process(alert({ alertname: 'Crit', severity: 'critical' }, clock.now()));
    clock.advance(0);
    const pages = sent.filter((s) => s.message.kind === 'page');
    assert.deepEqual(
      pages.map((s) => s.message.priority),
      [3, 3, 1],
      'two warnings within the limit; critical always',
    );
    assert.equal(pipeline.pendingDigest, 4, 'three warnings over the limit and one info');
    clock.advance(30 * 60_000);
    const digests = sent.filter((s) => s.message.kind === 'digest');
    assert.equal(digests.length, 1);
    assert.equal(digests[0]!.message.items?.length, 4);
    assert.equal(pipeline.pendingDigest, 0);
  });

  it('holds non-critical pages during quiet hours but not critical ones', () => {
    // 2026-03-02T10:00Z is 11:00 in Berlin.
    const { pipeline, clock, sent } = setup({ start: '10:00', end: '12:00' });
    pipeline.process(alert({ alertname: 'Warn', severity: 'warning' }, clock.now()));
    pipeline.process(alert({ alertname: 'Crit', severity: 'critical' }, clock.now()));
    clock.advance(0);
    assert.deepEqual(
      sent.map((s) => s.message.title),
      ['Crit'],
    );
    assert.equal(pipeline.pendingDigest, 1);
  });

  it('suppresses a flapping alert', () => {
    const { pipeline, clock, sent } = setup();
    const a = alert({ alertname: 'Flappy', severity: 'warning', instance: 'x' }, clock.now());
    const b = alert({ alertname: 'Flappy', severity: 'warning', instance: 'y' }, clock.now());
    pipeline.process(b);
    clock.advance(0);
    assert.equal(sent.length, 1, 'the steady alert pages');
    for (let i = 0; i < 4; i++) {
      pipeline.process(a);
      pipeline.process({ ...a, status: 'resolved' });
      clock.advance(1_000);
    }
    pipeline.process(a);
    clock.advance(10 * 60_000);
    assert.equal(
      sent.filter((s) => s.message.alerts.some((x) => x.labels.instance === 'x')).length,
      0,
      'no page for the flapping alert',
    );
  });

  it('held notifications are kept in SQLite until the digest takes them', () => {
    const db = new DatabaseSync(':memory:');
    new SqliteDigestBuffer<{ title: string }>(db).add('alice', { title: 'a' });
    new SqliteDigestBuffer<{ title: string }>(db).add('alice', { title: 'b' });
    const reopened = new SqliteDigestBuffer<{ title: string }>(db);
    assert.equal(reopened.pending, 2);
    assert.deepEqual(reopened.drain().get('alice'), [{ title: 'a' }, { title: 'b' }]);
    assert.equal(reopened.pending, 0);
  });
});

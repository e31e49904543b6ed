import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, testPipeline } from '../test-support.ts';

const contact = (who: string) => [{ type: 'webhook' as const, url: `http://127.0.0.1:9/${who}` }];

describe('escalation policies', () => {
  const setup = () =>
    testPipeline({
      route: { receiver: 'ops', group_wait: '0s' },
      receivers: [{ name: 'ops', escalation_policy: 'ops-policy' }],
      users: [
        { id: 'alice', name: 'Alice', contacts: contact('alice') },
        { id: 'bob', name: 'Bob', contacts: contact('bob') },
        { id: 'mgr', name: 'Manager', contacts: contact('mgr') },
      ],
      schedules: [
        {
          id: 'primary',
          name: 'Primary',
          time_zone: 'UTC',
          layers: [{ users: ['alice', 'bob'], rotation: { length: 1, unit: 'days' }, start: '2026-03-01T00:00' }],
        },
      ],
      escalation_policies: [
        {
          id: 'ops-policy',
          name: 'Ops',
          steps: [
            { timeout: '5m', targets: [{ schedule: 'primary' }] },
            { timeout: '10m', targets: [{ user: 'mgr' }] },
          ],
          repeat: 1,
        },
      ],
    });
  const recipients = (sent: { recipient: string }[]) => sent.map((s) => s.recipient);

  it('pages the on-call person, escalates after the timeout, repeats the policy, then stops', () => {
    const { pipeline, clock, sent } = setup();
    const r = pipeline.process(alert({ alertname: 'DBDown', severity: 'critical' }, clock.now()));
    clock.advance(0);
    assert.deepEqual(recipients(sent), ['bob'], 'on 2026-03-02 the daily rotation is at bob');
    assert.equal(pipeline.incident(r.incidentId!)?.assignee, 'bob');
    clock.advance(4 * 60_000);
    assert.equal(sent.length, 1);
    clock.advance(60_000);
    assert.deepEqual(recipients(sent), ['bob', 'mgr']);
    assert.equal(pipeline.incident(r.incidentId!)?.assignee, 'mgr');
    clock.advance(10 * 60_000);
    assert.deepEqual(recipients(sent), ['bob', 'mgr', 'bob'], 'second run of the policy');
    clock.advance(5 * 60_000);
    assert.deepEqual(recipients(sent), ['bob', 'mgr', 'bob', 'mgr']);
    clock.advance(60 * 60_000);
    assert.equal(sent.length, 4, 'no step after the last');
    assert.equal(new Set(sent.map((s) => s.key)).size, 4, 'one key per incident x step x person x channel');
  });

  it('an acknowledgement stops the escalation; snooze expiry restarts it', () => {
    const { pipeline, clock, sent } = setup();
    const r = pipeline.process(alert({ alertname: 'DBDown', severity: 'critical' }, clock.now()));
    clock.advance(60_000);
    pipeline.acknowledge(r.incidentId!, 'bob');
    clock.advance(60 * 60_000);
    assert.deepEqual(recipients(sent), ['bob']);
    pipeline.snooze(r.incidentId!, clock.now() + 30 * 60_000, 'bob');
    clock.advance(29 * 60_000);
    assert.equal(sent.length, 1);
    clock.advance(60_000);
    assert.deepEqual(recipients(sent), ['bob', 'bob'], 'paged again when the snooze ends');
    pipeline.reassign(r.incidentId!, 'alice', 'bob');
    assert.deepEqual(recipients(sent), ['bob', 'bob', 'alice']);
    assert.equal(pipeline.incident(r.incidentId!)?.assignee, 'alice');
  });
});

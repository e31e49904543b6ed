import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureServer } from '../capture-server.ts';
import { testMessage } from '../test-message.ts';
import { pagerdutyChannel } from './pagerduty.ts';

describe('PagerDuty Events API v2', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    server = await captureServer();
  });
  after(async () => {
    await server.close();
  });
  const ctx = { idempotencyKey: 'k', signal: AbortSignal.timeout(5_000) };

  it('triggers with the incident as dedup_key, then resolves the same key', async () => {
    const target = { type: 'pagerduty' as const, routing_key: 'R0UT1NG', url: `${server.url}/v2/enqueue` };
    await pagerdutyChannel(loopbackAllowed()).send(target, testMessage(), ctx);
    const trigger = server.requests.at(-1)!.json() as {
      routing_key: string;
      event_action: string;
      dedup_key: string;
      payload: { severity: string; source: string; summary: string; class: string };
      links: { href: string }[];
    };
    assert.deepEqual([trigger.routing_key, trigger.event_action, trigger.dedup_key], ['R0UT1NG', 'trigger', 'inc-1']);
    assert.deepEqual(
      [trigger.payload.severity, trigger.payload.source, trigger.payload.class],
      ['critical', 'db-0', 'PostgresDown'],
    );
    assert.equal(trigger.links.length, 2);
    await pagerdutyChannel(loopbackAllowed()).send(target, testMessage({ kind: 'resolved' }), ctx);
    assert.deepEqual(server.requests.at(-1)!.json(), {
      routing_key: 'R0UT1NG',
      event_action: 'resolve',
      dedup_key: 'inc-1',
    });
  });
});

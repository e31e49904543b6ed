import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureServer } from '../capture-server.ts';
import { testMessage } from '../test-message.ts';
import { pushChannel } from './push.ts';

describe('mobile push through a provider relay', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    server = await captureServer();
  });
  after(async () => {
    await server.close();
  });

  it('sends the device token, a title, a short body and high priority for P1', async () => {
    await pushChannel(loopbackAllowed(), { url: `${server.url}/push`, token: 'relay' }).send(
      { type: 'push', token: 'device-token-123' },
      testMessage(),
      { idempotencyKey: 'k1', signal: AbortSignal.timeout(5_000) },
    );
    const body = server.requests.at(-1)!.json() as {
      token: string;
      title: string;
      body: string;
      priority: string;
      data: { incidentId: string; idempotencyKey: string };
    };
    assert.deepEqual(
      [body.token, body.priority, body.data.incidentId, body.data.idempotencyKey],
      ['device-token-123', 'high', 'inc-1', 'k1'],
    );
    assert.ok(body.body.length <= 160);
    await pushChannel(loopbackAllowed(), { url: `${server.url}/push` }).send(
      { type: 'push', token: 'device-token-123' },
      testMessage({ priority: 4 }),
      { idempotencyKey: 'k2', signal: AbortSignal.timeout(5_000) },
    );
    assert.equal((server.requests.at(-1)!.json() as { priority: string }).priority, 'normal');
  });
});

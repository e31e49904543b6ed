import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureServer } from '../capture-server.ts';
import { PermanentDeliveryError } from '../channel.ts';
import { testMessage } from '../test-message.ts';
import { webhookChannel } from './webhook.ts';

describe('webhook channel', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    server = await captureServer();
  });
  after(async () => {
    await server.close();
  });
  const ctx = { idempotencyKey: 'inc-1:0.0:alice:webhook#0', signal: AbortSignal.timeout(5_000) };

  it('posts the message as JSON with its rendering and the idempotency key', async () => {
    await webhookChannel(loopbackAllowed()).send(
      { type: 'webhook', url: `${server.url}/hook`, headers: { 'x-token': 't' } },
      testMessage(),
      ctx,
    );
    const r = server.requests.at(-1)!;
    assert.equal(r.headers['idempotency-key'], ctx.idempotencyKey);
    assert.equal(r.headers['x-token'], 't');
    const body = r.json() as { incidentId: string; rendered: { subject: string } };
    assert.equal(body.incidentId, 'inc-1');
    assert.equal(body.rendered.subject, '[PAGE] P1 PostgresDown on db');
  });

  it('treats 4xx as permanent and 5xx or 429 as worth a retry', async () => {
    const target = { type: 'webhook' as const, url: `${server.url}/hook`, headers: {} };
    server.status.code = 404;
    await assert.rejects(webhookChannel(loopbackAllowed()).send(target, testMessage(), ctx), PermanentDeliveryError);
    for (const code of [503, 429]) {
      server.status.code = code;
      await assert.rejects(
        webhookChannel(loopbackAllowed()).send(target, testMessage(), ctx),
        (e: Error) => !(e instanceof PermanentDeliveryError) && e.message.includes(String(code)),
      );
    }
    server.status.code = 200;
  });
});

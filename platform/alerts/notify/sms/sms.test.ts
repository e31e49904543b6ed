import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureServer } from '../capture-server.ts';
import { testMessage } from '../test-message.ts';
import { smsChannel } from './sms.ts';
import { smsTarget } from './config.ts';

describe('SMS channel through a provider webhook', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    server = await captureServer();
  });
  after(async () => {
    await server.close();
  });

  it('posts at most 160 characters to the number with the provider token', async () => {
    await smsChannel(loopbackAllowed(), { url: `${server.url}/sms`, token: 'secret', from: '+15550001' }).send(
      { type: 'sms', to: '+4915112345678' },
      testMessage({ title: 'x'.repeat(300) }),
      { idempotencyKey: 'k', signal: AbortSignal.timeout(5_000) },
    );
    const r = server.requests.at(-1)!;
    assert.equal(r.headers.authorization, 'Bearer secret');
    const body = r.json() as { to: string; from: string; body: string };
    assert.equal(body.to, '+4915112345678');
    assert.equal(body.body.length, 160);
  });

  it('rejects numbers that are not E.164', () => {
    assert.equal(smsTarget.safeParse({ type: 'sms', to: '0151 123' }).success, false);
  });
});

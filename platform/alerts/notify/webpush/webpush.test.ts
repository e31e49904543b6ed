import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { captureServer } from '../capture-server.ts';
import { testMessage } from '../test-message.ts';
import type { PushSubscriptionJson } from './config.ts';
import { loadOrCreateVapidKeys } from './vapid.ts';
import { webpushChannel } from './webpush.ts';

/** The browser's side of RFC 8291 (aes128gcm): what a real user agent does with the pushed body. */
function decrypt(body: Buffer, ua: ReturnType<typeof createECDH>, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = ua.computeSecret(serverKey);
  const ikm = Buffer.from(
    hkdfSync('sha256', shared, auth, Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), serverKey]), 32),
  );
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  return plain.subarray(0, plain.lastIndexOf(2)).toString();
}

describe('Web Push', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  let dir: string;
  before(async () => {
    server = await captureServer();
    dir = await mkdtemp(join(tmpdir(), 'vapid-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('generates VAPID keys once and keeps them', () => {
    const a = loadOrCreateVapidKeys(dir);
    const b = loadOrCreateVapidKeys(dir);
    assert.deepEqual(a, b);
    assert.equal(Buffer.from(a.publicKey, 'base64url').length, 65);
  });

  it('sends an encrypted, VAPID-signed message the browser can decrypt; drops gone subscriptions', async () => {
    const ua = createECDH('prime256v1');
    ua.generateKeys();
    const auth = randomBytes(16);
    const subs: PushSubscriptionJson[] = [
      {
        endpoint: `${server.url}/push/live`,
        keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      },
    ];
    const removed: string[] = [];
    const channel = webpushChannel(loopbackAllowed(), loadOrCreateVapidKeys(dir), 'mailto:oncall@example.com', 600, {
      list: () => subs,
      remove: (_u, endpoint) => {
        removed.push(endpoint);
      },
    });
    await channel.send({ type: 'webpush' }, testMessage(), {
      idempotencyKey: 'k1',
      signal: AbortSignal.timeout(5_000),
    });
    const r = server.requests.at(-1)!;
    assert.equal(r.headers['content-encoding'], 'aes128gcm');
    assert.equal(r.headers.ttl, '600');
    assert.match(String(r.headers.authorization), /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    const payload = JSON.parse(decrypt(r.body, ua, auth)) as { title: string; incidentId: string; tag: string };
    assert.deepEqual([payload.title, payload.incidentId, payload.tag], ['[PAGE] P1 PostgresDown on db', 'inc-1', 'k1']);

    server.status.code = 410;
    await channel.send({ type: 'webpush' }, testMessage(), {
      idempotencyKey: 'k2',
      signal: AbortSignal.timeout(5_000),
    });
    server.status.code = 200;
    assert.deepEqual(removed, [`${server.url}/push/live`]);
  });
});

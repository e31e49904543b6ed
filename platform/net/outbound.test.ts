/** The outbound guard, attacked over loopback: SSRF through a contact webhook, internal addresses, redirects, leaks. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { post } from '../alerts/notify/http.ts';
import { alertsService } from '../alerts/service.ts';
import type { RunningPlatform } from '../runtime/platform.ts';
import { apiFetch } from '../testing/api-client.ts';
import { freePort } from '../testing/peers.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { AddressPolicy } from './address-policy.ts';
import { loadOutboundPolicy, loopbackAllowed } from './config.ts';
import { DestinationRefusedError, DestinationUnreachableError, outboundRequest } from './outbound.ts';

/** An "internal" service on loopback that would hand secrets to whoever reaches it. */
async function internalService(): Promise<{ url: string; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/secret' }).end();
      return;
    }
    res.writeHead(req.url?.startsWith('/fail') === true ? 500 : 200).end('SECRET-INTERNAL-ANSWER');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, hits, server };
}

const send = (policy: AddressPolicy, url: string) =>
  outboundRequest(policy, url, { method: 'POST', headers: {}, body: '{}', signal: AbortSignal.timeout(5_000) });

describe('outbound guard', () => {
  let internal: Awaited<ReturnType<typeof internalService>>;
  before(async () => {
    internal = await internalService();
  });
  after(() => {
    internal.server.closeAllConnections();
    internal.server.close();
  });

  it('refuses loopback, private, link-local, CGNAT, metadata and mapped forms before connecting', async () => {
    const port = new URL(internal.url).port;
    const policy = loadOutboundPolicy({});
    for (const host of [
      '127.0.0.1',
      'localhost',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '2130706433',
      '0x7f.1',
      '0.0.0.0',
      '[::]',
      '169.254.169.254',
      '[fd00:ec2::254]',
      '100.100.100.200',
      '10.0.0.1',
      '192.168.1.1',
      '[fe80::1]',
      '224.0.0.1',
      '[64:ff9b::7f00:1]',
    ]) {
      await assert.rejects(send(policy, `http://${host}:${port}/x`), DestinationRefusedError, host);
    }
    await assert.rejects(send(policy, 'file:///etc/passwd'), DestinationRefusedError);
    assert.deepEqual(internal.hits, [], 'the internal service was never reached');
  });

  it('judges addresses: public unicast passes, embedded and special ranges do not, allow-lists override', () => {
    const policy = new AddressPolicy(['10.1.2.0/24', '::1/128']);
    for (const ok of ['8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8', '10.1.2.3', '::1'])
      assert.ok(policy.permits(ok), ok);
    for (const bad of ['10.1.3.1', '::ffff:10.0.0.1', '2002:a00:1::', '192.0.0.192', '255.255.255.255', 'not-an-ip'])
      assert.ok(!policy.permits(bad), bad);
  });

  it('with loopback allow-listed: answers the status, does not follow redirects, never returns the body', async () => {
    const policy = loopbackAllowed();
    assert.equal(await send(policy, `${internal.url}/ok`), 200);
    assert.equal(await send(policy, `${internal.url}/redirect`), 302);
    assert.ok(!internal.hits.includes('/secret'), 'the redirect was not followed');
  });

  it('a channel error keeps the status and the origin, not the body, path or query', async () => {
    await assert.rejects(
      post(loopbackAllowed(), `${internal.url}/fail?token=s3cr3t`, '{}', {}, AbortSignal.timeout(5_000)),
      (e: Error) => e.message === `${internal.url} answered 500`,
    );
  });

  it('a closed port and an unresolvable name fail alike (no port scanner)', async () => {
    const closed = `http://127.0.0.1:${String(await freePort())}/`;
    const errors = await Promise.all(
      [closed, 'http://no-such-host.invalid/'].map((u) => send(loopbackAllowed(), u).catch((e: unknown) => e)),
    );
    for (const e of errors) {
      assert.ok(e instanceof DestinationUnreachableError);
      assert.match(e.message, /: could not connect$/);
    }
  });
});

describe('contact webhook pointed at an internal service (SSRF through the alerts API)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssrf-'));
  let internal: Awaited<ReturnType<typeof internalService>>;
  let platform: RunningPlatform;
  before(async () => {
    internal = await internalService();
    platform = await startTestPlatform(dir, [
      alertsService({
        config: {
          route: { receiver: 'ops', group_wait: '0s' },
          receivers: [{ name: 'ops', escalation_policy: 'p' }],
          users: [{ id: 'mallory', name: 'Mallory' }],
          escalation_policies: [{ id: 'p', name: 'P', steps: [{ timeout: '1h', targets: [{ user: 'mallory' }] }] }],
          channels: { retry: { attempts: 1 } },
        },
        outbound: loadOutboundPolicy({}),
      }),
    ]);
  });
  after(async () => {
    await platform.stop();
    internal.server.closeAllConnections();
    internal.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never calls it, and the delivery log shows neither its answer nor the secret URL', async () => {
    const put = await apiFetch(platform, '/api/oncall/users/mallory', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Mallory',
        contacts: [{ type: 'webhook', url: `${internal.url}/internal/admin?token=s3cr3t` }],
      }),
    });
    assert.equal(put.status, 200);
    const posted = await apiFetch(platform, '/api/alerts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'test', alerts: [{ labels: { alertname: 'Ssrf', severity: 'critical' } }] }),
    });
    assert.equal(posted.status, 202);
    type Deliveries = { deliveries: { outcome: string; error: string | null }[] };
    let log: Deliveries = { deliveries: [] };
    for (let i = 0; i < 100 && log.deliveries.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      log = (await (await apiFetch(platform, '/api/alerts/deliveries')).json()) as Deliveries;
    }
    const [delivery] = log.deliveries;
    assert.ok(delivery, 'a delivery was attempted');
    assert.equal(delivery.outcome, 'failed');
    assert.match(delivery.error ?? '', /destination address not allowed/);
    const text = JSON.stringify(log);
    for (const leak of ['SECRET', 's3cr3t', '/internal/admin']) assert.ok(!text.includes(leak), leak);
    assert.deepEqual(internal.hits, []);
  });
});

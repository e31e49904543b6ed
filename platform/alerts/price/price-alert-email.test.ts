import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { loopbackAllowed } from '../../net/config.ts';
import { apiFetch } from '../../testing/api-client.ts';
import { eventually } from '../../testing/eventually.ts';
import { announceUniverse } from '../../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.ts';
import { alertsService } from '../service.ts';

describe('price alert by email through the SMTP integration (a real smtp-server on loopback)', () => {
  const mails: { to: string[]; data: string }[] = [];
  let server: SMTPServer;
  let dir: string;
  let platform: TestPlatform;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString();
        });
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    dir = await mkdtemp(join(tmpdir(), 'price-email-'));
    platform = await startTestPlatform(dir, [
      alertsService({
        config: {
          route: { receiver: 'none' },
          receivers: [{ name: 'none' }],
          channels: { smtp: { host: '127.0.0.1', port, from: 'alerts@insitechart.test' } },
        },
        // SMTP goes through the outbound guard: the loopback relay of this test is allowed explicitly.
        outbound: loopbackAllowed(),
      }),
    ]);
    await announceUniverse(platform.bus, ['AAPL']);
  });
  after(async () => {
    await platform.stop();
    await new Promise<void>((resolve) => {
      server.close(resolve);
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('a rule with an email address sends the firing there, in the language the rule was made in', async () => {
    const channels = (await (await apiFetch(platform, '/api/price-alerts/channels', { as: 'trader' })).json()) as {
      email: boolean;
    };
    assert.equal(channels.email, true);
    const body = {
      kind: 'price_below',
      symbol: 'AAPL',
      threshold: 150,
      notify: { webPush: false, email: 'ivy@example.com', language: 'de' },
    };
    await eventually(async () => {
      const response = await apiFetch(platform, '/api/price-alerts', {
        method: 'POST',
        as: 'trader',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      return response.status === 201;
    }, 'the rule (after the universe announcement)');
    for (const price of [151, 149])
      await platform.bus.publish('market.ticks', {
        key: 'AAPL',
        data: { symbol: 'AAPL', price, size: 1, ts: Date.now() },
      });
    await eventually(() => mails.length === 1, 'the email', 10_000);
    assert.deepEqual(mails[0]?.to, ['ivy@example.com']);
    assert.match(mails[0].data, /Subject: \[KURSALARM\] P3 AAPL fiel unter 150 \(jetzt 149\)/);
  });
});

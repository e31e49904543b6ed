import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch, type ApiRequestInit } from '../../testing/api-client.ts';
import { priceAlertResponses } from './openapi.ts';
import { eventually } from '../../testing/eventually.ts';
import { announceUniverse } from '../../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.ts';
import { alertsService } from '../service.ts';

type Json = Record<string, unknown>;

/** Opens the SSE stream as `token` and collects its `price-alert` events until `close()`. */
function openStream(url: string, token: string): { events: Json[]; opened: Promise<number>; close: () => void } {
  const events: Json[] = [];
  let buffer = '';
  const req = request(`${url}/api/price-alerts/stream`, { headers: { authorization: `Bearer ${token}` } });
  const opened = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (frame.includes('event: price-alert') && data !== undefined)
            events.push(JSON.parse(data.slice(6)) as Json);
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
  });
  req.end();
  return { events, opened, close: () => req.destroy() };
}

describe('price alerts: live instruments only, units and cooldown, email, live stream, owners only', () => {
  let dir: string;
  let platform: TestPlatform;
  let erin: { token: string };
  let frank: { token: string };
  const call = async (method: string, path: string, body?: unknown, as: ApiRequestInit['as'] = 'trader') => {
    const response = await apiFetch(platform, `/api${path}`, {
      method,
      as,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, json: (await response.json().catch(() => ({}))) as Json };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'price-alerts-'));
    platform = await startTestPlatform(dir, [
      alertsService({ config: { route: { receiver: 'none' }, receivers: [{ name: 'none' }] } }),
    ]);
    erin = { token: platform.identity.tokens.create('erin', 'trader').secret };
    frank = { token: platform.identity.tokens.create('frank', 'trader').secret };
  });
  after(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses every rule before the feed announced its instruments (503), then symbols without a live source (422)', async () => {
    const early = await call('POST', '/price-alerts', { kind: 'price_above', symbol: 'AAPL', threshold: 1 }, erin);
    assert.equal(early.status, 503);
    await announceUniverse(platform.bus, ['AAPL', 'JPM']);
    await eventually(
      async () =>
        (await call('POST', '/price-alerts', { kind: 'price_above', symbol: 'X', threshold: 1 }, erin)).status === 422,
      'the universe announcement',
    );
    for (const symbol of ['MSFT', 'NOPE']) {
      const refused = await call('POST', '/price-alerts', { kind: 'price_below', symbol, threshold: 10 }, erin);
      assert.equal(refused.status, 422, symbol);
      assert.match(String(refused.json.error), new RegExp(`${symbol} has no live price source`));
    }
    const pair = await call(
      'POST',
      '/price-alerts',
      { kind: 'correlation_break', symbol: 'AAPL', otherSymbol: 'MSFT' },
      erin,
    );
    assert.equal(pair.status, 422, 'the other symbol of a pair must be live too');
    assert.equal(((await call('GET', '/price-alerts', undefined, erin)).json.alerts as unknown[]).length, 0);
  });

  it('returns the threshold unit and cooldown; email is refused without an SMTP relay', async () => {
    const channels = await call('GET', '/price-alerts/channels', undefined, erin);
    assert.deepEqual(channels.json, { webPush: true, email: false, stream: '/api/price-alerts/stream' });
    const email = await call(
      'POST',
      '/price-alerts',
      { kind: 'price_above', symbol: 'AAPL', threshold: 100, notify: { email: 'erin@example.com' } },
      erin,
    );
    assert.equal(email.status, 422);
    assert.match(String(email.json.error), /email delivery is not set up/);
    const move = await call('POST', '/price-alerts', { kind: 'percent_move', symbol: 'jpm', threshold: 2 }, erin);
    assert.equal(move.status, 201);
    assert.deepEqual(
      [move.json.thresholdUnit, move.json.cooldownMinutes, move.json.currency, move.json.notify],
      ['percent', 60, 'USD', { webPush: true }],
    );
    const listed = priceAlertResponses.list.safeParse((await call('GET', '/price-alerts', undefined, erin)).json);
    assert.ok(listed.success && listed.data.alerts.length >= 1, 'answers as the OpenAPI document declares');
    await call('DELETE', `/price-alerts/${String(move.json.id)}`, undefined, erin);
  });

  it('pushes a firing to the owner’s open streams only, with what a toast and a chart marker need', async () => {
    const mine = openStream(platform.url, erin.token);
    const theirs = openStream(platform.url, frank.token);
    assert.equal(await mine.opened, 200);
    assert.equal(await theirs.opened, 200);
    const rule = await call('POST', '/price-alerts', { kind: 'price_above', symbol: 'AAPL', threshold: 200 }, erin);
    assert.equal(rule.status, 201);
    assert.equal(rule.json.thresholdUnit, 'price');
    assert.equal(((await call('GET', '/price-alerts', undefined, frank)).json.alerts as unknown[]).length, 0);
    assert.equal((await call('DELETE', `/price-alerts/${String(rule.json.id)}`, undefined, frank)).status, 404);
    for (const price of [199, 201])
      await platform.bus.publish('market.ticks', {
        key: 'AAPL',
        data: { symbol: 'AAPL', price, size: 1, ts: Date.now() },
      });
    await eventually(() => mine.events.length === 1, 'the live event');
    const event = mine.events[0] ?? {};
    assert.deepEqual(
      [event.ruleId, event.symbol, event.observed, event.threshold, event.thresholdUnit],
      [rule.json.id, 'AAPL', 201, 200, 'price'],
    );
    assert.ok(Number.isFinite(Date.parse(String(event.at))));
    const listed = (await call('GET', '/price-alerts', undefined, erin)).json.alerts as Json[];
    assert.ok(Date.parse(String(listed[0]?.cooldownUntil)) > Date.now(), 'cooling down after the firing');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(theirs.events.length, 0, 'another user never sees it');
    mine.close();
    theirs.close();

    // A restart keeps the cooldown: the rule says so and a new crossing inside it does not fire.
    await platform.stop();
    platform = await startTestPlatform(dir, [
      alertsService({ config: { route: { receiver: 'none' }, receivers: [{ name: 'none' }] } }),
    ]);
    await announceUniverse(platform.bus, ['AAPL', 'JPM']);
    const after = (await call('GET', '/price-alerts', undefined, erin)).json.alerts as Json[];
    assert.equal(after[0]?.cooldownUntil, listed[0]?.cooldownUntil, 'the same cooldown after the restart');
    const again = openStream(platform.url, erin.token);
    assert.equal(await again.opened, 200);
    for (const price of [199, 201])
      await platform.bus.publish('market.ticks', {
        key: 'AAPL',
        data: { symbol: 'AAPL', price, size: 1, ts: Date.now() },
      });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(again.events.length, 0, 'no firing inside the cooldown');
    again.close();
  });

  it('operations incidents are for operator roles: a trader is refused', async () => {
    assert.equal((await call('GET', '/incidents', undefined, 'trader')).status, 403);
    assert.equal((await call('GET', '/incidents', undefined, 'oncall')).status, 200);
  });
});

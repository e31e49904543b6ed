/**
 * One client must not grow the platform's state without bound: rows a role may create (price alerts and Web Push
 * subscriptions for a trader, silences for an sre) have a cap, oversized fields are refused, and a refusal is a 4xx
 * with a JSON message that changes nothing. Sent by a real client to a platform on loopback.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_PRICE_ALERTS_PER_USER } from '../alerts/price/rules.ts';
import { alertsService } from '../alerts/service.ts';
import { MAX_PUSH_SUBSCRIPTIONS_PER_USER } from '../alerts/store/push-subscriptions.ts';
import { apiJson, type ApiRequestInit } from '../testing/api-client.ts';
import { announceUniverse } from '../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

/** The default (1,000) is the same code path; a smaller cap keeps the test fast. */
const MAX_LIVE_SILENCES = 40;

describe('per-client resource caps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resource-caps-'));
  let platform: TestPlatform;
  const send = (path: string, init: ApiRequestInit & { json?: unknown } = {}) => apiJson(platform, path, init);
  const refused = (r: { status: number; body: Record<string, unknown> | undefined }, what: string): void => {
    assert.ok(r.status >= 400 && r.status < 500, `${what}: ${String(r.status)}`);
    assert.equal(typeof r.body?.error, 'string', `${what}: a JSON message`);
  };

  before(async () => {
    platform = await startTestPlatform(dir, [alertsService({ maxLiveSilences: MAX_LIVE_SILENCES })]);
    await announceUniverse(platform.bus, ['AAPL']);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a trader holds at most MAX_PRICE_ALERTS_PER_USER price alerts; updating one at the cap still works', async () => {
    const rule = { kind: 'price_above', symbol: 'AAPL', threshold: 500, notify: { webPush: false } };
    let id = '';
    for (let i = 0; i < MAX_PRICE_ALERTS_PER_USER; i++) {
      const r = await send('/api/price-alerts', { method: 'POST', as: 'trader', json: rule });
      assert.equal(r.status, 201);
      id = String(r.body?.id);
    }
    refused(await send('/api/price-alerts', { method: 'POST', as: 'trader', json: rule }), 'one over the cap');
    const list = await send('/api/price-alerts', { as: 'trader' });
    assert.equal((list.body?.alerts as unknown[]).length, MAX_PRICE_ALERTS_PER_USER, 'nothing was added');
    const update = await send(`/api/price-alerts/${id}`, {
      method: 'PUT',
      as: 'trader',
      json: { ...rule, threshold: 600 },
    });
    assert.equal(update.status, 200);
  });

  it('a trader registers at most MAX_PUSH_SUBSCRIPTIONS_PER_USER browsers, with bounded fields', async () => {
    const sub = (i: number, extra: Record<string, unknown> = {}) => ({
      endpoint: `https://push.example.com/send/${String(i)}`,
      keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) },
      ...extra,
    });
    for (let i = 0; i < MAX_PUSH_SUBSCRIPTIONS_PER_USER; i++)
      assert.equal((await send('/api/push/subscriptions', { method: 'POST', as: 'trader', json: sub(i) })).status, 201);
    // The same browser again replaces its entry: not refused at the cap.
    assert.equal((await send('/api/push/subscriptions', { method: 'POST', as: 'trader', json: sub(0) })).status, 201);
    refused(
      await send('/api/push/subscriptions', { method: 'POST', as: 'trader', json: sub(999) }),
      'one browser over the cap',
    );
    refused(
      await send('/api/push/subscriptions', {
        method: 'POST',
        as: 'admin',
        json: { ...sub(1), endpoint: `https://push.example.com/${'x'.repeat(10_000)}` },
      }),
      'a 10,000-character endpoint',
    );
    refused(
      await send('/api/push/subscriptions', {
        method: 'POST',
        as: 'admin',
        json: sub(2, { keys: { p256dh: 'B'.repeat(100_000), auth: 'A'.repeat(22) } }),
      }),
      'a 100,000-character key',
    );
    const data = await send('/api/identity/me/data', { as: 'trader' });
    assert.equal(JSON.stringify(data.body).includes('x'.repeat(10_000)), false);
  });

  it('silences: at most the cap live, bounded comments; expiring one makes room, expired ones are bounded too', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const silence = (i: number) => ({ matchers: [`job="j${String(i)}"`], endsAt, createdBy: 'x', comment: 'fuzz' });
    refused(
      await send('/api/silences', { method: 'POST', as: 'sre', json: { ...silence(0), comment: 'c'.repeat(100_000) } }),
      'a 100,000-character comment',
    );
    refused(
      await send('/api/silences', {
        method: 'POST',
        as: 'sre',
        json: { ...silence(0), matchers: Array.from({ length: 1_000 }, (_, i) => `l${String(i)}="v"`) },
      }),
      '1,000 matchers',
    );
    let last = '';
    for (let i = 0; i < MAX_LIVE_SILENCES; i++) {
      const r = await send('/api/silences', { method: 'POST', as: 'sre', json: silence(i) });
      assert.equal(r.status, 201);
      last = String(r.body?.id);
    }
    refused(await send('/api/silences', { method: 'POST', as: 'sre', json: silence(-1) }), 'one over the cap');
    const list = await send('/api/silences', { as: 'sre' });
    assert.equal((list.body?.silences as unknown[]).length, MAX_LIVE_SILENCES, 'nothing was added');
    // Updating a live silence at the cap is not a new one.
    assert.equal((await send(`/api/silences/${last}`, { method: 'PUT', as: 'sre', json: silence(7) })).status, 200);
    assert.equal((await send(`/api/silences/${last}`, { method: 'DELETE', as: 'sre' })).status, 200);
    assert.equal((await send('/api/silences', { method: 'POST', as: 'sre', json: silence(-2) })).status, 201);
    // Creating and expiring, over and over, keeps only the latest expired ones.
    const live = (await send('/api/silences', { as: 'sre' })).body?.silences as { id: string; state: string }[];
    for (const s of live.filter((x) => x.state === 'active'))
      assert.equal((await send(`/api/silences/${s.id}`, { method: 'DELETE', as: 'sre' })).status, 200);
    for (let i = 0; i < MAX_LIVE_SILENCES; i++) {
      const r = await send('/api/silences', { method: 'POST', as: 'sre', json: silence(i) });
      assert.equal((await send(`/api/silences/${String(r.body?.id)}`, { method: 'DELETE', as: 'sre' })).status, 200);
    }
    const kept = (await send('/api/silences', { as: 'sre' })).body?.silences as unknown[];
    assert.ok(kept.length <= MAX_LIVE_SILENCES, `${String(kept.length)} silences kept`);
  });

  it('an on-call user has at most 20 contacts, a policy at most 20 steps of 50 targets', async () => {
    const contacts = Array.from({ length: 1_000 }, (_, i) => ({
      type: 'webhook',
      url: `https://hooks.example.com/${String(i)}`,
    }));
    refused(
      await send('/api/oncall/users/many', { method: 'PUT', as: 'sre', json: { name: 'Many', contacts } }),
      '1,000 contacts',
    );
    assert.equal((await send('/api/oncall/users/ok', { method: 'PUT', as: 'sre', json: { name: 'Ok' } })).status, 200);
    const targets = Array.from({ length: 51 }, () => ({ user: 'ok' }));
    refused(
      await send('/api/oncall/policies/wide', { method: 'PUT', as: 'sre', json: { name: 'W', steps: [{ targets }] } }),
      '51 targets in a step',
    );
    const steps = Array.from({ length: 21 }, () => ({ targets: [{ user: 'ok' }] }));
    refused(
      await send('/api/oncall/policies/long', { method: 'PUT', as: 'sre', json: { name: 'L', steps } }),
      '21 steps',
    );
    const users = (await send('/api/oncall/users', { as: 'sre' })).body?.users as { id: string }[];
    assert.deepEqual(
      users.map((u) => u.id).filter((id) => id === 'many' || id === 'ok'),
      ['ok'],
    );
  });
});

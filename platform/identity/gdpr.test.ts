/** GDPR over HTTP: a user's export of their data, their erasure (audit pseudonymised), and the retention sweep. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { alertsService } from '../alerts/service.ts';
import { portfolioService } from '../portfolio/service.ts';
import { createLogger } from '../telemetry/logger.ts';
import { apiFetch } from '../testing/api-client.ts';
import { announceUniverse } from '../testing/market-fixtures.ts';
import { startTestPlatform, TEST_ADMIN_PASSWORD, type TestPlatform } from '../testing/platform.ts';
import { AuditTrail } from './audit-trail.ts';
import { openIdentityDatabase } from './db.ts';
import { RetentionSweep } from './retention.ts';
import { SessionStore } from './sessions.ts';

const json = { 'content-type': 'application/json' };

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function signIn(platform: TestPlatform, name: string, password: string): Promise<Session> {
  const res = await apiFetch(platform, '/api/identity/session', {
    as: 'anonymous',
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name, password }),
  });
  assert.equal(res.status, 200, `${name} signs in`);
  const cookie = /^(ic_session=[\w-]+);/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  return { cookie, csrf: ((await res.json()) as { csrf: string }).csrf };
}

/** A request as a signed-in person (cookie and CSRF token). */
const as = (s: Session, method = 'GET', body?: unknown): RequestInit & { as: 'anonymous' } => ({
  as: 'anonymous',
  method,
  headers: { ...json, cookie: s.cookie, 'x-csrf-token': s.csrf },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Export {
  subject: string;
  account: { name: string; role: string };
  sessions: unknown[];
  auditTrail: { actor: string; action: string }[];
  services: {
    priceAlerts: { rules: { symbol: string }[] };
    pushSubscriptions: { endpoint: string }[];
    portfolio: { positions: { symbol: string; quantity: number }[]; watchlist: string[] };
  };
}

describe('GDPR: export, erasure, retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdpr-'));
  let platform: TestPlatform;
  let admin: Session;
  let alice: Session;
  const password = 'alice-password-long';

  before(async () => {
    platform = await startTestPlatform(dir, [alertsService(), portfolioService()]);
    admin = await signIn(platform, 'admin', TEST_ADMIN_PASSWORD);
    const created = await apiFetch(
      platform,
      '/api/identity/users/alice',
      as(admin, 'PUT', { role: 'trader', password: 'first-password-long' }),
    );
    assert.equal(created.status, 201);
    const first = await signIn(platform, 'alice', 'first-password-long');
    const changed = await apiFetch(
      platform,
      '/api/identity/password',
      as(first, 'POST', { current: 'first-password-long', next: password }),
    );
    assert.equal(changed.status, 200);
    alice = await signIn(platform, 'alice', password);
    // Price alerts are taken for live instruments only, once the feed has announced them.
    await announceUniverse(platform.bus, ['AAPL']);
    await until('AAPL to be live', async () => {
      const rule = await apiFetch(
        platform,
        '/api/price-alerts',
        as(alice, 'POST', { kind: 'price_above', symbol: 'AAPL', threshold: 500 }),
      );
      return rule.status === 201 ? true : undefined;
    });
    const push = await apiFetch(
      platform,
      '/api/push/subscriptions',
      as(alice, 'POST', {
        endpoint: 'https://push.example/alice-1',
        keys: { p256dh: 'p'.repeat(20), auth: 'a'.repeat(10) },
      }),
    );
    assert.ok(push.status < 300, `push subscription ${String(push.status)}`);
    await until('a position in the portfolio', async () => {
      const held = await apiFetch(
        platform,
        '/api/portfolio/positions/AAPL',
        as(alice, 'PUT', { quantity: 3, averageCost: 200 }),
      );
      return held.status === 200 ? true : undefined;
    });
    assert.equal((await apiFetch(platform, '/api/watchlist', as(alice, 'PUT', { symbols: ['AAPL'] }))).status, 200);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports everything kept about the user, to themself and to an admin, as JSON', async () => {
    const mine = await until('the audit trail to hold alice’s actions', async () => {
      const body = (await (await apiFetch(platform, '/api/identity/me/data', as(alice))).json()) as Export;
      return body.auditTrail.some((e) => e.action === 'push.subscribe') ? body : undefined;
    });
    assert.equal(mine.subject, 'alice');
    assert.equal(mine.account.role, 'trader');
    assert.ok(mine.sessions.length >= 1);
    assert.deepEqual(
      mine.services.priceAlerts.rules.map((r) => r.symbol),
      ['AAPL'],
    );
    assert.deepEqual(mine.services.pushSubscriptions, [{ endpoint: 'https://push.example/alice-1' }]);
    assert.deepEqual(
      mine.services.portfolio.positions.map((p) => [p.symbol, p.quantity]),
      [['AAPL', 3]],
    );
    assert.deepEqual(mine.services.portfolio.watchlist, ['AAPL']);
    assert.ok(mine.auditTrail.some((e) => e.action === 'identity.sign-in' && e.actor === 'user:alice'));
    assert.doesNotMatch(JSON.stringify(mine), /csrf|p256dh|scrypt/i, 'no secrets in the export');

    const byAdmin = await apiFetch(platform, '/api/identity/users/alice/data', as(admin));
    assert.equal(byAdmin.status, 200);
    assert.equal(((await byAdmin.json()) as Export).subject, 'alice');
    const missing = await apiFetch(platform, '/api/identity/users/nobody/data', as(admin));
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /no user/);
    const token = await apiFetch(platform, '/api/identity/me/data', { as: 'trader' });
    assert.equal(token.status, 400, 'an API token is not a person');
  });

  it('refuses erasure with a wrong password, and of the last admin, changing nothing', async () => {
    const wrong = await apiFetch(platform, '/api/identity/me/erase', as(alice, 'POST', { password: 'not-it-at-all' }));
    assert.equal(wrong.status, 403);
    const junk = await apiFetch(platform, '/api/identity/me/erase', as(alice, 'POST', { password: 1, extra: true }));
    assert.equal(junk.status, 400);
    const last = await apiFetch(
      platform,
      '/api/identity/me/erase',
      as(admin, 'POST', { password: TEST_ADMIN_PASSWORD }),
    );
    assert.equal(last.status, 409);
    assert.equal((await apiFetch(platform, '/api/identity/me/data', as(alice))).status, 200, 'alice is untouched');
  });

  it('erases the user and their data; their audit entries keep a pseudonym and no longer name them', async () => {
    const res = await apiFetch(platform, '/api/identity/me/erase', as(alice, 'POST', { password }));
    assert.equal(res.status, 200);
    const erased = (await res.json()) as { pseudonym: string; deleted: Record<string, number> };
    assert.deepEqual(erased.deleted, { priceAlerts: 1, pushSubscriptions: 1, portfolio: 2, account: 1 });
    assert.equal((await apiFetch(platform, '/api/identity/me/data', as(alice))).status, 401, 'the session ended');
    assert.equal((await apiFetch(platform, '/api/identity/users/alice/data', as(admin))).status, 404);

    const db = new DatabaseSync(join(dir, 'identity.db'), { readOnly: true });
    try {
      const count = (where: string, ...args: string[]): number =>
        (db.prepare(`SELECT count(*) AS n FROM audit_trail WHERE ${where}`).get(...args) as { n: number }).n;
      await until('the erasure to be audited under the pseudonym', () =>
        Promise.resolve(count('action = ?', 'user.erase') > 0 ? true : undefined),
      );
      assert.ok(count('actor = ?', `user:${erased.pseudonym}`) >= 3, 'alice’s actions are kept, pseudonymised');
      assert.equal(count("actor LIKE '%alice%' OR resource LIKE '%alice%' OR details LIKE '%alice%'"), 0);
    } finally {
      db.close();
    }
  });
});

describe('retention sweep', () => {
  it('deletes expired sessions and audit entries past their period, at most a bounded number per run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retention-'));
    const db = openIdentityDatabase(dir);
    try {
      db.prepare("INSERT INTO users (name, role, created_at) VALUES ('bob', 'viewer', 0)").run();
      const sessions = new SessionStore(db, {
        idleMs: 60_000,
        absoluteMs: 3_600_000,
        maxSessions: 100,
        maxPerUser: 50,
      });
      const day = 86_400_000;
      const now = 400 * day;
      sessions.create('bob', now);
      sessions.create('bob', now - 2 * 60_000); // idle for two minutes at `now`
      const trail = new AuditTrail(db);
      db.exec('BEGIN');
      for (let i = 0; i < 12_000; i++)
        trail.record({
          id: `old-${String(i)}`,
          at: new Date(now - 366 * day).toISOString(),
          actor: 'user:bob',
          action: 'x',
          resource: 'r',
          details: {},
        });
      trail.record({
        id: 'new',
        at: new Date(now - day).toISOString(),
        actor: 'user:bob',
        action: 'x',
        resource: 'r',
        details: {},
      });
      const sweep = new RetentionSweep({
        sessions,
        trail,
        settings: { auditMs: 365 * day, auditMaxRows: 1_000_000, everyMs: 60_000 },
        logger: createLogger({ service: 'test', level: 'silent' }),
      });
      assert.deepEqual(sweep.sweep(now), { sessions: 1, audit: 10_000 }, 'bounded: 10,000 per run');
      assert.deepEqual(sweep.sweep(now), { sessions: 0, audit: 2_000 });
      assert.equal(trail.count(), 1, 'the entry within its period stays');
      assert.equal(sessions.count(), 1);
      const capped = new RetentionSweep({
        sessions,
        trail,
        settings: { auditMs: 365 * day, auditMaxRows: 0, everyMs: 60_000 },
        logger: createLogger({ service: 'test', level: 'silent' }),
      });
      assert.equal(capped.sweep(now).audit, 1, 'beyond the row cap the oldest go');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

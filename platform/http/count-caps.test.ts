/**
 * How many entries trusted roles may create has a bound too: on-call users, schedules and escalation policies (sre),
 * accounts and live API tokens (admin, and `npm run token`). One over is a 422 with a JSON message naming the limit
 * and changes nothing; updating an entry at the bound still works, removing one makes room; revoked and expired
 * tokens do not count. Sent by a real client to a platform on loopback (the CLI in its own process).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { alertsService } from '../alerts/service.ts';
import { roles } from '../identity/permissions.ts';
import { apiJson, type ApiRequestInit } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { projectRoot } from '../testing/process.ts';

/** Small bounds keep the test fast; the defaults (1,000 / 200 / 200; 10,000 accounts, 1,000 tokens): same code. */
const limits = { users: 4, schedules: 2, escalation_policies: 2 };
const MAX_ACCOUNTS = 3;
/** startTestPlatform holds one live token per role. */
const MAX_API_TOKENS = roles.length + 3;

describe('count caps on what trusted roles create', () => {
  const dir = mkdtempSync(join(tmpdir(), 'count-caps-'));
  let platform: TestPlatform;
  const send = (path: string, init: ApiRequestInit & { json?: unknown } = {}) => apiJson(platform, path, init);
  const overTheLimit = (r: { status: number; body: Record<string, unknown> | undefined }, setting: RegExp): void => {
    assert.equal(r.status, 422);
    assert.match(String(r.body?.error), setting, 'the message names the limit');
  };

  before(async () => {
    platform = await startTestPlatform(
      dir,
      [alertsService({ config: { route: { receiver: 'none' }, receivers: [{ name: 'none' }], limits } })],
      { MAX_ACCOUNTS: String(MAX_ACCOUNTS), MAX_API_TOKENS: String(MAX_API_TOKENS) },
    );
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on-call users, schedules and policies: at most limits.*; updates at the bound work, removals make room', async () => {
    const kinds = [
      { path: 'users', limit: limits.users, entry: () => ({ name: 'Person' }) },
      {
        path: 'schedules',
        limit: limits.schedules,
        entry: () => ({
          name: 'Rota',
          time_zone: 'UTC',
          layers: [{ users: ['u0'], rotation: { length: 1, unit: 'weeks' }, start: '2026-01-05T09:00' }],
        }),
      },
      {
        path: 'policies',
        limit: limits.escalation_policies,
        entry: () => ({ name: 'Escalate', steps: [{ timeout: '5m', targets: [{ user: 'u0' }] }] }),
      },
    ];
    for (const { path, limit, entry } of kinds) {
      const prefix = path[0] ?? 'x';
      for (let i = 0; i < limit; i++)
        assert.equal(
          (await send(`/api/oncall/${path}/${prefix}${String(i)}`, { method: 'PUT', as: 'sre', json: entry() })).status,
          200,
        );
      overTheLimit(
        await send(`/api/oncall/${path}/${prefix}-over`, { method: 'PUT', as: 'sre', json: entry() }),
        new RegExp(`at most ${String(limit)} ${path}.*limits\\.`),
      );
      const list = (await send(`/api/oncall/${path}`, { as: 'sre' })).body?.[path] as { id: string }[];
      assert.equal(list.length, limit, `${path}: nothing was added`);
      assert.equal(
        (await send(`/api/oncall/${path}/${prefix}1`, { method: 'PUT', as: 'sre', json: entry() })).status,
        200,
      );
      assert.equal((await send(`/api/oncall/${path}/${prefix}1`, { method: 'DELETE', as: 'sre' })).status, 204);
      assert.equal(
        (await send(`/api/oncall/${path}/${prefix}-over`, { method: 'PUT', as: 'sre', json: entry() })).status,
        200,
      );
    }
  });

  it('accounts: at most MAX_ACCOUNTS; a role change at the bound works, erasing one makes room', async () => {
    const account = (role: string) => ({ role, password: 'a long enough password' });
    // admin exists: MAX_ACCOUNTS - 1 more.
    for (let i = 1; i < MAX_ACCOUNTS; i++)
      assert.equal(
        (await send(`/api/identity/users/person${String(i)}`, { method: 'PUT', json: account('viewer') })).status,
        201,
      );
    overTheLimit(
      await send('/api/identity/users/one-more', { method: 'PUT', json: account('viewer') }),
      /at most 3 accounts.*MAX_ACCOUNTS/,
    );
    const names = ((await send('/api/identity/users')).body?.users as { name: string }[]).map((u) => u.name);
    assert.equal(names.length, MAX_ACCOUNTS);
    assert.equal(names.includes('one-more'), false, 'nothing was added');
    assert.equal((await send('/api/identity/users/person1', { method: 'PUT', json: { role: 'sre' } })).status, 200);
    assert.equal((await send('/api/identity/users/person2', { method: 'DELETE' })).status, 204);
    assert.equal((await send('/api/identity/users/one-more', { method: 'PUT', json: account('viewer') })).status, 201);
  });

  it('API tokens: at most MAX_API_TOKENS live, over HTTP and from the CLI; revoked ones do not count', async () => {
    const live = (): Promise<{ id: string; name: string; revokedAt: string | null }[]> =>
      send('/api/identity/tokens').then((r) =>
        (r.body?.tokens as { id: string; name: string; revokedAt: string | null }[]).filter(
          (t) => t.revokedAt === null,
        ),
      );
    const room = MAX_API_TOKENS - (await live()).length;
    assert.ok(room > 0, 'the test credentials leave room');
    for (let i = 0; i < room; i++)
      assert.equal(
        (await send('/api/identity/tokens', { method: 'POST', json: { name: `job-${String(i)}`, role: 'viewer' } }))
          .status,
        201,
      );
    overTheLimit(
      await send('/api/identity/tokens', { method: 'POST', json: { name: 'one-more', role: 'viewer' } }),
      /at most \d+ live API tokens.*MAX_API_TOKENS/,
    );
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['platform/identity/cli.ts', ...args], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, MAX_API_TOKENS: String(MAX_API_TOKENS) },
        encoding: 'utf8',
      });
    const refused = cli('create', '--name', 'from-cli', '--role', 'feed');
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /MAX_API_TOKENS/);
    assert.equal(refused.stdout, '', 'no token printed');
    assert.equal((await live()).length, MAX_API_TOKENS, 'nothing was added');
    // A revoked token leaves room, from the CLI too.
    const revoke = async (): Promise<void> => {
      const victim = (await live()).find((t) => /^(job|churn)-/.test(t.name));
      assert.ok(victim, 'a token to revoke');
      assert.equal((await send(`/api/identity/tokens/${victim.id}`, { method: 'DELETE' })).status, 204);
    };
    await revoke();
    const created = cli('create', '--name', 'from-cli', '--role', 'feed');
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /^ict_/);
    // Revoked tokens are kept to a bound however often revoking and creating repeat.
    for (let i = 0; i < 2 * MAX_API_TOKENS; i++) {
      await revoke();
      const made = await send('/api/identity/tokens', {
        method: 'POST',
        json: { name: `churn-${String(i)}`, role: 'viewer' },
      });
      assert.equal(made.status, 201);
    }
    assert.equal((await live()).length, MAX_API_TOKENS);
    const all = (await send('/api/identity/tokens')).body?.tokens as unknown[];
    assert.ok(all.length <= 2 * MAX_API_TOKENS, `${String(all.length)} tokens listed: revoked ones are pruned`);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { TopicData } from '../backbone/topics.ts';
import type { Service } from '../runtime/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { projectRoot } from '../testing/process.ts';

const dirs: string[] = [];
const platforms: TestPlatform[] = [];
after(async () => {
  for (const p of platforms) await p.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A service with one WebSocket route, so upgrades can be tried without the market-data service. */
const echoSocket: Service = {
  name: 'echo',
  start: (ctx) => {
    ctx.websockets.add('/ws', (socket) => {
      socket.send('hello');
    });
    return Promise.resolve();
  },
  stop: () => Promise.resolve(),
};

async function start(env: Record<string, string> = {}): Promise<{ platform: TestPlatform; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'identity-'));
  dirs.push(dir);
  const platform = await startTestPlatform(dir, [echoSocket], env);
  platforms.push(platform);
  return { platform, dir };
}

const json = { 'content-type': 'application/json' };
const signIn = (platform: TestPlatform, name: string, password: string) =>
  apiFetch(platform, '/api/identity/session', {
    as: 'anonymous',
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name, password }),
  });

function sessionCookie(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /^(ic_session=[\w-]+);/.exec(header);
  assert.ok(match?.[1], `a session cookie in ${header}`);
  return match[1];
}

describe('identity over HTTP', () => {
  it('signs in with a password into an HttpOnly SameSite cookie session; cookie writes need the CSRF token', async () => {
    const { platform } = await start();
    const first = await signIn(platform, 'admin', 'test-admin-password');
    assert.equal(first.status, 200);
    const header = first.headers.get('set-cookie') ?? '';
    assert.match(header, /HttpOnly/);
    assert.match(header, /SameSite=Strict/);
    assert.doesNotMatch(header, /Secure/, 'not Secure over plain http');
    const { csrf, role } = (await first.json()) as { csrf: string; role: string };
    assert.equal(role, 'admin');
    const cookie = sessionCookie(first);
    const again = sessionCookie(await signIn(platform, 'admin', 'test-admin-password'));
    assert.notEqual(again, cookie, 'a new session id at every sign-in');

    const me = (await (
      await apiFetch(platform, '/api/identity/me', { as: 'anonymous', headers: { cookie } })
    ).json()) as {
      actor: string;
      permissions: string[];
    };
    assert.equal(me.actor, 'user:admin');
    assert.ok(me.permissions.includes('admin'));
    const create = (headers: Record<string, string>) =>
      apiFetch(platform, '/api/identity/tokens', {
        as: 'anonymous',
        method: 'POST',
        headers: { ...json, cookie, ...headers },
        body: JSON.stringify({ name: 'ci', role: 'viewer', ttlDays: 1 }),
      });
    assert.equal((await create({})).status, 403, 'no CSRF token');
    assert.equal((await create({ 'x-csrf-token': 'x'.repeat(43) })).status, 403, 'a wrong CSRF token');
    const created = await create({ 'x-csrf-token': csrf });
    assert.equal(created.status, 201);
    const { secret } = (await created.json()) as { secret: string };
    assert.equal((await apiFetch(platform, '/api/openapi.json', { as: { token: secret } })).status, 200);

    const out = await apiFetch(platform, '/api/identity/session', {
      as: 'anonymous',
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(out.status, 204);
    assert.equal(
      (await apiFetch(platform, '/api/identity/tokens', { as: 'anonymous', headers: { cookie } })).status,
      401,
      'signed out',
    );
  });

  it('throttles failed sign-ins with growing delays and reports a lock-out in the log, audit and metrics', async () => {
    const { platform } = await start({ SIGNIN_LOCKOUT_FAILURES: '2' });
    const audit: TopicData<'audit'>[] = [];
    await platform.bus.subscribe({
      group: 'audit-test',
      topic: 'audit',
      handler: ({ envelope }) => {
        audit.push(envelope.data);
      },
    });
    assert.equal((await signIn(platform, 'admin', 'wrong password!')).status, 401);
    const throttled = await signIn(platform, 'admin', 'test-admin-password');
    assert.equal(throttled.status, 429, 'even the right password waits out the delay');
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await signIn(platform, 'admin', 'wrong password!')).status, 401);
    const locked = await signIn(platform, 'admin', 'test-admin-password');
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 60, 'locked out for the window');
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    assert.match(metrics, /insitechart_signin_lockouts_total\{scope="account"\} 1/);
    assert.match(metrics, /insitechart_signin_attempts_total\{outcome="throttled"\} 2/);
    for (let i = 0; i < 100 && !audit.some((a) => a.action === 'identity.lockout'); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      audit.filter((a) => a.action === 'identity.lockout').map((a) => a.resource),
      ['user/admin'],
    );
  });

  it('rate limits per identity and per address with 429 and Retry-After', async () => {
    const { platform } = await start({ RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
    const statuses = async (as: 'viewer' | 'oncall' | 'anonymous', n: number, path: string) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await apiFetch(platform, path, { as });
        out.push(r.status);
        if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) >= 1);
        await r.body?.cancel();
      }
      return out;
    };
    assert.deepEqual(await statuses('viewer', 6, '/api/openapi.json'), [200, 200, 200, 200, 200, 429]);
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    assert.match(metrics, /insitechart_http_refused_total\{status="429",kind="token",token="test-viewer"\} 1/);
    assert.deepEqual(await statuses('oncall', 1, '/api/openapi.json'), [200], 'another identity has its own allowance');
    assert.deepEqual(await statuses('anonymous', 4, '/api/openapi.json'), [200, 200, 200, 429]);
    assert.equal((await fetch(`${platform.url}/healthz`)).status, 200, 'probes are not limited');
  });

  it('refuses a token revoked by `npm run token` from the first request sent after the command returned', async () => {
    // Requests keep flowing while the CLI runs, so the platform has just looked for other processes' commits
    // whenever the revocation lands (it looks at most every FOREIGN_COMMIT_SEEN_WITHIN_MS).
    const { platform, dir } = await start({ RATE_LIMIT_PER_MINUTE: '100000' });
    const { secret } = platform.identity.tokens.create('ci-job', 'viewer', 1);
    const cli = spawn(process.execPath, ['platform/identity/cli.ts', 'revoke', 'ci-job'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const command = { returned: false };
    const exit = new Promise<number | null>((resolve) => {
      cli.once('exit', (code) => {
        command.returned = true;
        resolve(code);
      });
    });
    const meanwhile = new Set<number>();
    while (!command.returned) {
      const r = await apiFetch(platform, '/api/openapi.json', { as: { token: secret } });
      meanwhile.add(r.status);
      await r.body?.cancel();
    }
    assert.equal(await exit, 0, stderr);
    assert.ok(meanwhile.has(200), 'served before the revocation');
    const refused = await apiFetch(platform, '/api/openapi.json', { as: { token: secret } });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /invalid_token/);
  });

  it('authenticates WebSocket upgrades when market data is not public', async () => {
    const { platform } = await start({ PUBLIC_MARKET_DATA: 'false' });
    const ws = platform.url.replace('http', 'ws') + '/ws';
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(ws);
      socket.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
      });
      socket.on('error', () => undefined);
    });
    assert.equal(refused, 401);
    const hello = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(ws, { headers: { authorization: `Bearer ${platform.credentials.viewer}` } });
      socket.on('message', (data: Buffer) => {
        resolve(data.toString());
        socket.close();
      });
      socket.on('error', reject);
    });
    assert.equal(hello, 'hello');
    assert.equal((await apiFetch(platform, '/api/openapi.json', { as: 'anonymous' })).status, 401);
  });

  it('marks cookies Secure with the __Host- prefix when PUBLIC_URL is https', async () => {
    const { platform } = await start({ PUBLIC_URL: 'https://insitechart.example' });
    const header = (await signIn(platform, 'admin', 'test-admin-password')).headers.get('set-cookie') ?? '';
    assert.match(header, /^__Host-ic_session=[\w-]+; .*Secure/);
  });
});

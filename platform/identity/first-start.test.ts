import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { apiFetch } from '../testing/api-client.ts';
import { startEntrypoint, waitForOutput, type Started } from '../testing/process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'first-start-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };

async function stop(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  await started.exited;
}

describe('a new user on first start', () => {
  it('reads in the log how to sign in, signs in with the one-time password and must choose a new one', async () => {
    const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SERVICES: 'alerts' };
    const started = startEntrypoint('platform/main.ts', env);
    try {
      const [, url, name, password] = await waitForOutput(
        started,
        /sign in at (http:\/\/[\d.:]+)\/#\/sign-in as '(\w+)' with the one-time password (\S+) /,
        60_000,
      );
      const target = { url: url ?? '' };
      const signedIn = await apiFetch(target, '/api/identity/session', {
        as: 'anonymous',
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name, password }),
      });
      assert.equal(signedIn.status, 200);
      const me = (await signedIn.json()) as { mustChangePassword: boolean; csrf: string };
      assert.equal(me.mustChangePassword, true);
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const incidents = await apiFetch(target, '/api/incidents', { as: 'anonymous', headers: { cookie } });
      assert.equal(incidents.status, 403, 'nothing but a password change with a one-time password');

      const changed = await apiFetch(target, '/api/identity/password', {
        as: 'anonymous',
        method: 'POST',
        headers: { ...json, cookie, 'x-csrf-token': me.csrf },
        body: JSON.stringify({ current: password, next: 'my own long passphrase' }),
      });
      assert.equal(changed.status, 200);
      const fresh = (changed.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      assert.equal(
        (await apiFetch(target, '/api/incidents', { as: 'anonymous', headers: { cookie: fresh } })).status,
        200,
      );
      assert.equal(
        (await apiFetch(target, '/api/incidents', { as: 'anonymous', headers: { cookie } })).status,
        401,
        'the session of the one-time password ended',
      );
    } finally {
      await stop(started);
    }
    const restarted = startEntrypoint('platform/main.ts', env);
    try {
      await waitForOutput(restarted, /InsiteChart is up at/, 60_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.doesNotMatch(restarted.output(), /one-time password/, 'printed once, at the first start only');
    } finally {
      await stop(restarted);
    }
  });
});

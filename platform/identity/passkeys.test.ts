/**
 * Passkeys over HTTP: the server's WebAuthn ceremonies (@simplewebauthn/server's own verification) against a software
 * authenticator that produces what a browser would send, and every rejection path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch, type ApiTarget } from '../testing/api-client.ts';
import { startTestPlatform, TEST_ADMIN_PASSWORD, type TestPlatform } from '../testing/platform.ts';
import { atLocalhost, SoftAuthenticator, type Tamper } from '../testing/soft-authenticator.ts';
import { CHALLENGES_PER_OWNER } from './passkey-routes.ts';

const json = { 'content-type': 'application/json' };

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

const cookieOf = (res: Response): string =>
  /^(ic_session=[\w-]+);/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';

const post = (target: ApiTarget, path: string, body: unknown, s?: Session): Promise<Response> =>
  apiFetch(target, path, {
    as: 'anonymous',
    method: 'POST',
    headers: { ...json, ...(s === undefined ? {} : { cookie: s.cookie, 'x-csrf-token': s.csrf }) },
    body: JSON.stringify(body),
  });

describe('passkeys (WebAuthn ceremonies with a software authenticator)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passkeys-'));
  let platform: TestPlatform;
  /** The platform at `localhost`: browsers take no IP address as relying party ID. */
  let site: ApiTarget;
  let admin: Session;
  const key = new SoftAuthenticator();

  const registrationOptions = async (): Promise<{ challenge: string; rp: { id: string } }> => {
    const res = await post(site, '/api/identity/passkeys/registration/options', {}, admin);
    assert.equal(res.status, 200);
    return (await res.json()) as { challenge: string; rp: { id: string } };
  };
  const signIn = async (tamper: Tamper = {}, options?: { challenge: string; rpId: string }): Promise<Response> => {
    const opts =
      options ??
      ((await (await post(site, '/api/identity/passkeys/authentication/options', {})).json()) as {
        challenge: string;
        rpId: string;
      });
    return post(site, '/api/identity/passkeys/authentication', key.authenticate(opts, site.url, tamper));
  };

  before(async () => {
    platform = await startTestPlatform(dir, []);
    site = { url: atLocalhost(platform.url), credentials: platform.credentials };
    const res = await post(site, '/api/identity/session', { name: 'admin', password: TEST_ADMIN_PASSWORD });
    admin = { cookie: cookieOf(res), csrf: ((await res.json()) as { csrf: string }).csrf };
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a registration with a wrong challenge, origin or RP ID, and one without a session', async () => {
    for (const tamper of [
      { challenge: 'bm90LWlzc3VlZA' },
      { origin: 'https://evil.example' },
      { rpId: 'evil.example' },
    ]) {
      const options = await registrationOptions();
      const res = await post(
        site,
        '/api/identity/passkeys/registration',
        key.register(options, site.url, tamper),
        admin,
      );
      assert.equal(res.status, 400, JSON.stringify(tamper));
      assert.match(((await res.json()) as { error: string }).error, /passkey not accepted/);
    }
    const options = await registrationOptions();
    const anonymous = await post(site, '/api/identity/passkeys/registration', key.register(options, site.url));
    assert.equal(anonymous.status, 401);
    const junk = await post(site, '/api/identity/passkeys/registration', { id: '<script>', type: 'x' }, admin);
    assert.equal(junk.status, 400);
    const list = await apiFetch(site, '/api/identity/passkeys', {
      as: 'anonymous',
      headers: { cookie: admin.cookie },
    });
    assert.deepEqual(((await list.json()) as { passkeys: unknown[] }).passkeys, [], 'nothing was registered');
  });

  it('refuses ceremonies at an IP address, naming the localhost address that works', async () => {
    for (const path of ['registration/options', 'authentication/options']) {
      const res = await apiFetch(platform, `/api/identity/passkeys/${path}`, {
        as: 'anonymous',
        method: 'POST',
        headers: { ...json, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        body: '{}',
      });
      assert.equal(res.status, 400, path);
      const { error } = (await res.json()) as { error: string };
      assert.ok(error.includes(`open ${site.url} instead`), error);
    }
  });

  it('registers a passkey for the signed-in user; a challenge works once', async () => {
    const options = await registrationOptions();
    const response = key.register(options, site.url);
    const res = await post(site, '/api/identity/passkeys/registration', response, admin);
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { id: string }).id, key.id);
    const again = await post(site, '/api/identity/passkeys/registration', response, admin);
    assert.equal(again.status, 400, 'the challenge was used up');
    const list = await apiFetch(site, '/api/identity/passkeys', {
      as: 'anonymous',
      headers: { cookie: admin.cookie },
    });
    assert.deepEqual(
      ((await list.json()) as { passkeys: { id: string }[] }).passkeys.map((p) => p.id),
      [key.id],
    );
  });

  it('signs in with the passkey into a cookie session', async () => {
    const res = await signIn();
    assert.equal(res.status, 200);
    const body = (await res.json()) as { name: string; csrf: string };
    assert.equal(body.name, 'admin');
    const me = await apiFetch(site, '/api/identity/me', { as: 'anonymous', headers: { cookie: cookieOf(res) } });
    assert.equal(((await me.json()) as { actor: string }).actor, 'user:admin');
  });

  it('refuses a sign-in with a wrong challenge, origin, RP ID or signature, a replayed counter, or a reused challenge', async () => {
    const cases: [string, Tamper][] = [
      ['challenge', { challenge: 'bm90LWlzc3VlZA' }],
      ['origin', { origin: 'https://evil.example' }],
      ['RP ID', { rpId: 'evil.example' }],
      ['signature', { badSignature: true }],
      ['replayed counter (a cloned authenticator)', { counter: 1 }],
    ];
    for (const [what, tamper] of cases) {
      const res = await signIn(tamper);
      assert.equal(res.status, 400, what);
      assert.equal(res.headers.get('set-cookie'), null, `${what}: no session`);
    }
    const options = (await (await post(site, '/api/identity/passkeys/authentication/options', {})).json()) as {
      challenge: string;
      rpId: string;
    };
    assert.equal((await signIn({}, options)).status, 200);
    assert.equal((await signIn({}, options)).status, 400, 'a challenge signs in once');
    const unknown = await post(site, '/api/identity/passkeys/authentication', {
      ...(new SoftAuthenticator().authenticate(options, site.url) as object),
    });
    assert.equal(unknown.status, 401);
  });

  it('refuses an address that starts sign-ins without finishing them beyond its share (429, JSON)', async () => {
    const statuses: number[] = [];
    let refusal: unknown;
    for (let i = 0; i <= CHALLENGES_PER_OWNER; i++) {
      const res = await post(site, '/api/identity/passkeys/authentication/options', {});
      statuses.push(res.status);
      if (res.status === 429) refusal = await res.json();
    }
    assert.equal(statuses.at(-1), 429, `statuses ${statuses.join(',')}`);
    assert.ok(statuses.filter((s) => s === 200).length <= CHALLENGES_PER_OWNER);
    assert.match(String((refusal as { error?: unknown }).error), /in progress/);
  });
});

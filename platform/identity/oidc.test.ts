/** OpenID Connect sign-in against a real OpenID provider (oidc-provider) on loopback, driven like a browser. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch } from '../testing/api-client.ts';
import { TestOidcProvider } from '../testing/openid-provider.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { PENDING_PER_ADDRESS } from './oidc.ts';

const groups: Record<string, string[]> = { alice: ['ic-sre', 'staff'], bob: [], admin: ['staff'] };

/** A browser's cookie jar for the provider's origin, and a fetch that follows nothing by itself. */
class Browser {
  readonly #cookies = new Map<string, string>();

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) headers.set('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }
}

describe('OpenID Connect sign-in (openid-client against oidc-provider on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-'));
  let idp: TestOidcProvider;
  let issuer: string;
  let platform: TestPlatform;

  /** Signs in at the provider as `login` (any password: the provider's development login) and returns the callback. */
  const throughProvider = async (login: string): Promise<string> => {
    const start = await apiFetch(platform, '/api/identity/oidc/start', { as: 'anonymous', redirect: 'manual' });
    assert.equal(start.status, 302);
    let next = start.headers.get('location') ?? '';
    assert.ok(next.startsWith(issuer), `to the provider: ${next}`);
    const url = new URL(next);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
    assert.ok(url.searchParams.get('state') !== null && url.searchParams.get('nonce') !== null, 'state and nonce');
    const browser = new Browser();
    for (let step = 0; step < 12; step++) {
      if (next.startsWith(platform.url)) return next;
      const res = await browser.go(new URL(next, issuer).href);
      if (res.status >= 300 && res.status < 400) {
        next = new URL(res.headers.get('location') ?? '', issuer).href;
        continue;
      }
      const html = await res.text();
      assert.equal(res.status, 200, html.slice(0, 300));
      const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
      const body = html.includes('name="login"')
        ? new URLSearchParams({ prompt: 'login', login, password: 'any' })
        : new URLSearchParams({ prompt: 'consent' });
      const posted = await browser.go(new URL(action, issuer).href, { method: 'POST', body });
      next = new URL(posted.headers.get('location') ?? '', issuer).href;
    }
    throw new Error('the provider did not send the browser back');
  };

  const signIn = async (login: string): Promise<{ status: number; cookie: string }> => {
    const callback = await throughProvider(login);
    const res = await apiFetch(platform, callback.slice(platform.url.length), { as: 'anonymous', redirect: 'manual' });
    const cookie = /^(ic_session=[\w-]+);/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    return { status: res.status, cookie };
  };
  const me = async (cookie: string): Promise<{ actor: string; role: string }> =>
    (await (await apiFetch(platform, '/api/identity/me', { as: 'anonymous', headers: { cookie } })).json()) as {
      actor: string;
      role: string;
    };

  before(async () => {
    idp = await TestOidcProvider.listen();
    issuer = idp.issuer;
    // admin and the three people the tests sign in first: a fifth account is one too many.
    platform = await startTestPlatform(dir, [], { ...idp.env(), MAX_ACCOUNTS: '4' });
    idp.serve(platform.url, groups);
  });
  after(async () => {
    await platform.stop();
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs a new person in with the role their groups claim maps to', async () => {
    const { status, cookie } = await signIn('alice');
    assert.equal(status, 302);
    const who = await me(cookie);
    assert.equal(who.actor, 'user:alice');
    assert.equal(who.role, 'sre');
  });

  it('gives a person whose claim maps to nothing the least role', async () => {
    const { cookie } = await signIn('bob');
    const who = await me(cookie);
    assert.equal(who.actor, 'user:bob');
    assert.equal(who.role, 'viewer');
  });

  it('never signs a provider user into a local account of the same name', async () => {
    const { cookie } = await signIn('admin');
    const who = await me(cookie);
    assert.notEqual(who.actor, 'user:admin');
    assert.match(who.actor, /^user:oidc-/);
    assert.equal(who.role, 'viewer');
  });

  it('refuses a callback with an unknown state, and a replayed one, with 400 and a JSON message', async () => {
    const forged = await apiFetch(platform, '/api/identity/oidc/callback?code=x&state=forged', { as: 'anonymous' });
    assert.equal(forged.status, 400);
    assert.match(((await forged.json()) as { error: string }).error, /state/);
    const callback = (await throughProvider('alice')).slice(platform.url.length);
    assert.equal((await apiFetch(platform, callback, { as: 'anonymous', redirect: 'manual' })).status, 302);
    const replay = await apiFetch(platform, callback, { as: 'anonymous', redirect: 'manual' });
    assert.equal(replay.status, 400, 'a state signs in once');
    assert.equal(replay.headers.get('set-cookie'), null);
  });

  it('refuses a first sign-in when MAX_ACCOUNTS accounts exist (422, no account, no session)', async () => {
    const callback = (await throughProvider('carol')).slice(platform.url.length);
    const res = await apiFetch(platform, callback, { as: 'anonymous', redirect: 'manual' });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /MAX_ACCOUNTS/);
    assert.equal(res.headers.get('set-cookie'), null);
    const users = (await (await apiFetch(platform, '/api/identity/users')).json()) as { users: { name: string }[] };
    assert.equal(users.users.length, 4);
    assert.equal((await signIn('alice')).status, 302, 'an existing account still signs in');
  });

  it('refuses an address that starts sign-ins without finishing them beyond its share (429, JSON)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= PENDING_PER_ADDRESS; i++)
      statuses.push(
        (await apiFetch(platform, '/api/identity/oidc/start', { as: 'anonymous', redirect: 'manual' })).status,
      );
    assert.equal(statuses.at(-1), 429, statuses.join(','));
    assert.ok(statuses.filter((s) => s === 302).length <= PENDING_PER_ADDRESS);
  });
});

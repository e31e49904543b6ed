import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HttpError } from '../http/errors.ts';
import { openIdentityDatabase } from './db.ts';
import { hashPassword, verifyPassword } from './secrets.ts';
import { SessionStore } from './sessions.ts';
import { SignInThrottle } from './signin-throttle.ts';
import { TokenStore } from './tokens.ts';
import { UserStore } from './users.ts';

const dir = mkdtempSync(join(tmpdir(), 'identity-stores-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh identity database with viewer accounts and a session store (1 min idle, 10 min absolute). */
async function sessionStore(
  name: string,
  accounts: readonly string[],
  bounds: { maxSessions: number; maxPerUser: number },
) {
  const db = openIdentityDatabase(join(dir, name));
  const users = new UserStore(db);
  for (const account of accounts) await users.put(account, 'viewer', 'a long enough password');
  return { db, users, sessions: new SessionStore(db, { idleMs: 60_000, absoluteMs: 600_000, ...bounds }) };
}

describe('identity stores', () => {
  it('hashes passwords with scrypt and a salt, and verifies only the right one', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$32768\$8\$1\$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
  });

  it('stores API tokens hashed; a revoked or expired token no longer verifies', () => {
    const db = openIdentityDatabase(join(dir, 'tokens'));
    const tokens = new TokenStore(db);
    const now = Date.now();
    const { token, secret } = tokens.create('alertmanager', 'ingest', 1, now);
    assert.match(secret, /^ict_[\w-]{43}$/);
    assert.equal(tokens.verify(secret, now)?.role, 'ingest');
    assert.equal(tokens.verify(`${secret}x`, now), undefined);
    assert.equal(tokens.verify(secret, now + 86_400_001), undefined, 'expired after its ttl');
    db.close();
    const file = readFileSync(join(dir, 'tokens', 'identity.db'));
    assert.equal(file.includes(Buffer.from(secret.slice(4))), false, 'the secret is not in the database');
    const again = openIdentityDatabase(join(dir, 'tokens'));
    const reopened = new TokenStore(again);
    assert.equal(reopened.revoke(token.id, now), 1);
    assert.equal(reopened.verify(secret, now), undefined, 'revoked');
    again.close();
  });

  it('bounds live API tokens; expired and revoked ones do not count, and the oldest of them are pruned', () => {
    const db = openIdentityDatabase(join(dir, 'token-bound'));
    const tokens = new TokenStore(db, undefined, 3);
    const now = Date.now();
    const overTheBound = (error: unknown): boolean =>
      error instanceof HttpError && error.status === 422 && error.message.includes('MAX_API_TOKENS');
    for (let i = 0; i < 3; i++) tokens.create(`day-${String(i)}`, 'viewer', 1, now);
    assert.throws(() => tokens.create('over', 'viewer', 1, now), overTheBound);
    assert.equal(tokens.list().length, 3, 'nothing was added');
    // A day later the three have expired: they no longer count.
    const later = now + 86_400_001;
    for (let i = 0; i < 3; i++) tokens.create(`kept-${String(i)}`, 'viewer', undefined, later);
    assert.throws(() => tokens.create('over', 'viewer', undefined, later), overTheBound);
    assert.equal(tokens.revoke('kept-0', later), 1);
    const { secret } = tokens.create('after-revoke', 'viewer', undefined, later);
    assert.equal(tokens.verify(secret, later)?.name, 'after-revoke');
    // Four dead tokens before that create: the newest three were kept (the revocation among them).
    const names = tokens.list().map((t) => t.name);
    assert.equal(names.length, 6);
    assert.equal(names.filter((n) => n.startsWith('day-')).length, 2);
    assert.ok(names.includes('kept-0'));
    db.close();
  });

  it('expires sessions when idle or too old, keeps the table bounded, and rotates ids', async () => {
    const { db, sessions } = await sessionStore('sessions', ['ann', 'ben'], { maxSessions: 5, maxPerUser: 3 });
    const t0 = 1_000_000;
    const first = sessions.create('ann', t0);
    const second = sessions.create('ann', t0);
    assert.notEqual(first.id, second.id, 'every sign-in gets a new id');
    assert.equal(sessions.get(first.id, t0 + 59_000)?.user, 'ann');
    assert.equal(sessions.get(second.id, t0 + 61_000), undefined, 'idle for over a minute');
    let t = t0;
    let kept = first.id;
    // Used every 50 s, it stays alive until the absolute limit.
    while (t < t0 + 590_000) {
      t += 50_000;
      assert.ok(sessions.get(kept, t), `alive at ${String(t - t0)} ms`);
    }
    assert.equal(sessions.get(kept, t0 + 600_001), undefined, 'absolute expiry');
    for (let i = 0; i < 10; i++) kept = sessions.create(i % 2 === 0 ? 'ann' : 'ben', t0 + i).id;
    assert.ok(sessions.count() <= 5, `bounded: ${String(sessions.count())}`);
    assert.ok(sessions.get(kept, t0 + 10), 'the newest survives');
    db.close();
  });

  it('ends a session read before (kept in memory) at sign-out, user removal, eviction, expiry and sweep', async () => {
    const { db, users, sessions } = await sessionStore('session-cache', ['cy', 'di'], {
      maxSessions: 4,
      maxPerUser: 2,
    });
    const t0 = 2_000_000;
    const read = (id: string, t = t0 + 1) => sessions.get(id, t)?.user;
    const signedOut = sessions.create('cy', t0).id;
    assert.equal(read(signedOut), 'cy');
    sessions.remove(signedOut);
    assert.equal(read(signedOut), undefined, 'signed out');

    const [a, b] = [sessions.create('cy', t0).id, sessions.create('di', t0).id];
    assert.equal(read(a), 'cy');
    assert.equal(read(b), 'di');
    sessions.removeUser('cy');
    assert.equal(read(a), undefined, 'every session of a removed user ends');
    assert.equal(read(b), 'di', 'others stay');

    const perUser = [sessions.create('cy', t0 + 10).id, sessions.create('cy', t0 + 20).id];
    assert.equal(read(perUser[0] ?? '', t0 + 21), 'cy');
    sessions.create('cy', t0 + 30);
    assert.equal(read(perUser[0] ?? '', t0 + 31), undefined, 'evicted by the per-user bound');

    const idle = sessions.create('di', t0 + 40).id;
    assert.equal(read(idle, t0 + 41), 'di');
    assert.equal(read(idle, t0 + 40 + 60_001), undefined, 'idle expiry');

    const swept = sessions.create('di', t0 + 50).id;
    assert.equal(read(swept, t0 + 51), 'di');
    assert.ok(sessions.sweep(t0 + 50 + 60_001, 100) >= 1);
    assert.equal(sessions.count(), 0);
    assert.equal(read(swept, t0 + 52), undefined, 'a swept session is gone from memory too');

    assert.equal(users.get('cy')?.role, 'viewer');
    await users.put('cy', 'sre');
    assert.equal(users.get('cy')?.role, 'sre', 'a role change is seen at once');
    users.remove('cy');
    assert.equal(users.get('cy'), undefined, 'a removed account is gone');
    db.close();
  });

  it('throttles sign-in with growing delays and locks out after repeated failures', async () => {
    const throttle = new SignInThrottle({ lockoutFailures: 3, lockoutMs: 60_000 });
    assert.deepEqual(await throttle.check('ann', '10.0.0.1'), {});
    assert.deepEqual(await throttle.failed('ann', '10.0.0.1'), []);
    const afterOne = (await throttle.check('ann', '10.0.0.2')).retryAfterSeconds ?? 0;
    assert.ok(afterOne >= 1, 'a delay after the first failure');
    assert.deepEqual(await throttle.failed('ann', '10.0.0.1'), []);
    const afterTwo = (await throttle.check('ann', '10.0.0.2')).retryAfterSeconds ?? 0;
    assert.ok(afterTwo >= 2 && afterTwo > afterOne - 1, `the delay grows: ${String(afterOne)} -> ${String(afterTwo)}`);
    assert.deepEqual(await throttle.failed('ann', '10.0.0.1'), ['account'], 'the third failure locks the account');
    assert.ok(((await throttle.check('ann', '10.0.0.9')).retryAfterSeconds ?? 0) >= 59, 'locked for the window');
    assert.deepEqual(await throttle.check('ben', '10.0.0.9'), {}, 'other accounts from other addresses are fine');
    await throttle.succeeded('ben');
  });
});

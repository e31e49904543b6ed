import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CommitWatch } from './commit-watch.ts';
import { identityDatabasePath, openIdentityDatabase } from './db.ts';
import { TokenStore } from './tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'identity-token-cache-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The platform's connection with a cached token store, and a second connection to the same file: what
 * `npm run token` opens in its own process (the end-to-end case with a real second process is in identity.test.ts).
 */
function twoConnections(name: string, maxRows = 100) {
  const platformDb = openIdentityDatabase(join(dir, name));
  const watch = new CommitWatch(identityDatabasePath(join(dir, name)));
  const tokens = new TokenStore(platformDb, { maxRows, changed: () => watch.changed() });
  const cliDb = openIdentityDatabase(join(dir, name));
  const cli = new TokenStore(cliDb);
  return {
    platformDb,
    watch,
    tokens,
    cli,
    close: () => {
      watch.close();
      platformDb.close();
      cliDb.close();
    },
  };
}

describe('API token cache', () => {
  it('sees a commit by another connection, and not a read or an idle database', () => {
    const { platformDb, watch, cli, close } = twoConnections('watch');
    assert.equal(watch.changed(), true, 'the first look has nothing to compare with');
    assert.equal(watch.changed(), false, 'nothing committed since');
    platformDb.prepare('SELECT count(*) FROM tokens').get();
    cli.list();
    assert.equal(watch.changed(), false, 'reads, by either connection, change nothing');
    for (let i = 0; i < 3; i++) {
      cli.create(`job-${String(i)}`, 'viewer');
      assert.equal(watch.changed(), true, `commit ${String(i + 1)} by the other connection`);
      assert.equal(watch.changed(), false);
    }
    platformDb.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    watch.changed();
    cli.create('after-restart', 'viewer');
    assert.equal(watch.changed(), true, 'a commit into a restarted WAL');
    close();
  });

  it('refuses a token revoked by another connection on the very next verification', () => {
    const { tokens, cli, close } = twoConnections('revoke');
    const { secret } = tokens.create('ci-job', 'viewer');
    const other = tokens.create('other', 'viewer').secret;
    for (let i = 0; i < 3; i++) assert.equal(tokens.verify(secret)?.name, 'ci-job');
    assert.equal(tokens.cachedRows, 1, 'kept in memory after the first read');
    assert.equal(cli.revoke('ci-job'), 1);
    assert.equal(tokens.verify(secret), undefined, 'the revocation acts at once');
    assert.equal(tokens.verify(other)?.name, 'other', 'other tokens still verify');
    close();
  });

  it("with a look at most every 10 ms, sees another connection's commit on every call 10 ms after it", () => {
    const db = openIdentityDatabase(join(dir, 'bounded'));
    const watch = new CommitWatch(identityDatabasePath(join(dir, 'bounded')), 10);
    const cliDb = openIdentityDatabase(join(dir, 'bounded'));
    const cli = new TokenStore(cliDb);
    assert.equal(watch.changed(1_000), true, 'the first look');
    cli.create('job', 'viewer');
    assert.equal(watch.changed(1_009.9), false, 'within 10 ms of the last look the file is not read');
    assert.equal(watch.changed(1_010), true, '10 ms after the last look it is');
    assert.equal(watch.changed(1_025), false, 'nothing committed since');
    cli.create('job-2', 'viewer');
    assert.equal(watch.changed(1_030), false);
    assert.equal(watch.changed(1_035), true, 'every commit is seen 10 ms after the look before it at the latest');
    watch.close();
    db.close();
    cliDb.close();
  });

  it('drops what it keeps when it revokes a token itself, with no look at the file', () => {
    const db = openIdentityDatabase(join(dir, 'own'));
    const blind = new TokenStore(db, { maxRows: 10, changed: () => false });
    const secret = blind.create('ci-job', 'viewer').secret;
    const other = blind.create('other', 'viewer').secret;
    assert.equal(blind.verify(secret)?.name, 'ci-job');
    assert.equal(blind.verify(other)?.name, 'other');
    assert.equal(blind.revoke('ci-job'), 1);
    assert.equal(blind.verify(secret), undefined, 'refused on the next verification');
    assert.equal(blind.verify(other)?.name, 'other');
    db.close();
  });

  it('serves repeated verifications from memory, evicting the least recently used', () => {
    // A store told that nothing ever changes shows what it holds: a token revoked behind its back still verifies
    // while it is in memory, and not once it was evicted and read again.
    const db = openIdentityDatabase(join(dir, 'stale'));
    const blind = new TokenStore(db, { maxRows: 2, changed: () => false });
    const cliDb = openIdentityDatabase(join(dir, 'stale'));
    const [a, b, c] = ['a', 'b', 'c'].map((name) => blind.create(name, 'viewer').secret) as [string, string, string];
    for (const secret of [a, b, a, c]) assert.ok(blind.verify(secret));
    assert.equal(new TokenStore(cliDb).revoke('a') + new TokenStore(cliDb).revoke('b'), 2);
    assert.equal(blind.verify(a)?.name, 'a', 'used recently: served from memory');
    assert.equal(blind.verify(b), undefined, 'evicted by c, read again: revoked');
    assert.equal(new TokenStore(db).verify(a), undefined, 'the database says revoked');
    db.close();
    cliDb.close();
  });

  it('keeps at most maxRows tokens, never unknown secrets, and checks expiry at every verification', () => {
    const { tokens, close } = twoConnections('bound', 3);
    const secrets = Array.from({ length: 5 }, (_, i) => tokens.create(`job-${String(i)}`, 'viewer').secret);
    for (const secret of secrets) assert.ok(tokens.verify(secret));
    assert.equal(tokens.cachedRows, 3);
    for (let i = 0; i < 100; i++) assert.equal(tokens.verify(`ict_unknown-${String(i)}`), undefined);
    assert.equal(tokens.cachedRows, 3, 'unknown secrets are not kept');
    const now = Date.now();
    const short = tokens.create('short', 'viewer', 1, now).secret;
    assert.equal(tokens.verify(short, now)?.name, 'short');
    assert.equal(tokens.verify(short, now + 86_400_001), undefined, 'expired while in memory');
    close();
  });
});

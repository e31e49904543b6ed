/**
 * `npm run token -- create --name NAME --role ROLE [--ttl-days N]`, `list`, `revoke ID_OR_NAME`: API tokens in the
 * identity database of DATA_DIR, also while the platform runs (it drops the tokens it keeps in memory after another
 * process's commit, at most FOREIGN_COMMIT_SEEN_WITHIN_MS late: a revocation returns only after that, so it acts on
 * every request sent after the command returned).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.ts';
import { HttpError } from '../http/errors.ts';
import { openIdentityDatabase } from './db.ts';
import { loadIdentitySettings } from './settings.ts';
import { roleName } from './users.ts';
import { FOREIGN_COMMIT_SEEN_WITHIN_MS, TokenStore, tokenName } from './tokens.ts';

const usage = `usage: npm run token -- create --name NAME --role ROLE [--ttl-days N]
       npm run token -- list
       npm run token -- revoke ID_OR_NAME
roles: ${roleName.options.join(', ')}`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' }, 'ttl-days': { type: 'string' } },
  });
  const [command, target] = positionals;
  let dataDir: string;
  let maxLive: number;
  try {
    dataDir = loadConfig().dataDir;
    maxLive = loadIdentitySettings().maxApiTokens;
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const db = openIdentityDatabase(dataDir);
  try {
    const tokens = new TokenStore(db, undefined, maxLive);
    if (command === 'create') {
      const name = tokenName.safeParse(values.name);
      const role = roleName.safeParse(values.role);
      const ttl = values['ttl-days'] === undefined ? undefined : Number(values['ttl-days']);
      if (!name.success) fail(`--name: ${name.error.issues[0]?.message ?? 'invalid'}`);
      if (!role.success) fail(`--role must be one of ${roleName.options.join(', ')}`);
      if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 3_650)) fail('--ttl-days: 1 to 3650');
      let created: ReturnType<TokenStore['create']>;
      try {
        created = tokens.create(name.data, role.data, ttl);
      } catch (error) {
        // MAX_API_TOKENS live tokens exist (the same bound the platform applies).
        if (error instanceof HttpError) fail(error.message);
        throw error;
      }
      const { token, secret } = created;
      process.stderr.write(
        `Created token ${token.id} '${token.name}' (role ${token.role}, ` +
          `expires ${token.expiresAt ?? 'never'}). It is shown once; send it as "Authorization: Bearer TOKEN":\n`,
      );
      process.stdout.write(`${secret}\n`);
    } else if (command === 'list') {
      for (const t of tokens.list())
        process.stdout.write(
          `${t.id}  ${t.name}  ${t.role}  created ${t.createdAt}  expires ${t.expiresAt ?? 'never'}` +
            `${t.revokedAt === null ? '' : `  revoked ${t.revokedAt}`}\n`,
        );
    } else if (command === 'revoke' && target !== undefined) {
      const n = tokens.revoke(target);
      if (n === 0) fail(`no live token with id or name ${target}`);
      await seenByThePlatform(performance.now());
      process.stdout.write(`revoked ${String(n)} token(s)\n`);
    } else fail(command === undefined ? 'no command' : `unknown command ${command}`);
  } finally {
    db.close();
  }
}

/** Returns once a running platform sees a commit made at `committedAt` (timers may fire a little early). */
async function seenByThePlatform(committedAt: number): Promise<void> {
  let left = FOREIGN_COMMIT_SEEN_WITHIN_MS;
  while (left > 0) {
    await sleep(Math.ceil(left));
    left = committedAt + FOREIGN_COMMIT_SEEN_WITHIN_MS - performance.now();
  }
}

await main(process.argv.slice(2));

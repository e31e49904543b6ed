import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch } from '../testing/api-client.ts';
import { everyService } from '../testing/every-service.ts';
import { NO_HISTORY, startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { anonymousPermissions, rolePermissions, roles, routePermissions, type Role } from './permissions.ts';

/** The table's path in the form express routes are listed in (`:id` -> `{id}`). */
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/g, '{$1}');
/** A concrete path for a pattern: every parameter filled with a harmless value. */
const concrete = (path: string): string =>
  path.replace(/:slug\.md$/, 'no-such-runbook.md').replace(/[:*](\w+)/g, (_, name: string) => `x-${name}`);

describe('the access table', () => {
  let dir: string;
  let platform: TestPlatform;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'access-'));
    platform = await startTestPlatform(dir, everyService(), { PUBLIC_MARKET_DATA: 'false' }, 0, NO_HISTORY);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares a permission for every route the platform serves, and nothing it does not serve', () => {
    const served = new Set(platform.routes().map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const declared = new Set(routePermissions.map((r) => `${r.method} ${openApiPath(r.path)}`));
    const undeclared = [...served].filter((r) => !declared.has(r));
    assert.deepEqual(undeclared, [], 'routes served without a declared permission');
    const stale = [...declared].filter((r) => !served.has(r));
    assert.deepEqual(stale, [], 'permissions declared for routes nobody serves');
  });

  it('lets every role (and anonymous) through exactly the routes its permissions allow', async () => {
    const anonymous = anonymousPermissions(false);
    const identities: (Role | 'anonymous')[] = ['anonymous', ...roles];
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routePermissions) {
      const path = concrete(route.path);
      await Promise.all(
        identities.map(async (as) => {
          const allowed = (as === 'anonymous' ? anonymous : rolePermissions[as]).has(route.permission);
          const response = await apiFetch(platform, path, {
            as,
            method: route.method,
            ...(route.method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
          });
          await response.body?.cancel();
          checked += 1;
          const refused = response.status === 401 || response.status === 403;
          // Allowed: the handler answers (an empty body is its 400); refused: 401 anonymous, 403 signed in.
          const expected = allowed ? !refused : response.status === (as === 'anonymous' ? 401 : 403);
          if (!expected) mismatches.push(`${route.method} ${path} as ${as}: ${String(response.status)}`);
        }),
      );
    }
    assert.deepEqual(mismatches, []);
    assert.equal(checked, routePermissions.length * identities.length);
  });

  it('refuses a route that is not declared, for every identity', async () => {
    for (const as of ['anonymous', 'admin'] as const) {
      const response = await apiFetch(platform, '/api/not-declared', { as });
      assert.equal(response.status, 403);
      assert.match(((await response.json()) as { error: string }).error, /no permission is declared/);
    }
  });
});

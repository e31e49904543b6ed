import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../config/config.ts';
import { loadIdentitySettings } from './settings.ts';

describe('identity settings: the fair-share limits', () => {
  it('defaults the totals and the per-network share', () => {
    const s = loadIdentitySettings({});
    assert.equal(s.maxConnections, 10_000);
    assert.equal(s.prefixSharePercent, 25);
    assert.equal(s.rateLimit.anonymousTotalPerMinute, 60_000);
    assert.equal(s.rateLimit.prefixPercent, 25);
  });

  it('refuses bad values at start-up, naming each setting', () => {
    assert.throws(
      () =>
        loadIdentitySettings({
          HTTP_MAX_CONNECTIONS: '0',
          PREFIX_SHARE_PERCENT: '101',
          RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE: 'many',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['HTTP_MAX_CONNECTIONS=', 'PREFIX_SHARE_PERCENT=', 'RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE='].every((name) =>
          error.problems.some((p) => p.startsWith(name)),
        ),
    );
  });
});

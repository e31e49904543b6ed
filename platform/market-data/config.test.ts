import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../config/config.ts';
import { loadMarketDataConfig } from './config.ts';

describe('market-data settings', () => {
  it('reads the /ws and per-symbol bounds, with defaults', () => {
    const config = loadMarketDataConfig({
      WS_MAX_CONNECTIONS_PER_ADDRESS: '7',
      WS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173',
      PUBLIC_URL: 'https://charts.example.com/base',
    });
    assert.equal(config.admission.maxConnectionsPerAddress, 7);
    assert.equal(config.admission.maxConnections, 20_000);
    assert.deepEqual(config.admission.allowedOrigins, ['https://app.example.com', 'http://localhost:5173']);
    assert.equal(config.admission.publicUrl, 'https://charts.example.com/base');
    assert.equal(config.symbols.maxFeedSymbols, 1_000);
  });

  it('names every bad variable', () => {
    assert.throws(
      () =>
        loadMarketDataConfig({
          WS_MAX_CONNECTIONS: '0',
          WS_ALLOWED_ORIGINS: 'javascript:alert(1)',
          WS_MAX_MESSAGES_PER_SECOND: 'many',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['WS_MAX_CONNECTIONS=', 'WS_ALLOWED_ORIGINS=', 'WS_MAX_MESSAGES_PER_SECOND='].every((name) =>
          error.problems.some((p) => p.startsWith(name)),
        ),
    );
  });
});

import { EmbeddedBus } from '../backbone/embedded/embedded-bus.ts';
import { loadConfig, type Env } from '../config/config.ts';
import { loadIdentitySettings } from '../identity/settings.ts';
import { startPlatform, type RunningPlatform } from '../runtime/platform.ts';
import type { Service } from '../runtime/service.ts';
import { createLogger } from '../telemetry/logger.ts';
import { provisionTestCredentials, type TestCredentials } from './credentials.ts';
import { webBuildCache } from './process.ts';

/** The password of the test platform's `admin` account, for tests that sign in as a person (a browser). */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

export type TestPlatform = RunningPlatform & { readonly credentials: TestCredentials };

/**
 * For a test that asserts nothing about the market's past: the simulated feed makes no history (its first start
 * otherwise simulates three years, minute by minute over the last 8 days, about 2 CPU seconds per platform).
 */
export const NO_HISTORY: Env = { MARKET_BACKFILL_DAYS: '0' };

/**
 * The services on a loopback port chosen by the system, state under `dataDir`, an in-memory bus and no log output,
 * with a test API token per role (apiFetch presents them). Rate limits are raised out of the way of tests;
 * `identityEnv` overrides identity settings (PUBLIC_MARKET_DATA, RATE_LIMIT_PER_MINUTE, ...). `port`: a port chosen
 * up front (freePort), for tests whose links must name the platform's address before it listens (PUBLIC_URL).
 * `env`: further configuration (NO_HISTORY, ...).
 */
export async function startTestPlatform(
  dataDir: string,
  services: readonly Service[],
  identityEnv: Readonly<Record<string, string>> = {},
  port = 0,
  env: Env = {},
): Promise<TestPlatform> {
  const credentials = provisionTestCredentials(dataDir);
  const platform = await startPlatform({
    // The regular session clock: the simulated market trades whatever the date (the compressed demo clock rests on
    // the exchange's weekends and holidays, and tests must not depend on the day they run).
    config: loadConfig({
      MARKET_SESSION_CLOCK: 'regular',
      ...webBuildCache(),
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 2, source: 'test' }),
    services,
    identity: loadIdentitySettings({
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      ...identityEnv,
    }),
  });
  return Object.assign(platform, { credentials });
}

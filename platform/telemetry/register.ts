/**
 * Loaded with `node --import ./platform/telemetry/register.ts` before any application module, so the
 * instrumentations can hook express, http and kafkajs as they are first imported (ESM needs the
 * import-in-the-middle loader hook for that; only modules an instrumentation asks for are wrapped).
 */
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { ConfigError, loadConfig } from '../config/config.ts';
import { startTelemetry } from './sdk.ts';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

try {
  const config = loadConfig();
  startTelemetry({ serviceName: config.serviceName, ...(config.otlpEndpoint === undefined ? {} : { otlpEndpoint: config.otlpEndpoint }) });
} catch (error) {
  // A bad configuration is reported by the entrypoint, which exits with its message; don't throw twice.
  if (!(error instanceof ConfigError)) throw error;
}
await waitForAllMessagesAcknowledged();

/**
 * Loaded with `node --import ./platform/telemetry/register.ts` before any application module, so the
 * instrumentations hook express, http and kafkajs as they are first imported.
 */
import { ConfigError, loadConfig } from '../config/config.ts';
import { withInstrumentationHooks } from './hooks.ts';
import { defaultSampler } from './sampler.ts';
import { startTelemetry } from './sdk.ts';

await withInstrumentationHooks(() => {
  try {
    const config = loadConfig();
    startTelemetry({
      serviceName: config.serviceName,
      ...(config.tracing.standardSampler ? {} : { sampler: defaultSampler(config.tracing.tickRatio) }),
      ...(config.otlpEndpoint === undefined ? {} : { otlpEndpoint: config.otlpEndpoint }),
    });
  } catch (error) {
    // A bad configuration is reported by the entrypoint, which exits with its message; don't throw twice.
    if (!(error instanceof ConfigError)) throw error;
  }
});

/**
 * Test fixture for process-policy.test.ts: installs the process policy with telemetry exporting to a
 * collector that is down (OTEL_EXPORTER_OTLP_ENDPOINT), logs a line, then fails the way FAIL says.
 */
import { loadConfig } from '../config/config.ts';
import { startTelemetry } from '../telemetry/sdk.ts';
import { createPlatformLogger } from './platform-logger.ts';
import { installProcessPolicy, useLogger } from './process-policy.ts';

installProcessPolicy();
const config = loadConfig();
startTelemetry({
  serviceName: 'policy-fixture',
  ...(config.otlpEndpoint === undefined ? {} : { otlpEndpoint: config.otlpEndpoint }),
});
const { logger, flush } = createPlatformLogger(config, false);
useLogger(logger, flush);
logger.info('fixture running');
if (process.env.FAIL === 'rejection') void Promise.reject(new Error('a promise nobody caught'));
else
  setTimeout(() => {
    throw new Error('an exception nobody caught');
  }, 10);
// Would keep the process alive for a minute if the policy did not end it.
setTimeout(() => undefined, 60_000);

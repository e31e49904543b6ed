import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { activeTelemetry } from '../telemetry/sdk.ts';
import { createPlatformLogger } from './platform-logger.ts';
import { startPlatform } from './platform.ts';
import type { Service } from './service.ts';

/** A start-up problem the operator must fix; printed as is, with a non-zero exit. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface MainOptions {
  /** All services this entrypoint can run; SERVICES narrows them. */
  readonly services: (config: Config) => readonly Service[];
  /** Single-service entrypoints (distributed mode) need a shared backbone. */
  readonly distributed?: boolean;
}

/** Starts the platform from the environment and drains it on SIGTERM / SIGINT, exiting 0 when done. */
export async function runMain(options: MainOptions): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    if (options.distributed === true && config.bus.kafka === undefined) {
      throw new StartupError(
        'KAFKA_BROKERS must be set to run a single service on its own (distributed mode); `npm start` runs every service in one process without it',
      );
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`${error.name}: ${error.message}\n`);
      process.exitCode = 2;
      await activeTelemetry()?.shutdown();
      return;
    }
    throw error;
  }
  const { logger, sink, flush } = createPlatformLogger(config);
  const all = options.services(config);
  const selected = config.services === 'all' ? all : all.filter((s) => config.services.includes(s.name));
  if (config.services !== 'all') {
    const unknown = config.services.filter((name) => !all.some((s) => s.name === name));
    if (unknown.length > 0) {
      process.stderr.write(
        `StartupError: SERVICES names unknown services: ${unknown.join(', ')} (known: ${all.map((s) => s.name).join(', ')})\n`,
      );
      process.exitCode = 2;
      return;
    }
  }
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform({
      config,
      services: selected,
      logger,
      ...(sink === undefined ? {} : { logSink: sink }),
    });
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    await flush();
    process.exitCode = 1;
    await activeTelemetry()?.shutdown();
    return;
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'draining: no new work, finishing in-flight events, committing');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'drain timed out; exiting without finishing');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    void (async () => {
      await platform.stop();
      logger.info('drained; bye');
      await flush();
      await activeTelemetry()?.shutdown();
      process.exit(0);
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

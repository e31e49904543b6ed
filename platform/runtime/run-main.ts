import { resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { activeTelemetry } from '../telemetry/sdk.ts';
import { startupBanner } from './banner.ts';
import { createPlatformLogger } from './platform-logger.ts';
import { startPlatform } from './platform.ts';
import { portError, preflight, StartupError } from './preflight.ts';
import { installProcessPolicy, useLogger } from './process-policy.ts';
import type { Service } from './service.ts';

export { StartupError } from './preflight.ts';

export interface MainOptions {
  /**
   * All services this entrypoint can run; SERVICES narrows them. May import them lazily, so that the
   * checks run before the slow modules load.
   */
  readonly services: (config: Config) => readonly Service[] | Promise<readonly Service[]>;
  /** Configuration checks that are fast (files named by the environment); each throws a ConfigError. */
  readonly checks?: readonly ((config: Config) => void)[];
  /** Single-service entrypoints (distributed mode) need a shared backbone. */
  readonly distributed?: boolean;
}

/** Exit code for an operator's mistake (configuration, port in use, data directory taken). */
const EXIT_CONFIG = 2;
/** Logs and spans after a finished drain: the telemetry flush is bounded at 3 s, the log flush by this. */
const FLUSH_BOUND_MS = 5_000;

/** Starts the platform from the environment and drains it on SIGTERM / SIGINT, exiting 0 when done. */
export async function runMain(options: MainOptions): Promise<void> {
  installProcessPolicy();
  let config: Config;
  try {
    config = loadConfig();
    if (options.distributed === true && config.bus.kafka === undefined) {
      throw new StartupError(
        'KAFKA_BROKERS must be set to run a single service on its own (distributed mode); `npm start` runs every service in one process without it',
      );
    }
    for (const check of options.checks ?? []) check(config);
    const lock = await preflight(config);
    process.once('exit', () => {
      lock.release();
    });
  } catch (error) {
    await refuse(error);
    return;
  }
  const { logger, sink, flush } = createPlatformLogger(config);
  useLogger(logger, flush);
  const all = await options.services(config);
  const selected = config.services === 'all' ? all : all.filter((s) => config.services.includes(s.name));
  if (config.services !== 'all') {
    const unknown = config.services.filter((name) => !all.some((s) => s.name === name));
    if (unknown.length > 0) {
      await refuse(
        new StartupError(
          `SERVICES names unknown services: ${unknown.join(', ')} (known: ${all.map((s) => s.name).join(', ')})`,
        ),
      );
      return;
    }
  }
  // Installed before the start: a SIGTERM while services start (an orchestrator stopping a pod early) is kept and
  // drained once they are up, never the default action that kills the process mid-write.
  let requested: string | undefined;
  let onSignal = (signal: string): void => {
    requested ??= signal;
  };
  process.once('SIGTERM', (signal) => {
    onSignal(signal);
  });
  process.once('SIGINT', (signal) => {
    onSignal(signal);
  });
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform({
      config,
      services: selected,
      logger,
      ...(sink === undefined ? {} : { logSink: sink }),
    });
  } catch (error) {
    const named = isErrno(error) ? portError(config.host, config.port, error) : error;
    if (named instanceof ConfigError || named instanceof StartupError) {
      await flush();
      await refuse(named);
      return;
    }
    logger.fatal({ err: error }, 'start-up failed');
    await flush();
    process.exitCode = 1;
    await activeTelemetry()?.shutdown();
    return;
  }
  process.stderr.write(
    startupBanner(
      platform.url,
      selected.map((s) => s.name),
      platform.bus.kind,
      resolve(config.dataDir),
    ),
  );
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'draining: no new work, finishing in-flight events, committing');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'drain timed out; exiting without finishing');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    void (async () => {
      await platform.stop();
      // The drain is over: a slow flush below (a starved CPU, a collector that is down) must not turn it into exit 1.
      clearTimeout(timer);
      setTimeout(() => process.exit(0), FLUSH_BOUND_MS).unref();
      logger.info('drained; bye');
      await flush();
      // Bounded and never rejecting: a telemetry backend that is down does not change the exit code.
      await activeTelemetry()?.shutdown();
      process.exit(0);
    })();
  };
  onSignal = shutdown;
  if (requested !== undefined) shutdown(requested);
}

/** Prints an operator's mistake as readable text (not a JSON log line) and sets exit code 2; rethrows bugs. */
async function refuse(error: unknown): Promise<void> {
  if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exitCode = EXIT_CONFIG;
  await activeTelemetry()?.shutdown();
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

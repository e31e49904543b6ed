import { withTimeout } from '../async/abort.ts';
import type { Logger } from '../telemetry/logger.ts';
import { activeTelemetry } from '../telemetry/sdk.ts';

/** Longest the process spends flushing logs and spans before it exits after a fatal error. */
export const FATAL_FLUSH_MS = 3_000;
/** The exit code after an unhandled error: non-zero so a supervisor restarts the process. */
export const FATAL_EXIT_CODE = 70;

interface Sinks {
  logger?: Logger;
  flush?: () => Promise<void>;
}

const sinks: Sinks = {};
let installed = false;
let dying = false;

/**
 * The process policy: an unhandled rejection or uncaught exception is a bug whose state nobody can
 * vouch for, so it is logged with its stack, logs and spans are flushed (bounded), and the process exits
 * non-zero for its supervisor to restart it. Never silently goes on. Installed once; `useLogger` points
 * it at the platform logger once there is one (before that, stderr).
 */
export function installProcessPolicy(exit: (code: number) => void = (code) => process.exit(code)): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error, origin) => {
    void die(error, origin, exit);
  });
  process.on('unhandledRejection', (reason) => {
    void die(reason, 'unhandledRejection', exit);
  });
}

export function useLogger(logger: Logger, flush: () => Promise<void>): void {
  sinks.logger = logger;
  sinks.flush = flush;
}

async function die(error: unknown, origin: string, exit: (code: number) => void): Promise<void> {
  if (dying) return;
  dying = true;
  const message = `fatal: ${origin}; exiting with ${String(FATAL_EXIT_CODE)} for the supervisor to restart`;
  if (sinks.logger === undefined) process.stderr.write(`${message}\n${describe(error)}\n`);
  else sinks.logger.fatal({ err: error, origin }, message);
  const flushed = (async () => {
    await sinks.flush?.().catch(() => undefined);
    await activeTelemetry()?.shutdown(FATAL_FLUSH_MS);
  })();
  await withTimeout(flushed, FATAL_FLUSH_MS).catch(() => undefined);
  exit(FATAL_EXIT_CODE);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

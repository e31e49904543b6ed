import { createServer } from 'node:net';
import type { Config } from '../config/config.ts';
import { lockDataDir, type DataDirLock } from '../storage/data-dir-lock.ts';

/** A start-up problem the operator must fix; printed as is, with exit code 2. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * Checks what start-up can check in milliseconds, before the slow part (loading TensorFlow.js, building
 * the web client, restoring logs): the port is free and the data directory is ours. Returns the lock,
 * held until the process exits.
 */
export async function preflight(config: Config): Promise<DataDirLock> {
  await checkPortFree(config.host, config.port);
  try {
    return lockDataDir(config.dataDir);
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
}

/** PORT 0 (any free port) always passes; otherwise the port is bound and released at once. */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(portError(host, port, error));
    });
    probe.listen({ host, port, exclusive: true }, () => {
      probe.close(() => {
        resolve();
      });
    });
  });
}

/** The error to show for a failed listen: a named StartupError for the common cases, else the error. */
export function portError(host: string, port: number, error: NodeJS.ErrnoException): Error {
  if (error.code === 'EADDRINUSE')
    return new StartupError(
      `PORT=${String(port)}: ${host}:${String(port)} is already in use (another InsiteChart or another server); stop it or set PORT to a free port (0 picks one)`,
    );
  if (error.code === 'EACCES')
    return new StartupError(
      `PORT=${String(port)}: not allowed to listen on ${host}:${String(port)} (ports below 1024 need privileges)`,
    );
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new StartupError(`HOST=${host}: no such local interface to listen on`);
  return error;
}

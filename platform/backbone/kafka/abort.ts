import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from './errors.ts';

/** Waits for a handler, or for the abort signal: an aborted handler is abandoned, not awaited. */
export function raceAbort(work: Promise<void>, signal: AbortSignal): Promise<void> {
  // An abandoned handler that fails later must not become an unhandled rejection.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toError(error));
      },
    );
  });
}

export async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  work.catch(() => undefined);
  const controller = new AbortController();
  try {
    await Promise.race([
      work,
      sleep(ms, undefined, { signal: controller.signal }).then(() => {
        throw new Error(`timed out after ${ms} ms`);
      }),
    ]);
  } finally {
    controller.abort();
  }
}

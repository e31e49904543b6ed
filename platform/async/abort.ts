import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from './to-error.ts';

/**
 * Waits for a handler, or for the abort signal: an aborted handler is abandoned, not awaited. The abort
 * listener is removed once the handler settles; racing against one long-lived promise instead would add
 * a reaction to it per delivery and keep every delivery's promise alive.
 */
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

/** Settles as `work` does, or rejects once `ms` have passed; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  work.catch(() => undefined);
  const controller = new AbortController();
  try {
    return await Promise.race([
      work,
      sleep(ms, undefined, { signal: controller.signal }).then((): never => {
        throw new Error(`timed out after ${String(ms)} ms`);
      }),
    ]);
  } finally {
    controller.abort();
  }
}

/** Sleeps `ms`, or less when the signal aborts first; never rejects. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

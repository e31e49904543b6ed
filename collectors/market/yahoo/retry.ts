import { sleepUnlessAborted } from '../../../platform/async/abort.ts';
import { toError } from '../../../platform/async/to-error.ts';
import { backoffMs, resolveRetryPolicy, type RetryPolicy } from '../../../platform/backbone/bus.ts';

export interface RetryOptions {
  readonly policy?: Partial<RetryPolicy>;
  readonly signal: AbortSignal;
  /** Whether a failure is worth another attempt (default: every failure). */
  readonly retryable?: (error: Error) => boolean;
  readonly onRetry?: (error: Error, attempt: number, delayMs: number) => void;
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Calls `work` until it succeeds, retrying with exponential backoff and jitter (the backbone's policy and
 * formula) so that many pollers do not retry in lockstep. Rethrows the last error, or a non-retryable one.
 */
export async function retryWithBackoff<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = resolveRetryPolicy(options.policy);
  const sleep = options.sleep ?? sleepUnlessAborted;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (caught) {
      const error = toError(caught);
      if (attempt > policy.retries || options.signal.aborted || !(options.retryable?.(error) ?? true)) throw error;
      const delay = backoffMs(policy, attempt, options.random);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

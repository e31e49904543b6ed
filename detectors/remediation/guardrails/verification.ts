import { sleepUnlessAborted } from '../../../platform/async/abort.ts';
import { toError } from '../../../platform/async/to-error.ts';
import type { Signal } from '../types.ts';

/** Reads the signal that triggered an action: true when it is healthy again, undefined when it cannot tell. */
export interface SignalProbe {
  recovered(signal: Signal, since: number): Promise<boolean | undefined>;
}

export interface VerificationResult {
  readonly recovered: boolean;
  readonly afterMs: number;
  readonly detail: string;
}

/**
 * Watches the triggering signal after an action until it recovers or the deadline passes. A probe that cannot tell
 * or fails counts as not recovered at the deadline: an action is kept only when its effect was seen.
 */
export async function verifyRecovery(
  probe: SignalProbe,
  signal: Signal,
  options: { deadlineMs: number; intervalMs: number; abort: AbortSignal; now?: () => number },
): Promise<VerificationResult> {
  const now = options.now ?? Date.now;
  const started = now();
  let last = 'the signal did not recover';
  for (;;) {
    try {
      const recovered = await probe.recovered(signal, started);
      if (recovered === true) return { recovered: true, afterMs: now() - started, detail: 'the signal recovered' };
      if (recovered === undefined) last = 'the probe cannot read the signal';
    } catch (error) {
      last = `the probe failed: ${toError(error).message}`;
    }
    const left = started + options.deadlineMs - now();
    if (left <= 0 || options.abort.aborted)
      return { recovered: false, afterMs: now() - started, detail: `${last} within ${String(options.deadlineMs)} ms` };
    await sleepUnlessAborted(Math.min(options.intervalMs, left), options.abort);
  }
}

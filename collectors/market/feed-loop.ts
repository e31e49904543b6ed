import { toError } from '../../platform/async/to-error.ts';

export interface FeedLoop {
  /** Stops scheduling and waits for the step in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `step` every `intervalMs`, never two at once: the next step is scheduled when one finishes,
 * keeping the cadence (a slow step shortens the following wait), so a slow backbone slows the feed
 * instead of piling up batches. A failing step is reported and the loop goes on.
 */
export function startLoop(
  intervalMs: number,
  step: () => Promise<void> | void,
  onError: (error: Error) => void,
): FeedLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const run = (): void => {
    const started = performance.now();
    inFlight = (async () => {
      try {
        await step();
      } catch (error) {
        onError(toError(error));
      }
      if (!stopped) timer = setTimeout(run, Math.max(0, intervalMs - (performance.now() - started)));
    })();
  };
  timer = setTimeout(run, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

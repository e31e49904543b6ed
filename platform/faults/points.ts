/**
 * Fault points: the few places in the platform that ask whether an injected fault applies to them. The answer
 * comes from whichever fault injector the running platform installed (platform/faults/service.ts); without one,
 * nothing is ever faulted. Kept tiny so that the code consulting it pays one call when no fault is active.
 */
export interface FaultPoints {
  /**
   * The market feed's emit: true while a feed-stall fault hangs the feed run that started at `runStartedAt` (its
   * ticks go nowhere). A run started after the fault (a restart, a failover) is not hung: what a restart cures.
   */
  feedStalled(runStartedAt: number): boolean;
  /** Milliseconds a consumer of `group` waits before handling each event (consumer-lag fault); 0 without one. */
  consumerDelayMs(group: string): number;
}

const none: FaultPoints = {
  feedStalled: () => false,
  consumerDelayMs: () => 0,
};

let installed: FaultPoints = none;

export function faultPoints(): FaultPoints {
  return installed;
}

/** Installs the injector's answers; the returned function removes them again (only if still installed). */
export function installFaultPoints(points: FaultPoints): () => void {
  installed = points;
  return () => {
    if (installed === points) installed = none;
  };
}

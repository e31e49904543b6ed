export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential growth capped at maxMs, with "equal
 * jitter" (half fixed, half random) so a restarted server is not hit by every client at the same instant
 * yet no client retries in a tight loop.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

import type { BreakerState } from '../feed.ts';

/** Raised instead of calling the upstream while the circuit is open. */
export class CircuitOpenError extends Error {
  readonly retryInMs: number;
  constructor(retryInMs: number) {
    super(`circuit open: upstream calls suspended for ${String(retryInMs)} ms`);
    this.name = 'CircuitOpenError';
    this.retryInMs = retryInMs;
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through (half-open). */
  readonly openMs: number;
  readonly now?: () => number;
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/**
 * A circuit breaker (closed -> open -> half-open): after `failureThreshold` consecutive failures calls
 * fail fast for `openMs`; then a single trial call decides between closing again and another open period.
 * It keeps a dead upstream from being hammered and the feed from waiting on timeouts.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    if (!(options.failureThreshold >= 1) || !(options.openMs > 0))
      throw new RangeError('failureThreshold >= 1 and openMs > 0');
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#options.openMs) this.#transition('half-open');
    return this.#state;
  }

  async execute<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#trialInFlight)) {
      throw new CircuitOpenError(Math.max(0, this.#openedAt + this.#options.openMs - this.#now()));
    }
    const trial = state === 'half-open';
    if (trial) this.#trialInFlight = true;
    try {
      const result = await call();
      this.#failures = 0;
      if (this.#state !== 'closed') this.#transition('closed');
      return result;
    } catch (error) {
      this.#failures++;
      if (trial || this.#failures >= this.#options.failureThreshold) {
        this.#openedAt = this.#now();
        this.#transition('open');
      }
      throw error;
    } finally {
      if (trial) this.#trialInFlight = false;
    }
  }

  #transition(next: BreakerState): void {
    const previous = this.#state;
    if (previous === next) return;
    this.#state = next;
    this.#options.onStateChange?.(next, previous);
  }
}

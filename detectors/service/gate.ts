/**
 * When a detection is worth publishing. Per series, hysteresis: a series becomes anomalous when its
 * score reaches `enter`, and stays so until the score has been below `exit` for `clearAfter` points in a
 * row; it is published at onset and then at most every `repeatMs` while it lasts, never twice within
 * `minGapMs`. An onset inside `minGapMs` of the last publication is deferred, not dropped: it is published
 * at the stretch's first point at or above `enter` once the gap has passed (a flap that cleared by then is
 * not). Across series, a token bucket caps detections per minute, so an outage that lights up
 * every series does not flood the bus.
 */
export interface GateOptions {
  readonly enter: number;
  readonly exit: number;
  readonly clearAfter: number;
  readonly repeatMs: number;
  readonly minGapMs: number;
}

export interface GateState {
  active: boolean;
  /** Consecutive points below `exit` while active. */
  below: number;
  /** Epoch ms of the onset of the current (or last) anomalous stretch. */
  since: number;
  lastPublished: number;
  /** Highest score of the current stretch. */
  peak: number;
  /** The current stretch's onset was held back by `minGapMs` and is not yet published. */
  deferred: boolean;
}

export function newGateState(): GateState {
  return {
    active: false,
    below: 0,
    since: Number.NEGATIVE_INFINITY,
    lastPublished: Number.NEGATIVE_INFINITY,
    peak: 0,
    deferred: false,
  };
}

export type GateDecision = 'onset' | 'repeat' | 'resolved' | undefined;

/** Advances one series' state by one scored point; says whether to publish. */
export function gateStep(state: GateState, score: number, ts: number, options: GateOptions): GateDecision {
  if (!state.active) {
    if (score < options.enter) return undefined;
    state.active = true;
    state.below = 0;
    state.since = ts;
    state.peak = score;
    state.deferred = ts - state.lastPublished < options.minGapMs;
    if (state.deferred) return undefined;
    state.lastPublished = ts;
    return 'onset';
  }
  state.peak = Math.max(state.peak, score);
  if (score < options.exit) {
    state.below++;
    if (state.below >= options.clearAfter) {
      state.active = false;
      state.below = 0;
      state.peak = 0;
      state.deferred = false;
      return 'resolved';
    }
    return undefined;
  }
  state.below = 0;
  // Without this a stretch that began inside the gap stayed silent until `repeatMs` (10 minutes by default).
  if (state.deferred && score >= options.enter && ts - state.lastPublished >= options.minGapMs) {
    state.deferred = false;
    state.lastPublished = ts;
    return 'onset';
  }
  if (score >= options.enter && ts - state.lastPublished >= Math.max(options.repeatMs, options.minGapMs)) {
    state.lastPublished = ts;
    return 'repeat';
  }
  return undefined;
}

/** Token bucket: `perMinute` tokens, refilled continuously. */
export class RateBudget {
  #tokens: number;
  #last: number;
  readonly #perMinute: number;

  constructor(perMinute: number, now: number) {
    this.#perMinute = perMinute;
    this.#tokens = perMinute;
    this.#last = now;
  }

  take(now: number): boolean {
    this.#tokens = Math.min(this.#perMinute, this.#tokens + (Math.max(0, now - this.#last) / 60_000) * this.#perMinute);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

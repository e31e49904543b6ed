import { ProcessScopes } from './process-scopes.ts';

/**
 * Control ports: the knobs a service offers for acting on it while it runs (the remediation engine's local executor
 * turns them in embedded mode). Each service registers its own; nothing here knows who turns them.
 */

export interface FeedState {
  readonly feed: string;
  readonly running: boolean;
  readonly paused: boolean;
  readonly onFallback: boolean;
}

/** The market feed: restart a stalled feed, pause a noisy producer, switch to the fallback feed and back. */
export interface FeedControl {
  state(): FeedState;
  restart(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  useFallback(on: boolean): Promise<void>;
}

/** A pool of workers or consumer-group members whose size can change at run time. */
export interface PoolControl {
  size(): number;
  readonly min: number;
  readonly max: number;
  resize(size: number): Promise<void>;
}

/** Admission of work: how much may wait at once; lowering it sheds load (refused with 503). */
export interface AdmissionControl {
  readonly normal: number;
  limit(): number;
  setLimit(limit: number): void;
  /** How much waits now: a shed to a limit at or above it turns nobody away, so it cannot relieve anything. */
  waiting(): number;
}

/** A versioned configuration change, as a deployment would apply it. */
export interface ConfigChange {
  readonly version: number;
  readonly key: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly at: number;
}

/** Configuration changed at run time, with its history: roll back the last change or revert one setting. */
export interface ConfigControl {
  get(key: string): string | undefined;
  set(key: string, value: string | undefined): ConfigChange;
  history(): readonly ConfigChange[];
}

/** Every control port of the running platform, by name. Services register at start, executors look them up. */
export class PlatformControls {
  readonly feeds = new Map<string, FeedControl>();
  readonly pools = new Map<string, PoolControl>();
  readonly admission = new Map<string, AdmissionControl>();
  /** What each component holds in the embedded process; restarting one releases it. */
  readonly components = new ProcessScopes();
  readonly config: ConfigControl;

  constructor(config: ConfigControl) {
    this.config = config;
  }
}

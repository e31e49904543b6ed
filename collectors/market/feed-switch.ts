import type { FeedControl, FeedState } from '../../platform/runtime/controls.ts';
import type { FeedContext, FeedStatus, MarketFeed } from './feed.ts';

/**
 * Runs the configured feed behind a control port: restart it when it stalls, pause it when it floods, switch to the
 * fallback feed when it fails and back. Operations run one at a time, in the order they were asked for.
 */
export class FeedSwitch implements FeedControl {
  readonly #primary: MarketFeed;
  readonly #makeFallback: () => Promise<MarketFeed>;
  readonly #context: FeedContext;
  #fallback: MarketFeed | undefined;
  #current: MarketFeed;
  #paused = false;
  /** When the running feed last started: a fault that hung an earlier run (a feed stall) does not hang this one. */
  #runStartedAt = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(primary: MarketFeed, makeFallback: () => Promise<MarketFeed>, context: FeedContext) {
    this.#primary = primary;
    this.#current = primary;
    this.#makeFallback = makeFallback;
    this.#context = context;
  }

  status(): FeedStatus {
    const status = this.#current.status();
    return { ...status, running: status.running && !this.#paused };
  }

  state(): FeedState {
    const running = this.#current.status().running;
    return { feed: this.#current.name, running, paused: this.#paused, onFallback: this.#current !== this.#primary };
  }

  start(): Promise<void> {
    return this.#run(() => this.#startCurrent());
  }

  runStartedAt(): number {
    return this.#runStartedAt;
  }

  #startCurrent(): Promise<void> {
    this.#runStartedAt = Date.now();
    return this.#current.start(this.#context);
  }

  stop(): Promise<void> {
    return this.#run(() => this.#current.stop());
  }

  restart(): Promise<void> {
    return this.#run(async () => {
      await this.#current.stop();
      await this.#startCurrent();
      this.#paused = false;
    });
  }

  pause(): Promise<void> {
    return this.#run(async () => {
      if (this.#paused) return;
      await this.#current.stop();
      this.#paused = true;
    });
  }

  resume(): Promise<void> {
    return this.#run(async () => {
      if (!this.#paused) return;
      await this.#startCurrent();
      this.#paused = false;
    });
  }

  useFallback(on: boolean): Promise<void> {
    return this.#run(async () => {
      const next = on ? (this.#fallback ??= await this.#makeFallback()) : this.#primary;
      if (next === this.#current) return;
      await this.#current.stop();
      this.#current = next;
      if (!this.#paused) await this.#startCurrent();
      this.#context.logger.warn({ feed: next.name, fallback: on }, 'market feed switched');
    });
  }

  #run(operation: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(operation);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

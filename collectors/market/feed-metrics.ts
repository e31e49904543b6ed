import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState, FeedHealth, Tick } from './feed.ts';

const breakerValue: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

type Metric = Counter | Gauge | Histogram;

/** Returns the metric already registered under this name (a second feed in the process), or makes it. */
function metric<M extends Metric>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

/**
 * Feed health as Prometheus metrics (insitechart_feed_*): ticks and batches, publish latency, staleness
 * per symbol (seconds since the symbol's last tick, computed at scrape time), gaps (a symbol ticking again
 * after being stale), errors by kind, reconnects and the circuit breaker's state.
 */
export class FeedMetrics implements FeedHealth {
  readonly #feed: string;
  readonly #staleAfterMs: number;
  readonly #lastSeen = new Map<string, number>();
  readonly #now: () => number;
  readonly #ticks: Counter;
  readonly #batches: Counter;
  readonly #publishSeconds: Histogram;
  readonly #gaps: Counter;
  readonly #errors: Counter;
  readonly #reconnects: Counter;
  readonly #breaker: Gauge;
  readonly #staleSymbols: Gauge;

  constructor(registry: Registry, feed: string, options: { staleAfterMs: number; now?: () => number }) {
    this.#feed = feed;
    this.#staleAfterMs = options.staleAfterMs;
    this.#now = options.now ?? Date.now;
    const registers = [registry];
    const labelNames = ['feed'] as const;
    this.#ticks = metric(
      registry,
      'insitechart_feed_ticks_total',
      () =>
        new Counter({
          name: 'insitechart_feed_ticks_total',
          help: 'Ticks published by the market feed (rate() gives ticks/s)',
          labelNames,
          registers,
        }),
    );
    this.#batches = metric(
      registry,
      'insitechart_feed_batches_total',
      () =>
        new Counter({
          name: 'insitechart_feed_batches_total',
          help: 'Tick batches published by the market feed',
          labelNames,
          registers,
        }),
    );
    this.#publishSeconds = metric(
      registry,
      'insitechart_feed_publish_seconds',
      () =>
        new Histogram({
          name: 'insitechart_feed_publish_seconds',
          help: 'Time to publish one tick batch on the backbone',
          labelNames,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
          registers,
        }),
    );
    this.#gaps = metric(
      registry,
      'insitechart_feed_gaps_total',
      () =>
        new Counter({
          name: 'insitechart_feed_gaps_total',
          help: 'Times a symbol ticked again after being stale longer than the threshold',
          labelNames,
          registers,
        }),
    );
    this.#errors = metric(
      registry,
      'insitechart_feed_errors_total',
      () =>
        new Counter({
          name: 'insitechart_feed_errors_total',
          help: 'Feed errors by kind',
          labelNames: ['feed', 'kind'],
          registers,
        }),
    );
    this.#reconnects = metric(
      registry,
      'insitechart_feed_reconnects_total',
      () =>
        new Counter({
          name: 'insitechart_feed_reconnects_total',
          help: 'Times the feed reconnected to its upstream after a failure',
          labelNames,
          registers,
        }),
    );
    this.#breaker = metric(
      registry,
      'insitechart_feed_breaker_state',
      () =>
        new Gauge({
          name: 'insitechart_feed_breaker_state',
          help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
          labelNames,
          registers,
        }),
    );
    this.#staleSymbols = metric(
      registry,
      'insitechart_feed_stale_symbols',
      () =>
        new Gauge({
          name: 'insitechart_feed_stale_symbols',
          help: 'Symbols the feed judges stale upstream',
          labelNames,
          registers,
        }),
    );
    const lastSeen = this.#lastSeen;
    const now = this.#now;
    // Computed at scrape time so a symbol that stopped ticking shows its growing staleness.
    metric(
      registry,
      'insitechart_feed_staleness_seconds',
      () =>
        new Gauge({
          name: 'insitechart_feed_staleness_seconds',
          help: 'Seconds since the last tick of each symbol',
          labelNames: ['feed', 'symbol'],
          registers,
          collect() {
            const t = now();
            for (const [symbol, seen] of lastSeen) this.set({ feed, symbol }, (t - seen) / 1000);
          },
        }),
    );
    this.#breaker.set({ feed }, 0);
    this.#staleSymbols.set({ feed }, 0);
  }

  /** Records a published batch: counts, publish time, per-symbol freshness and gaps. */
  published(ticks: readonly Tick[], seconds: number): void {
    const labels = { feed: this.#feed };
    this.#ticks.inc(labels, ticks.length);
    this.#batches.inc(labels);
    this.#publishSeconds.observe(labels, seconds);
    const t = this.#now();
    for (const tick of ticks) {
      const seen = this.#lastSeen.get(tick.symbol);
      if (seen !== undefined && t - seen > this.#staleAfterMs) this.#gaps.inc(labels);
      this.#lastSeen.set(tick.symbol, t);
    }
  }

  error(kind: string): void {
    this.#errors.inc({ feed: this.#feed, kind });
  }

  reconnect(): void {
    this.#reconnects.inc({ feed: this.#feed });
  }

  breaker(state: BreakerState): void {
    this.#breaker.set({ feed: this.#feed }, breakerValue[state]);
  }

  staleSymbols(count: number): void {
    this.#staleSymbols.set({ feed: this.#feed }, count);
  }
}

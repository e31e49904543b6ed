/**
 * The analytics service: consumes final bars from `market.bars` into bounded per-symbol windows, keeps
 * streaming rolling/EWMA correlations of every tracked pair, publishes correlation breaks on
 * `analytics.correlation`, follows `sentiment.scores` for the multi-dimensional views, and serves the
 * analytics REST API under /api/analytics.
 */
import { Counter, Gauge } from 'prom-client';
import type { Subscription } from '../backbone/bus.ts';
import { ConsumerPool } from '../backbone/consumer-pool.ts';
import { instrumentBySymbol } from '../reference/instruments.ts';
import type { PlatformControls } from '../runtime/controls.ts';
import type { Service, ServiceContext } from '../runtime/service.ts';
import { openApi } from '../http/openapi.ts';
import { analyticsRouter } from './api.ts';
import { ComputeWorker } from './compute-pool.ts';
import { describeAnalyticsRoutes } from './openapi.ts';
import { DEFAULT_MAX_WORK } from './work-caps.ts';
import { BarWindows, type Interval } from './bar-windows.ts';
import type { BreakDetectorOptions } from './change.ts';
import { StreamingCorrelations, type BreakEvent } from './streaming.ts';

export interface AnalyticsServiceOptions {
  /** Final bars kept per symbol and interval. */
  readonly capacity?: number;
  /** The interval REST queries use when they name none. */
  readonly defaultInterval?: Interval;
  /** Intervals whose bars feed the streaming correlations and break detection. */
  readonly streamingIntervals?: readonly Interval[];
  readonly window?: number;
  readonly ewmaSpan?: number;
  readonly breaks?: BreakDetectorOptions;
  /** Symbols tracked by the streaming correlations per interval (pairs grow as n^2). */
  readonly maxStreamingSymbols?: number;
  /** Recent breaks kept for GET /api/analytics/correlation/breaks. */
  readonly keepBreaks?: number;
  /** Per-request work cap in work units (default DEFAULT_MAX_WORK; see work-caps.ts). */
  readonly maxWork?: number;
  /** A computation running longer is stopped and answered 503 (default 30 s). */
  readonly deadlineMs?: number;
  /** Where the service registers its control ports (bar consumers, computation admission) for remediation. */
  readonly controls?: PlatformControls;
  /** Most members of the bar consumer group (default 4). */
  readonly maxBarConsumers?: number;
}

const defaultBreaks: BreakDetectorOptions = { recent: 30, baseline: 120, alpha: 0.001, minDelta: 0.3, cooldown: 30 };

/** Step function of each symbol's latest time-decayed sentiment aggregate, bounded per symbol. */
class SentimentTrack {
  private readonly points = new Map<string, { ts: number; value: number }[]>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(symbol: string, ts: number, value: number): void {
    let list = this.points.get(symbol);
    if (!list) {
      list = [];
      this.points.set(symbol, list);
    }
    if (list.length > 0 && ts < (list.at(-1)?.ts ?? 0)) return; // late text: the aggregate already moved on
    list.push({ ts, value });
    if (list.length > this.capacity) list.shift();
  }

  at(symbol: string, ts: number): number {
    const list = this.points.get(symbol) ?? [];
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid]?.ts ?? Infinity) <= ts) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? Number.NaN : (list[found]?.value ?? Number.NaN);
  }
}

export function analyticsService(options: AnalyticsServiceOptions = {}): Service {
  const windows = new BarWindows(options.capacity ?? 2_000);
  const streamingIntervals = new Set(options.streamingIntervals ?? ['1s', '1m']);
  const streams = new Map<Interval, StreamingCorrelations>();
  const recentBreaks: BreakEvent[] = [];
  const sentiment = new SentimentTrack(5_000);
  const subscriptions: Subscription[] = [];
  let barsPool: ConsumerPool<'market.bars'> | undefined;
  // Started lazily by the first computation; replaced if a computation overruns its deadline.
  const worker = new ComputeWorker({ deadlineMs: options.deadlineMs ?? 30_000, maxQueued: 16 });

  const streamFor = (interval: Interval): StreamingCorrelations => {
    let s = streams.get(interval);
    if (!s) {
      s = new StreamingCorrelations({
        window: options.window ?? 60,
        ewmaSpan: options.ewmaSpan ?? 60,
        breaks: options.breaks ?? defaultBreaks,
        maxSymbols: options.maxStreamingSymbols ?? 40,
      });
      streams.set(interval, s);
    }
    return s;
  };

  return {
    name: 'analytics',
    async start(ctx: ServiceContext) {
      const bars = new Counter({
        name: 'insitechart_analytics_bars_total',
        help: 'final bars taken into the analytics windows',
        labelNames: ['interval'],
        registers: [ctx.metrics],
      });
      const breaks = new Counter({
        name: 'insitechart_analytics_correlation_breaks_total',
        help: 'correlation breaks detected on streaming pairs',
        labelNames: ['interval'],
        registers: [ctx.metrics],
      });
      const publishErrors = new Counter({
        name: 'insitechart_analytics_publish_errors_total',
        help: 'correlation breaks that could not be published',
        registers: [ctx.metrics],
      });
      new Gauge({
        name: 'insitechart_analytics_streaming_pairs',
        help: 'symbol pairs with streaming correlations',
        labelNames: ['interval'],
        registers: [ctx.metrics],
        collect() {
          for (const [interval, s] of streams) this.set({ interval }, s.snapshot().length);
        },
      });

      // A pool of group members, so that the remediation engine can scale bar consumption (controls port).
      barsPool = new ConsumerPool(
        ctx.bus,
        {
          group: 'analytics',
          topic: 'market.bars',
          from: 'latest',
          handler: async (delivery) => {
            const bar = delivery.envelope.data;
            const placed = windows.add(bar);
            bars.inc({ interval: bar.interval });
            if (placed !== 'appended' || !streamingIntervals.has(bar.interval)) return;
            const found = streamFor(bar.interval).onBar(bar.symbol, bar.start, bar.close);
            for (const event of found) {
              breaks.inc({ interval: bar.interval });
              recentBreaks.push(event);
              if (recentBreaks.length > (options.keepBreaks ?? 200)) recentBreaks.shift();
              const data = {
                a: event.a,
                b: event.b,
                interval: bar.interval,
                baseline: event.baseline,
                recent: event.recent,
                delta: event.delta,
                z: event.z,
                pvalue: event.pvalue,
                baselineN: event.baselineN,
                recentN: event.recentN,
                ts: event.ts,
              };
              try {
                await ctx.bus.publish('analytics.correlation', {
                  key: `${event.a}|${event.b}`,
                  data,
                  source: 'platform/analytics',
                });
              } catch (error) {
                publishErrors.inc();
                ctx.logger.warn({ err: error, a: event.a, b: event.b }, 'publishing a correlation break failed');
              }
            }
          },
        },
        { min: 1, max: options.maxBarConsumers ?? 4 },
      );
      await barsPool.resize(1);
      options.controls?.pools.set('analytics-bars', barsPool);
      options.controls?.admission.set('analytics-compute', worker.admission);
      // Feeds' history (the first-start backfill, recorded history) fills the windows at every interval; it is
      // read again from the start of the retained log at each start, since the windows live in memory.
      const history = await ctx.bus.subscribe({
        group: 'analytics-history',
        topic: 'market.history',
        from: 'earliest',
        handler: (delivery) => {
          const { symbol, interval, bars: past } = delivery.envelope.data;
          for (const bar of past) windows.add({ symbol, interval, ...bar });
          bars.inc({ interval }, past.length);
        },
      });
      subscriptions.push(history);
      await history.replay({ offset: 0 });
      subscriptions.push(
        await ctx.bus.subscribe({
          group: 'analytics-sentiment',
          topic: 'sentiment.scores',
          from: 'latest',
          handler: (delivery) => {
            const s = delivery.envelope.data;
            sentiment.add(s.symbol, s.ts, s.aggregate);
          },
        }),
      );

      ctx.api.use(
        analyticsRouter(
          {
            windows,
            streaming: (interval) => streams.get(interval),
            breaks: () => recentBreaks,
            sentimentAt: (symbol, ts) => sentiment.at(symbol, ts),
            sectorOf: (symbol) => instrumentBySymbol(symbol)?.sector ?? 'Unknown',
            defaultInterval: options.defaultInterval ?? '1m',
          },
          { worker, maxWork: options.maxWork ?? DEFAULT_MAX_WORK },
        ),
      );
      describeAnalyticsRoutes(openApi);
    },
    async stop() {
      await Promise.all([...subscriptions.splice(0).map((s) => s.close('drain')), barsPool?.close()]);
      await worker.close();
    },
  };
}

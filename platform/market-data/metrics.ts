import { Counter, Gauge, type Registry } from 'prom-client';
import type { BarAggregator } from './bars/aggregator.ts';
import type { FanoutHub } from './stream/fanout-hub.ts';
import type { TrackedSymbols } from './tracked-symbols.ts';

/** The service's metrics, read from its parts at scrape time. */
export function registerMetrics(
  registry: Registry,
  hub: FanoutHub,
  bars: BarAggregator,
  tracked: TrackedSymbols,
): void {
  const registers = [registry];
  new Gauge({
    name: 'insitechart_ws_sessions',
    help: '/ws sessions by state (connected, or disconnected and resumable)',
    labelNames: ['state'],
    registers,
    collect() {
      const s = hub.stats();
      this.set({ state: 'connected' }, s.connected);
      this.set({ state: 'disconnected' }, s.sessions - s.connected);
    },
  });
  new Gauge({
    name: 'insitechart_ws_slow_clients',
    help: '/ws clients currently coalescing (socket backed up or just resumed)',
    registers,
    collect() {
      this.set(hub.stats().slow);
    },
  });
  // Totals kept by the hub, exposed as counters at scrape time.
  const totals: [string, string, (s: ReturnType<FanoutHub['stats']>) => number][] = [
    ['insitechart_ws_messages_sent_total', '/ws messages with a sequence number sent', (s) => s.messages],
    [
      'insitechart_ws_coalesced_updates_total',
      '/ws updates coalesced for slow or resumed clients',
      (s) => s.coalescedUpdates,
    ],
    [
      'insitechart_ws_hopeless_closed_total',
      '/ws clients closed with 4008 for staying behind',
      (s) => s.hopelessClosed,
    ],
    [
      'insitechart_ws_rate_closed_total',
      '/ws clients closed with 4029 for sending too many messages',
      (s) => s.rateClosed,
    ],
    ['insitechart_ws_resumed_total', '/ws sessions resumed after a reconnect', (s) => s.resumed],
    [
      'insitechart_ws_resume_refused_total',
      '/ws resumes refused (unknown, expired or not replayable): a new session',
      (s) => s.resumeRefused,
    ],
  ];
  for (const [name, help, read] of totals) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(hub.stats()));
      },
    });
  }
  new Counter({
    name: 'insitechart_bars_ticks_total',
    help: 'ticks folded into bars by outcome (late and future drops count per interval)',
    labelNames: ['outcome'],
    registers,
    collect() {
      const s = bars.stats();
      this.reset();
      this.inc({ outcome: 'accepted' }, s.accepted);
      this.inc({ outcome: 'corrected' }, s.corrected);
      this.inc({ outcome: 'late_dropped' }, s.lateDropped);
      this.inc({ outcome: 'future_dropped' }, s.futureDropped);
    },
  });
  new Gauge({
    name: 'insitechart_ws_retained_sessions',
    help: '/ws disconnected sessions kept for resuming (bounded)',
    registers,
    collect() {
      this.set(hub.stats().retained);
    },
  });
  new Gauge({
    name: 'insitechart_market_feed_symbols',
    help: 'symbols outside the instrument catalog with per-symbol state (bounded by MARKET_MAX_FEED_SYMBOLS)',
    registers,
    collect() {
      this.set(tracked.stats().tracked);
    },
  });
  new Counter({
    name: 'insitechart_market_ticks_refused_total',
    help: 'ticks dropped because their symbol is outside the catalog and the feed-symbol bound is reached',
    registers,
    collect() {
      this.reset();
      this.inc(tracked.stats().refused);
    },
  });
}

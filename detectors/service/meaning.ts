/**
 * What a series means to the people the platform serves, read from its name and labels: whether a
 * deviation on it is a symptom users feel (API latency, errors, stale quotes in their browser), a strain on
 * the platform that may become one (event-loop lag, CPU, consumer lag, traffic), or context an operator
 * looks at while investigating (memory and heap gauges, GC, per-symbol feed staleness, internal event
 * rates). The detector tier watches every series, but only symptoms page, strains are published when they
 * last and no symptom explains them, and context is never published on its own: it shows as related series
 * and on REST. The meaning also says which direction matters and whether "stuck" is news for the series.
 */
import type { SeriesLabels } from '../series.ts';

export type Concern = 'symptom' | 'strain' | 'context';
export type Direction = 'up' | 'down' | 'both';
export type DetectionSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface SeriesMeaning {
  readonly concern: Concern;
  /** What the series shows, in an operator's words, e.g. "API latency p99". */
  readonly symptom: string;
  /** Which deviations matter: latency and errors only up, throughput also down. */
  readonly direction: Direction;
  /** Whether a value that stops changing is news (a stopped exporter) rather than a gauge at rest. */
  readonly stallMatters: boolean;
  /** Below this (in the series' unit) no rise matters to anyone, however unusual: 20 ms of API latency. */
  readonly floor: number;
  /** At or above this (held a few seconds) the symptom pages whatever its history (`limit.ts`). */
  readonly limit: number;
  /**
   * How much is asked of the service (its request or span rate): a change alone hurts no one. Fewer
   * requests is fewer users asking (or a load generator that slowed down); more, if it hurts, shows as
   * latency or errors, which page on their own. Only a stop is news: nobody reaches the service.
   */
  readonly demand: boolean;
}

interface Rule {
  readonly name: RegExp;
  readonly when?: (labels: SeriesLabels) => boolean;
  readonly meaning: (labels: SeriesLabels) => SeriesMeaning;
}

const where = (labels: SeriesLabels): string => {
  const place = labels.route ?? labels.http_route ?? labels.span_name ?? labels.service;
  return place === undefined ? '' : ` on ${place}`;
};
const quantile = (labels: SeriesLabels): string =>
  labels.quantile === undefined ? '' : ` p${String(Math.round(Number(labels.quantile) * 100))}`;
const status = (labels: SeriesLabels): string => labels.status_code ?? labels.status ?? '';
const serverError = (labels: SeriesLabels): boolean => status(labels).startsWith('5');
const perSymbol = (labels: SeriesLabels): boolean => labels.symbol !== undefined;
/** The whole API (the in-process source's sum over routes and statuses), not one route of it. */
const whole = (labels: SeriesLabels): boolean =>
  labels.route === undefined && labels.http_route === undefined && labels.method === undefined;

const meaning = (
  concern: Concern,
  symptom: string,
  {
    direction = 'up',
    stallMatters = false,
    floor = Number.NEGATIVE_INFINITY,
    limit = Number.POSITIVE_INFINITY,
    demand = false,
  }: Partial<SeriesMeaning> = {},
): SeriesMeaning => ({ concern, symptom, direction, stallMatters, floor, limit, demand });

const HTTP = '(http_request_duration_seconds|http_server_(request_)?duration|otlp_span_duration_seconds)';
/**
 * Apdex's customary T: a request answered within half a second satisfies its user. A p99 wait below it
 * means 99% of requests still do, so no rise below it is a symptom, however unusual; a p99 held above it
 * is one, however usual lately (on a loaded machine the ordinary p99 rises to 0.1-0.3 s).
 */
export const TOLERATED_S = 0.5;
const waits = { floor: TOLERATED_S, limit: TOLERATED_S };

/** First match wins; the order puts the specific before the general. */
const RULES: readonly Rule[] = [
  // Anything per symbol is one instrument among hundreds: context (an illiquid symbol goes quiet).
  { name: /./, when: perSymbol, meaning: (l) => meaning('context', `${l.__name__ ?? 'series'} of ${l.symbol ?? ''}`) },
  // The detector tier's own figures move because of anomalies, not with them.
  { name: /^insitechart_detector_/, meaning: (l) => meaning('context', l.__name__ ?? 'detector') },
  {
    name: new RegExp(`${HTTP}_count_rate$`),
    when: serverError,
    meaning: (l) => meaning(whole(l) ? 'symptom' : 'strain', `API errors (5xx)${where(l)}`),
  },
  {
    name: new RegExp(`${HTTP}$`),
    when: (l) => l.quantile !== undefined && !serverError(l),
    meaning: (l) => meaning(whole(l) ? 'symptom' : 'strain', `API latency${quantile(l)}${where(l)}`, waits),
  },
  {
    name: new RegExp(`${HTTP}_count_rate$|^otlp_span_rate$`),
    when: whole,
    meaning: (l) =>
      meaning('strain', `API traffic${where(l)}`, { direction: 'both', stallMatters: true, demand: true }),
  },
  // Per route and status the rates and quantiles are too thin to mean much alone: the whole speaks for them.
  { name: new RegExp(HTTP), meaning: (l) => meaning('context', `${l.__name__ ?? ''}${where(l)}`) },
  { name: /error_ratio$|_errors?_total_rate$|_failures?_total_rate$/, meaning: (l) => meaning('symptom', errors(l)) },
  {
    name: /web_client_tick_lag_seconds/,
    meaning: (l) => meaning('symptom', `Live quote lag in browsers${quantile(l)}`, { floor: 1 }),
  },
  { name: /^insitechart_feed_stale_symbols$/, meaning: () => meaning('strain', 'Symbols with stale quotes') },
  // Every request waits out the event loop's lag before any handler (or the server's latency histogram)
  // sees it: in Node the lag is the users' queueing delay, the symptom of a blocked loop.
  {
    name: /^nodejs_eventloop_lag_p99_seconds$|event_loop_delay_p99/,
    meaning: () => meaning('symptom', 'Slow responses: event-loop lag p99', waits),
  },
  { name: /cpu_seconds_total_rate$|cpu_utili[sz]ation/, meaning: () => meaning('strain', 'CPU use') },
  {
    name: /consumer_lag/,
    meaning: (l) => meaning('strain', `Consumer lag${l.group === undefined ? '' : ` of ${l.group}`}`),
  },
  {
    name: /^insitechart_(feed_ticks|ws_messages_sent)_total_rate$/,
    meaning: (l) => meaning('strain', flow(l), { direction: 'down', stallMatters: true }),
  },
  { name: /slow_clients|hopeless_closed/, meaning: (l) => meaning('strain', l.__name__ ?? 'clients') },
  // Memory, GC and handle gauges rest and step as the runtime pleases: what they mean shows elsewhere. Readiness
  // pages through service/startup.ts (a start-up that never finishes), not as a series.
  {
    name: /memory|heap|rss|_bytes$|^nodejs_|^(insitechart_)?process_/,
    meaning: (l) => meaning('context', l.__name__ ?? ''),
  },
  // The platform's internal event flows (sentiment texts, bars, alerts, OTLP items, bus, builds, feed).
  {
    name: /^insitechart_(sentiment|analytics|bars|alert|alerts|otlp|bus|web_build|web_bundle|feed)_/,
    meaning: (l) => meaning('context', l.__name__ ?? ''),
  },
];

function errors(labels: SeriesLabels): string {
  const name = (labels.__name__ ?? 'errors').replace(/^insitechart_/, '').replace(/_total_rate$|_ratio$/, '');
  return `${name.replaceAll('_', ' ')}${where(labels)}`;
}

function flow(labels: SeriesLabels): string {
  return (labels.__name__ ?? '').includes('feed') ? 'Market feed tick rate' : 'Live quote messages sent';
}

/**
 * A series no rule knows (another service's metric sent over OTLP, a Prometheus query) is a strain: it is
 * published when it lasts and no symptom explains it, with stuck values counting as news.
 */
export function meaningOf(labels: SeriesLabels): SeriesMeaning {
  const name = labels.__name__ ?? '';
  for (const rule of RULES) if (rule.name.test(name) && (rule.when?.(labels) ?? true)) return rule.meaning(labels);
  return meaning('strain', name === '' ? 'series' : name, { direction: 'both', stallMatters: true });
}

/** How much a detection on the series matters: symptoms page, strains warn, context informs. */
export function severityOf(concern: Concern, score: number): DetectionSeverity {
  if (concern === 'symptom') return score >= 0.9 ? 'critical' : 'error';
  return concern === 'strain' ? 'warning' : 'info';
}

/** Whether the observed value deviates in a direction that matters for the series. */
export function deviationMatters(m: SeriesMeaning, observed: number, expected: { low: number; high: number }): boolean {
  if (m.direction === 'both') return true;
  const mid = (expected.low + expected.high) / 2;
  return m.direction === 'up' ? observed >= mid && observed >= m.floor : observed <= mid;
}

/**
 * Whether a demand series has stopped: its rate at zero, or held at one value (the detector's stall view
 * raised the finding). Anything short of a stop on such a series is not published (`demand` above).
 */
export function demandStopped(verdict: { observed: number; fired: readonly string[] }): boolean {
  return verdict.observed <= 0 || verdict.fired[0] === 'stall';
}

/** Whether a value is still outside the expected range on a side that matters (a strain that lasts). */
export function stillOutside(m: SeriesMeaning, value: number, expected: { low: number; high: number }): boolean {
  const above = value > expected.high && value >= m.floor;
  const below = value < expected.low;
  return m.direction === 'up' ? above : m.direction === 'down' ? below : above || below;
}

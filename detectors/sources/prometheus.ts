import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Point, Series, SeriesLabels } from '../series.ts';
import { formatSelector, type LabelMatcher, type MetricSource, type TimeRange } from './source.ts';

/** Prometheus sample values are strings, with NaN and ±Inf spelled out. */
const sampleValue = z
  .string()
  .transform((s) => (s === '+Inf' ? Number.POSITIVE_INFINITY : s === '-Inf' ? Number.NEGATIVE_INFINITY : Number(s)));
const sample = z.tuple([z.number(), sampleValue]);
const metric = z.record(z.string(), z.string());

const queryData = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric, values: z.array(sample).default([]) })),
  }),
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric, value: sample })) }),
  z.object({ resultType: z.literal('scalar'), result: sample }),
  z.object({ resultType: z.literal('string'), result: z.tuple([z.number(), z.string()]) }),
]);

const envelope = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('success'), data, warnings: z.array(z.string()).optional() }),
    z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
  ]);
const queryResponse = envelope(queryData);
const seriesResponse = envelope(z.array(metric));

/** A failed Prometheus call: the server's error type and message, or what went wrong on the way. */
export class PrometheusError extends Error {
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'PrometheusError';
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

export interface PrometheusOptions {
  /** Base URL of the server, e.g. http://prometheus:9090 */
  readonly url: string;
  /** PromQL expressions polled for new points: selectors or any range-evaluable expression. */
  readonly queries: readonly string[];
  /** Resolution of the polled range queries. */
  readonly stepMs: number;
  /** How far back the first poll reaches, so a fresh detector warms up on history. */
  readonly lookbackMs: number;
  readonly timeoutMs: number;
  /** Attempts after the first for network errors, 429 and 5xx. */
  readonly retries: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/**
 * A Prometheus server's HTTP API as a metric source (the distributed mode): instant and range queries,
 * series metadata, each response validated, each call bounded by a timeout and retried with backoff on
 * transient failures. Polling evaluates the configured queries over the range since the last poll.
 */
export class PrometheusSource implements MetricSource {
  readonly name = 'prometheus';
  readonly #options: PrometheusOptions;
  readonly #fetch: typeof fetch;
  readonly #base: string;

  constructor(options: PrometheusOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#base = options.url.replace(/\/+$/, '');
  }

  /** `/api/v1/query`: the value of each resulting series at `time` (default now). */
  async instant(query: string, time?: number, signal?: AbortSignal): Promise<Series[]> {
    const params: Record<string, string> = { query };
    if (time !== undefined) params.time = String(time / 1_000);
    const data = await this.#call('/api/v1/query', params, queryResponse, signal);
    return toSeries(query, data);
  }

  /** `/api/v1/query_range`: the expression evaluated every `stepMs` from `from` to `to`. */
  async range(query: string, range: TimeRange & { stepMs: number }, signal?: AbortSignal): Promise<Series[]> {
    const params = {
      query,
      start: String(range.from / 1_000),
      end: String(range.to / 1_000),
      step: String(Math.max(range.stepMs, 1) / 1_000),
    };
    const data = await this.#call('/api/v1/query_range', params, queryResponse, signal);
    return toSeries(query, data);
  }

  /** `/api/v1/series`: the label sets of the series matching the selector, optionally within a time range. */
  async series(selector: string, range?: { from: number; to: number }, signal?: AbortSignal): Promise<SeriesLabels[]> {
    const params: Record<string, string> = { 'match[]': selector };
    if (range !== undefined) {
      params.start = String(range.from / 1_000);
      params.end = String(range.to / 1_000);
    }
    return this.#call('/api/v1/series', params, seriesResponse, signal);
  }

  listSeries(matchers: readonly LabelMatcher[], signal?: AbortSignal): Promise<SeriesLabels[]> {
    // Prometheus refuses a selector that matches everything; `__name__=~".+"` is the explicit form of it.
    const selector = formatSelector(matchers.length > 0 ? matchers : [{ name: '__name__', op: '=~', value: '.+' }]);
    return this.series(selector, undefined, signal);
  }

  readRange(matchers: readonly LabelMatcher[], range: TimeRange, signal?: AbortSignal): Promise<Series[]> {
    return this.range(formatSelector(matchers), { ...range, stepMs: range.stepMs ?? this.#options.stepMs }, signal);
  }

  async poll(since: number, signal?: AbortSignal): Promise<Series[]> {
    const { stepMs, lookbackMs, queries } = this.#options;
    const now = (this.#options.now ?? Date.now)();
    // Evaluate on the step grid so successive polls produce the same timestamps for the same instants.
    const to = Math.floor(now / stepMs) * stepMs;
    const from = Math.max(since + 1, to - lookbackMs);
    if (from > to) return [];
    const start = Math.ceil(from / stepMs) * stepMs;
    const results = await Promise.all(queries.map((query) => this.range(query, { from: start, to, stepMs }, signal)));
    return results.flat();
  }

  async #call<T>(
    path: string,
    params: Record<string, string>,
    schema: z.ZodType<{ status: 'success'; data: T } | { status: 'error'; errorType: string; error: string }>,
    signal?: AbortSignal,
  ): Promise<T> {
    const { retries, timeoutMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(path, params, schema, signal, timeoutMs);
      } catch (error) {
        const retryable = error instanceof PrometheusError ? error.retryable : true;
        if (!retryable || attempt >= retries || signal?.aborted === true) {
          throw error instanceof PrometheusError
            ? error
            : new PrometheusError(`${path} failed: ${error instanceof Error ? error.message : String(error)}`, {
                retryable: true,
                cause: error,
              });
        }
        const backoff = Math.min(5_000, 200 * 2 ** attempt);
        await sleep(
          backoff / 2 + (Math.random() * backoff) / 2,
          undefined,
          signal === undefined ? {} : { signal },
        ).catch(() => undefined);
      }
    }
  }

  async #once<T>(
    path: string,
    params: Record<string, string>,
    schema: z.ZodType<{ status: 'success'; data: T } | { status: 'error'; errorType: string; error: string }>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await this.#fetch(`${this.#base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PrometheusError(
        `${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
        { status: response.status, retryable: response.status >= 500 || response.status === 429 },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new PrometheusError(
        `${path} answered ${response.status} with an unexpected body: ${parsed.error.issues[0]?.message ?? ''} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
        { status: response.status, retryable: false },
      );
    }
    if (parsed.data.status === 'error') {
      // 400 bad_data and 422 execution errors are the query's fault; 503 and timeouts may pass.
      throw new PrometheusError(`${path}: ${parsed.data.errorType}: ${parsed.data.error}`, {
        status: response.status,
        retryable: response.status >= 500 || response.status === 429 || parsed.data.errorType === 'timeout',
      });
    }
    return parsed.data.data;
  }
}

function toPoint([seconds, value]: readonly [number, number]): Point {
  return { ts: Math.round(seconds * 1_000), value };
}

/** Expressions without a metric name (rate(), sum()) get `__name__="promql"` and the expression as `query`. */
function labelsOf(query: string, m: Readonly<Record<string, string>>): SeriesLabels {
  return m.__name__ === undefined ? { ...m, __name__: 'promql', query } : m;
}

function toSeries(query: string, data: z.output<typeof queryData>): Series[] {
  const finite = (p: Point): boolean => Number.isFinite(p.value);
  switch (data.resultType) {
    case 'matrix':
      return data.result.map((r) => ({
        labels: labelsOf(query, r.metric),
        points: r.values.map(toPoint).filter(finite),
      }));
    case 'vector':
      return data.result.map((r) => ({ labels: labelsOf(query, r.metric), points: [toPoint(r.value)].filter(finite) }));
    case 'scalar':
      return [{ labels: labelsOf(query, {}), points: [toPoint(data.result)].filter(finite) }];
    case 'string':
      return [];
  }
}

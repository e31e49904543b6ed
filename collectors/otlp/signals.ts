import type { z } from 'zod';
import { denseBuckets, exponentialBucketList, quantileFromBuckets } from '../../platform/series/histogram-math.ts';
import { attributeMap, resourceLabels } from './labels.ts';
import type { Sample } from './metrics.ts';
import { logRecord, span as spanSchema, type logsRequest, type Span, type tracesRequest } from './schema.ts';

/** Sees every accepted span with its service and resource attributes (the service graph's extractors). */
export type SpanObserver = (span: Span, service: string, resource: ReadonlyMap<string, string>) => void;

/** Duration histogram resolution: scale 3 buckets grow by 2^(1/8), about 9%, so quantiles are within ~5%. */
const SCALE = 3;
/** Windows a quiet series keeps reporting a zero rate before it is forgotten. */
const QUIET_WINDOWS = 30;
export const spanQuantiles = [0.5, 0.95, 0.99] as const;
const spanKinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

interface SpanWindow {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
  errors: number;
  readonly durations: Map<number, number>;
  quiet: number;
}

interface CountWindow {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
  quiet: number;
}

export interface Accepted {
  readonly accepted: number;
  readonly rejected: number;
  readonly errors: string[];
}

function reject(errors: string[], message: string): void {
  if (errors.length < 5 && !errors.includes(message)) errors.push(message);
}

/** OTLP log severity numbers fall in six ranges of four. */
export function severityName(n: number, text: string): string {
  if (n >= 1)
    return (
      (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[Math.min(5, Math.floor((n - 1) / 4))] ?? 'fatal'
    );
  return text === ''
    ? 'unspecified'
    : text
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_')
        .slice(0, 32);
}

/**
 * Aggregates spans into RED series and log records into counts per window: on each flush, per service,
 * span name and kind, `otlp_span_rate` (spans/s), `otlp_span_error_ratio` (share with status ERROR) and
 * `otlp_span_duration_seconds{quantile}`; per service and severity, `otlp_log_records_rate`. Keys are
 * bounded (`maxKeys`), and a quiet key reports a zero rate for a while, since traffic that stops is news.
 */
export class SignalAggregator {
  readonly #spans = new Map<string, SpanWindow>();
  readonly #logs = new Map<string, CountWindow>();
  readonly #maxKeys: number;
  #windowStart: number;

  readonly #onSpan: SpanObserver | undefined;

  constructor(options: { maxKeys: number; now: number; onSpan?: SpanObserver }) {
    this.#maxKeys = options.maxKeys;
    this.#onSpan = options.onSpan;
    this.#windowStart = options.now;
  }

  addSpans(request: z.output<typeof tracesRequest>): Accepted {
    let accepted = 0;
    let rejected = 0;
    const errors: string[] = [];
    for (const rs of request.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        const base = resourceLabels(rs.resource.attributes, '');
        const resource = attributeMap(rs.resource.attributes);
        for (const raw of ss.spans) {
          const parsed = spanSchema.safeParse(raw);
          if (!parsed.success) {
            rejected++;
            reject(errors, `span: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
            continue;
          }
          const s = parsed.data;
          const labels = { ...base, span_name: s.name.slice(0, 200), span_kind: spanKinds[s.kind] ?? 'unspecified' };
          const key = JSON.stringify(labels);
          let w = this.#spans.get(key);
          if (w === undefined) {
            if (this.#spans.size >= this.#maxKeys) {
              rejected++;
              reject(errors, `span: too many distinct service/span names (limit ${this.#maxKeys})`);
              continue;
            }
            w = { labels, count: 0, errors: 0, durations: new Map(), quiet: 0 };
            this.#spans.set(key, w);
          }
          w.count++;
          this.#onSpan?.(s, base.service ?? 'unknown_service', resource);
          if (s.status.code === 2) w.errors++;
          const seconds = (s.endTimeUnixNano - s.startTimeUnixNano) / 1_000;
          const index = seconds > 0 ? Math.ceil(Math.log2(seconds) * 2 ** SCALE) - 1 : Number.NEGATIVE_INFINITY;
          const bucket = Number.isFinite(index) ? index : -1_000;
          w.durations.set(bucket, (w.durations.get(bucket) ?? 0) + 1);
          accepted++;
        }
      }
    }
    return { accepted, rejected, errors };
  }

  addLogs(request: z.output<typeof logsRequest>): Accepted {
    let accepted = 0;
    let rejected = 0;
    const errors: string[] = [];
    for (const rl of request.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        const base = resourceLabels(rl.resource.attributes, '');
        for (const raw of sl.logRecords) {
          const parsed = logRecord.safeParse(raw);
          if (!parsed.success) {
            rejected++;
            reject(errors, `log record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
            continue;
          }
          const labels = { ...base, severity: severityName(parsed.data.severityNumber, parsed.data.severityText) };
          const key = JSON.stringify(labels);
          let w = this.#logs.get(key);
          if (w === undefined) {
            if (this.#logs.size >= this.#maxKeys) {
              rejected++;
              reject(errors, `log record: too many distinct services/severities (limit ${this.#maxKeys})`);
              continue;
            }
            w = { labels, count: 0, quiet: 0 };
            this.#logs.set(key, w);
          }
          w.count++;
          accepted++;
        }
      }
    }
    return { accepted, rejected, errors };
  }

  /** Closes the window ending at `now` and returns its samples, all stamped `now`. */
  flush(now: number): Sample[] {
    const seconds = (now - this.#windowStart) / 1_000;
    if (!(seconds > 0)) return [];
    this.#windowStart = now;
    const out: Sample[] = [];
    for (const [key, w] of this.#spans) {
      if (w.count === 0 && ++w.quiet > QUIET_WINDOWS) {
        this.#spans.delete(key);
        continue;
      }
      out.push({ labels: { ...w.labels, __name__: 'otlp_span_rate' }, point: { ts: now, value: w.count / seconds } });
      if (w.count > 0) {
        w.quiet = 0;
        out.push({
          labels: { ...w.labels, __name__: 'otlp_span_error_ratio' },
          point: { ts: now, value: w.errors / w.count },
        });
        const zero = w.durations.get(-1_000) ?? 0;
        w.durations.delete(-1_000);
        const buckets = exponentialBucketList(
          SCALE,
          denseBuckets(w.durations),
          { offset: 0, bucketCounts: [] },
          zero,
          0,
        );
        for (const q of spanQuantiles) {
          const v = quantileFromBuckets(buckets, q);
          if (v !== undefined)
            out.push({
              labels: { ...w.labels, __name__: 'otlp_span_duration_seconds', quantile: String(q) },
              point: { ts: now, value: v },
            });
        }
      }
      w.count = 0;
      w.errors = 0;
      w.durations.clear();
    }
    for (const [key, w] of this.#logs) {
      if (w.count === 0 && ++w.quiet > QUIET_WINDOWS) {
        this.#logs.delete(key);
        continue;
      }
      if (w.count > 0) w.quiet = 0;
      out.push({
        labels: { ...w.labels, __name__: 'otlp_log_records_rate' },
        point: { ts: now, value: w.count / seconds },
      });
      w.count = 0;
    }
    return out;
  }
}

import { z } from 'zod';

/**
 * Zod schemas for OTLP requests in their JSON shape (protobuf bodies are decoded into the same shape).
 * The envelope (resources, scopes, metrics, spans, records) is validated as a whole: a malformed envelope
 * is a 400. Data points are validated one by one, so a bad point is rejected and counted in the
 * partial-success response without losing the good ones. Unknown fields are ignored, as OTLP requires.
 */

/** Nanoseconds since the epoch: a decimal string (int64 in OTLP/JSON) or a number; converted to ms. */
export const unixNanos = z
  .union([z.string().regex(/^\d{1,20}$/, 'must be a decimal integer string'), z.number().int().nonnegative()])
  .transform((v) => Number(BigInt(v) / 1_000_000n));

/** int64/uint64/fixed64 counts: decimal strings or numbers. */
const count = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]).transform(Number);
const int64 = z.union([z.string().regex(/^-?\d{1,20}$/), z.number().int()]).transform(Number);
/** OTLP/JSON may spell non-finite doubles as strings; they are rejected by the finite checks after. */
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);

export interface AnyValue {
  readonly stringValue?: string | undefined;
  readonly boolValue?: boolean | undefined;
  readonly intValue?: number | undefined;
  readonly doubleValue?: number | undefined;
  readonly bytesValue?: string | undefined;
  readonly arrayValue?: { readonly values?: readonly AnyValue[] | undefined } | undefined;
  readonly kvlistValue?: { readonly values?: readonly KeyValue[] | undefined } | undefined;
}
export interface KeyValue {
  readonly key: string;
  readonly value?: AnyValue | undefined;
}
export const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: double.optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
  }),
);
export const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: z.string(), value: anyValue.optional() }));
const attributes = z.array(keyValue).max(1_000, 'at most 1000 attributes').default([]);

const resource = z.object({ attributes }).default({ attributes: [] });
const scope = z
  .object({ name: z.string().default(''), version: z.string().default('') })
  .default({ name: '', version: '' });
const points = z.array(z.unknown()).default([]);

/** Data point temporality: 1 delta, 2 cumulative (0, unspecified, is invalid for sums and histograms). */
export const temporality = z.union([z.literal(1), z.literal(2)], {
  error: 'aggregationTemporality must be 1 (delta) or 2 (cumulative)',
});

export const metric = z.object({
  name: z.string().min(1, 'metric name must not be empty').max(1_024),
  unit: z.string().default(''),
  gauge: z.object({ dataPoints: points }).optional(),
  sum: z
    .object({
      dataPoints: points,
      aggregationTemporality: z.unknown().optional(),
      isMonotonic: z.boolean().default(false),
    })
    .optional(),
  histogram: z.object({ dataPoints: points, aggregationTemporality: z.unknown().optional() }).optional(),
  exponentialHistogram: z.object({ dataPoints: points, aggregationTemporality: z.unknown().optional() }).optional(),
  summary: z.object({ dataPoints: points }).optional(),
});
export type Metric = z.output<typeof metric>;

export const metricsRequest = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource,
        scopeMetrics: z.array(z.object({ scope, metrics: z.array(z.unknown()).default([]) })).default([]),
      }),
    )
    .default([]),
});

export const tracesRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource,
        scopeSpans: z.array(z.object({ scope, spans: z.array(z.unknown()).default([]) })).default([]),
      }),
    )
    .default([]),
});

export const logsRequest = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource,
        scopeLogs: z.array(z.object({ scope, logRecords: z.array(z.unknown()).default([]) })).default([]),
      }),
    )
    .default([]),
});

const finite = (what: string) => double.refine((v) => Number.isFinite(v), `${what} must be a finite number`);

export const numberDataPoint = z
  .object({
    attributes,
    startTimeUnixNano: unixNanos.optional(),
    timeUnixNano: unixNanos.refine((ms) => ms > 0, 'timeUnixNano must be set'),
    asDouble: double.optional(),
    asInt: int64.optional(),
  })
  .transform((p, ctx) => {
    const value = p.asDouble ?? p.asInt;
    if (value === undefined || !Number.isFinite(value)) {
      ctx.addIssue({ code: 'custom', message: 'data point needs a finite asDouble or asInt' });
      return z.NEVER;
    }
    return { attributes: p.attributes, start: p.startTimeUnixNano, ts: p.timeUnixNano, value };
  });
export type NumberPoint = z.output<typeof numberDataPoint>;

export const histogramDataPoint = z
  .object({
    attributes,
    startTimeUnixNano: unixNanos.optional(),
    timeUnixNano: unixNanos.refine((ms) => ms > 0, 'timeUnixNano must be set'),
    count,
    sum: finite('sum').optional(),
    bucketCounts: z.array(count).default([]),
    explicitBounds: z.array(finite('explicitBounds')).default([]),
    min: finite('min').optional(),
    max: finite('max').optional(),
  })
  .superRefine((p, ctx) => {
    if (p.bucketCounts.length > 0 && p.bucketCounts.length !== p.explicitBounds.length + 1) {
      ctx.addIssue({
        code: 'custom',
        message: `bucketCounts has ${p.bucketCounts.length} entries; explicitBounds has ${p.explicitBounds.length} (must be one less)`,
      });
    }
    for (let i = 1; i < p.explicitBounds.length; i++) {
      if ((p.explicitBounds[i] ?? 0) <= (p.explicitBounds[i - 1] ?? 0))
        ctx.addIssue({ code: 'custom', message: 'explicitBounds must increase strictly' });
    }
  });
export type HistogramPoint = z.output<typeof histogramDataPoint>;

const buckets = z
  .object({ offset: z.number().int().default(0), bucketCounts: z.array(count).default([]) })
  .default({ offset: 0, bucketCounts: [] });
export const exponentialHistogramDataPoint = z.object({
  attributes,
  startTimeUnixNano: unixNanos.optional(),
  timeUnixNano: unixNanos.refine((ms) => ms > 0, 'timeUnixNano must be set'),
  count,
  sum: finite('sum').optional(),
  scale: z.number().int().min(-10).max(20),
  zeroCount: count.default(0),
  zeroThreshold: finite('zeroThreshold').default(0),
  positive: buckets,
  negative: buckets,
  min: finite('min').optional(),
  max: finite('max').optional(),
});
export type ExponentialHistogramPoint = z.output<typeof exponentialHistogramDataPoint>;

export const summaryDataPoint = z.object({
  attributes,
  startTimeUnixNano: unixNanos.optional(),
  timeUnixNano: unixNanos.refine((ms) => ms > 0, 'timeUnixNano must be set'),
  count,
  sum: finite('sum').default(0),
  quantileValues: z
    .array(
      z.object({
        quantile: finite('quantile')
          .refine((q) => q >= 0 && q <= 1, 'quantile must be in [0, 1]')
          .default(0),
        value: finite('value').default(0),
      }),
    )
    .default([]),
});
export type SummaryPoint = z.output<typeof summaryDataPoint>;

export const span = z
  .object({
    name: z.string().default(''),
    /** Opaque ids (hex in OTLP/JSON, base64 from protobuf): only compared, for the service graph. */
    traceId: z.string().max(64).default(''),
    spanId: z.string().max(64).default(''),
    parentSpanId: z.string().max(64).default(''),
    kind: z.number().int().min(0, 'kind must be 0 to 5').max(5, 'kind must be 0 to 5').default(0),
    startTimeUnixNano: unixNanos,
    endTimeUnixNano: unixNanos,
    attributes,
    status: z
      .object({ code: z.number().int().min(0).max(2).default(0), message: z.string().default('') })
      .default({ code: 0, message: '' }),
  })
  .refine((s) => s.endTimeUnixNano >= s.startTimeUnixNano, 'span ends before it starts');
export type Span = z.output<typeof span>;

export const logRecord = z.object({
  timeUnixNano: unixNanos.optional(),
  observedTimeUnixNano: unixNanos.optional(),
  severityNumber: z
    .number()
    .int()
    .min(0, 'severityNumber must be 0 to 24')
    .max(24, 'severityNumber must be 0 to 24')
    .default(0),
  severityText: z.string().max(64).default(''),
  attributes,
});
export type LogRecord = z.output<typeof logRecord>;

import { z } from 'zod';
import { apiServices, type ApiService } from '../http/api-services.ts';

/** What the injector can break in the embedded platform (issue 17, part 4). */
export const faultKinds = [
  'latency',
  'error-rate',
  'memory-leak',
  'feed-stall',
  'consumer-lag',
  'disk-fill',
  'bad-deploy',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Services whose API routes a request fault (latency, error rate, bad deploy) can hit. */
const apiServiceNames = Object.keys(apiServices) as [ApiService, ...ApiService[]];

/** Consumer groups a consumer-lag fault can slow down (the platform's own groups). */
export const laggableGroups = ['market-data', 'analytics', 'price-alerts-ticks', 'alerts-pipeline'] as const;

/** Which services each kind may target, and its default target. */
export const targets: Readonly<Record<FaultKind, readonly [string, ...string[]]>> = {
  latency: apiServiceNames,
  'error-rate': apiServiceNames,
  'bad-deploy': apiServiceNames,
  'memory-leak': ['market-data', 'analytics', 'alerts', 'detectors'],
  'feed-stall': ['market-feed'],
  'consumer-lag': laggableGroups,
  'disk-fill': ['market-data', 'alerts', 'backbone'],
};

/** Bounds: a fault never outlives its expiry, never holds more than these, and few run at once. */
export const limits = {
  maxActive: 8,
  minDurationMs: 1_000,
  maxDurationMs: 15 * 60_000,
  defaultDurationMs: 60_000,
  maxLatencyMs: 5_000,
  maxLeakBytes: 512 * 1024 * 1024,
  maxDiskBytes: 1024 * 1024 * 1024,
  maxConsumerDelayMs: 2_000,
} as const;

/** `60s`, `2m`, `500ms` or a number of milliseconds. */
export const durationSchema = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^\d{1,7}(ms|s|m)$/, 'a duration like 500ms, 60s or 2m')
    .transform((text) => {
      const [, value = '0', unit = 'ms'] = /^(\d+)(ms|s|m)$/.exec(text) ?? [];
      return Number(value) * (unit === 'm' ? 60_000 : unit === 's' ? 1_000 : 1);
    }),
]);

/** An injection request as the API and the CLI take it; intensities default per kind, each bounded. */
export const injectRequest = z
  .strictObject({
    kind: z.enum(faultKinds),
    service: z.string().min(1).max(64).optional(),
    duration: durationSchema.optional(),
    /** latency: added ms per request; error-rate: share of requests failed; memory-leak / disk-fill: bytes per
     * second; consumer-lag: ms per event. */
    intensity: z.number().positive().optional(),
    /** memory-leak and disk-fill: the most the fault holds. */
    maxBytes: z.number().int().positive().optional(),
  })
  .superRefine((value, ctx) => {
    const allowed = targets[value.kind];
    if (value.service !== undefined && !allowed.includes(value.service))
      ctx.addIssue({
        code: 'custom',
        path: ['service'],
        message: `${value.kind} targets one of ${allowed.join(', ')}`,
      });
    const duration = value.duration ?? limits.defaultDurationMs;
    if (duration < limits.minDurationMs || duration > limits.maxDurationMs)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'between 1s and 15m' });
    const top = maxIntensity[value.kind];
    if (value.intensity !== undefined && value.intensity > top)
      ctx.addIssue({ code: 'custom', path: ['intensity'], message: `at most ${String(top)} for ${value.kind}` });
    const cap = value.kind === 'disk-fill' ? limits.maxDiskBytes : limits.maxLeakBytes;
    if (value.maxBytes !== undefined && value.maxBytes > cap)
      ctx.addIssue({ code: 'custom', path: ['maxBytes'], message: `at most ${String(cap)}` });
  });
export type InjectRequest = z.output<typeof injectRequest>;

const maxIntensity: Readonly<Record<FaultKind, number>> = {
  latency: limits.maxLatencyMs,
  'error-rate': 1,
  'bad-deploy': 1,
  'memory-leak': 64 * 1024 * 1024,
  'disk-fill': 128 * 1024 * 1024,
  'consumer-lag': limits.maxConsumerDelayMs,
  'feed-stall': 1,
};

/** Intensity and bytes when the request names none: strong enough to matter, small enough for a laptop. */
export const defaults: Readonly<Record<FaultKind, { intensity: number; maxBytes: number }>> = {
  latency: { intensity: 800, maxBytes: 0 },
  'error-rate': { intensity: 0.5, maxBytes: 0 },
  'bad-deploy': { intensity: 1, maxBytes: 0 },
  'memory-leak': { intensity: 8 * 1024 * 1024, maxBytes: 256 * 1024 * 1024 },
  'disk-fill': { intensity: 16 * 1024 * 1024, maxBytes: 256 * 1024 * 1024 },
  'consumer-lag': { intensity: 250, maxBytes: 0 },
  'feed-stall': { intensity: 1, maxBytes: 0 },
};

/** One active fault as the API lists it. */
export interface ActiveFault {
  readonly id: string;
  readonly kind: FaultKind;
  readonly service: string;
  readonly intensity: number;
  readonly maxBytes: number;
  readonly injectedAt: number;
  readonly expiresAt: number;
  /** memory-leak, disk-fill: what it holds now. */
  readonly heldBytes: number;
}

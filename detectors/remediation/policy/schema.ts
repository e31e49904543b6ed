import { z } from 'zod';
import { duration } from '../../../platform/alerts/durations.ts';
import { parseSelector } from '../../sources/source.ts';
import { risks } from '../types.ts';

export const actionKinds = [
  'scale',
  'restart',
  'rollback',
  'canary-weight',
  'throttle-source',
  'pause-producer',
  'failover-feed',
  'revert-config',
  'expand-volume',
] as const;

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

const selector = z
  .string()
  .max(1_000)
  .transform((s, ctx) => {
    try {
      return parseSelector(s);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

/** What a reactive policy listens for. `direction` says which side of the expected range is the problem. */
const trigger = z.strictObject({
  signal: z.enum(['detection', 'prediction', 'incident']),
  /** Labels of the series (detections, predictions) or of the alert (incidents), as a Prometheus selector. */
  match: selector,
  direction: z.enum(['above', 'below', 'any']).default('any'),
  min_score: z.number().min(0).max(1).default(0),
});

const param = z.union([z.string().max(200), z.number(), z.boolean()]);

/** A service name, or `{label}`: the service the signal names (a check's `service` label). */
const serviceOrLabel = z.union([name, z.string().regex(/^\{[a-zA-Z_][a-zA-Z0-9_]*\}$/, 'a service or {label}')]);

const action = z.strictObject({
  kind: z.enum(actionKinds),
  service: serviceOrLabel,
  params: z.record(z.string().max(64), param).default({}),
});

/** Mitigations that degrade the service while in force (load shed, a paused producer, a fallback feed): temporary. */
export const temporaryKinds: ReadonlySet<string> = new Set(['throttle-source', 'pause-producer', 'failover-feed']);

export const reactivePolicy = z
  .strictObject({
    name,
    description: z.string().max(500).default(''),
    on: trigger,
    action,
    risk: z.enum(risks),
    verify: z.strictObject({ within: duration }),
    /** How long the signal must stay normal after a verified temporary mitigation before it is lifted. */
    restore_after: duration.optional(),
  })
  .refine((p) => !temporaryKinds.has(p.action.kind) || p.restore_after !== undefined, {
    error: 'a temporary mitigation (throttle-source, pause-producer, failover-feed) needs restore_after',
    path: ['restore_after'],
  });

/** Predictive scaling: capacity in place before the forecast peak; the forecast interval sets the headroom. */
export const predictivePolicy = z
  .strictObject({
    name,
    description: z.string().max(500).default(''),
    /** The load series (in-process registry name) the forecast is fitted on. */
    load: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
    service: name,
    pool: name,
    /** Load one replica carries (units of the load series per second). */
    per_replica: z.number().positive(),
    /** How far ahead capacity must be in place. */
    lead: duration,
    /** Which interval's upper bound sizes capacity: 80 or 95. */
    interval: z.union([z.literal(80), z.literal(95)]).default(80),
    min: z.number().int().min(1).max(64),
    max: z.number().int().min(1).max(64),
    risk: z.enum(risks),
    verify: z.strictObject({ within: duration }),
  })
  .refine((p) => p.min <= p.max, { error: 'min must not exceed max' });

/** One policy family per file (policies/*.yml). */
export const policyFamily = z.strictObject({
  family: name,
  description: z.string().max(1_000).default(''),
  reactive: z.array(reactivePolicy).max(100).default([]),
  predictive: z.array(predictivePolicy).max(20).default([]),
});

export type ReactivePolicy = z.output<typeof reactivePolicy>;
export type PredictivePolicy = z.output<typeof predictivePolicy>;
export type PolicyFamily = z.output<typeof policyFamily>;

import { randomUUID } from 'node:crypto';
import type { PoolControl } from '../../../platform/runtime/controls.ts';
import { fitForecaster, type ForecastPoint } from '../../forecast/index.ts';
import type { Point } from '../../series.ts';
import type { PolicyFamily, PredictivePolicy } from '../policy/schema.ts';
import type { Proposal } from '../types.ts';

export interface CapacityPlan {
  readonly replicas: number;
  /** The forecast point with the highest upper bound within the lead time. */
  readonly peak: ForecastPoint;
  /** The load capacity must carry: the peak's upper bound at the policy's interval. */
  readonly load: number;
}

/**
 * Replicas needed before the forecast peak: the highest upper bound (80% or 95% interval) within the lead time over
 * the load one replica carries, within [min, max]. The interval is the headroom: an uncertain forecast buys more.
 */
export function planCapacity(forecast: readonly ForecastPoint[], policy: PredictivePolicy): CapacityPlan | undefined {
  let peak: ForecastPoint | undefined;
  const upper = (p: ForecastPoint): number => (policy.interval === 95 ? p.upper95 : p.upper80);
  for (const p of forecast) if (peak === undefined || upper(p) > upper(peak)) peak = p;
  if (peak === undefined) return undefined;
  const load = Math.max(0, upper(peak));
  const replicas = Math.min(policy.max, Math.max(policy.min, Math.ceil(load / policy.per_replica)));
  return { replicas, peak, load };
}

export interface PredictiveScalerOptions {
  readonly families: readonly PolicyFamily[];
  /** The current value of the load series (a counter's rate); undefined while it cannot be read. */
  readonly read: (series: string) => Promise<number | undefined>;
  readonly pool: (name: string) => PoolControl | undefined;
  readonly propose: (proposal: Proposal) => Promise<unknown>;
  /** Points kept per policy (the forecast's history). */
  readonly maxPoints?: number;
  /** Points needed before the first forecast. */
  readonly minPoints?: number;
}

/** Samples each predictive policy's load, fits the load forecaster and proposes the pool size the forecast needs. */
export class PredictiveScaler {
  readonly #o: PredictiveScalerOptions;
  readonly #history = new Map<string, Point[]>();
  readonly #policies: { policy: PredictivePolicy; family: string }[];

  constructor(options: PredictiveScalerOptions) {
    this.#o = options;
    this.#policies = options.families.flatMap((f) => f.predictive.map((policy) => ({ policy, family: f.family })));
  }

  async sample(now: number): Promise<void> {
    for (const { policy } of this.#policies) {
      const value = await this.#o.read(`${policy.load}_rate`);
      if (value !== undefined) this.record(policy.name, { ts: now, value });
    }
  }

  record(policy: string, point: Point): void {
    let points = this.#history.get(policy);
    if (points === undefined) this.#history.set(policy, (points = []));
    points.push(point);
    if (points.length > (this.#o.maxPoints ?? 720)) points.shift();
  }

  /** One proposal per policy whose planned size differs from the pool's; what was proposed is returned. */
  async evaluate(now: number): Promise<Proposal[]> {
    const out: Proposal[] = [];
    for (const { policy, family } of this.#policies) {
      const points = this.#history.get(policy.name) ?? [];
      const pool = this.#o.pool(policy.pool);
      if (points.length < (this.#o.minPoints ?? 20) || pool === undefined) continue;
      const fitted = fitForecaster(points, { seasonality: 'none', maxSteps: 60 });
      const steps = Math.max(1, Math.ceil(policy.lead / fitted.summary.intervalMs));
      const plan = planCapacity(fitted.forecast(steps), policy);
      if (plan === undefined || plan.replicas === pool.size()) continue;
      const capacity = plan.replicas * policy.per_replica;
      const inMin = ((plan.peak.ts - now) / 60_000).toFixed(1);
      const title = `forecast peak ${plan.load.toFixed(1)}/s of ${policy.load} in ${inMin} min: ${String(plan.replicas)} members`;
      const proposal: Proposal = {
        action: {
          id: randomUUID(),
          kind: 'scale',
          service: policy.service,
          params: { pool: policy.pool, replicas: plan.replicas },
        },
        policy: policy.name,
        family,
        risk: policy.risk,
        reason: `${policy.name}: ${title}`,
        signal: {
          kind: 'forecast',
          key: `${policy.load}_rate`,
          labels: { __name__: `${policy.load}_rate` },
          fingerprint: `forecast:${policy.name}`,
          title,
          at: now,
          observed: plan.load,
          expected: { low: 0, high: capacity },
        },
        verifyWithinMs: policy.verify.within,
      };
      await this.#o.propose(proposal);
      out.push(proposal);
    }
    return out;
  }
}

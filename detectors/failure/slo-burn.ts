import { z } from 'zod';
import { DEFAULT_BURN_RULES, type BurnRule } from '../../platform/slo/model.ts';

/*
 * SLO error-budget burn alerts with multiple windows and burn rates (Google SRE Workbook, ch. 5
 * "Alerting on SLOs", alert 6). A burn rate of 1 spends exactly the budget over the SLO period; a rule
 * fires when the burn rate over its long window AND over its short window (1/12 of the long one) both
 * reach the rule's rate: the long window gives significance, the short one makes the alert reset soon
 * after the burn stops. The rules are the platform's SLOs-as-code ones (platform/slo), so the detector
 * tier and the Prometheus burn alerts agree.
 */
export { DEFAULT_BURN_RULES, type BurnRule };

const MIN = 60_000;
const HOUR = 60 * MIN;

export const burnMonitorOptionsSchema = z.object({
  /** Target share of good events, e.g. 0.999. */
  objective: z.number().gt(0).lt(1),
  /** SLO period for the remaining-budget figure (default 30 days). */
  periodMs: z
    .number()
    .int()
    .positive()
    .default(30 * 24 * HOUR),
  /** Resolution of the windows (default one minute). */
  bucketMs: z.number().int().positive().default(MIN),
});
export type BurnMonitorOptions = z.input<typeof burnMonitorOptionsSchema> & { readonly rules?: readonly BurnRule[] };

/** Burn rate of an error ratio against an objective. */
export function burnRate(errorRatio: number, objective: number): number {
  return errorRatio / (1 - objective);
}

export interface BurnAlert {
  readonly rule: string;
  readonly severity: 'page' | 'ticket';
  readonly threshold: number;
  readonly longBurnRate: number;
  readonly shortBurnRate: number;
}

/** Which rules fire, given the burn rate over any window. */
export function evaluateBurnRules(
  burnOver: (windowMs: number) => number,
  rules: readonly BurnRule[] = DEFAULT_BURN_RULES,
): BurnAlert[] {
  const alerts: BurnAlert[] = [];
  for (const rule of rules) {
    const longBurnRate = burnOver(rule.longWindowMs);
    const shortBurnRate = burnOver(rule.shortWindowMs);
    if (longBurnRate >= rule.burnRate && shortBurnRate >= rule.burnRate) {
      alerts.push({ rule: rule.name, severity: rule.severity, threshold: rule.burnRate, longBurnRate, shortBurnRate });
    }
  }
  return alerts;
}

export interface BurnStatus {
  readonly at: number;
  readonly alerts: readonly BurnAlert[];
  /** Burn rate per rule window (ms -> rate). */
  readonly burnRates: Readonly<Record<string, number>>;
  /** Share of the period's error budget left (1 = untouched, below 0 = overspent), over the data kept. */
  readonly budgetRemaining: number;
}

export interface BurnRateMonitor {
  /** Adds counts of events and of bad events observed at `ts` (epoch ms, roughly in time order). */
  readonly record: (ts: number, total: number, bad: number) => void;
  readonly evaluate: (now: number) => BurnStatus;
}

/**
 * Streaming monitor for one SLO. State is two rings of counters (the rule windows at `bucketMs`, the SLO
 * period at hourly resolution), so memory is fixed whatever the event rate.
 */
export function createBurnRateMonitor(options: BurnMonitorOptions): BurnRateMonitor {
  const { objective, periodMs, bucketMs } = burnMonitorOptionsSchema.parse(options);
  const rules = options.rules ?? DEFAULT_BURN_RULES;
  const longest = Math.max(...rules.map((r) => r.longWindowMs));
  const fine = counterRing(Math.ceil(longest / bucketMs) + 1, bucketMs);
  const coarse = counterRing(Math.ceil(periodMs / HOUR) + 1, HOUR);
  return {
    record(ts, total, bad) {
      if (!(total >= 0) || !(bad >= 0) || bad > total)
        throw new RangeError(`bad counts: total ${String(total)}, bad ${String(bad)}`);
      fine.add(ts, total, bad);
      coarse.add(ts, total, bad);
    },
    evaluate(now) {
      const burnOver = (windowMs: number): number => {
        const { total, bad } = fine.sum(now, windowMs);
        return total > 0 ? burnRate(bad / total, objective) : 0;
      };
      const burnRates: Record<string, number> = {};
      for (const r of rules) {
        burnRates[String(r.longWindowMs)] = burnOver(r.longWindowMs);
        burnRates[String(r.shortWindowMs)] = burnOver(r.shortWindowMs);
      }
      const period = coarse.sum(now, periodMs);
      const allowed = period.total * (1 - objective);
      return {
        at: now,
        alerts: evaluateBurnRules(burnOver, rules),
        burnRates,
        budgetRemaining: allowed > 0 ? 1 - period.bad / allowed : 1,
      };
    },
  };
}

/** Fixed-size ring of (total, bad) counters per time bucket; a bucket is reused once its time has passed. */
function counterRing(size: number, bucketMs: number) {
  const totals = new Float64Array(size);
  const bads = new Float64Array(size);
  const epochs = new Float64Array(size).fill(-1);
  return {
    add(ts: number, total: number, bad: number): void {
      const epoch = Math.floor(ts / bucketMs);
      const i = epoch % size;
      if (epochs[i] !== epoch) {
        if ((epochs[i] ?? -1) > epoch) return; // older than the ring reaches: dropped
        epochs[i] = epoch;
        totals[i] = 0;
        bads[i] = 0;
      }
      totals[i] = (totals[i] ?? 0) + total;
      bads[i] = (bads[i] ?? 0) + bad;
    },
    /** Sums the buckets within (now - windowMs, now]. */
    sum(now: number, windowMs: number): { total: number; bad: number } {
      const last = Math.floor(now / bucketMs);
      const first = Math.floor((now - windowMs) / bucketMs) + 1;
      let total = 0;
      let bad = 0;
      for (let epoch = Math.max(first, last - size + 1); epoch <= last; epoch++) {
        const i = epoch % size;
        if (epochs[i] === epoch) {
          total += totals[i] ?? 0;
          bad += bads[i] ?? 0;
        }
      }
      return { total, bad };
    },
  };
}

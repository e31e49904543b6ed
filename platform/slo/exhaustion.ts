import { DEFAULT_BURN_RULES, SLO_PERIOD_MS, promDuration, type BurnRule } from './model.ts';

/**
 * When the error budget runs out at the current burn. Burn rate b spends the whole budget of the period in
 * period / b, so the share `remaining` lasts remaining * period / b. A burn of at most 1 never exhausts a rolling
 * budget (the window forgets old errors as fast as new ones come): "not burning".
 */
export type BudgetExhaustion =
  | { readonly state: 'no-data' }
  | { readonly state: 'not-burning'; readonly burnRate: number; readonly window: string }
  | { readonly state: 'exhausted'; readonly burnRate: number; readonly window: string }
  | { readonly state: 'burning'; readonly burnRate: number; readonly window: string; readonly inMs: number };

/**
 * Time to exhaustion from the burn over each rule's long window (1 h, 6 h, 1 d, 3 d): the fastest of them counts,
 * the same windows that decide whether the burn alerts page. `burnRates` maps a window in ms to its burn rate.
 */
export function budgetExhaustion(
  budgetRemaining: number,
  burnRates: Readonly<Record<string, number>>,
  rules: readonly BurnRule[] = DEFAULT_BURN_RULES,
  periodMs: number = SLO_PERIOD_MS,
): BudgetExhaustion {
  const windows = [...new Set(rules.map((r) => r.longWindowMs))].sort((a, b) => a - b);
  let fastest: { windowMs: number; burnRate: number } | undefined;
  for (const windowMs of windows) {
    const burnRate = burnRates[String(windowMs)];
    if (burnRate === undefined || !Number.isFinite(burnRate)) continue;
    if (fastest === undefined || burnRate > fastest.burnRate) fastest = { windowMs, burnRate };
  }
  if (fastest === undefined) return { state: 'no-data' };
  const at = { burnRate: fastest.burnRate, window: promDuration(fastest.windowMs) };
  if (budgetRemaining <= 0) return { state: 'exhausted', ...at };
  if (fastest.burnRate <= 1) return { state: 'not-burning', ...at };
  return { state: 'burning', ...at, inMs: Math.round((budgetRemaining * periodMs) / fastest.burnRate) };
}

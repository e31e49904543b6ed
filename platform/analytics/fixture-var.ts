/**
 * VAR files of the reference-fixture layout: the schema and the computation (statsmodels 0.13.5 `VAR` with
 * trend 'n' (or its legacy alias 'nc', which 0.13.5 still takes), 'c', 'ct' or 'ctt', in select_order and fit
 * (the same unless `select_order_trend` says otherwise); anything else is refused by name).
 */
import { z } from 'zod';
import { AnalyticsInputError } from './errors.ts';
import { symbol, symbolList, unsupported, value } from './fixture-schema.ts';
import { VAR_TRENDS, type VarTrend } from './var-trend.ts';
import { fitVar, forecast, impulseResponse, selectOrder, testCausality, type LagOrderSelection } from './var.ts';

// statsmodels 0.13.5's VAR takes these four, and 'nc' as 'n' (its legacy alias; the result's trend is 'n').
const trendName = z.enum([...VAR_TRENDS, 'nc'], unsupported("VAR trend (one of 'n', 'c', 'ct', 'ctt', 'nc')"));
const asTrend = (t: z.output<typeof trendName>): { given: string; trend: VarTrend } => ({
  given: t,
  trend: t === 'nc' ? 'n' : t,
});

export const varFile = z.object({
  fixture: z.literal('var'),
  inputs: z.object({ symbols: symbolList(1), data: z.array(z.array(value)).min(1) }),
  params: z
    .object({
      maxlags: z.number().int().min(1).max(50),
      // The fixture's lag_order is prose ("AIC choice ...; 2 if AIC chose 0"); a number fixes the order instead.
      lag_order: z.union([z.number().int().min(0), z.string()]).optional(),
      ic: z.enum(['aic', 'bic', 'hqic', 'fpe']).optional(),
      // statsmodels' VAR.fit accepts exactly these four (not its legacy alias 'nc').
      trend: trendName.default('c').transform(asTrend),
      // statsmodels lets select_order use another trend than fit (its own `trend` argument); default: `trend`.
      select_order_trend: trendName.transform(asTrend).optional(),
      forecast_steps: z.number().int().min(1).max(1000),
      forecast_alpha: z.number().gt(0).lt(1).optional(),
      irf_periods: z.number().int().min(0).max(1000),
      signif: z.number().gt(0).lt(1).optional(),
      causality: z
        .array(
          z
            .object({
              caused: z.union([symbol, z.array(symbol).min(1)]),
              causing: z.union([symbol, z.array(symbol).min(1)]),
              kind: z.enum(['f', 'wald']).optional(),
              signif: z.number().gt(0).lt(1).optional(),
            })
            .strict(),
        )
        .default([]),
    })
    .strict(),
});
type Criterion = keyof LagOrderSelection['selected_orders'];

/**
 * The order to fit: a number in params.lag_order, else the criterion's choice (params.ic, or the one the prose
 * names, AIC by default); when it chose 0 and the prose says "N if ... chose 0", N (the reference: "2 if AIC
 * chose 0"). Without such a fallback an order of 0 is fitted as chosen.
 */
function lagOrder(
  p: z.output<typeof varFile>['params'],
  selected: LagOrderSelection['selected_orders'],
): { order: number; reason: string } {
  if (typeof p.lag_order === 'number') return { order: p.lag_order, reason: 'order given in params.lag_order' };
  const prose = (p.lag_order ?? '').toLowerCase();
  const named = /\b(aic|bic|hqic|fpe)\b/.exec(prose)?.[1] as Criterion | undefined;
  // Prose that names no criterion but one order ("2", "fixed at 2", "fit(2)") fixes that order.
  const numbers = [...new Set(prose.match(/\d+/g) ?? [])];
  const fixed = numbers.length === 1 ? numbers[0] : undefined;
  if (p.ic === undefined && named === undefined && fixed !== undefined)
    return { order: Number(fixed), reason: `order ${fixed} fixed by params.lag_order` };
  const ic: Criterion = p.ic ?? named ?? 'aic';
  const chosen = selected[ic];
  const fallback = /(\d+)\s+if\s+\w+\s+(?:chose|chooses|selects|selected)\s+0\b/.exec(prose)?.[1];
  if (chosen === 0 && fallback !== undefined)
    return {
      order: Number(fallback),
      reason: `${ic.toUpperCase()} chose 0 in select_order(maxlags=${p.maxlags}); fitted at ${fallback}`,
    };
  return { order: chosen, reason: `order selected by ${ic.toUpperCase()} in select_order(maxlags=${p.maxlags})` };
}

export function computeVar(file: z.output<typeof varFile>): Record<string, unknown> {
  const { symbols, data } = file.inputs;
  const k = symbols.length;
  data.forEach((row, t) => {
    if (row.length !== k) throw new AnalyticsInputError(`inputs.data[${t}] has ${row.length} values for ${k} symbols`);
  });
  const cols = symbols.map((_, j) => Float64Array.from(data, (row) => row[j] ?? Number.NaN));
  const p = file.params;
  const selectTrend = p.select_order_trend ?? p.trend;
  const selection = selectOrder(cols, p.maxlags, selectTrend.trend);
  const { order, reason } = lagOrder(p, selection.selected_orders);
  const fit = fitVar(cols, order, symbols, p.trend.trend);
  const list = (s: string | string[]): string[] => (typeof s === 'string' ? [s] : s);
  const fitKeys = [
    'lag_order',
    'nobs',
    'df_model',
    'df_resid',
    'intercept',
    'coefs',
    'param_names',
    'params',
    'stderr',
    'tvalues',
    'pvalues',
    'sigma_u',
    'sigma_u_mle',
    'llf',
    'aic',
    'bic',
    'hqic',
    'fpe',
    'detomega',
    'is_stable',
    'roots_abs',
    'resid',
  ] as const;
  const fitOut = Object.fromEntries(fitKeys.map((key) => [key, fit[key]]));
  return {
    select_order: {
      maxlags: selection.maxlags,
      trend: selectTrend.given,
      nobs_used: selection.nobs_used,
      orders: selection.orders,
      ics: selection.ics,
      selected_orders: selection.selected_orders,
    },
    fit: { ...fitOut, lag_order_reason: reason, trend: p.trend.given },
    forecast: forecast(fit, p.forecast_steps, p.forecast_alpha),
    irf: impulseResponse(fit, p.irf_periods),
    test_causality: p.causality.flatMap(({ caused, causing, kind, signif }) =>
      (kind ? [kind] : (['f', 'wald'] as const)).map((k) =>
        testCausality(fit, list(caused), list(causing), k, signif ?? p.signif),
      ),
    ),
  };
}

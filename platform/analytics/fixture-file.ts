/**
 * Files of the reference-fixture layout (`fixture`, `inputs`, `params`): validated with zod and computed with
 * this module's numerics into an `outputs` object with the fixture's keys. Used by the CLI and the tests.
 */
import { z } from 'zod';
import { correlationMatrix, kendallTauB, listwiseComplete, requireVariation, summary } from './correlation.ts';
import { AnalyticsInputError } from './errors.ts';
import { grangerCausality, grangerLagSelection } from './granger.ts';
import { partialCorrelation } from './partial.ts';
import { logReturns } from './returns.ts';
import { ewmaCorrelation, rollingCorrelation } from './rolling.ts';
import { fitVar, forecast, impulseResponse, selectOrder, testCausality, type LagOrderSelection } from './var.ts';

const symbol = z.string().min(1);
const distinct = (l: readonly string[]): boolean => new Set(l).size === l.length;
const symbolList = (min: number) => z.array(symbol).min(min).refine(distinct, 'symbols must be distinct');
// Beyond this magnitude squares and cross products overflow to Infinity: refused instead of answered with NaN.
const value = z.number().refine((v) => Math.abs(v) <= 1e100, 'values must be within +-1e100');
const series = z.array(value.nullable()).min(1);
const seriesBySymbol = z.record(symbol, series);

const correlationFile = z.object({
  fixture: z.literal('correlation'),
  inputs: z.object({
    symbols: symbolList(2),
    close: z.record(symbol, z.array(value.positive('prices must be positive').nullable()).min(1)).optional(),
    log_returns: seriesBySymbol.optional(),
  }),
  params: z
    .object({ kendall_pair: z.tuple([symbol, symbol]).refine(distinct, 'the Kendall pair must differ').optional() })
    .default({}),
});
const rollingFile = z.object({
  fixture: z.literal('rolling_correlation'),
  inputs: z.object({ x: series, y: series }),
  params: z.object({
    window: z.number().int().min(3),
    ewm_span: z.number().min(1),
    // pandas' min_periods; when absent, the window (rolling) and the span (EWM), as the reference fixture.
    min_periods: z.number().int().min(0).optional(),
    ewm_min_periods: z.number().int().min(0).optional(),
  }),
});
const grangerFile = z.object({
  fixture: z.literal('granger'),
  inputs: z.object({ series: seriesBySymbol }),
  params: z.object({
    maxlag: z.number().int().min(1).max(50),
    addconst: z.literal(true).default(true),
    pairs: z
      .array(
        z.object({ cause: symbol, effect: symbol }).refine((p) => p.cause !== p.effect, 'cause and effect must differ'),
      )
      .min(1),
  }),
});
const varFile = z.object({
  fixture: z.literal('var'),
  inputs: z.object({ symbols: symbolList(1), data: z.array(z.array(value)).min(1) }),
  params: z.object({
    maxlags: z.number().int().min(1).max(50),
    // The fixture's lag_order is prose ("AIC choice ...; 2 if AIC chose 0"); a number fixes the order instead.
    lag_order: z.union([z.number().int().min(0), z.string()]).optional(),
    ic: z.enum(['aic', 'bic', 'hqic', 'fpe']).optional(),
    trend: z.literal('c').default('c'),
    forecast_steps: z.number().int().min(1).max(1000),
    forecast_alpha: z.number().gt(0).lt(1).optional(),
    irf_periods: z.number().int().min(0).max(1000),
    signif: z.number().gt(0).lt(1).optional(),
    causality: z
      .array(
        z.object({
          caused: z.union([symbol, z.array(symbol).min(1)]),
          causing: z.union([symbol, z.array(symbol).min(1)]),
          kind: z.enum(['f', 'wald']).optional(),
          signif: z.number().gt(0).lt(1).optional(),
        }),
      )
      .default([]),
  }),
});
const partialFile = z.object({
  fixture: z.literal('partial_correlation'),
  inputs: z.object({ symbols: symbolList(2), log_returns: seriesBySymbol }),
  params: z.object({ subsets: z.record(z.string(), symbolList(2)).optional() }).nullish(),
});

export const fixtureFile = z.discriminatedUnion('fixture', [
  correlationFile,
  rollingFile,
  grangerFile,
  varFile,
  partialFile,
]);
export type FixtureFile = z.output<typeof fixtureFile>;

/** A file that is not valid JSON or does not have the fixture layout. */
export class FixtureFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureFileError';
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The question's parameters that a reference file states only next to its answers (the forecast's interval
 * alpha, min_periods, the causality tests' kind and signif, the partial-correlation subsets): copied into
 * `params` where `params` does not give them, so a file with other settings is computed with those settings.
 */
function withDeclaredParams(json: unknown): unknown {
  if (!isObject(json) || !isObject(json.outputs)) return json;
  const out = json.outputs;
  const params: Json = isObject(json.params) ? { ...json.params } : {};
  const set = (key: string, value: unknown): void => {
    if (params[key] === undefined && value !== undefined && value !== null) params[key] = value;
  };
  const field = (o: unknown, key: string): unknown => (isObject(o) ? o[key] : undefined);
  switch (json.fixture) {
    case 'rolling_correlation':
      set('window', field(out.rolling_pearson, 'window'));
      set('min_periods', field(out.rolling_pearson, 'min_periods'));
      set('ewm_span', field(out.ewm_pearson, 'span'));
      set('ewm_min_periods', field(out.ewm_pearson, 'min_periods'));
      break;
    case 'var':
      set('forecast_alpha', field(out.forecast, 'interval_alpha'));
      if (Array.isArray(out.test_causality))
        params.causality = out.test_causality.map((t) => ({
          caused: field(t, 'caused'),
          causing: field(t, 'causing'),
          kind: field(t, 'kind'),
          signif: field(t, 'signif'),
        }));
      break;
    case 'partial_correlation':
      set(
        'subsets',
        Object.fromEntries(
          Object.entries(out).flatMap(([name, v]) => {
            const symbols = field(v, 'symbols');
            return Array.isArray(symbols) ? [[name, symbols]] : [];
          }),
        ),
      );
      break;
    case 'correlation':
      if (isObject(out.kendall_pair)) set('kendall_pair', [out.kendall_pair.x, out.kendall_pair.y]);
      break;
  }
  return { ...json, params };
}

/** A parsed JSON body of the fixture layout (parameters stated next to the answers included); throws ZodError. */
export function fixtureFromJson(json: unknown): FixtureFile {
  return fixtureFile.parse(withDeclaredParams(json));
}

export function parseFixtureFile(text: string): FixtureFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FixtureFileError(`not valid JSON: ${(error as Error).message}`);
  }
  const parsed = fixtureFile.safeParse(withDeclaredParams(json));
  if (!parsed.success) {
    throw new FixtureFileError(
      `not an analytics fixture file:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
    );
  }
  return parsed.data;
}

const toNumbers = (s: readonly (number | null)[]): Float64Array => Float64Array.from(s, (v) => v ?? Number.NaN);

function pick(map: Record<string, readonly (number | null)[]>, name: string): Float64Array {
  const s = map[name];
  if (s === undefined)
    throw new AnalyticsInputError(`unknown symbol ${name}: the file has ${Object.keys(map).join(', ')}`);
  return toNumbers(s);
}

function computeCorrelation(file: z.output<typeof correlationFile>): Record<string, unknown> {
  const { symbols, close, log_returns: given } = file.inputs;
  const returnsOf = (s: string): Float64Array => {
    if (given) return pick(given, s);
    if (close) return logReturns(pick(close, s));
    throw new AnalyticsInputError('inputs need log_returns or close');
  };
  // Missing values: listwise (the time points where every series is finite), stated in the output.
  const cols = listwiseComplete(symbols.map(returnsOf));
  requireVariation(cols, symbols);
  const pearson = correlationMatrix(cols, 'pearson', 'listwise');
  const spearman = correlationMatrix(cols, 'spearman', 'listwise');
  const kendall = correlationMatrix(cols, 'kendall', 'listwise');
  const [px, py] = file.params.kendall_pair ?? [symbols[0] ?? '', symbols[1] ?? ''];
  const pairIndex = (s: string): number => {
    const i = symbols.indexOf(s);
    if (i < 0) throw new AnalyticsInputError(`kendall_pair names unknown symbol ${s}`);
    return i;
  };
  const pair = kendallTauB(cols[pairIndex(px)] ?? [], cols[pairIndex(py)] ?? []);
  const s = summary(cols);
  return {
    n: pearson.nobs[0]?.[0] ?? 0,
    symbols,
    summary: { mean: s.mean, std_ddof1: s.stdDdof1, covariance_ddof1: s.covarianceDdof1 },
    pearson: { matrix: pearson.matrix, pvalues: pearson.pvalues },
    spearman: { matrix: spearman.matrix, pvalues: spearman.pvalues },
    kendall_pair: { x: px, y: py, tau: pair.r, pvalue: pair.pvalue, variant: 'b', pvalue_method: 'asymptotic' },
    kendall_matrix: { matrix: kendall.matrix, pvalues: kendall.pvalues, variant: 'b', pvalue_method: 'asymptotic' },
    tied_values_per_series: Object.fromEntries(
      symbols.map((sym, i) => [sym, (cols[i]?.length ?? 0) - new Set(cols[i]).size]),
    ),
  };
}

function firstValid(values: readonly (number | null)[]): number | null {
  const i = values.findIndex((v) => v !== null);
  return i < 0 ? null : i;
}

function computeRolling(file: z.output<typeof rollingFile>): Record<string, unknown> {
  const x = toNumbers(file.inputs.x);
  const y = toNumbers(file.inputs.y);
  const { window, ewm_span: span } = file.params;
  const minPeriods = file.params.min_periods ?? window;
  const ewmMinPeriods = file.params.ewm_min_periods ?? Math.ceil(span);
  const rolling = rollingCorrelation(x, y, window, minPeriods);
  const ewm = ewmaCorrelation(x, y, span, ewmMinPeriods);
  return {
    rolling_pearson: {
      window,
      min_periods: minPeriods,
      first_valid_index: firstValid(rolling),
      values: rolling,
      method: 'incremental rolling window (Welford add/remove); values[t] uses t-window+1..t',
    },
    ewm_pearson: {
      span,
      alpha: 2 / (span + 1),
      adjust: true,
      min_periods: ewmMinPeriods,
      first_valid_index: firstValid(ewm),
      values: ewm,
      method: 'incremental EWMA (pandas ewm adjust=True): weights (1-alpha)^age over all observations',
    },
  };
}

function computeGranger(file: z.output<typeof grangerFile>): Record<string, unknown> {
  const { maxlag, pairs } = file.params;
  return {
    pairs: pairs.map(({ cause, effect }) => {
      const e = pick(file.inputs.series, effect);
      const c = pick(file.inputs.series, cause);
      const result = grangerCausality(e, c, maxlag, { effect, cause });
      const selection = grangerLagSelection(e, c, maxlag);
      return {
        ...result,
        statsmodels_call: `grangercausalitytests(np.column_stack([${effect}, ${cause}]), maxlag=${maxlag}, addconst=True)`,
        pair_var_select_order: {
          statsmodels_call: `VAR(np.column_stack([${effect}, ${cause}])).select_order(maxlags=${maxlag})  # trend='c'`,
          ics: selection.ics,
          selected_orders: selection.selected_orders,
        },
      };
    }),
  };
}

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

function computeVar(file: z.output<typeof varFile>): Record<string, unknown> {
  const { symbols, data } = file.inputs;
  const k = symbols.length;
  data.forEach((row, t) => {
    if (row.length !== k) throw new AnalyticsInputError(`inputs.data[${t}] has ${row.length} values for ${k} symbols`);
  });
  const cols = symbols.map((_, j) => Float64Array.from(data, (row) => row[j] ?? Number.NaN));
  const p = file.params;
  const selection = selectOrder(cols, p.maxlags);
  const { order, reason } = lagOrder(p, selection.selected_orders);
  const fit = fitVar(cols, order, symbols);
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
      trend: 'c',
      nobs_used: selection.nobs_used,
      orders: selection.orders,
      ics: selection.ics,
      selected_orders: selection.selected_orders,
    },
    fit: { ...fitOut, lag_order_reason: reason, trend: 'c' },
    forecast: forecast(fit, p.forecast_steps, p.forecast_alpha),
    irf: impulseResponse(fit, p.irf_periods),
    test_causality: p.causality.flatMap(({ caused, causing, kind, signif }) =>
      (kind ? [kind] : (['f', 'wald'] as const)).map((k) =>
        testCausality(fit, list(caused), list(causing), k, signif ?? p.signif),
      ),
    ),
  };
}

function computePartial(file: z.output<typeof partialFile>): Record<string, unknown> {
  const { symbols, log_returns: returns } = file.inputs;
  const trio = ['AMZN', 'GOOGL', 'MSFT'];
  // Without params the fixture's two subsets: the VAR trio (or the first three symbols) and every symbol.
  const subsets = file.params?.subsets ?? {
    three: trio.every((s) => symbols.includes(s)) ? trio : symbols.slice(0, 3),
    all: symbols,
  };
  return Object.fromEntries(
    Object.entries(subsets).map(([name, subset]) => {
      const pc = partialCorrelation(subset.map((s) => pick(returns, s)));
      return [name, { symbols: subset, n: pc.n, matrix: pc.matrix, precision_matrix: pc.precisionMatrix }];
    }),
  );
}

export function computeFixture(file: FixtureFile): Record<string, unknown> {
  switch (file.fixture) {
    case 'correlation':
      return computeCorrelation(file);
    case 'rolling_correlation':
      return computeRolling(file);
    case 'granger':
      return computeGranger(file);
    case 'var':
      return computeVar(file);
    case 'partial_correlation':
      return computePartial(file);
  }
}

/**
 * Files of the reference-fixture layout (`fixture`, `inputs`, `params`): validated with zod and computed with
 * this module's numerics into an `outputs` object with the fixture's keys. Used by the CLI and the tests.
 */
import { z } from 'zod';
import {
  correlationMatrix,
  listwiseComplete,
  pairwiseComplete,
  requireVariation,
  summary,
  type CorrelationMatrix,
  type CorrelationMethod,
  type CorrelationTestOptions,
} from './correlation.ts';
import { AnalyticsInputError, FixtureFileError } from './errors.ts';
import { withDeclaredParams } from './fixture-settings.ts';
import { seriesBySymbol, symbol, symbolList, unsupported, value } from './fixture-schema.ts';
import { computeRolling, rollingFile } from './fixture-rolling.ts';
import { computeVar, varFile } from './fixture-var.ts';
import { grangerCausality, grangerLagSelection } from './granger.ts';
import { kendallTau } from './kendall.ts';
import { pairwiseSummary, tiedValues, withMinPeriods } from './pairwise.ts';
import { partialCorrelation } from './partial.ts';
import { exactLog } from './exact-log.ts';
import { returns } from './returns.ts';

const alternative = z.enum(['two-sided', 'greater', 'less']);
const kendallVariant = z.enum(['b', 'c']);
const kendallMethod = z.enum(['auto', 'exact', 'asymptotic']);
// Every params object is strict: a setting not known here is an error naming it, never silently ignored.
const correlationFile = z.object({
  fixture: z.literal('correlation'),
  inputs: z.object({
    symbols: symbolList(2),
    close: z.record(symbol, z.array(value.positive('prices must be positive').nullable()).min(1)).optional(),
    log_returns: seriesBySymbol.optional(),
    simple_returns: seriesBySymbol.optional(),
  }),
  params: z
    .object({
      // The returns correlated: log (the reference's) or simple, given or computed from `close`.
      returns: z.enum(['log', 'simple']).optional(),
      kendall_pair: z
        .tuple([symbol, symbol])
        .refine((p) => p[0] !== p[1], 'the Kendall pair must differ')
        .optional(),
      // scipy's defaults: kendalltau(variant='b', method='auto'); pandas' Kendall matrix is tau-b.
      kendall_variant: kendallVariant.default('b'),
      kendall_method: kendallMethod.default('auto'),
      kendall_matrix_variant: kendallVariant.optional(),
      kendall_matrix_method: kendallMethod.optional(),
      alternative: alternative.optional(),
      alternatives: z
        .object({
          pearson: alternative.optional(),
          spearman: alternative.optional(),
          kendall: alternative.optional(),
          kendall_matrix: alternative.optional(),
        })
        .strict()
        .default({}),
      // Missing values: listwise (rows where every series is finite) or pairwise (pandas DataFrame.corr/cov,
      // each pair on its complete rows; a pair with fewer than min_periods of them is undefined, null).
      missing: z.enum(['listwise', 'pairwise']).default('listwise'),
      min_periods: z.number().int().min(1).optional(),
    })
    .strict()
    .refine((p) => p.min_periods === undefined || p.missing === 'pairwise', {
      error: "min_periods applies with missing 'pairwise' only",
      path: ['min_periods'],
    })
    .default({ kendall_variant: 'b', kendall_method: 'auto', alternatives: {}, missing: 'listwise' }),
});
const grangerFile = z.object({
  fixture: z.literal('granger'),
  inputs: z.object({ series: seriesBySymbol }),
  params: z
    .object({
      // statsmodels: an int tests lags 1..maxlag, a list tests only the lags listed.
      maxlag: z.union([
        z.number().int().min(1).max(50),
        z
          .array(z.number().int().min(1).max(50))
          .min(1)
          .refine((l) => new Set(l).size === l.length, 'lags repeat'),
      ]),
      // statsmodels 0.13.5 raises NotImplementedError for addconst=False.
      addconst: z
        .boolean()
        .default(true)
        .refine((a) => a, unsupported('Granger addconst')),
      pairs: z
        .array(
          z
            .object({ cause: symbol, effect: symbol })
            .strict()
            .refine((p) => p.cause !== p.effect, 'cause and effect must differ'),
        )
        .min(1),
    })
    .strict(),
});
const partialFile = z.object({
  fixture: z.literal('partial_correlation'),
  inputs: z.object({ symbols: symbolList(2), log_returns: seriesBySymbol }),
  params: z
    .object({ subsets: z.record(z.string(), symbolList(2)).optional() })
    .strict()
    .nullish(),
});

export const fixtureFile = z.discriminatedUnion('fixture', [
  correlationFile,
  rollingFile,
  grangerFile,
  varFile,
  partialFile,
]);
export type FixtureFile = z.output<typeof fixtureFile>;

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
  const { symbols, close, log_returns: logGiven, simple_returns: simpleGiven } = file.inputs;
  const p = file.params;
  // Without a stated kind: log returns (given or from closes), else the simple returns a file gives alone.
  const kind = p.returns ?? (logGiven || close || !simpleGiven ? 'log' : 'simple');
  const given = kind === 'log' ? logGiven : simpleGiven;
  const returnsOf = (s: string): Float64Array => {
    if (given) return pick(given, s);
    // numpy's logarithms (correctly rounded), so that returns tie where the reference's tie.
    if (close) return returns(pick(close, s), kind, exactLog);
    throw new AnalyticsInputError(`inputs need ${kind}_returns or close`);
  };
  // Missing values: listwise (the time points where every series is finite; `n` says how many) or pairwise
  // (pandas: each pair on its complete rows, `nobs` per pair).
  const pairwise = p.missing === 'pairwise';
  const raw = symbols.map(returnsOf);
  const cols = pairwise ? raw : listwiseComplete(raw);
  requireVariation(cols, symbols);
  const minPeriods = p.min_periods ?? 1;
  const matrixOf = (method: CorrelationMethod, options: CorrelationTestOptions): CorrelationMatrix => {
    const m = correlationMatrix(cols, method, p.missing, options);
    return pairwise ? withMinPeriods(m, minPeriods) : m;
  };
  const sided = (method: keyof typeof p.alternatives) => p.alternatives[method] ?? p.alternative ?? 'two-sided';
  const pearson = matrixOf('pearson', { alternative: sided('pearson') });
  const spearman = matrixOf('spearman', { alternative: sided('spearman') });
  const matrixKendall = {
    variant: p.kendall_matrix_variant ?? 'b',
    method: p.kendall_matrix_method ?? p.kendall_method,
  };
  const kendall = matrixOf('kendall', {
    alternative: p.alternatives.kendall_matrix ?? sided('kendall'),
    kendall: matrixKendall,
  });
  const [px, py] = p.kendall_pair ?? [symbols[0] ?? '', symbols[1] ?? ''];
  const pairIndex = (s: string): number => {
    const i = symbols.indexOf(s);
    if (i < 0) throw new AnalyticsInputError(`kendall_pair names unknown symbol ${s}`);
    return i;
  };
  // The pair on its complete rows (scipy's nan_policy='omit'; with listwise data every row is complete).
  const [kx, ky] = pairwiseComplete(cols[pairIndex(px)] ?? [], cols[pairIndex(py)] ?? []);
  const pair = kendallTau(kx, ky, {
    variant: p.kendall_variant,
    method: p.kendall_method,
    alternative: sided('kendall'),
  });
  const s = pairwise ? pairwiseSummary(cols, minPeriods) : summary(cols);
  return {
    ...(pairwise
      ? { missing: p.missing, min_periods: minPeriods, nobs: pearson.nobs }
      : { n: pearson.nobs[0]?.[0] ?? 0 }),
    symbols,
    summary: { mean: s.mean, std_ddof1: s.stdDdof1, covariance_ddof1: s.covarianceDdof1 },
    pearson: { matrix: pearson.matrix, pvalues: pearson.pvalues, alternative: sided('pearson') },
    spearman: { matrix: spearman.matrix, pvalues: spearman.pvalues, alternative: sided('spearman') },
    kendall_pair: {
      x: px,
      y: py,
      tau: pair.r,
      pvalue: pair.pvalue,
      variant: p.kendall_variant,
      pvalue_method: p.kendall_method,
      alternative: sided('kendall'),
    },
    kendall_matrix: {
      matrix: kendall.matrix,
      pvalues: kendall.pvalues,
      variant: matrixKendall.variant,
      pvalue_method: matrixKendall.method,
      alternative: p.alternatives.kendall_matrix ?? sided('kendall'),
    },
    tied_values_per_series: Object.fromEntries(symbols.map((sym, i) => [sym, tiedValues(cols[i] ?? [])])),
  };
}

function computeGranger(file: z.output<typeof grangerFile>): Record<string, unknown> {
  const { maxlag, pairs } = file.params;
  const lags = typeof maxlag === 'number' ? null : new Set(maxlag);
  const highest = typeof maxlag === 'number' ? maxlag : Math.max(...maxlag);
  const lagArg = JSON.stringify(maxlag);
  return {
    pairs: pairs.map(({ cause, effect }) => {
      const e = pick(file.inputs.series, effect);
      const c = pick(file.inputs.series, cause);
      const result = grangerCausality(e, c, highest, { effect, cause });
      const selection = grangerLagSelection(e, c, highest);
      return {
        ...result,
        maxlag,
        // A list: its lags in the order listed (statsmodels runs and returns them so).
        lags: lags ? [...lags].flatMap((lag) => result.lags.filter((l) => l.lag === lag)) : result.lags,
        statsmodels_call: `grangercausalitytests(np.column_stack([${effect}, ${cause}]), maxlag=${lagArg}, addconst=True)`,
        pair_var_select_order: {
          statsmodels_call: `VAR(np.column_stack([${effect}, ${cause}])).select_order(maxlags=${highest})  # trend='c'`,
          ics: selection.ics,
          selected_orders: selection.selected_orders,
        },
      };
    }),
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

/**
 * The settings of a reference file that are stated only next to its answers or in its prose (`outputs`
 * blocks such as `ewm_pearson.adjust`, `kendall_pair.variant`, `forecast.interval_alpha`; `conventions` text
 * such as "kendalltau(x, y, variant='c', method='exact')"), gathered into `params` before validation, so a file
 * with other settings is computed with those settings; an explicit param wins. A key this module does not know
 * in an output block that holds settings is an error, never ignored.
 */
import { FixtureFileError } from './errors.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (o: unknown, key: string): unknown => (isObject(o) ? o[key] : undefined);

/** `name='value'` or `name=value` in free text (the generator's call as written), or undefined. */
function fromProse(text: unknown, name: string): string | undefined {
  if (typeof text !== 'string') return undefined;
  return new RegExp(`\\b${name}\\s*=\\s*['"]?([\\w.-]+)`).exec(text)?.[1];
}
const proseBool = (text: unknown, name: string): boolean | undefined => {
  const v = fromProse(text, name);
  return v === 'True' ? true : v === 'False' ? false : undefined;
};

// Keys of the output blocks that carry settings: results, settings read here, free text. Anything else is a
// setting this module would silently ignore, so the file is refused.
const blockKeys: Record<string, readonly string[]> = {
  rolling_pearson: ['window', 'min_periods', 'center', 'closed', 'first_valid_index', 'values', 'method'],
  ewm_pearson: [
    ...['span', 'com', 'halflife', 'alpha', 'adjust', 'ignore_na', 'min_periods'],
    ...['first_valid_index', 'values', 'method'],
  ],
  kendall_pair: ['x', 'y', 'tau', 'pvalue', 'variant', 'pvalue_method', 'alternative'],
  kendall_matrix: ['matrix', 'pvalues', 'variant', 'pvalue_method', 'alternative'],
  pearson: ['matrix', 'pvalues', 'alternative'],
  spearman: ['matrix', 'pvalues', 'alternative'],
};

function checkBlock(name: string, block: unknown): void {
  const known = blockKeys[name];
  if (!known || !isObject(block)) return;
  const unknown = Object.keys(block).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new FixtureFileError(`outputs.${name} has settings or results not supported here: ${unknown.join(', ')}`);
}

/** Copies each declared setting into `params` where `params` does not give it. */
export function withDeclaredParams(json: unknown): unknown {
  if (!isObject(json)) return json;
  // A file without answers (a question posted to be computed) may still state settings in its conventions.
  const out = isObject(json.outputs) ? json.outputs : {};
  const conventions = isObject(json.conventions) ? json.conventions : {};
  const params: Json = isObject(json.params) ? { ...json.params } : {};
  // An explicit param wins over the value written next to the answers.
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null && params[key] === undefined) params[key] = value;
  };
  for (const [name, block] of Object.entries(out)) checkBlock(name, block);
  switch (json.fixture) {
    case 'rolling_correlation': {
      const roll = out.rolling_pearson;
      const ewm = out.ewm_pearson;
      const rollProse = field(roll, 'method');
      const ewmProse = field(ewm, 'method');
      set('window', field(roll, 'window'));
      set('min_periods', field(roll, 'min_periods'));
      set('center', field(roll, 'center') ?? proseBool(rollProse, 'center'));
      set('closed', field(roll, 'closed') ?? fromProse(rollProse, 'closed'));
      // The decay: the parameter the file names (alpha is also written next to span, as its consequence).
      const decay = ['span', 'com', 'halflife'].find((k) => field(ewm, k) !== undefined) ?? 'alpha';
      set(`ewm_${decay}`, field(ewm, decay));
      // A half-life given as a duration is pandas' `times` mode, which also allows com, span or alpha beside it.
      if (typeof field(ewm, 'halflife') === 'string') set('ewm_halflife', field(ewm, 'halflife'));
      set('ewm_min_periods', field(ewm, 'min_periods'));
      set('ewm_adjust', field(ewm, 'adjust') ?? proseBool(ewmProse, 'adjust'));
      set('ewm_ignore_na', field(ewm, 'ignore_na') ?? proseBool(ewmProse, 'ignore_na'));
      break;
    }
    case 'var': {
      set('forecast_alpha', field(out.forecast, 'interval_alpha'));
      set('forecast_steps', field(out.forecast, 'steps'));
      set('irf_periods', field(out.irf, 'periods'));
      set('maxlags', field(out.select_order, 'maxlags'));
      // statsmodels lets select_order and fit take different trends: `trend` is the fit's (else the one stated).
      const selectTrend = field(out.select_order, 'trend');
      const fitTrend = field(out.fit, 'trend');
      set('trend', fitTrend ?? selectTrend);
      if (selectTrend !== fitTrend && fitTrend !== undefined) set('select_order_trend', selectTrend);
      if (Array.isArray(out.test_causality)) {
        const declared = out.test_causality.map((t) => ({
          caused: field(t, 'caused'),
          causing: field(t, 'causing'),
          kind: field(t, 'kind'),
          signif: field(t, 'signif'),
        }));
        // params.causality lists pairs (each tested in both kinds); the outputs list each test: they win.
        params.causality = declared;
      }
      break;
    }
    case 'granger': {
      const first: unknown = Array.isArray(out.pairs) ? out.pairs[0] : undefined;
      set('maxlag', field(first, 'maxlag'));
      set('addconst', proseBool(field(first, 'statsmodels_call'), 'addconst'));
      break;
    }
    case 'partial_correlation': {
      const subsets = Object.entries(out).flatMap(([name, v]) => {
        const symbols = field(v, 'symbols');
        return Array.isArray(symbols) ? [[name, symbols] as const] : [];
      });
      if (subsets.length > 0) set('subsets', Object.fromEntries(subsets));
      break;
    }
    case 'correlation': {
      // "correlations use simple returns" (the reference's prose: "correlations use log returns").
      for (const text of Object.values(conventions))
        set('returns', typeof text === 'string' ? /correlations use (log|simple) returns/.exec(text)?.[1] : undefined);
      const pair = out.kendall_pair;
      if (isObject(pair)) set('kendall_pair', [pair.x, pair.y]);
      const kendallProse = conventions.kendall;
      set('kendall_variant', field(pair, 'variant') ?? fromProse(kendallProse, 'variant'));
      set('kendall_method', field(pair, 'pvalue_method') ?? fromProse(kendallProse, 'method'));
      set('kendall_matrix_variant', field(out.kendall_matrix, 'variant'));
      set('kendall_matrix_method', field(out.kendall_matrix, 'pvalue_method'));
      const alternatives: Json = isObject(params.alternatives) ? { ...params.alternatives } : {};
      for (const [method, block] of [
        ['pearson', out.pearson],
        ['spearman', out.spearman],
        ['kendall', out.kendall_pair],
        ['kendall_matrix', out.kendall_matrix],
      ] as const) {
        const declared = field(block, 'alternative') ?? fromProse(conventions[method], 'alternative');
        if (declared === undefined) continue;
        alternatives[method] ??= declared;
      }
      if (Object.keys(alternatives).length > 0) params.alternatives = alternatives;
      break;
    }
  }
  return { ...json, params };
}

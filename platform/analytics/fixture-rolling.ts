/**
 * Rolling-correlation files of the reference-fixture layout: the schema and the computation (pandas 1.5.3
 * `rolling(window, min_periods, center, closed).corr` with an integer window or an offset string over
 * `inputs.dates`, and `ewm(...).corr` with one decay, or a half-life given as a duration with `inputs.dates` as
 * `times`, which pandas' corr() does not apply).
 */
import { z } from 'zod';
import { durationString, isoMs, offsetMs, timedeltaMs } from './durations.ts';
import { series } from './fixture-schema.ts';
import { ewmAlpha, ewmCorrelation, rollingClosed, rollingCorrelation } from './rolling.ts';
import { rollingCorrelationOverTime } from './time-window.ts';

const isoDate = z
  .string()
  .max(40)
  .refine(
    (s) => Number.isFinite(isoMs(s)),
    'must be an ISO 8601 date or UTC date-time (2013-02-11, 2013-02-11T09:30Z)',
  );

export const rollingFile = z
  .object({
    fixture: z.literal('rolling_correlation'),
    // `dates` (the reference file's own index) are the times of a time window or a half-life given as a duration.
    inputs: z.object({ x: series, y: series, dates: z.array(isoDate).optional() }),
    params: z
      .object({
        // An integer (points) or a pandas offset string ('60D', '12h', '30min', '5s') over inputs.dates.
        window: z.union([z.number().int().min(1), durationString(offsetMs)]),
        // pandas' min_periods; when absent, the window (integer), 1 (time window, as pandas) and the span (EWM).
        min_periods: z.number().int().min(0).optional(),
        center: z.boolean().default(false),
        // pandas' `closed`; its default is 'right' for both kinds of window.
        closed: z.enum(rollingClosed).optional(),
        ewm_span: z.number().optional(),
        ewm_com: z.number().optional(),
        // A number (rows), or a Timedelta string ('4 days'): then pandas' `times` are inputs.dates.
        ewm_halflife: z.union([z.number(), durationString(timedeltaMs)]).optional(),
        ewm_alpha: z.number().optional(),
        ewm_min_periods: z.number().int().min(0).optional(),
        ewm_adjust: z.boolean().default(true),
        ewm_ignore_na: z.boolean().default(false),
      })
      .strict(),
  })
  .superRefine((file, ctx) => {
    const p = file.params;
    const times = typeof p.ewm_halflife === 'string';
    const decays = [p.ewm_span, p.ewm_com, times ? undefined : p.ewm_halflife, p.ewm_alpha];
    const given = decays.filter((v) => v !== undefined).length;
    // pandas: exactly one decay; with times, the half-life and at most one of com, span, alpha.
    if (times ? given > 1 : given !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['params'],
        message: times
          ? 'EWM with a duration halflife takes at most one of ewm_span, ewm_com, ewm_alpha beside it (pandas)'
          : 'EWM needs exactly one of ewm_span, ewm_com, ewm_halflife, ewm_alpha (pandas)',
      });
    if (times && !p.ewm_adjust)
      ctx.addIssue({
        code: 'custom',
        path: ['params', 'ewm_adjust'],
        message: 'EWM adjust=False is not supported with times (pandas: NotImplementedError)',
      });
    if (typeof p.window !== 'string' && !times) return;
    const dates = file.inputs.dates;
    const what = typeof p.window === 'string' ? `the time window ${JSON.stringify(p.window)}` : 'EWM times';
    if (dates === undefined) {
      ctx.addIssue({ code: 'custom', path: ['inputs', 'dates'], message: `${what} needs inputs.dates` });
      return;
    }
    if (dates.length !== file.inputs.x.length)
      ctx.addIssue({
        code: 'custom',
        path: ['inputs', 'dates'],
        message: `inputs.dates has ${String(dates.length)} entries for ${String(file.inputs.x.length)} points`,
      });
    const back = dates.findIndex((d, i) => i > 0 && isoMs(d) < isoMs(dates[i - 1] ?? d));
    // pandas also accepts a decreasing index for rolling; not supported here.
    if (back > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['inputs', 'dates', back],
        message: 'inputs.dates must be non-decreasing (pandas: a monotonic index)',
      });
  });
export type RollingFile = z.output<typeof rollingFile>;

const toNumbers = (s: readonly (number | null)[]): Float64Array => Float64Array.from(s, (v) => v ?? Number.NaN);
/** inputs.dates in epoch ms: the times of a time window or of EWM times. */
export const timesOf = (file: RollingFile): number[] => (file.inputs.dates ?? []).map(isoMs);

function firstValid(values: readonly (number | null)[]): number | null {
  const i = values.findIndex((v) => v !== null);
  return i < 0 ? null : i;
}

function rollingValues(file: RollingFile, x: Float64Array, y: Float64Array, minPeriods: number): (number | null)[] {
  const { window, center, closed } = file.params;
  if (typeof window === 'string')
    return rollingCorrelationOverTime(x, y, timesOf(file), offsetMs(window), { minPeriods, center, closed });
  return rollingCorrelation(x, y, window, { minPeriods, center, closed });
}

export function computeRolling(file: RollingFile): Record<string, unknown> {
  const x = toNumbers(file.inputs.x);
  const y = toNumbers(file.inputs.y);
  const p = file.params;
  const { window, center } = p;
  const minPeriods = p.min_periods ?? (typeof window === 'string' ? 1 : window);
  const halflife = p.ewm_halflife;
  const times = typeof halflife === 'string' ? halflife : undefined;
  const decay = {
    span: p.ewm_span,
    com: p.ewm_com,
    halflife: typeof halflife === 'number' ? halflife : undefined,
    alpha: p.ewm_alpha,
  };
  const others = Object.values(decay).some((v) => v !== undefined);
  // With times and no other decay pandas takes com = 1: each half-life halves the weights.
  const alpha = times !== undefined && !others ? 0.5 : ewmAlpha(decay);
  // pandas' default min_periods is 0 (1 in effect); the reference files default to the span.
  const ewmMinPeriods = p.ewm_min_periods ?? (p.ewm_span === undefined ? 0 : Math.ceil(p.ewm_span));
  const rolling = rollingValues(file, x, y, minPeriods);
  // pandas 1.5.3 applies `times` to ewm().mean() and sum() only: its corr() runs the row-based ewmcov at that
  // com (1 for a duration half-life alone), so a file reproduces that; the REST API's time-decayed EWM differs.
  const ewm = ewmCorrelation(x, y, {
    alpha,
    minPeriods: ewmMinPeriods,
    adjust: p.ewm_adjust,
    ignoreNa: p.ewm_ignore_na,
  });
  const given = Object.fromEntries(Object.entries({ ...decay, halflife }).filter(([, v]) => v !== undefined));
  return {
    rolling_pearson: {
      window,
      min_periods: minPeriods,
      center,
      ...(p.closed === undefined ? {} : { closed: p.closed }),
      first_valid_index: firstValid(rolling),
      values: rolling,
      method:
        typeof window === 'string'
          ? "time window over inputs.dates (pandas calculate_variable_window_bounds): values[t] uses the points up to t in (date[t] - window, date[t]] (closed='left' [.., ..) without t, 'both' [.., ..], 'neither' (.., ..) without t; centred (date[t] - window/2, date[t] + window/2]); each window computed afresh"
          : 'incremental rolling window (Welford add/remove); values[t] uses t-window+1..t (shifted when centred; ' +
            "closed='left' t-window..t-1, 'both' t-window..t, 'neither' t-window+1..t-1)",
    },
    ewm_pearson: {
      ...given,
      alpha,
      adjust: p.ewm_adjust,
      ignore_na: p.ewm_ignore_na,
      min_periods: ewmMinPeriods,
      first_valid_index: firstValid(ewm),
      values: ewm,
      method:
        times !== undefined
          ? 'pandas 1.5.3 ewm(halflife=duration, times=dates).corr(): times are not applied to corr(), which weighs (1-alpha)^age by rows with alpha 0.5 (com 1) unless com/span/alpha is given'
          : 'incremental EWM (pandas ewmcov recursion): adjust=True weights (1-alpha)^age, adjust=False recursive',
    },
  };
}

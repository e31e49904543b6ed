import type { Sli } from './model.ts';

/** `name{a,b}` from a metric name and label-matcher lists (empty ones left out). */
function series(name: string, ...matchers: readonly string[]): string {
  const inside = matchers.filter((m) => m !== '').join(',');
  return inside === '' ? name : `${name}{${inside}}`;
}

/** PromQL for the rate of all events of an event SLI over a window. */
export function sliTotal(sli: Exclude<Sli, { kind: 'sampled' }>, window: string): string {
  const counter = sli.kind === 'ratio' ? sli.counter : `${sli.histogram}_count`;
  return `sum(rate(${series(counter, sli.selector)}[${window}]))`;
}

/** PromQL for the rate of bad events of an event SLI over a window. */
export function sliErrors(sli: Exclude<Sli, { kind: 'sampled' }>, window: string): string {
  if (sli.kind === 'ratio') return `sum(rate(${series(sli.counter, sli.selector, sli.bad)}[${window}]))`;
  const good = series(`${sli.histogram}_bucket`, sli.selector, `le="${String(sli.thresholdSeconds)}"`);
  return `(${sliTotal(sli, window)} - sum(rate(${good}[${window}])))`;
}

/** PromQL for the instantaneous bad share of a sampled SLI. */
export function sampledErrorRatio(sli: Extract<Sli, { kind: 'sampled' }>): string {
  return `sum(${sli.bad}) / count(${sli.population})`;
}

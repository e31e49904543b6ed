import { compileAnchored, type AnchoredPattern } from '../../platform/patterns/linear-regex.ts';
import type { Series, SeriesLabels } from '../series.ts';

/** One label condition of a series selector, as in PromQL: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface TimeRange {
  /** Epoch milliseconds, inclusive. */
  readonly from: number;
  /** Epoch milliseconds, inclusive. */
  readonly to: number;
  /** Resolution for sources that evaluate on a grid (Prometheus); others return the points they hold. */
  readonly stepMs?: number;
}

/**
 * Where the detector tier reads metric series from. Every series is identified by its labels; sources
 * differ only in how they obtain points (sampling a registry, querying Prometheus, receiving OTLP).
 */
export interface MetricSource {
  /** Short name used in metrics, logs and the REST API: 'in-process', 'prometheus', 'otlp'. */
  readonly name: string;
  /** Series whose labels satisfy every matcher (an empty list selects all). */
  listSeries(matchers: readonly LabelMatcher[], signal?: AbortSignal): Promise<SeriesLabels[]>;
  /** The points of the matching series inside the range. */
  readRange(matchers: readonly LabelMatcher[], range: TimeRange, signal?: AbortSignal): Promise<Series[]>;
  /**
   * New points of the series this source watches, with timestamps after `since` (epoch ms): called on
   * every poll with the newest timestamp the caller has seen from this source.
   */
  poll(since: number, signal?: AbortSignal): Promise<Series[]>;
  /** Begins background work (sampling); optional. */
  start?(): void;
  stop?(): Promise<void>;
}

/** Raised for a selector that does not parse; its message names the problem. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

const matcherPattern = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/;

/**
 * Parses a PromQL series selector: `metric_name{label="v",other=~"re.*"}`, `{__name__=~"x.*"}` or a bare
 * metric name. Regexes are anchored, as in PromQL.
 */
export function parseSelector(selector: string): LabelMatcher[] {
  const text = selector.trim();
  const head = /^([A-Za-z_:][A-Za-z0-9_:.]*)?\s*(?:\{(.*)\})?$/s.exec(text);
  if (head === null || text === '') throw new SelectorError(`not a series selector: ${JSON.stringify(selector)}`);
  const matchers: LabelMatcher[] = [];
  if (head[1] !== undefined) matchers.push({ name: '__name__', op: '=', value: head[1] });
  let body = head[2] ?? '';
  while (body.trim() !== '') {
    const m = matcherPattern.exec(body);
    if (m === null)
      throw new SelectorError(
        `bad label matcher near ${JSON.stringify(body.slice(0, 40))} in ${JSON.stringify(selector)}`,
      );
    const value = JSON.parse(`"${m[3] ?? ''}"`) as string;
    const op = m[2] as LabelMatcher['op'];
    if (op === '=~' || op === '!~') compile(value);
    matchers.push({ name: m[1] ?? '', op, value });
    body = body.slice(m[0].length);
  }
  return matchers;
}

const regexCache = new Map<string, AnchoredPattern>();
/** User-supplied (`/api/detectors/series?match=`): compiled on RE2, linear time, length-capped. */
function compile(pattern: string): AnchoredPattern {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = compileAnchored(pattern);
    } catch (error) {
      throw new SelectorError(error instanceof Error ? error.message : String(error));
    }
    if (regexCache.size > 1_000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** Whether labels satisfy every matcher; a missing label reads as the empty string, as in PromQL. */
export function matches(labels: SeriesLabels, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        if (v !== m.value) return false;
        break;
      case '!=':
        if (v === m.value) return false;
        break;
      case '=~':
        if (!compile(m.value).test(v)) return false;
        break;
      case '!~':
        if (compile(m.value).test(v)) return false;
        break;
    }
  }
  return true;
}

/** Renders matchers back into a PromQL selector (for Prometheus' match[] parameter). */
export function formatSelector(matchers: readonly LabelMatcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}

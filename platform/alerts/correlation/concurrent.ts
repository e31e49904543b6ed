import type { Token } from './tokens.ts';

interface Entry {
  readonly at: number;
  readonly fingerprint: string;
  readonly tokens: readonly Token[];
}

export interface ConcurrentOptions {
  /** How far back (event time) alerts count as concurrent. */
  readonly windowMs: number;
  /** Bound on the alerts remembered; the oldest go first. */
  readonly maxAlerts: number;
  /** Pseudo-alerts naming nothing shared, as in a quiet system: the prior of every frequency. */
  readonly background: number;
}

/** Below this many concurrent alerts, label statistics say too little to call a label context. */
const minAlertsForContext = 5;
/**
 * A label on at least this share of concurrent alerts, with few values each repeated, is context (cluster,
 * severity, env); so is a single value on that share of them.
 */
const contextCoverage = 0.5;
const contextMaxValues = 6;

/**
 * What concurrent alerts name: how many carry each value (how common it is) and, per label, how many
 * alerts carry it and with how many distinct values. A label most alerts carry with few values (a cluster,
 * a severity, an environment) is context: sharing it says nothing about a common cause.
 */
export class ConcurrentAlerts {
  readonly #options: ConcurrentOptions;
  readonly #entries: Entry[] = [];
  #head = 0;
  readonly #present = new Set<string>();
  readonly #valueCount = new Map<string, number>();
  readonly #labelValues = new Map<string, Map<string, number>>();
  readonly #labelCount = new Map<string, number>();

  constructor(options: ConcurrentOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#present.size;
  }

  add(fingerprint: string, at: number, tokens: readonly Token[]): void {
    this.#expire(at);
    if (this.#present.has(fingerprint)) return;
    this.#present.add(fingerprint);
    this.#entries.push({ at, fingerprint, tokens });
    this.#count(tokens, 1);
    if (this.#present.size > this.#options.maxAlerts) this.#drop();
  }

  /**
   * Share of concurrent alerts naming this value (at least one alert's worth); undefined for context. A prior
   * of `background` alerts that name other things keeps the first alerts of a storm from looking common.
   * `labelMayBeContext` false: only the value's own share can make it context, not its label's.
   */
  frequency(token: Token, labelMayBeContext = true): number | undefined {
    const n = this.#present.size;
    const count = this.#valueCount.get(token.value) ?? 0;
    if (labelMayBeContext && this.isContext(token.label)) return undefined;
    if (n >= minAlertsForContext && count >= contextCoverage * n) return undefined;
    return Math.max(1, count) / (n + this.#options.background);
  }

  isContext(label: string): boolean {
    const n = this.#present.size;
    if (n < minAlertsForContext) return false;
    const values = this.#labelValues.get(label)?.size ?? 0;
    const carriers = this.#labelCount.get(label) ?? 0;
    return carriers >= contextCoverage * n && values <= Math.min(contextMaxValues, carriers / 2);
  }

  #expire(now: number): void {
    while (this.#head < this.#entries.length && (this.#entries[this.#head]?.at ?? now) < now - this.#options.windowMs)
      this.#drop();
  }

  #drop(): void {
    const e = this.#entries[this.#head];
    if (e === undefined) return;
    this.#head++;
    this.#present.delete(e.fingerprint);
    this.#count(e.tokens, -1);
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #count(tokens: readonly Token[], d: number): void {
    const labels = new Set<string>();
    for (const t of tokens) {
      bump(this.#valueCount, t.value, d);
      if (labels.has(t.label)) continue;
      labels.add(t.label);
      bump(this.#labelCount, t.label, d);
      let values = this.#labelValues.get(t.label);
      if (values === undefined) this.#labelValues.set(t.label, (values = new Map<string, number>()));
      bump(values, t.value, d);
      if (values.size === 0) this.#labelValues.delete(t.label);
    }
  }
}

function bump(m: Map<string, number>, key: string, d: number): void {
  const n = (m.get(key) ?? 0) + d;
  if (n <= 0) m.delete(key);
  else m.set(key, n);
}

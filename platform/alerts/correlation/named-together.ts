import type { Token } from './tokens.ts';

export interface NamedTogetherOptions {
  /** Half-life of what one alert taught: a VM moved to another host stops being its host's. */
  readonly halfLifeMs: number;
  /** Pairs kept (least recently taught go first), and values counted. */
  readonly maxPairs: number;
  /** Values of one alert learned from (its first ones): pairs grow with the square. */
  readonly maxValuesPerAlert: number;
}

interface Count {
  n: number;
  at: number;
}

/**
 * Relations learned from what alerts say: an alert that names two entities under different labels (a VM and
 * the hypervisor it runs on, a volume and its datastore, a pod and its node) says they are related, and a
 * later alert naming only one of them can use the other. Strength of a -> b: the (decaying) count of alerts
 * that named both over those that named a, plus one (one alert is weak evidence; a value named with many
 * others, a hub, spreads thin). One hop only: relations are not chained. Nothing is configured or given by a
 * storm: only the alerts' own labels.
 */
export class NamedTogether {
  readonly #o: NamedTogetherOptions;
  /** Key `a\0b` (a < b), least recently taught first. */
  readonly #pairs = new Map<string, Count>();
  readonly #values = new Map<string, Count>();
  readonly #adjacent = new Map<string, Set<string>>();

  constructor(options: NamedTogetherOptions = { halfLifeMs: 6 * 3_600_000, maxPairs: 50_000, maxValuesPerAlert: 16 }) {
    this.#o = options;
  }

  get size(): number {
    return this.#pairs.size;
  }

  /** One alert's values (context already left out): each pair under two different labels is taught once. */
  learn(tokens: readonly Token[], at: number): void {
    const ts = tokens.slice(0, this.#o.maxValuesPerAlert);
    for (const t of ts) this.#bump(this.#values, t.value, at);
    for (let i = 0; i < ts.length; i++)
      for (let j = i + 1; j < ts.length; j++) {
        const a = ts[i];
        const b = ts[j];
        if (a === undefined || b === undefined || a.label === b.label || a.value === b.value) continue;
        const [x, y] = a.value < b.value ? [a.value, b.value] : [b.value, a.value];
        const key = `${x}\u0000${y}`;
        if (!this.#pairs.has(key)) {
          link(this.#adjacent, x, y);
          link(this.#adjacent, y, x);
        }
        this.#bump(this.#pairs, key, at);
        if (this.#pairs.size > this.#o.maxPairs) this.#dropOldest();
      }
    while (this.#values.size > this.#o.maxPairs) {
      const oldest = this.#values.keys().next();
      if (oldest.done === true) break;
      this.#values.delete(oldest.value);
    }
  }

  /** Values named together with this one, with the strength of the relation (0..1) at `at`. */
  related(value: string, at: number): [string, number][] {
    const own = this.#values.get(value);
    if (own === undefined) return [];
    const n = this.#decayed(own, at);
    const out: [string, number][] = [];
    for (const other of this.#adjacent.get(value) ?? []) {
      const pair = this.#pairs.get(value < other ? `${value}\u0000${other}` : `${other}\u0000${value}`);
      if (pair !== undefined) { const s = this.#decayed(pair, at) / (n + 1); if (s >= Number(process.env.X_FLOOR ?? 0)) out.push([other, s]); }
    }
    return out;
  }

  #bump(m: Map<string, Count>, key: string, at: number): void {
    const c = m.get(key);
    m.delete(key);
    m.set(key, c === undefined ? { n: 1, at } : { n: this.#decayed(c, at) + 1, at: Math.max(c.at, at) });
  }

  #decayed(c: Count, at: number): number {
    return c.n * 0.5 ** (Math.max(0, at - c.at) / this.#o.halfLifeMs);
  }

  #dropOldest(): void {
    const oldest = this.#pairs.keys().next();
    if (oldest.done === true) return;
    this.#pairs.delete(oldest.value);
    const [x, y] = oldest.value.split('\u0000');
    if (x === undefined || y === undefined) return;
    unlink(this.#adjacent, x, y);
    unlink(this.#adjacent, y, x);
  }
}

function link(adjacent: Map<string, Set<string>>, from: string, to: string): void {
  let set = adjacent.get(from);
  if (set === undefined) adjacent.set(from, (set = new Set()));
  set.add(to);
}

function unlink(adjacent: Map<string, Set<string>>, from: string, to: string): void {
  const set = adjacent.get(from);
  set?.delete(to);
  if (set?.size === 0) adjacent.delete(from);
}

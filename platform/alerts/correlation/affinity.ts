/**
 * Learned affinity between values that belong together: raised by incidents that closed with both in them
 * and by operators merging incidents, lowered by operators splitting them. A bounded map: the least recently
 * touched pairs go first.
 */
export class Affinity {
  readonly #pairs = new Map<string, number>();
  readonly #max: number;

  constructor(maxPairs: number) {
    this.#max = maxPairs;
  }

  get size(): number {
    return this.#pairs.size;
  }

  /** In [-1, 1]: how strongly past evidence says these two values go together. */
  of(a: string, b: string): number {
    if (a === b) return 0;
    const w = this.#pairs.get(key(a, b)) ?? 0;
    return Math.tanh(w / 3);
  }

  /** Adds `amount` to every pair across the two sets (sets are small: an incident's top values). */
  learn(xs: readonly string[], ys: readonly string[], amount: number): void {
    for (const x of xs)
      for (const y of ys) {
        if (x === y) continue;
        const k = key(x, y);
        const w = (this.#pairs.get(k) ?? 0) + amount;
        this.#pairs.delete(k);
        this.#pairs.set(k, Math.max(-10, Math.min(10, w)));
        if (this.#pairs.size > this.#max) {
          const oldest = this.#pairs.keys().next().value;
          if (oldest !== undefined) this.#pairs.delete(oldest);
        }
      }
  }
}

const key = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

import { LRUCache } from 'lru-cache';

interface Entry {
  /** The bar windows' version the answer was computed on. */
  readonly version: number;
  readonly answer: Promise<string>;
}

/**
 * Answers (JSON text) computed from the bar windows, kept while no bar of their interval has arrived since: the
 * same request then costs a lookup instead of aligning every symbol's window and a computation on the worker (the
 * sector view over every symbol is what dashboards poll). At most `maxEntries`, least recently used go first;
 * identical requests while one computes share it; a failed computation is not kept.
 */
export class ViewCache {
  readonly #entries: LRUCache<string, Entry>;

  constructor(maxEntries: number) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  /** The answer for `key` at windows `version`: the kept one if computed on that version, else `compute()`'s. */
  answer(key: string, version: number, compute: () => Promise<string>): Promise<string> {
    const kept = this.#entries.get(key);
    if (kept?.version === version) return kept.answer;
    const answer = compute();
    this.#entries.set(key, { version, answer });
    answer.catch(() => {
      if (this.#entries.get(key)?.answer === answer) this.#entries.delete(key);
    });
    return answer;
  }
}

import { LRUCache } from 'lru-cache';

interface Entry {
  /** The version the answer was computed on. */
  readonly version: number;
  readonly answer: Promise<string>;
}

/**
 * Answers (JSON text) kept while the version of what they were computed from holds (the bar windows' count of bars
 * for the sector view, a time bucket for a detection's forecast): the same request then costs a lookup instead of
 * its computation. At most `maxEntries`, least recently used go first; identical requests while one computes share
 * it; a failed computation is not kept.
 */
export class KeptAnswers {
  readonly #entries: LRUCache<string, Entry>;

  constructor(maxEntries: number) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  /** The answer for `key` at `version`: the kept one if computed on that version, else `compute()`'s. */
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

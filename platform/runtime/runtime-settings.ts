import type { ConfigChange, ConfigControl } from './controls.ts';

/**
 * Settings changed while the platform runs (a configuration rollout in embedded mode), with a bounded history of
 * changes so that a bad one can be rolled back. Services read them with `get` or are told through `onChange`.
 */
export class RuntimeSettings implements ConfigControl {
  readonly #values = new Map<string, string>();
  readonly #history: ConfigChange[] = [];
  readonly #listeners = new Set<(change: ConfigChange) => void>();
  readonly #maxHistory: number;
  readonly #maxKeys: number;
  #version = 0;

  constructor(options: { maxHistory?: number; maxKeys?: number } = {}) {
    this.#maxHistory = options.maxHistory ?? 200;
    this.#maxKeys = options.maxKeys ?? 500;
  }

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: string | undefined): ConfigChange {
    if (value !== undefined && !this.#values.has(key) && this.#values.size >= this.#maxKeys)
      throw new RangeError(`at most ${String(this.#maxKeys)} runtime settings`);
    const change: ConfigChange = {
      version: ++this.#version,
      key,
      before: this.#values.get(key),
      after: value,
      at: Date.now(),
    };
    if (value === undefined) this.#values.delete(key);
    else this.#values.set(key, value);
    this.#history.push(change);
    if (this.#history.length > this.#maxHistory) this.#history.shift();
    for (const listener of this.#listeners) listener(change);
    return change;
  }

  history(): readonly ConfigChange[] {
    return this.#history;
  }

  onChange(listener: (change: ConfigChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

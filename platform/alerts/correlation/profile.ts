import type { Token } from './tokens.ts';

/** Bound on the distinct values an incident remembers; the first ones seen define it. */
const maxValues = 512;

/** What an open incident's alerts name: how many of them carry each value, and when they started. */
export class IncidentProfile {
  readonly #counts = new Map<string, { label: string; count: number }>();
  /** Fingerprints of the alerts in memory; `#size` also counts those forgotten (resolved, out of memory). */
  readonly #members = new Set<string>();
  #size = 0;
  lastAlertAt: number;
  /**
   * Event time of the incident's earliest alert: its onset. Alerts can arrive out of event-time order
   * (concurrent webhooks, several Alertmanagers), so a later-arriving alert that started earlier moves it.
   */
  onsetAt: number;

  constructor(at: number) {
    this.lastAlertAt = at;
    this.onsetAt = at;
  }

  get size(): number {
    return this.#size;
  }

  has(fingerprint: string): boolean {
    return this.#members.has(fingerprint);
  }

  add(fingerprint: string, at: number, tokens: readonly Token[]): void {
    this.lastAlertAt = Math.max(this.lastAlertAt, at);
    this.onsetAt = Math.min(this.onsetAt, at);
    if (this.#members.has(fingerprint)) return;
    this.#members.add(fingerprint);
    this.#size++;
    for (const t of tokens) {
      const known = this.#counts.get(t.value);
      if (known !== undefined) known.count++;
      else if (this.#counts.size < maxValues) this.#counts.set(t.value, { label: t.label, count: 1 });
    }
  }

  remove(fingerprint: string, tokens: readonly Token[]): void {
    if (!this.#members.delete(fingerprint)) return;
    this.#size--;
    for (const t of tokens) {
      const known = this.#counts.get(t.value);
      if (known === undefined) continue;
      known.count--;
      if (known.count <= 0) this.#counts.delete(t.value);
    }
  }

  /** The alert left memory: its values still count as evidence, its fingerprint is no longer kept. */
  forget(fingerprint: string): void {
    this.#members.delete(fingerprint);
  }

  /** The label the value was first seen under. */
  labelOf(value: string): string | undefined {
    return this.#counts.get(value)?.label;
  }

  values(): IterableIterator<string> {
    return this.#counts.keys();
  }

  /** Share of the incident's alerts that name this value, smoothed (n + 1): one alert is weak evidence. */
  share(value: string): number {
    return (this.#counts.get(value)?.count ?? 0) / (this.#size + 1);
  }

  /** The most common values, for learning and for the explanation. */
  top(k: number): string[] {
    return [...this.#counts]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, k)
      .map(([v]) => v);
  }
}

/**
 * Which findings become detections, by what their series means (meaning.ts). A symptom users feel is
 * published at once. A change in demand (the API's request rate) short of a stop is context: fewer or
 * more requests hurt no one unless latency or errors say so, and those page on their own. A strain
 * (CPU, consumer lag, traffic that stopped) is held for `graceMs`: if a symptom appears meanwhile, the
 * strain is part of that story (listed as a related series) and not published on its own; if none does and
 * the value is still outside its expected range, it is published as a warning. Context (memory gauges,
 * per-symbol series, internal rates) and deviations in a harmless direction (latency below normal) are
 * never published: they stay visible on REST and as related series.
 */
import type { Finding } from './watcher.ts';
import { demandStopped, deviationMatters, meaningOf, stillOutside, type SeriesMeaning } from './meaning.ts';

export interface TriagedFinding {
  readonly finding: Finding;
  readonly meaning: SeriesMeaning;
}

export type TriageOutcome = 'symptom' | 'strain' | 'held' | 'context' | 'harmless';

/** Strains held at most (one per series; beyond it the oldest is decided early). */
const MAX_HELD = 1_000;

export class Triage {
  readonly #graceMs: number;
  readonly #held = new Map<string, TriagedFinding>();
  #lastSymptomTs = Number.NEGATIVE_INFINITY;

  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** Decides a new finding: a symptom comes back to publish now; a strain is held; the rest is dropped. */
  admit(finding: Finding): { readonly outcome: TriageOutcome; readonly publish?: TriagedFinding } {
    const meaning = meaningOf(finding.tracked.labels);
    const { observed, expected } = finding.verdict;
    if (meaning.concern === 'context') return { outcome: 'context' };
    if (!deviationMatters(meaning, observed, expected)) return { outcome: 'harmless' };
    // A change in how much is asked (a request-rate dip or rise) explains symptoms; alone it is context.
    if (meaning.demand && !demandStopped(finding.verdict)) return { outcome: 'context' };
    if (meaning.concern === 'symptom') {
      this.#lastSymptomTs = Math.max(this.#lastSymptomTs, finding.ts);
      return { outcome: 'symptom', publish: { finding, meaning } };
    }
    const id = `${finding.tracked.source}|${finding.tracked.key}`;
    if (!this.#held.has(id)) {
      if (this.#held.size >= MAX_HELD) this.#held.delete(this.#held.keys().next().value ?? '');
      this.#held.set(id, { finding, meaning });
    }
    return { outcome: 'held' };
  }

  /**
   * Strains whose grace has passed at `now`, that no symptom explained and whose series' latest value is
   * still outside the range expected at onset: to publish. A strain that recovered, or that a symptom
   * appeared near (within the grace either side), is dropped.
   */
  release(now: number): TriagedFinding[] {
    const out: TriagedFinding[] = [];
    for (const [id, held] of this.#held) {
      const { ts, tracked, verdict } = held.finding;
      if (Math.abs(this.#lastSymptomTs - ts) <= this.#graceMs) this.#held.delete(id);
      else if (now - ts >= this.#graceMs) {
        this.#held.delete(id);
        // The detector holds its score down after an alarm, so "lasting" is read from the value itself.
        if (stillOutside(held.meaning, tracked.lastValue, verdict.expected)) out.push(held);
      }
    }
    return out;
  }

  get held(): number {
    return this.#held.size;
  }
}

import type { Matcher } from '../matchers.ts';
import { matchesAll } from '../matchers.ts';
import type { Alert } from '../model.ts';

export interface InhibitRule {
  readonly source_matchers: readonly Matcher[];
  readonly target_matchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/**
 * Stage 4a: Alertmanager inhibition. A firing alert that matches a rule's source matchers mutes the
 * alerts matching its target matchers that have the same values of the `equal` labels (a cluster-down
 * alert mutes every alert of that cluster). An alert never inhibits itself.
 */
export class Inhibitor {
  readonly #rules: readonly InhibitRule[];
  /** Per rule: equal-label key -> firing source fingerprints. */
  readonly #sources: Map<string, Set<string>>[];

  constructor(rules: readonly InhibitRule[]) {
    this.#rules = rules;
    this.#sources = rules.map(() => new Map<string, Set<string>>());
  }

  /** Keeps the set of firing source alerts current. */
  observe(alert: Alert): void {
    this.#rules.forEach((rule, i) => {
      if (!matchesAll(rule.source_matchers, alert.labels)) return;
      const key = equalKey(rule, alert);
      const index = this.#sources[i];
      if (index === undefined) return;
      let set = index.get(key);
      if (alert.status === 'firing') {
        if (set === undefined) index.set(key, (set = new Set()));
        set.add(alert.fingerprint);
      } else {
        set?.delete(alert.fingerprint);
        if (set?.size === 0) index.delete(key);
      }
    });
  }

  /** The fingerprint of a firing alert that inhibits this one, if any. */
  inhibitedBy(alert: Alert): string | undefined {
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i];
      if (rule === undefined || !matchesAll(rule.target_matchers, alert.labels)) continue;
      for (const fp of this.#sources[i]?.get(equalKey(rule, alert)) ?? []) if (fp !== alert.fingerprint) return fp;
    }
    return undefined;
  }
}

function equalKey(rule: InhibitRule, alert: Alert): string {
  return rule.equal.map((n) => alert.labels[n] ?? '').join('\u0000');
}

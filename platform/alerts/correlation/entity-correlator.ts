import type { Alert, CorrelationWhy, Incident } from '../model.ts';
import { Affinity } from './affinity.ts';
import { ConcurrentAlerts } from './concurrent.ts';
import { IncidentProfile } from './profile.ts';
import type { ServiceGraph } from './service-graph.ts';
import { tokensOf, type Token } from './tokens.ts';
import type { IncidentCorrelator, IncidentMerge } from './correlator.ts';

export interface EntityCorrelatorOptions {
  /** An alert only joins an incident whose latest alert is this close in event time. */
  readonly windowMs: number;
  /** Join score needed (sum of shared values' weights). */
  readonly threshold: number;
  /** Time constant of the decay of the score with the time since the incident's onset (its first alert). */
  readonly decayMs: number;
  /** Weight of the alert name (the symptom) relative to a named entity. */
  readonly symptomWeight: number;
  /**
   * Factor on the score against an incident none of whose alerts showed this alert's symptom (its name): a
   * disk or certificate alert on a pod of an outage is usually a one-off that happens to be there. 1: none.
   */
  readonly foreignSymptom?: number;
  /** Score added at full learned affinity between the alert's values and the incident's. */
  readonly affinityWeight: number;
  /** Prior count of quiet-time alerts in the frequency of a value. */
  readonly background: number;
  /** Services seen calling each other in traces, and the weight of such a call against a shared value. */
  readonly graph?: ServiceGraph;
  readonly graphWeight?: number;
  /**
   * Weight of where the alert's service's failed requests started in traces (the graph's error paths), as a
   * value the alert names, against a value it names itself (1); 0: not used.
   */
  readonly tracedWeight?: number;
  /**
   * Factor on the score against an incident that names none of the places where the alert's service's
   * requests were failing (its traces point at another cause). 1: none.
   */
  readonly foreignFailure?: number;
  /**
   * An alert that reaches the threshold for several open incidents whose onsets are this close merges them
   * (an effect seen before its cause's evidence arrived opened an incident of its own); 0: never merge.
   */
  readonly mergeOnsetMs?: number;
  /** Bounds: concurrent alerts for the statistics, learned pairs. */
  readonly maxConcurrent: number;
  readonly maxAffinityPairs: number;
}

interface Open {
  readonly incident: Incident;
  readonly profile: IncidentProfile;
}

interface Pending {
  readonly fingerprint: string;
  readonly incidentId: string;
  readonly why: CorrelationWhy;
}

const explained = 5;
const learnedValues = 6;

/**
 * Correlation from what alerts name. Each value an alert shares with an open incident (a node, a pod, a
 * database, a version, an exchange: whatever its labels say) weighs its log-lift: the share of the incident's
 * alerts carrying it over its share among all concurrent alerts (IDF-like: a rare value shared weighs much;
 * context labels most alerts carry with few values weigh nothing); a label counts once, by its best value.
 * An alert joins the open incident with the highest sum, decayed with the event time since that incident's
 * onset (a cause's alerts come in a burst after it), and by `foreignSymptom` when the incident never showed
 * the alert's symptom, when it reaches the threshold and names at least one entity; otherwise it opens its
 * own. Learned affinity between values (closed incidents, operators' merges and splits) adds to the score.
 */
export class EntityCorrelator implements IncidentCorrelator {
  readonly #o: EntityCorrelatorOptions;
  readonly #concurrent: ConcurrentAlerts;
  readonly #affinity: Affinity;
  readonly #open = new Map<string, Open>();
  /** fingerprint -> its open incident's entry. */
  readonly #byFingerprint = new Map<string, Open>();
  /** value -> open incidents whose profile names it: candidates without scanning every open incident. */
  readonly #index = new Map<string, Set<string>>();
  /** Fingerprint and start -> the values it names (labels, traced failures) as first seen: same on every use. */
  readonly #tokens = new Map<string, readonly Token[]>();
  /** Traced failures count for (`tracedWeight`) or against (`foreignFailure`) a join. */
  readonly #usesTraces: boolean;
  #pending: Pending | undefined;
  #merges: IncidentMerge[] = [];

  constructor(options: EntityCorrelatorOptions) {
    this.#o = options;
    this.#concurrent = new ConcurrentAlerts({
      windowMs: options.windowMs * 2,
      maxAlerts: options.maxConcurrent,
      background: options.background,
    });
    this.#affinity = new Affinity(options.maxAffinityPairs);
    this.#usesTraces = (options.tracedWeight ?? 0) > 0 || (options.foreignFailure ?? 1) < 1;
  }

  get openCount(): number {
    return this.#open.size;
  }

  incidentOf(fingerprint: string): Incident | undefined {
    return this.#byFingerprint.get(fingerprint)?.incident;
  }

  match(alert: Alert): Incident | undefined {
    const known = this.incidentOf(alert.fingerprint);
    if (known !== undefined) return known;
    const tokens = this.#tokensOf(alert);
    this.#concurrent.add(alert.fingerprint, alert.startsAt, tokens);
    const weights = tokens.map((t) => ({ token: t, frequency: this.#frequency(t) }));
    const candidates = new Set<string>();
    for (const { token, frequency } of weights)
      if (frequency !== undefined) for (const id of this.#index.get(token.value) ?? []) candidates.add(id);
    const called = this.#called(weights, alert.startsAt);
    for (const value of called.keys()) for (const id of this.#index.get(value) ?? []) candidates.add(id);
    const passing: { open: Open; why: CorrelationWhy }[] = [];
    for (const id of candidates) {
      const open = this.#open.get(id);
      if (open === undefined) continue;
      if (Math.abs(alert.startsAt - open.profile.lastAlertAt) > this.#o.windowMs) continue;
      // A cause's alerts start in a burst around its onset: the score fades with the time from it, either
      // way (an alert that arrives late but started minutes before the onset is as far from the burst).
      const why = this.#score(weights, called, open.profile, alert.startsAt - open.profile.onsetAt);
      if (why.score >= this.#o.threshold && namesAnEntity(why)) passing.push({ open, why });
    }
    const best = passing.reduce<(typeof passing)[number] | undefined>(
      (b, p) => (b === undefined || p.why.score > b.why.score ? p : b),
      undefined,
    );
    this.#merges = best === undefined ? [] : this.#mergesAround(best.open, passing);
    this.#pending =
      best === undefined
        ? undefined
        : { fingerprint: alert.fingerprint, incidentId: best.open.incident.id, why: best.why };
    return best?.open.incident;
  }

  takeMerges(): readonly IncidentMerge[] {
    const merges = this.#merges;
    this.#merges = [];
    return merges;
  }

  /** The incidents the alert can join whose onsets are close to its best one's, merged into the earliest. */
  #mergesAround(best: Open, passing: readonly { open: Open; why: CorrelationWhy }[]): IncidentMerge[] {
    const limit = this.#o.mergeOnsetMs ?? 0;
    if (limit <= 0) return [];
    const close = passing.filter((p) => Math.abs(p.open.profile.onsetAt - best.profile.onsetAt) <= limit);
    if (close.length < 2) return [];
    close.sort((a, b) => a.open.profile.onsetAt - b.open.profile.onsetAt);
    const into = close[0]?.open.incident;
    if (into === undefined) return [];
    return close.slice(1).map((p) => ({ into, from: p.open.incident, why: p.why }));
  }

  attach(incident: Incident, alert: Alert): CorrelationWhy {
    const tokens = this.#tokensOf(alert);
    this.#concurrent.add(alert.fingerprint, alert.startsAt, tokens);
    let open = this.#open.get(incident.id);
    const opened = open === undefined;
    if (open === undefined) {
      open = { incident, profile: new IncidentProfile(alert.startsAt) };
      this.#open.set(incident.id, open);
    }
    const known = open.profile.has(alert.fingerprint);
    open.profile.add(alert.fingerprint, alert.startsAt, tokens);
    for (const t of tokens) if (open.profile.share(t.value) > 0) this.#indexAdd(t.value, incident.id);
    this.#byFingerprint.set(alert.fingerprint, open);
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending?.fingerprint === alert.fingerprint && pending.incidentId === incident.id) return pending.why;
    const kind = opened || (!known && open.profile.size === 1) ? 'opened' : 'joined';
    return { kind, score: 0, shared: [] };
  }

  /** Takes an alert out of its incident (an operator split it off). */
  detach(incident: Incident, alert: Alert): void {
    const open = this.#open.get(incident.id);
    if (open === undefined) return;
    open.profile.remove(alert.fingerprint, this.#tokensOf(alert));
    if (this.#byFingerprint.get(alert.fingerprint)?.incident.id === incident.id)
      this.#byFingerprint.delete(alert.fingerprint);
  }

  forget(incident: Incident, fingerprint: string): void {
    this.#open.get(incident.id)?.profile.forget(fingerprint);
    if (this.#byFingerprint.get(fingerprint)?.incident.id === incident.id) this.#byFingerprint.delete(fingerprint);
  }

  /** An operator said two incidents are one (`together`) or that two parts of one are not (`apart`). */
  feedback(a: Incident, b: Incident, verdict: 'together' | 'apart'): void {
    const pa = this.#open.get(a.id)?.profile.top(learnedValues) ?? [];
    const pb = this.#open.get(b.id)?.profile.top(learnedValues) ?? [];
    this.#affinity.learn(pa, pb, verdict === 'together' ? 2 : -2);
  }

  close(incident: Incident): void {
    const open = this.#open.get(incident.id);
    if (open !== undefined) {
      if (open.profile.size > 1) {
        const top = open.profile.top(learnedValues);
        this.#affinity.learn(top, top, 0.5);
      }
      for (const v of open.profile.values()) this.#indexDelete(v, incident.id);
    }
    this.#open.delete(incident.id);
    for (const fp of incident.alerts.keys())
      if (this.#byFingerprint.get(fp)?.incident.id === incident.id) this.#byFingerprint.delete(fp);
  }

  /**
   * The values the alert names, and where its service's (or instance's) failed requests started in the
   * traces before it fired, under the label `traced errors` (values it names itself are not repeated).
   */
  #tokensOf(alert: Alert): readonly Token[] {
    const key = `${alert.fingerprint}\u0000${String(alert.startsAt)}`;
    const cached = this.#tokens.get(key);
    if (cached !== undefined) return cached;
    const own = tokensOf(alert.labels, this.#o.graph?.hosts);
    const errors = this.#o.graph?.errors;
    const tokens = [...own];
    if (errors !== undefined && errors.size > 0 && this.#usesTraces) {
      const values = new Set(own.map((t) => t.value));
      for (const { origin } of errors.originsOf([...values], alert.startsAt))
        for (const value of origin)
          if (!values.has(value)) {
            values.add(value);
            tokens.push({ label: tracedLabel, value });
          }
    }
    this.#tokens.set(key, tokens);
    if (this.#tokens.size > this.#o.maxConcurrent) {
      const oldest = this.#tokens.keys().next();
      if (oldest.done !== true) this.#tokens.delete(oldest.value);
    }
    return tokens;
  }

  /** Services the alert's own values call or are called by (traces), with the edge's strength. */
  #called(weights: readonly { token: Token; frequency: number | undefined }[], at: number): Map<string, number> {
    const out = new Map<string, number>();
    const graph = this.#o.graph;
    if (graph === undefined || graph.size === 0 || (this.#o.graphWeight ?? 0) === 0) return out;
    const own = new Set(weights.map((w) => w.token.value));
    for (const { token, frequency } of weights) {
      if (frequency === undefined || token.label === 'alertname' || token.label === tracedLabel) continue;
      for (const [other, strength] of graph.neighbours(token.value, at))
        if (!own.has(other) && strength > (out.get(other) ?? 0)) out.set(other, strength);
    }
    return out;
  }

  /** How common the value is among concurrent alerts; undefined when it says nothing (context). */
  #frequency(t: Token): number | undefined {
    // Traced origins are entities whatever share of alerts has one: never a context label.
    return this.#concurrent.frequency(t, t.label !== tracedLabel);
  }

  /**
   * Sum over shared values of the log-lift: how much more common the value is in the incident than among
   * concurrent alerts (a value every alert carries, or one shared by chance, lifts nothing).
   */
  #score(
    weights: readonly { token: Token; frequency: number | undefined }[],
    called: ReadonlyMap<string, number>,
    profile: IncidentProfile,
    gap: number,
  ): CorrelationWhy {
    // One label is one piece of evidence: its best value counts (a host:port, its host and short name agree).
    const best = new Map<string, { label: string; value: string; weight: number }>();
    for (const { token, frequency } of weights) {
      const share = profile.share(token.value);
      if (frequency === undefined || share === 0) continue;
      const lift = Math.log(share / frequency);
      const w =
        token.label === 'alertname'
          ? lift * this.#o.symptomWeight
          : token.label === tracedLabel
            ? lift * (this.#o.tracedWeight ?? 0)
            : lift;
      if (w > (best.get(token.label)?.weight ?? 0))
        best.set(token.label, { label: token.label, value: token.value, weight: w });
    }
    // A service the alert's service calls (or is called by) in the incident: one piece of evidence, its
    // log-lift scaled by the edge's strength and the graph weight.
    for (const [value, strength] of called) {
      const share = profile.share(value);
      const label = profile.labelOf(value);
      const frequency = label === undefined ? undefined : this.#frequency({ label, value });
      if (share === 0 || frequency === undefined) continue;
      const w = Math.log(share / frequency) * strength * (this.#o.graphWeight ?? 0);
      if (w > (best.get('calls')?.weight ?? 0)) best.set('calls', { label: 'calls', value, weight: w });
    }
    const shared = [...best.values()];
    let sum = shared.reduce((s, x) => s + x.weight, 0);
    for (const x of shared) x.weight = round(x.weight);
    if (this.#affinity.size > 0 && this.#o.affinityWeight > 0) {
      let a = 0;
      const top = profile.top(learnedValues);
      for (const { token, frequency } of weights)
        if (frequency !== undefined) for (const v of top) a = Math.max(a, this.#affinity.of(token.value, v));
      if (a > 0) {
        sum += a * this.#o.affinityWeight;
        shared.push({ label: 'learned', value: 'affinity', weight: round(a * this.#o.affinityWeight) });
      }
    }
    shared.sort((x, y) => y.weight - x.weight);
    const explanation = shared.slice(0, explained);
    const name = weights.find((w) => w.token.label === 'alertname')?.token.value;
    const factor = this.#o.foreignSymptom ?? 1;
    if (name !== undefined && profile.share(name) === 0 && factor < 1 && sum > 0) {
      // Said in the reason as what it cost: the incident never showed this symptom.
      explanation.push({ label: newSymptom, value: name, weight: round(-sum * (1 - factor)) });
      sum *= factor;
    }
    const traced = weights.filter((w) => w.token.label === tracedLabel).map((w) => w.token.value);
    const elsewhere = this.#o.foreignFailure ?? 1;
    if (traced.length > 0 && elsewhere < 1 && sum > 0 && traced.every((v) => profile.share(v) === 0)) {
      explanation.push({ label: otherFailure, value: traced[0] ?? '', weight: round(-sum * (1 - elsewhere)) });
      sum *= elsewhere;
    }
    const score = sum * Math.exp(-Math.abs(gap) / this.#o.decayMs);
    return { kind: 'joined', score: round(score), shared: explanation, sinceOnsetSeconds: round(gap / 1000) };
  }

  #indexAdd(value: string, id: string): void {
    let s = this.#index.get(value);
    if (s === undefined) this.#index.set(value, (s = new Set()));
    s.add(id);
  }

  #indexDelete(value: string, id: string): void {
    const s = this.#index.get(value);
    s?.delete(id);
    if (s?.size === 0) this.#index.delete(value);
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** The label of the values an alert names through its service's failed requests in traces. */
const tracedLabel = 'traced errors';

/** The reason's entry for `foreign_failure`: where the alert's requests failed, and what that took off. */
const otherFailure = 'failing elsewhere';

/** The reason's entry for `foreign_symptom`: the alert's name, and what the factor took off the score. */
const newSymptom = 'new symptom';

/** A shared symptom alone (two unrelated disks filling up) or learned affinity alone does not make one cause. */
const namesAnEntity = (why: CorrelationWhy): boolean =>
  why.shared.some((s) => s.weight > 0 && s.label !== 'alertname' && s.label !== 'learned');

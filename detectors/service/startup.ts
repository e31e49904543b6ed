/**
 * A process's own start-up is not something its users met: nobody is served before it listens. The platform
 * exports whether it serves (`insitechart_process_ready`, platform/telemetry/readiness.ts); the detector tier reads
 * that gauge through its sources like any series and leaves out every point a process's series had sampled until
 * the first reading of 1 (the point sampled with that reading too: it describes the interval that led up to it).
 * Nothing from start-up is scored or learned, so the lag of a cold start on a loaded machine cannot page, and a stall
 * after readiness meets the detectors exactly as before. Only what is known to be starting is left out: a process
 * first seen ready, or a series no readiness reading names, is judged from its first point, and once a process was
 * ready it is never left out again (draining, or readiness lost later, is news). A start-up that never finishes pages
 * on its own `graceMs` after the first reading that said "starting".
 */
import type { TopicInput } from '../../platform/backbone/topics.ts';
import { READY_METRIC } from '../../platform/telemetry/readiness.ts';
import type { Series, SeriesLabels } from '../series.ts';
import { gateStep, newGateState, type GateOptions, type GateState } from './gate.ts';

/** Labels that name a process: the in-process source's `service`, a Prometheus scrape's `job` and `instance`. */
const PROCESS_LABELS = ['service', 'job', 'instance'] as const;

interface Scope {
  /** The process-naming labels of its readiness series. */
  readonly labels: Readonly<Record<string, string>>;
  /** When its first reading was taken (epoch ms). */
  readonly firstSeen: number;
  /** The first reading of 1; -Infinity when the first reading already was 1; undefined while starting. */
  readyAt: number | undefined;
  /** Its overdue detection's hysteresis: published at onset, then as reminders, as any finding. */
  readonly gate: GateState;
}

export class StartupWatch {
  readonly #graceMs: number;
  readonly #maxScopes: number;
  /** By key; least recently read first (a pod gone for good is forgotten first). */
  readonly #scopes = new Map<string, Scope>();

  constructor(graceMs: number, maxScopes = 1_000) {
    this.#graceMs = graceMs;
    this.#maxScopes = maxScopes;
  }

  /** Reads the readiness series among one poll's series; before `admit` of the same poll. */
  observe(found: readonly Series[]): void {
    for (const series of found) {
      if (series.labels.__name__ !== READY_METRIC) continue;
      const labels = processLabels(series.labels);
      if (labels === undefined) continue;
      const key = JSON.stringify(labels);
      for (const point of series.points) {
        let scope = this.#scopes.get(key);
        if (scope === undefined) {
          if (this.#scopes.size >= this.#maxScopes) {
            const oldest = this.#scopes.keys().next().value;
            if (oldest !== undefined) this.#scopes.delete(oldest);
          }
          const readyAt = point.value >= 1 ? Number.NEGATIVE_INFINITY : undefined;
          scope = { labels, firstSeen: point.ts, readyAt, gate: newGateState() };
        } else if (scope.readyAt === undefined && point.value >= 1) scope.readyAt = point.ts;
        this.#scopes.delete(key);
        this.#scopes.set(key, scope);
      }
    }
  }

  /** The series without the points its process sampled before it was ready; undefined when none is left. */
  admit(series: Series): Series | undefined {
    const readyAt = this.#readyAt(series.labels);
    if (readyAt === Number.NEGATIVE_INFINITY) return series;
    if (readyAt === undefined) return undefined;
    const points = series.points.filter((p) => p.ts > readyAt);
    if (points.length === 0) return undefined;
    return points.length === series.points.length ? series : { labels: series.labels, points };
  }

  /**
   * Detections to publish now for processes that said "starting" `graceMs` ago or longer and have not been ready
   * since (onset, then reminders every `gate.repeatMs`; cleared once ready).
   */
  pages(now: number, gate: GateOptions): TopicInput<'detections'>[] {
    const due: TopicInput<'detections'>[] = [];
    for (const scope of this.#scopes.values()) {
      const overdue = scope.readyAt === undefined && now - scope.firstSeen >= this.#graceMs;
      const decision = gateStep(scope.gate, overdue ? 1 : 0, now, { ...gate, enter: 0.5, exit: 0.5 });
      if (decision === 'onset' || decision === 'repeat') due.push(startupDetection(scope, now));
    }
    return due;
  }

  /**
   * The readiness of the process the series' labels name (the most specific known one: every label of its readiness
   * series present with the same value; at most 7 lookups); -Infinity when none is known (nothing left out).
   */
  #readyAt(labels: SeriesLabels): number | undefined {
    const present = PROCESS_LABELS.filter((name) => labels[name] !== undefined);
    const subsets: (typeof PROCESS_LABELS)[number][][] = [[]];
    for (const name of present) for (const s of [...subsets]) subsets.push([...s, name]);
    subsets.sort((a, b) => b.length - a.length);
    for (const names of subsets) {
      if (names.length === 0) break;
      const key = JSON.stringify(Object.fromEntries(names.map((name) => [name, labels[name]])));
      const scope = this.#scopes.get(key);
      if (scope !== undefined) return scope.readyAt;
    }
    return Number.NEGATIVE_INFINITY;
  }
}

function processLabels(labels: SeriesLabels): Record<string, string> | undefined {
  const named: Record<string, string> = {};
  for (const name of PROCESS_LABELS) {
    const value = labels[name];
    if (value !== undefined) named[name] = value;
  }
  // A reading that names no process cannot say which series are its own: it leaves nothing out.
  return Object.keys(named).length === 0 ? undefined : named;
}

/** The detection of a start-up that has not finished: nobody can be served, so it pages as a symptom. */
function startupDetection(overdue: Scope, now: number): TopicInput<'detections'> {
  const name = overdue.labels.service ?? overdue.labels.job ?? overdue.labels.instance ?? 'the platform';
  const seconds = Math.round((now - overdue.firstSeen) / 1000);
  return {
    detector: 'startup',
    title: `Service unavailable: ${name} has not finished starting after ${String(seconds)} s`,
    severity: 'critical',
    series: { __name__: READY_METRIC, ...overdue.labels },
    score: 1,
    observed: 0,
    expected: { low: 1, high: 1 },
    ts: Math.round(now),
    explanation:
      `${name} reported ${READY_METRIC} 0 (starting) since ${new Date(overdue.firstSeen).toISOString()}, ` +
      `${String(seconds)} s: its start-up has not finished, so it serves nobody; what it sampled meanwhile is not ` +
      'scored (start-up is not what users meet), so this is the only page until it is ready.',
    related: [],
  };
}

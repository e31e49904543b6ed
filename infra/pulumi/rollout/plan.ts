/**
 * Progressive delivery as data: the canary's steps (traffic weight, metric gate, pause) and the blue-green
 * sequence, plus the state machine Argo Rollouts runs over them, so promotion, pauses and rollback on a
 * failing gate are unit-tested here; the Rollout CRs are rendered from the same steps (argo.ts).
 */

/** The gates every step passes: limits on what the new version shows. */
export interface Gates {
  readonly errorRate: number;
  readonly latencyP99Seconds: number;
  readonly anomalyScore: number;
}

export type GateName = 'error-rate' | 'latency-p99' | 'anomaly-score';

/** What the analysis measured on the new version (worst value over the analysis run). */
export interface Observation {
  readonly errorRate: number;
  readonly latencyP99Seconds: number;
  readonly anomalyScore: number;
}

export type Step =
  | { readonly kind: 'weight'; readonly weight: number }
  | { readonly kind: 'analysis' }
  /** Without seconds: held until a person (or the deploy workflow) resumes it. */
  | { readonly kind: 'pause'; readonly seconds?: number };

export interface CanaryOptions {
  readonly weights: readonly number[];
  readonly pauseSeconds: number;
  /** Hold the canary at this weight (0: every request back on the stable version); 100 or absent: run through. */
  readonly pin?: number;
}

/** Each weight is followed by a gate and a pause; a pinned weight is held after its gate until resumed. */
export function canarySteps(options: CanaryOptions): readonly Step[] {
  const { pin } = options;
  if (pin !== undefined && pin < 100) {
    if (pin === 0) return [{ kind: 'weight', weight: 0 }, { kind: 'pause' }];
    return [{ kind: 'weight', weight: pin }, { kind: 'analysis' }, { kind: 'pause' }];
  }
  return options.weights.flatMap((weight): Step[] => [
    { kind: 'weight', weight },
    { kind: 'analysis' },
    { kind: 'pause', seconds: options.pauseSeconds },
  ]);
}

export function failingGates(gates: Gates, observed: Observation): readonly GateName[] {
  const failing: GateName[] = [];
  // A NaN measurement (no data, broken query) fails its gate: absence of evidence never promotes.
  const above = (value: number, limit: number): boolean => !(value <= limit);
  if (above(observed.errorRate, gates.errorRate)) failing.push('error-rate');
  if (above(observed.latencyP99Seconds, gates.latencyP99Seconds)) failing.push('latency-p99');
  if (above(observed.anomalyScore, gates.anomalyScore)) failing.push('anomaly-score');
  return failing;
}

export type Phase = 'progressing' | 'paused' | 'promoted' | 'rolled-back';

export interface CanaryState {
  /** Index of the step waiting for a signal. */
  readonly step: number;
  /** Share of traffic (or replicas) on the new version. */
  readonly weight: number;
  readonly phase: Phase;
  /** Seconds already spent in the current timed pause. */
  readonly waited: number;
  readonly reason?: string;
}

export type Signal =
  | { readonly type: 'measured'; readonly observation: Observation }
  | { readonly type: 'elapsed'; readonly seconds: number }
  | { readonly type: 'resume' }
  | { readonly type: 'abort'; readonly reason: string };

export const canaryStart: CanaryState = { step: 0, weight: 0, phase: 'progressing', waited: 0 };

/** Consumes one signal and runs every step it unblocks; finished rollouts ignore further signals. */
export function advanceCanary(steps: readonly Step[], gates: Gates, state: CanaryState, signal: Signal): CanaryState {
  if (state.phase === 'promoted' || state.phase === 'rolled-back') return state;
  if (signal.type === 'abort') return rolledBack(state, signal.reason);
  let s: CanaryState = state;
  let pending: Signal | undefined = signal;
  for (;;) {
    const step = steps[s.step];
    if (step === undefined) return { ...s, weight: 100, phase: 'promoted', waited: 0 };
    if (step.kind === 'weight') {
      s = { ...s, step: s.step + 1, weight: step.weight, phase: 'progressing' };
      continue;
    }
    if (step.kind === 'analysis') {
      if (pending?.type !== 'measured') return { ...s, phase: 'progressing' };
      const failing = failingGates(gates, pending.observation);
      pending = undefined;
      if (failing.length > 0) return rolledBack(s, `gate failed: ${failing.join(', ')}`);
      s = { ...s, step: s.step + 1 };
      continue;
    }
    if (step.seconds === undefined) {
      if (pending?.type !== 'resume') return { ...s, phase: 'paused' };
    } else {
      const waited = s.waited + (pending?.type === 'elapsed' ? pending.seconds : 0);
      if (waited < step.seconds) return { ...s, phase: 'paused', waited };
    }
    pending = undefined;
    s = { ...s, step: s.step + 1, waited: 0, phase: 'progressing' };
  }
}

function rolledBack(state: CanaryState, reason: string): CanaryState {
  return { ...state, weight: 0, phase: 'rolled-back', waited: 0, reason };
}

/**
 * Blue-green: the new version runs beside the old on the preview Service; gates before the switch decide
 * whether it becomes active, gates after it decide whether it stays (else the old version is active again).
 */
export interface BlueGreenState {
  readonly phase: 'preview' | 'switched' | 'promoted' | 'rolled-back';
  readonly active: 'old' | 'new';
  readonly reason?: string;
}

export const blueGreenStart: BlueGreenState = { phase: 'preview', active: 'old' };

export function advanceBlueGreen(gates: Gates, state: BlueGreenState, signal: Signal): BlueGreenState {
  if (state.phase === 'promoted' || state.phase === 'rolled-back') return state;
  if (signal.type === 'abort') return { phase: 'rolled-back', active: 'old', reason: signal.reason };
  if (signal.type !== 'measured') return state;
  const failing = failingGates(gates, signal.observation);
  if (failing.length > 0) {
    const when = state.phase === 'preview' ? 'before' : 'after';
    return { phase: 'rolled-back', active: 'old', reason: `gate failed ${when} the switch: ${failing.join(', ')}` };
  }
  return state.phase === 'preview' ? { phase: 'switched', active: 'new' } : { phase: 'promoted', active: 'new' };
}

import { createRandom, type Random } from './random.ts';
import type { Channel, Incident, TelemetryRun } from './telemetry.ts';

/**
 * Fault-injection simulator: telemetry runs of a service (a minute per step) with faults injected on
 * purpose and labelled, plus harmless events that look alarming (traffic spikes, batch jobs, deploys,
 * queue bursts, GC pauses, a cache warming up), so a precursor model has to tell build-ups that end in
 * an outage from those that do not. Most faults build up over 15-60 minutes before the outage (a leak,
 * pool saturation, consumer lag, a traffic ramp to saturation); some strike without warning (a
 * dependency outage) and cannot be predicted: they stay in the data so the reported recall is honest.
 */
export interface SimulationOptions {
  readonly steps?: number;
  /** Chance that a run contains a fault (default 0.7). */
  readonly faultRate?: number;
  /** Share of faults with no build-up (default 0.1). */
  readonly suddenShare?: number;
}

export const FAULT_KINDS = [
  'memory-leak',
  'pool-exhaustion',
  'consumer-lag',
  'cpu-saturation',
  'dependency-outage',
] as const;
type FaultKind = (typeof FAULT_KINDS)[number];

interface Fault {
  readonly kind: FaultKind;
  readonly buildStart: number;
  readonly onset: number;
  readonly end: number;
}

interface Benign {
  readonly kind: 'traffic-spike' | 'batch-job' | 'deploy' | 'queue-burst' | 'gc-pause' | 'cache-warmup';
  readonly start: number;
  readonly length: number;
  readonly size: number;
}

export function simulateRuns(count: number, seed: number, options: SimulationOptions = {}): TelemetryRun[] {
  return Array.from({ length: count }, (_, i) =>
    simulateRun(`sim-${String(seed)}-${String(i)}`, createRandom(seed * 100_003 + i), options),
  );
}

export function simulateRun(id: string, rand: Random, options: SimulationOptions = {}): TelemetryRun {
  const steps = options.steps ?? 600;
  const faults: Fault[] = [];
  if (rand.chance(options.faultRate ?? 0.7)) {
    const sudden = rand.chance(options.suddenShare ?? 0.1);
    const kind: FaultKind = sudden
      ? 'dependency-outage'
      : ((['memory-leak', 'pool-exhaustion', 'consumer-lag', 'cpu-saturation'] as const)[rand.int(0, 3)] ??
        'memory-leak');
    const onset = rand.int(Math.min(180, steps - 40), Math.max(180, steps - 40));
    const build = sudden ? 0 : rand.int(15, 60);
    faults.push({ kind, buildStart: onset - build, onset, end: Math.min(steps - 1, onset + rand.int(10, 30)) });
  }
  const benignKinds: Benign['kind'][] = [
    'traffic-spike',
    'batch-job',
    'deploy',
    'queue-burst',
    'gc-pause',
    'cache-warmup',
  ];
  const benign: Benign[] = Array.from({ length: rand.int(2, 6) }, () => {
    const kind = benignKinds[rand.int(0, benignKinds.length - 1)] ?? 'gc-pause';
    const length =
      kind === 'cache-warmup' ? rand.int(60, 180) : kind === 'batch-job' ? rand.int(10, 30) : rand.int(2, 15);
    return { kind, start: rand.int(60, steps - 20), length, size: rand.uniform(0.5, 1) };
  });

  const baseRate = rand.uniform(50, 500);
  const dayPhase = rand.uniform(0, 1440);
  const load = rand.uniform(0.5, 0.9);
  const live0 = rand.uniform(0.3, 0.45);
  const gcPeriod = rand.int(5, 15);
  const gcAmp = rand.uniform(0.08, 0.2);
  const out: Record<Channel, number[]> = {
    request_rate: [],
    cpu: [],
    memory: [],
    latency_p99: [],
    error_ratio: [],
    queue_depth: [],
    pool_utilisation: [],
  };
  let backlog = 0;
  let live = live0;
  let gcPhase = 0;
  for (let t = 0; t < steps; t++) {
    const fault = faults.find((f) => t >= f.buildStart && t <= f.end);
    const progress = fault ? Math.min(1, (t - fault.buildStart + 1) / Math.max(1, fault.onset - fault.buildStart)) : 0;
    const outage = fault !== undefined && t >= fault.onset;
    const active = (kind: Benign['kind']) =>
      benign.find((b) => b.kind === kind && t >= b.start && t < b.start + b.length);

    let rate = baseRate * (1 + 0.25 * Math.sin((2 * Math.PI * (t + dayPhase)) / 1440)) * (1 + 0.04 * rand.normal());
    const spike = active('traffic-spike');
    if (spike) rate *= 1.3 + 0.7 * spike.size;
    if (fault?.kind === 'cpu-saturation') rate *= 1 + 1.2 * progress ** 1.5;
    const relative = rate / baseRate;

    let cpu = 0.08 + load * 0.6 * relative + 0.02 * rand.normal();
    const batch = active('batch-job');
    if (batch) cpu += 0.15 + 0.15 * batch.size;

    // Heap: the live set plus garbage that grows until each collection.
    const warm = active('cache-warmup');
    if (warm) live += (0.12 * warm.size) / warm.length;
    if (fault?.kind === 'memory-leak') live = live0 + (1.02 - live0) * progress ** 1.3;
    if (active('deploy') && t === (active('deploy')?.start ?? -1)) live = live0;
    gcPhase = (gcPhase + 1) % gcPeriod;
    const memory = Math.min(1, live + (gcAmp * gcPhase) / gcPeriod + 0.005 * rand.normal());

    let pool = 0.15 + 0.25 * relative + 0.03 * rand.normal();
    if (fault?.kind === 'pool-exhaustion') pool += (1.05 - pool) * progress ** 1.5;

    // Queue depth: messages in flight plus a backlog that consumers drain at a fixed pace.
    const burst = active('queue-burst');
    if (burst && t === burst.start) backlog += 2000 + 6000 * burst.size;
    backlog = Math.max(0, backlog - 400);
    if (fault?.kind === 'consumer-lag') backlog = Math.max(backlog, 20 * Math.exp(7.5 * progress), outage ? 20_000 : 0);
    const queue = 20 * relative * Math.exp(0.3 * rand.normal()) + backlog;

    const util = Math.min(0.97, Math.max(cpu, pool));
    let latency = (0.04 + 0.04 / (1 - util)) * Math.exp(0.1 * rand.normal());
    if (active('gc-pause')) latency *= 4;
    let errors = 0.001 + 0.0005 * Math.abs(rand.normal());
    if (active('deploy')) {
      errors += 0.02 + 0.03 * rand.uniform();
      latency *= 2;
    }
    if (outage) {
      errors += fault.kind === 'consumer-lag' ? 0.01 : rand.uniform(0.1, 0.4);
      latency *= 3;
    }
    // After the outage the service is restarted or scaled: the fault's cause is gone.
    if (fault && t === fault.end) {
      live = live0;
      backlog = 0;
    }
    out.request_rate.push(rate);
    out.cpu.push(clamp01(cpu));
    out.memory.push(clamp01(memory));
    out.latency_p99.push(latency);
    out.error_ratio.push(clamp01(errors));
    out.queue_depth.push(queue);
    out.pool_utilisation.push(clamp01(pool));
  }
  const incidents: Incident[] = faults.map((f) => ({ start: f.onset, end: f.end, kind: f.kind }));
  return { id, stepMs: 60_000, channels: out, incidents };
}

const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));

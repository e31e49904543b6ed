/**
 * A labelled storm from one of the world generators: twelve root causes (three database outages, two machine
 * failures, two feed stalls, three bad deploys, a broker loss, a cache outage) fanning out, plus forty
 * unrelated one-off alerts (the edge generator: fourteen causes, two of them zone outages, and sixty
 * one-offs); as Alertmanager sends them: repeats, flaps and resolves. Deterministic per seed. The `datacenter`
 * generator builds its storms itself (datacenter-storm.ts) from a cause model of its own.
 * The ground truth (`cause`) stays in the bench.
 */
import { seededRandom } from '../../../platform/random/seeded.ts';
import { causeSymptoms, noiseAlert, type CauseKind } from './causes.ts';
import { failureTraces, type FaultWindow } from './failures.ts';
import { datacenterStorm } from './datacenter-storm.ts';
import { edgeWorld } from './edge.ts';
import { estateWorld, renderEstate } from './estate.ts';
import { fleetWorld } from './fleet.ts';
import { kubernetesWorld } from './kubernetes.ts';
import { marketWorld } from './market.ts';
import { saasWorld } from './saas.ts';
import { telcoWorld } from './telco.ts';
import { SpanMaker, tracesOf, versionsOf, type TraceSpan } from './traces.ts';
import type { World } from './world.ts';

export const generators = {
  kubernetes: kubernetesWorld,
  fleet: fleetWorld,
  market: marketWorld,
  saas: saasWorld,
  edge: edgeWorld,
  telco: telcoWorld,
  estate: estateWorld,
} as const;
/**
 * The generators settings were chosen on (tune.ts); `saas`, `edge` and `telco` (written later, the last two
 * with cause mixes of their own) only check that they were not fitted to these.
 */
export const tuningGenerators = ['kubernetes', 'fleet', 'market'] as const;
/**
 * Generators with a world, cause model, alert sources and traces of their own (none of the above's World,
 * causes.ts or failures.ts): `datacenter`, written in the fifth round before the correlator ran on it.
 */
const ownModels = { datacenter: datacenterStorm } as const;
export type GeneratorName = keyof typeof generators | keyof typeof ownModels;
export const generatorNames = [...Object.keys(generators), ...Object.keys(ownModels)] as [
  GeneratorName,
  ...GeneratorName[],
];

export interface StormAlert {
  readonly labels: Record<string, string>;
  readonly status: 'firing' | 'resolved';
  /** Simulated event time (ms from the storm's start) of this send. */
  readonly at: number;
  /** When the alert (this label set) started firing. */
  readonly startsAt: number;
  /** Ground truth: `root-N` or `noise-N`. */
  readonly cause: string;
}

export interface Storm {
  readonly name: string;
  readonly alerts: StormAlert[];
  readonly spanMs: number;
  /** The label an Alertmanager user would group by in this vocabulary (the baseline). */
  readonly serviceLabel: string;
  /**
   * Spans the services sent: before the storm (storms/traces.ts, its view of who calls whom) and while it
   * lasts (storms/failures.ts, where requests failed), in the order they are sent.
   */
  readonly traces: readonly TraceSpan[];
}

const defaultMix: readonly CauseKind[] = [
  'database',
  'database',
  'database',
  'machine',
  'machine',
  'feed',
  'feed',
  'deploy',
  'deploy',
  'deploy',
  'broker',
  'cache',
];

/**
 * Generators whose monitoring sources rename what the cause model's alerts name (estate.ts), and the label
 * the baseline groups by there (the Prometheus one, as datacenter's).
 */
const renderers: Partial<
  Record<
    GeneratorName,
    {
      readonly render: (world: World, labels: Record<string, string>) => Record<string, string>;
      readonly serviceLabel: string;
    }
  >
> = { estate: { render: renderEstate, serviceLabel: 'job' } };

const times = (kind: CauseKind, n: number): CauseKind[] => Array.from({ length: n }, () => kind);

/** Generators with a cause mix of their own: which causes, how many one-offs. */
const mixes: Partial<Record<GeneratorName, { readonly causes: readonly CauseKind[]; readonly noise: number }>> = {
  edge: {
    causes: [
      'zone',
      'zone',
      'machine',
      'machine',
      'feed',
      'feed',
      'feed',
      'deploy',
      'deploy',
      'deploy',
      'cache',
      'cache',
      'database',
      'broker',
    ],
    noise: 60,
  },
  telco: {
    causes: [
      'zone',
      'machine',
      'machine',
      'database',
      'database',
      'cache',
      'broker',
      'feed',
      'deploy',
      'deploy',
      'deploy',
    ],
    noise: 50,
  },
  estate: {
    causes: [...times('machine', 3), ...times('database', 2), 'cache', 'broker', 'feed', ...times('deploy', 4)],
    noise: 45,
  },
};

/** How long a fault makes requests fail (alerts resolve 3-8 minutes after they start). */
const faultMs = 6 * 60_000;

export function generateStorm(name: GeneratorName, seed: number): Storm {
  if (name === 'datacenter') return ownModels[name](seed);
  const generator = name;
  const { causes: mix, noise } = mixes[generator] ?? { causes: defaultMix, noise: 40 };
  const random = seededRandom(seed * 7919 + generator.length);
  const world: World = generators[generator](random);
  const spanMs = 15 * 60_000;
  const alerts: StormAlert[] = [];
  const seen = new Set<string>();
  const renderer = renderers[generator];
  const emit = (described: Record<string, string>, at: number, cause: string): void => {
    const labels = renderer === undefined ? described : renderer.render(world, described);
    const key = JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) return;
    seen.add(key);
    const send = (status: StormAlert['status'], t: number): void => {
      if (t < spanMs) alerts.push({ labels, status, at: t, startsAt: at, cause });
    };
    send('firing', at);
    const repeats = 2 + Math.floor(random() * 5);
    for (let k = 1; k <= repeats; k++) send('firing', at + k * 60_000 + random() * 5_000);
    if (random() < 0.08) {
      const off = at + 20_000 + random() * 40_000;
      send('resolved', off);
      send('firing', off + 30_000);
    }
    if (random() < 0.25) send('resolved', at + 180_000 + random() * 300_000);
  };
  const faults: FaultWindow[] = [];
  mix.forEach((kind, r) => {
    const start = random() * spanMs * 0.85;
    const cause = causeSymptoms(world, kind, random);
    for (const s of cause.symptoms) emit(s.labels, start + s.delayMs, `root-${String(r)}`);
    faults.push({ fault: cause.fault, onsetMs: start, endMs: start + faultMs });
  });
  for (let n = 0; n < noise; n++) emit(noiseAlert(world, random), random() * spanMs * 0.9, `noise-${String(n)}`);
  alerts.sort((a, b) => a.at - b.at);
  // Their own random streams: the alerts of a seed are the same with or without traces.
  const traceRandom = seededRandom(seed * 104_729 + generator.length);
  const make = new SpanMaker(world, traceRandom, versionsOf(world, traceRandom));
  const before = tracesOf(world, traceRandom, make);
  const during = failureTraces(world, faults, spanMs, seededRandom(seed * 15_485_863 + generator.length), make);
  const traces = [...before, ...during];
  const serviceLabel = renderer?.serviceLabel ?? world.vocabulary.service;
  return { name: `${generator}-${String(seed)}`, alerts, spanMs, serviceLabel, traces };
}

import { faultKinds, type FaultKind } from '../../platform/faults/kinds.ts';

/** One planned injection: when (ms after the platform started), what, where, for how long, how hard. */
export interface PlannedFault {
  readonly atMs: number;
  readonly kind: FaultKind;
  readonly service: string;
  readonly durationMs: number;
  readonly intensity: number;
  readonly maxBytes?: number;
}

/** Targets the bench's load reaches (a fault nobody calls is not a fault users see). */
const targets: Readonly<Record<FaultKind, readonly string[]>> = {
  latency: ['market-data', 'analytics', 'sentiment', 'alerts'],
  'error-rate': ['market-data', 'analytics', 'sentiment', 'alerts'],
  'bad-deploy': ['market-data', 'analytics', 'sentiment', 'alerts'],
  'memory-leak': ['market-data', 'analytics'],
  'feed-stall': ['market-feed'],
  'consumer-lag': ['market-data', 'price-alerts-ticks'],
  'disk-fill': ['market-data', 'alerts'],
};

const MB = 1024 * 1024;
const strength: Readonly<Record<FaultKind, { intensity: number; maxBytes?: number }>> = {
  latency: { intensity: 800 },
  'error-rate': { intensity: 0.5 },
  'bad-deploy': { intensity: 1 },
  'memory-leak': { intensity: 24 * MB, maxBytes: 384 * MB },
  'feed-stall': { intensity: 1 },
  'consumer-lag': { intensity: 250 },
  'disk-fill': { intensity: 32 * MB, maxBytes: 384 * MB },
};

/**
 * Every kind `repeats` times in a seeded random order, one at a time: the time after `firstAtMs` is cut into one
 * slot per fault, and each fault starts at a random moment of its slot, lasting `faultShare` of the slot at most
 * (the rest lets the platform settle before the next).
 */
export function plan(random: () => number, runMs: number, firstAtMs: number, repeats: number): PlannedFault[] {
  const kinds = faultKinds.flatMap((kind) => Array.from({ length: repeats }, () => kind));
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] ?? kinds[i] ?? 'latency', kinds[i] ?? 'latency'];
  }
  const slotMs = (runMs - firstAtMs) / kinds.length;
  const durationMs = Math.min(60_000, Math.round(slotMs * 0.6));
  return kinds.map((kind, i) => {
    const jitter = i === 0 ? 0 : Math.floor(random() * (slotMs - durationMs) * 0.5);
    const choices = targets[kind];
    return {
      atMs: Math.round(firstAtMs + i * slotMs + jitter),
      kind,
      service: choices[Math.floor(random() * choices.length)] ?? choices[0] ?? 'market-data',
      durationMs,
      ...strength[kind],
    };
  });
}

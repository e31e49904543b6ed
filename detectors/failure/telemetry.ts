import { z } from 'zod';

/**
 * The recent telemetry the precursor model reads, one sample per step (a minute by default), oldest
 * first. Units: ratios in [0, 1] for cpu, memory, error_ratio and pool_utilisation; seconds for
 * latency_p99; messages for queue_depth; requests per second for request_rate. A channel may be absent.
 */
export const CHANNELS = [
  'request_rate',
  'cpu',
  'memory',
  'latency_p99',
  'error_ratio',
  'queue_depth',
  'pool_utilisation',
] as const;
export type Channel = (typeof CHANNELS)[number];
export type ChannelSeries = Partial<Record<Channel, readonly number[]>>;

/** Channels that are shares of a capacity (used as they are); the others are read on a log scale. */
export const RATIO_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([
  'cpu',
  'memory',
  'error_ratio',
  'pool_utilisation',
]);

export interface Incident {
  /** Step index of the onset (the first step of the outage) and of the last step. */
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

/** One labelled run: telemetry and the incidents in it (for example from a fault-injection experiment). */
export interface TelemetryRun {
  readonly id: string;
  readonly stepMs: number;
  readonly channels: ChannelSeries;
  readonly incidents: readonly Incident[];
}

const series = z.array(z.number().refine(Number.isFinite, 'values must be finite numbers'));

/** The JSON-lines format `npm run train -- precursor --data FILE` reads: one run per line. */
export const telemetryRunSchema = z
  .object({
    id: z.string().min(1),
    stepMs: z.number().int().positive(),
    channels: z.partialRecord(z.enum(CHANNELS), series),
    incidents: z.array(
      z
        .object({ start: z.number().int().min(0), end: z.number().int().min(0), kind: z.string().min(1) })
        .refine((i) => i.end >= i.start, 'an incident ends after it starts'),
    ),
  })
  .refine(
    (run) => new Set(Object.values(run.channels).map((v) => v.length)).size <= 1,
    'all channels of a run have the same length',
  );

export function runLength(run: TelemetryRun): number {
  for (const values of Object.values(run.channels)) return values.length;
  return 0;
}

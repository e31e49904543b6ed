import { z } from 'zod';

/**
 * Objects are strict: an unknown field is an error, not silently dropped, so producers learn of typos.
 *
 * The topic catalog: every topic on the backbone with the schema its events' `data` must satisfy.
 * Adapters create topics from this list (Kafka) or validate against it (all adapters).
 */
const labels = z.record(z.string(), z.string());
const symbol = z.string().regex(/^[A-Z0-9.^=-]{1,15}$/, 'must be an upper-case ticker symbol');
const epochMs = z.number().int().nonnegative();

export const marketTick = z.strictObject({
  symbol,
  price: z.number().positive(),
  size: z.number().int().nonnegative(),
  bid: z.number().positive().optional(),
  ask: z.number().positive().optional(),
  ts: epochMs,
});

const barInterval = z.enum(['1s', '1m', '5m', '1h', '1d']);
/** One OHLCV bar: its bucket start and prices. */
const barFields = {
  start: epochMs,
  open: z.number().positive(),
  high: z.number().positive(),
  low: z.number().positive(),
  close: z.number().positive(),
  volume: z.number().nonnegative(),
};

export const marketBar = z.strictObject({ symbol, interval: barInterval, ...barFields });

/** Past bars a feed loads at start (backfill): stored where no bar exists yet, never over a stored bar. */
export const marketHistory = z.strictObject({
  symbol,
  interval: barInterval,
  bars: z.array(z.strictObject(barFields)).min(1).max(2_000),
});

/** The instruments a running feed produces: what has a live source, as opposed to the catalog. */
export const marketUniverse = z.strictObject({
  feed: z.string().min(1).max(40),
  simulated: z.boolean(),
  timeZone: z.string().min(1),
  symbols: z.array(symbol).max(10_000),
  ts: epochMs,
});

export const userAlert = z.strictObject({
  alertId: z.string().min(1),
  userId: z.string().min(1),
  symbol,
  kind: z.enum(['price_above', 'price_below', 'percent_move', 'volume_spike', 'correlation_break']),
  threshold: z.number(),
  observed: z.number(),
  message: z.string(),
});

export const opsAlert = z.strictObject({
  fingerprint: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels,
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  source: z.string().min(1),
  generatorURL: z.string().optional(),
});

export const detection = z.strictObject({
  detector: z.string().min(1),
  series: labels,
  score: z.number().min(0).max(1),
  observed: z.number(),
  expected: z.strictObject({ low: z.number(), high: z.number() }),
  ts: epochMs,
  explanation: z.string(),
  related: z.array(labels).default([]),
  /** What users or operators see, from what the series means (detectors/service/meaning.ts). */
  title: z.string().max(500).optional(),
  /** How much it matters, from what the series means: a user-facing symptom pages, context informs. */
  severity: z.enum(['critical', 'error', 'warning', 'info']).optional(),
});

/** The steps of a remediation's life, in the order they can happen (detectors/remediation). */
export const remediationStatuses = [
  'planned',
  'blocked',
  'pending_approval',
  'approved',
  'rejected',
  'expired',
  'dry_run',
  'applied',
  'failed',
  'verified',
  'verification_failed',
  'rolled_back',
  /** A temporary mitigation lifted after its signal stayed normal (its undo run); re-applied if the signal returns. */
  'restored',
] as const;

/** One step in a remediation's life (detectors/remediation): planned, approved or not, applied, verified, undone. */
export const remediation = z.strictObject({
  action: z.string().min(1),
  target: labels,
  reason: z.string(),
  status: z.enum(remediationStatuses),
  detectionId: z.string().optional(),
  /** The remediation every step of one action shares. */
  remediationId: z.string().min(1).max(100).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  risk: z.enum(['low', 'medium', 'high']).optional(),
  policy: z.string().max(200).optional(),
  /** The alert fingerprint of the signal that triggered it: the incident it belongs to. */
  fingerprint: z.string().max(300).optional(),
  detail: z.string().max(2_000).optional(),
});

export const notification = z.strictObject({
  channel: z.string().min(1),
  recipient: z.string().min(1),
  subject: z.string(),
  body: z.string(),
  priority: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  incidentId: z.string().optional(),
});

export const auditRecord = z.strictObject({
  actor: z.string().min(1),
  action: z.string().min(1),
  resource: z.string().min(1),
  details: z.record(z.string(), z.unknown()).default({}),
});

/** A relationship that broke: the recent correlation of a pair differs significantly from its baseline. */
export const correlationBreak = z.strictObject({
  a: symbol,
  b: symbol,
  interval: z.enum(['1s', '1m', '5m', '1h', '1d']),
  baseline: z.number().min(-1).max(1),
  recent: z.number().min(-1).max(1),
  delta: z.number().min(-2).max(2),
  /** Fisher z statistic of recent vs baseline and its two-sided p-value. */
  z: z.number(),
  pvalue: z.number().min(0).max(1),
  baselineN: z.number().int().positive(),
  recentN: z.number().int().positive(),
  /** Start of the bar that completed the recent window. */
  ts: epochMs,
});

/** One scored text about a symbol, with the symbol's time-decayed aggregate after it. */
export const sentimentScore = z.strictObject({
  id: z.string().min(1),
  symbol,
  kind: z.enum(['news', 'social']),
  source: z.string().min(1),
  text: z.string().max(1000),
  /** Normalised score of this text in [-1, 1]. */
  score: z.number().min(-1).max(1),
  /** Time-decayed mean score of the symbol including this text, in [-1, 1]. */
  aggregate: z.number().min(-1).max(1),
  ts: epochMs,
});

/** Calls from one service to another seen in traces over one window (the OTLP collector's service graph). */
export const serviceCalls = z.strictObject({
  edges: z
    .array(
      z.strictObject({
        caller: z.string().min(1).max(256),
        callee: z.string().min(1).max(256),
        calls: z.number().int().positive(),
      }),
    )
    .max(10_000),
  /** Failed requests seen in traces: the service (and instance) that failed, where the failure started. */
  errors: z
    .array(
      z.strictObject({
        at: z.number().int().nonnegative(),
        on: z.array(z.string().min(1).max(256)).min(1).max(2),
        origin: z.array(z.string().min(1).max(256)).min(1).max(2),
        count: z.number().int().positive(),
      }),
    )
    .max(10_000)
    .optional(),
  /** Addresses hosts reported for themselves in traces (`host.name`, `host.ip`). */
  hosts: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(256),
        addresses: z.array(z.string().min(1).max(64)).min(1).max(8),
      }),
    )
    .max(10_000)
    .optional(),
  windowMs: z.number().int().positive(),
});

/** What a dead-letter topic carries: the original event as it was, and why it could not be handled. */
export const deadLetter = z.strictObject({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  group: z.string(),
  attempts: z.number().int().nonnegative(),
  error: z.string(),
  original: z.unknown(),
});

export const topicCatalog = {
  'market.ticks': { schema: marketTick, description: 'trades and quotes from market feeds, keyed by symbol' },
  'market.bars': { schema: marketBar, description: 'OHLCV bars per symbol and interval, keyed by symbol' },
  'market.history': {
    schema: marketHistory,
    description: 'past bars a feed loads at start (backfill), keyed by symbol; stored only where none is',
  },
  'market.universe': {
    schema: marketUniverse,
    description: 'the instruments the running feed produces, keyed by feed',
  },
  'alerts.user': { schema: userAlert, description: "end users' price alerts that fired, keyed by user" },
  'alerts.ops': {
    schema: opsAlert,
    description: 'operational alerts from Alertmanager and other sources, keyed by fingerprint',
  },
  detections: { schema: detection, description: 'anomalies and predictions from the detector tier, keyed by series' },
  remediations: { schema: remediation, description: 'remediation actions planned and applied, keyed by target' },
  notifications: { schema: notification, description: 'messages to deliver to people, keyed by recipient' },
  audit: { schema: auditRecord, description: 'every user and operator action, keyed by actor' },
  'analytics.correlation': {
    schema: correlationBreak,
    description: 'correlation breaks between symbol pairs from streaming analytics, keyed by pair',
  },
  'traces.service-graph': {
    schema: serviceCalls,
    description: 'service-to-service calls seen in traces per window, keyed by collector',
  },
  'sentiment.scores': {
    schema: sentimentScore,
    description: 'scored news and social texts per symbol with the time-decayed aggregate, keyed by symbol',
  },
} as const;

export type BaseTopicName = keyof typeof topicCatalog;
/** Each topic has one dead-letter topic, `<topic>.dlq`, as Kafka Connect names them. */
export type DeadLetterTopicName = `${BaseTopicName}.dlq`;
export type TopicName = BaseTopicName | DeadLetterTopicName;
export type DeadLetter = z.output<typeof deadLetter>;
export type TopicData<T extends TopicName> = T extends BaseTopicName
  ? z.output<(typeof topicCatalog)[T]['schema']>
  : DeadLetter;
export type TopicInput<T extends TopicName> = T extends BaseTopicName
  ? z.input<(typeof topicCatalog)[T]['schema']>
  : z.input<typeof deadLetter>;

export const topicNames = Object.keys(topicCatalog) as BaseTopicName[];

export function deadLetterTopic(topic: BaseTopicName): DeadLetterTopicName {
  return `${topic}.dlq`;
}

/** Every topic the backbone carries: the catalog's and their dead-letter topics. */
export const allTopicNames: readonly TopicName[] = [...topicNames, ...topicNames.map(deadLetterTopic)];

export function isDeadLetterTopic(topic: TopicName): topic is DeadLetterTopicName {
  return topic.endsWith('.dlq');
}

export function isTopicName(name: string): name is TopicName {
  return (allTopicNames as readonly string[]).includes(name);
}

export function schemaFor(topic: TopicName): z.ZodType {
  return isDeadLetterTopic(topic) ? deadLetter : topicCatalog[topic].schema;
}

import { z } from 'zod';
import { eventId } from './event-id.ts';
import { compileCheck } from './schema-check.ts';
import { schemaFor, type TopicData, type TopicInput, type TopicName } from './topics.ts';

/**
 * A CloudEvents 1.0 envelope (structured mode). `subject` carries the partition key; W3C trace context
 * travels in the `traceparent` / `tracestate` extension attributes (CloudEvents distributed tracing).
 */
export interface Envelope<D = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: D;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Extension attribute: the authenticated identity whose request caused the event (`user:alice`, `token:am`). */
  readonly actor?: string;
}

export type TopicEnvelope<T extends TopicName> = Envelope<TopicData<T>>;

export interface PublishInput<T extends TopicName> {
  /** Partition key: events with one key keep their order. */
  readonly key: string;
  /** Validated, then carried as it is: do not mutate it after publishing. */
  readonly data: TopicInput<T>;
  readonly source?: string;
  readonly id?: string;
  readonly time?: Date;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly actor?: string;
}

export const EVENT_TYPE_PREFIX = 'com.insitechart.';

/** Thrown when an event's data does not match its topic's schema; carries the schema's messages. */
export class InvalidEventError extends Error {
  readonly topic: string;
  constructor(topic: string, detail: string) {
    super(`invalid event for topic ${topic}: ${detail}`);
    this.name = 'InvalidEventError';
    this.topic = topic;
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

const checks = new Map<TopicName, ((data: unknown) => boolean) | undefined>();

function fastCheck(topic: TopicName): ((data: unknown) => boolean) | undefined {
  if (!checks.has(topic)) checks.set(topic, compileCheck(schemaFor(topic)));
  return checks.get(topic);
}

/**
 * Validates an event's data against its topic's schema. Valid data of a schema without defaults or
 * transforms is returned as it is (not copied): a publisher must not mutate data after publishing it.
 */
export function validateData<T extends TopicName>(topic: T, data: unknown): TopicData<T> {
  if (fastCheck(topic)?.(data) === true) return data as TopicData<T>;
  const parsed = schemaFor(topic).safeParse(data);
  if (!parsed.success) throw new InvalidEventError(topic, describe(parsed.error));
  return parsed.data as TopicData<T>;
}

let lastMs = -1;
let lastIso = '';

/** ISO time of `ms`, cached for the current millisecond: at high publish rates most events share one. */
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `type` per topic, built once: a concatenation per event would be one more object kept with each event. */
const eventTypes = new Map<TopicName, string>();

function eventType(topic: TopicName): string {
  let type = eventTypes.get(topic);
  if (type === undefined) {
    type = EVENT_TYPE_PREFIX + topic;
    eventTypes.set(topic, type);
  }
  return type;
}

/**
 * Builds a validated envelope for publishing; rejects bad data before it reaches any transport. `now`
 * (epoch ms) lets a caller that also needs the time read the clock once.
 */
export function createEnvelope<T extends TopicName>(
  topic: T,
  input: PublishInput<T>,
  defaultSource: string,
  now: number = Date.now(),
): TopicEnvelope<T> {
  if (typeof input.key !== 'string' || input.key.length === 0)
    throw new InvalidEventError(topic, 'key: must be a non-empty string');
  // Validated first: only a known topic gets an entry in the type cache.
  const data = validateData(topic, input.data);
  const envelope: Mutable<TopicEnvelope<T>> = {
    specversion: '1.0',
    id: input.id ?? eventId(),
    source: input.source ?? defaultSource,
    type: eventType(topic),
    time: input.time === undefined ? isoTime(now) : input.time.toISOString(),
    subject: input.key,
    datacontenttype: 'application/json',
    data,
  };
  // Absent rather than undefined: the envelope must survive a JSON round trip unchanged.
  if (input.traceparent !== undefined) envelope.traceparent = input.traceparent;
  if (input.tracestate !== undefined) envelope.tracestate = input.tracestate;
  if (input.actor !== undefined) envelope.actor = input.actor;
  return envelope;
}

const envelopeShape = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
  traceparent: z.string().optional(),
  tracestate: z.string().optional(),
  actor: z.string().max(200).optional(),
});

/** Parses an envelope that arrived from outside the process (durable log, Kafka) and validates its data. */
export function parseEnvelope<T extends TopicName>(topic: T, raw: unknown): TopicEnvelope<T> {
  const parsed = envelopeShape.safeParse(raw);
  if (!parsed.success) throw new InvalidEventError(topic, `envelope ${describe(parsed.error)}`);
  if (parsed.data.type !== EVENT_TYPE_PREFIX + topic) {
    throw new InvalidEventError(topic, `envelope type ${parsed.data.type} does not belong to this topic`);
  }
  const data = validateData(topic, parsed.data.data);
  const { traceparent, tracestate, actor, ...rest } = parsed.data;
  return {
    ...rest,
    data,
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(tracestate === undefined ? {} : { tracestate }),
    ...(actor === undefined ? {} : { actor }),
  };
}

import type { IHeaders, Message } from 'kafkajs';
import { parseEnvelope, type Envelope, type TopicEnvelope } from '../envelope.ts';
import type { TopicName } from '../topics.ts';

/** CloudEvents Kafka protocol binding, structured mode: the whole event is the value. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/**
 * The record for an envelope. The key is the subject, so Kafka's partitioner keeps one key's events in
 * order; `ce_type`/`ce_id` let tools route and dedupe without parsing the value, and the W3C trace headers
 * let Kafka instrumentation join the producer's trace.
 */
export function encodeEnvelope(envelope: Envelope, timestampMs: number): Message {
  const headers: IHeaders = {
    'content-type': STRUCTURED_CONTENT_TYPE,
    ce_type: envelope.type,
    ce_id: envelope.id,
  };
  if (envelope.traceparent !== undefined) headers.traceparent = envelope.traceparent;
  if (envelope.tracestate !== undefined) headers.tracestate = envelope.tracestate;
  return { key: envelope.subject, value: JSON.stringify(envelope), headers, timestamp: String(timestampMs) };
}

export type DecodedRecord<T extends TopicName> =
  | { readonly ok: true; readonly envelope: TopicEnvelope<T>; readonly original: unknown }
  | { readonly ok: false; readonly error: string; readonly original: unknown };

/** Parses a record's value; a failure carries the value as far as it could be read, for the dead letter. */
export function decodeRecord<T extends TopicName>(topic: T, value: Buffer | null): DecodedRecord<T> {
  if (value === null) return { ok: false, error: 'record has no value', original: null };
  const text = value.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `value is not JSON: ${errorMessage(error)}`, original: text };
  }
  try {
    return { ok: true, envelope: parseEnvelope(topic, json), original: json };
  } catch (error) {
    return { ok: false, error: errorMessage(error), original: json };
  }
}

/** A header as a string (kafkajs hands them over as Buffers), the first one when repeated. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

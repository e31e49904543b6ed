import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

export type Signal = 'metrics' | 'traces' | 'logs';
export type Encoding = 'protobuf' | 'json';

/** The trimmed OTLP definitions, parsed once: protobufjs decodes any OTLP/protobuf payload with them. */
const root = protobuf.parse(readFileSync(new URL('./otlp.proto', import.meta.url), 'utf8')).root;

const requestType = {
  metrics: root.lookupType('otlp.ExportMetricsServiceRequest'),
  traces: root.lookupType('otlp.ExportTraceServiceRequest'),
  logs: root.lookupType('otlp.ExportLogsServiceRequest'),
} as const;
const responseType = {
  metrics: root.lookupType('otlp.ExportMetricsServiceResponse'),
  traces: root.lookupType('otlp.ExportTraceServiceResponse'),
  logs: root.lookupType('otlp.ExportLogsServiceResponse'),
} as const;
const rpcStatus = root.lookupType('otlp.RpcStatus');

/** The field of the partial-success message that counts what was rejected, per signal. */
export const rejectedField = {
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
} as const;

/** Raised when a body cannot be decoded at all; the receiver answers 400 with its message. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/**
 * Decodes an OTLP/protobuf request into the shape of its OTLP/JSON encoding (lowerCamelCase fields,
 * 64-bit integers as decimal strings, enums as numbers), so one schema validates both encodings.
 */
export function decodeProtobuf(signal: Signal, body: Uint8Array): unknown {
  const type = requestType[signal];
  try {
    return type.toObject(type.decode(body), {
      longs: String,
      bytes: String,
      enums: Number,
      defaults: false,
      arrays: true,
    });
  } catch (error) {
    throw new OtlpDecodeError(
      `body is not a valid ${type.name} protobuf message: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function decodeJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface PartialSuccess {
  readonly rejected: number;
  readonly errorMessage: string;
}

/** The Export*ServiceResponse: an empty message on full success, `partial_success` when anything was rejected. */
export function encodeResponse(
  signal: Signal,
  encoding: Encoding,
  partial: PartialSuccess | undefined,
): Uint8Array | string {
  const body =
    partial === undefined || (partial.rejected === 0 && partial.errorMessage === '')
      ? {}
      : { partialSuccess: { [rejectedField[signal]]: partial.rejected, errorMessage: partial.errorMessage } };
  if (encoding === 'json') return JSON.stringify(body);
  const type = responseType[signal];
  return type.encode(type.fromObject(body)).finish();
}

/** A google.rpc.Status, the body OTLP prescribes for error responses. */
export function encodeStatus(encoding: Encoding, code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return rpcStatus.encode(rpcStatus.fromObject({ code, message })).finish();
}

/** Encodes a request (tests and tools that send OTLP/protobuf without an SDK exporter). */
export function encodeRequest(signal: Signal, request: Record<string, unknown>): Uint8Array {
  const type = requestType[signal];
  return type.encode(type.fromObject(request)).finish();
}

export function decodeResponse(signal: Signal, body: Uint8Array): unknown {
  const type = responseType[signal];
  return type.toObject(type.decode(body), { longs: Number, defaults: false });
}

export function decodeStatus(body: Uint8Array): unknown {
  return rpcStatus.toObject(rpcStatus.decode(body), { defaults: false });
}

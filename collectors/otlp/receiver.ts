import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';
import { ZodError } from 'zod';
import {
  decodeJson,
  decodeProtobuf,
  encodeResponse,
  encodeStatus,
  OtlpDecodeError,
  type Encoding,
  type Signal,
} from './codec.ts';
import type { MetricsConverter, Sample } from './metrics.ts';
import { checkNesting } from './nesting.ts';
import { logsRequest, metricsRequest, tracesRequest } from './schema.ts';
import type { SignalAggregator } from './signals.ts';

const gunzipAsync = promisify(gunzip);

export interface ReceiverLimits {
  /** Largest request body accepted on the wire (compressed or not). */
  readonly maxBodyBytes: number;
  /** Largest body after gunzip: guards against compression bombs. */
  readonly maxDecodedBytes: number;
  /** Requests processed at once; more get 503 with Retry-After. */
  readonly maxInFlight: number;
  /** Sustained items (points, spans, records) per second; bursts up to one second's worth above. Beyond: 429. */
  readonly maxItemsPerSecond: number;
}

export interface ReceiverObserver {
  request(signal: Signal, encoding: Encoding | 'unknown', status: number): void;
  items(signal: Signal, accepted: number, rejected: number): void;
}

export interface ReceiverOptions {
  readonly limits: ReceiverLimits;
  readonly converter: MetricsConverter;
  readonly aggregator: SignalAggregator;
  /** Where metric samples go (the OTLP source's store). */
  readonly sink: (samples: readonly Sample[]) => void;
  readonly observer?: ReceiverObserver;
  readonly now?: () => number;
}

/** A refusal with its HTTP status, gRPC-style code for the Status body, and Retry-After when retryable. */
class Refusal extends Error {
  readonly status: number;
  readonly code: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: number, message: string, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
// google.rpc.Code values for the Status body.
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNIMPLEMENTED = 12;

function encodingOf(req: Request): Encoding | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

async function readBody(req: Request, limits: ReceiverLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBodyBytes)
    throw new Refusal(
      413,
      RESOURCE_EXHAUSTED,
      `request body of ${declared} bytes exceeds the limit of ${limits.maxBodyBytes} bytes`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Not destroyed on an early exit: the 413 must still reach the client before the connection closes.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxBodyBytes)
        throw new Refusal(413, RESOURCE_EXHAUSTED, `request body exceeds the limit of ${limits.maxBodyBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    // The client went away or broke the stream mid-body: nothing to process, nothing worth a 500.
    throw new Refusal(
      400,
      INVALID_ARGUMENT,
      `request body could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const body = Buffer.concat(chunks);
  const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (contentEncoding === 'identity' || contentEncoding === '') return body;
  if (contentEncoding !== 'gzip')
    throw new Refusal(
      415,
      INVALID_ARGUMENT,
      `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}: use gzip or none`,
    );
  try {
    return await gunzipAsync(body, { maxOutputLength: limits.maxDecodedBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new Refusal(
        413,
        RESOURCE_EXHAUSTED,
        `decompressed body exceeds the limit of ${limits.maxDecodedBytes} bytes`,
      );
    throw new Refusal(
      400,
      INVALID_ARGUMENT,
      `body is not valid gzip: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Counts a request's items before processing, for rate limiting. */
function itemCount(signal: Signal, request: unknown): number {
  let n = 0;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
  const field = (v: unknown, name: string): unknown =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[name] : undefined;
  const [resources, scopes, items] =
    signal === 'metrics'
      ? ['resourceMetrics', 'scopeMetrics', 'metrics']
      : signal === 'traces'
        ? ['resourceSpans', 'scopeSpans', 'spans']
        : ['resourceLogs', 'scopeLogs', 'logRecords'];
  for (const r of list(field(request, resources))) {
    for (const s of list(field(r, scopes))) {
      for (const item of list(field(s, items))) {
        if (signal !== 'metrics') n++;
        else
          for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'])
            n += list(field(field(item, kind), 'dataPoints')).length;
      }
    }
  }
  return n;
}

/** Token bucket over items per second. */
class ItemBudget {
  #tokens: number;
  #last: number;
  readonly #rate: number;
  constructor(rate: number, now: number) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#last = now;
  }
  /** Takes n tokens, or returns the seconds to wait until they would be there. */
  take(n: number, now: number): number | undefined {
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#last) / 1_000) * this.#rate);
    this.#last = now;
    if (n <= this.#tokens) {
      this.#tokens -= n;
      return undefined;
    }
    return Math.max(1, Math.ceil((Math.min(n, this.#rate) - this.#tokens) / this.#rate));
  }
}

/**
 * The OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp): POST /v1/metrics,
 * /v1/traces and /v1/logs in binary protobuf or JSON, optionally gzip-compressed. Answers 200 with an
 * Export*ServiceResponse (its partial_success counting rejected items), 400 for a body that cannot be
 * decoded or validated, 413 over the size limits, 415 for other media types, 429 over the item rate and
 * 503 when too many requests are in flight, both with Retry-After so exporters back off and retry.
 */
export function createOtlpRouter(options: ReceiverOptions): Router {
  const { limits, converter, aggregator, sink, observer } = options;
  const now = options.now ?? Date.now;
  const budget = new ItemBudget(limits.maxItemsPerSecond, now());
  let inFlight = 0;
  const router = express.Router();

  const handle =
    (signal: Signal) =>
    async (req: Request, res: Response): Promise<void> => {
      const encoding = encodingOf(req);
      const reply = (status: number, body: Uint8Array | string, enc: Encoding): void => {
        observer?.request(signal, encoding ?? 'unknown', status);
        res
          .status(status)
          .type(enc === 'json' ? 'application/json' : 'application/x-protobuf')
          .send(typeof body === 'string' ? body : Buffer.from(body));
      };
      if (inFlight >= limits.maxInFlight) {
        req.resume();
        res.setHeader('Retry-After', '1');
        reply(
          503,
          encodeStatus(encoding ?? 'json', UNAVAILABLE, `receiver busy: ${inFlight} requests in flight`),
          encoding ?? 'json',
        );
        return;
      }
      inFlight++;
      try {
        if (encoding === undefined)
          throw new Refusal(
            415,
            INVALID_ARGUMENT,
            `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: use application/x-protobuf or application/json`,
          );
        const body = await readBody(req, limits);
        const decoded = encoding === 'json' ? decodeJson(body) : decodeProtobuf(signal, body);
        checkNesting(decoded);
        const items = itemCount(signal, decoded);
        const wait = budget.take(items, now());
        if (wait !== undefined)
          throw new Refusal(
            429,
            RESOURCE_EXHAUSTED,
            `over the receiver's rate of ${limits.maxItemsPerSecond} items/s`,
            wait,
          );
        let result: { accepted: number; rejected: number; errors: string[] };
        if (signal === 'metrics') {
          const conversion = converter.convert(metricsRequest.parse(decoded));
          sink(conversion.samples);
          result = { accepted: items - conversion.rejected, rejected: conversion.rejected, errors: conversion.errors };
        } else if (signal === 'traces') {
          result = aggregator.addSpans(tracesRequest.parse(decoded));
        } else {
          result = aggregator.addLogs(logsRequest.parse(decoded));
        }
        observer?.items(signal, result.accepted, result.rejected);
        const partial =
          result.rejected > 0 ? { rejected: result.rejected, errorMessage: result.errors.join('; ') } : undefined;
        reply(200, encodeResponse(signal, encoding, partial), encoding);
      } catch (error) {
        const enc = encoding ?? 'json';
        if (error instanceof Refusal) {
          if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
          if (error.status === 413) res.setHeader('Connection', 'close');
          reply(error.status, encodeStatus(enc, error.code, error.message), enc);
        } else if (error instanceof OtlpDecodeError) {
          reply(400, encodeStatus(enc, INVALID_ARGUMENT, error.message), enc);
        } else if (error instanceof ZodError) {
          const { issues } = error;
          reply(
            400,
            encodeStatus(
              enc,
              INVALID_ARGUMENT,
              `invalid export request: ${issues
                .slice(0, 3)
                .map((i) => `${i.path.map(String).join('.')}: ${i.message}`)
                .join('; ')}`,
            ),
            enc,
          );
        } else {
          throw error;
        }
      } finally {
        inFlight--;
      }
    };

  for (const signal of ['metrics', 'traces', 'logs'] as const) {
    router.post(`/v1/${signal}`, handle(signal));
    router.all(`/v1/${signal}`, (_req, res) => {
      res.setHeader('Allow', 'POST');
      res
        .status(405)
        .type('application/json')
        .send(encodeStatus('json', UNIMPLEMENTED, `only POST is supported on /v1/${signal}`));
    });
  }
  return router;
}

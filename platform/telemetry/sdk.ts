import { NodeSDK } from '@opentelemetry/sdk-node';
import { withTimeout } from '../async/abort.ts';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NoopSpanProcessor, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace';

export interface TelemetryOptions {
  readonly serviceName: string;
  /** OTLP/HTTP base URL; traces go to /v1/traces and metrics to /v1/metrics. */
  readonly otlpEndpoint?: string;
  /** Extra span processors (tests use an in-memory exporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Without one, the SDK reads OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default: always on). */
  readonly sampler?: Sampler;
}

export interface Telemetry {
  /**
   * Flushes and stops within `timeoutMs` (default 3 s); never rejects: a telemetry backend that is down
   * or slow must not change the exit code or hold the drain.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

const SHUTDOWN_TIMEOUT_MS = 3_000;

/** Probe and scrape paths would drown real traffic in traces. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

let active: Telemetry | undefined;

/**
 * Starts the OpenTelemetry Node SDK once per process: HTTP, express and kafkajs instrumentation, W3C
 * trace context, OTLP export when an endpoint is configured. Without an endpoint spans are still made
 * (logs carry their ids and events carry their context) but not exported.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (active !== undefined) return active;
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint !== undefined) {
    processors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: new URL('v1/traces', withSlash(options.otlpEndpoint)).href }),
      }),
    );
  }
  // NodeSDK registers no tracer provider without a processor, and then no trace context would exist at all.
  if (processors.length === 0) processors.push(new NoopSpanProcessor());
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    autoDetectResources: true,
    ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
    spanProcessors: processors,
    logRecordProcessors: [],
    metricReaders:
      options.otlpEndpoint === undefined
        ? []
        : [
            new PeriodicExportingMetricReader({
              exporter: new OTLPMetricExporter({ url: new URL('v1/metrics', withSlash(options.otlpEndpoint)).href }),
              exportIntervalMillis: 15_000,
            }),
          ],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      new ExpressInstrumentation(),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  const telemetry: Telemetry = {
    shutdown: async (timeoutMs = SHUTDOWN_TIMEOUT_MS) => {
      active = undefined;
      // Export errors (ECONNREFUSED from a collector that is down) are the backend's problem, not ours.
      await withTimeout(sdk.shutdown(), timeoutMs).catch(() => undefined);
    },
  };
  active = telemetry;
  return telemetry;
}

/** The telemetry this process started (through register.ts or a test), if any. */
export function activeTelemetry(): Telemetry | undefined {
  return active;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

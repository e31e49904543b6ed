import type { IncomingMessage } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';

/**
 * Spans and W3C context for WebSocket traffic. The maintained OpenTelemetry instrumentation for `ws`
 * targets an SDK generation ours has left behind, so the platform traces its own sockets here:
 * the upgrade continues the client's trace (traceparent header), each message a client sends gets a
 * SERVER span, and each message sent carries the sender's context in a `traceparent` field, so a trace
 * runs from a feed through the backbone to the browser.
 */
const tracer = trace.getTracer('insitechart.websocket');

const headerGetter = {
  keys: (headers: IncomingMessage['headers']) => Object.keys(headers),
  get: (headers: IncomingMessage['headers'], key: string) => headers[key],
};

/** Records the upgrade of `request` on `path` as a span continuing the client's trace; returns its context. */
export function traceUpgrade(request: IncomingMessage, path: string): Context {
  const parent = propagation.extract(context.active(), request.headers, headerGetter);
  const span = tracer.startSpan(
    `WS upgrade ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'url.path': path, 'network.protocol.name': 'websocket' } },
    parent,
  );
  span.end();
  return trace.setSpan(parent, span);
}

/** Runs the handling of one client message in a SERVER span under the connection's context. */
export function traceReceive<T>(connection: Context, path: string, messageType: string, handle: () => T): T {
  return tracer.startActiveSpan(
    `WS receive ${messageType}`,
    { kind: SpanKind.SERVER, attributes: { 'url.path': path, 'websocket.message.type': messageType } },
    connection,
    (span) => {
      try {
        return handle();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

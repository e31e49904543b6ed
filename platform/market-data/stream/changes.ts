import { context, propagation, SpanKind, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import type { Flush, StreamKey } from './groups.ts';

const tracer = trace.getTracer('insitechart.market-data');
/** Links to tick traces kept per flush span beyond its parent. */
const MAX_LINKS = 16;

/**
 * What changed since the last flush (every quote in order per symbol, the latest state per stream and bar
 * start) and the trace context of the ticks that changed it: a flush's span is a child of the first tick's
 * delivery and links the others.
 */
export class ChangeBuffer {
  #quotes = new Map<string, string[]>();
  #bars = new Map<StreamKey, Map<number, string>>();
  #parent: Context | undefined;
  #links: Link[] = [];

  get empty(): boolean {
    return this.#quotes.size === 0 && this.#bars.size === 0;
  }

  quote(symbol: string, json: string): void {
    let list = this.#quotes.get(symbol);
    if (list === undefined) {
      list = [];
      this.#quotes.set(symbol, list);
    }
    list.push(json);
    this.#noteContext();
  }

  bar(key: StreamKey, start: number, json: string): void {
    let byStart = this.#bars.get(key);
    if (byStart === undefined) {
      byStart = new Map();
      this.#bars.set(key, byStart);
    }
    byStart.set(start, json);
    this.#noteContext();
  }

  /** Takes the changes as a flush sent in a new PRODUCER span (the caller ends it). */
  take(path: string): { flush: Flush; span: Span } {
    const quotes = this.#quotes;
    const bars = this.#bars;
    this.#quotes = new Map();
    this.#bars = new Map();
    const parent = this.#parent ?? context.active();
    const span = tracer.startSpan(
      'WS send update',
      { kind: SpanKind.PRODUCER, links: this.#links, attributes: { 'url.path': path } },
      parent,
    );
    this.#parent = undefined;
    this.#links = [];
    return { flush: { quotes, bars, traceparent: traceparentMember(trace.setSpan(parent, span)) }, span };
  }

  #noteContext(): void {
    const active = context.active();
    if (this.#parent === undefined) {
      this.#parent = active;
      return;
    }
    const spanContext = trace.getSpanContext(active);
    if (
      spanContext !== undefined &&
      this.#links.length < MAX_LINKS &&
      spanContext.traceId !== trace.getSpanContext(this.#parent)?.traceId
    ) {
      this.#links.push({ context: spanContext });
    }
  }
}

/** `,"traceparent":"..."` for a context, or empty when it carries none. */
export function traceparentMember(ctx: Context): string {
  const carrier: { traceparent?: string } = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent === undefined ? '' : `,"traceparent":"${carrier.traceparent}"`;
}

import type { Attributes, Context, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace';

/** The topic whose traffic dominates span volume: one trace per tick batch, several batches a second. */
const TICK_TOPIC = 'market.ticks';

/**
 * Decides for root spans: tick batches (spans on `market.ticks`) at a ratio by trace id, everything else
 * (API requests, alerts, detections, WebSocket sessions) always. Used under a parent-based sampler, so
 * a trace is kept or dropped whole.
 */
export class TickRatioSampler implements Sampler {
  readonly #ticks: TraceIdRatioBasedSampler;
  readonly #always = new AlwaysOnSampler();
  readonly #ratio: number;

  constructor(ratio: number) {
    this.#ratio = ratio;
    this.#ticks = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    _name: string,
    _kind: SpanKind,
    attributes: Attributes,
  ): SamplingResult {
    if (attributes['messaging.destination.name'] === TICK_TOPIC) return this.#ticks.shouldSample(context, traceId);
    return this.#always.shouldSample();
  }

  toString(): string {
    return `TickRatioSampler{${TICK_TOPIC}=${String(this.#ratio)}, else always}`;
  }
}

/** The platform's default: parent-based, tick batches at `tickRatio`, every other root kept. */
export function defaultSampler(tickRatio: number): Sampler {
  return new ParentBasedSampler({ root: new TickRatioSampler(tickRatio) });
}

import type { TopicInput } from '../../platform/backbone/topics.ts';
import type { Channel, PrecursorPrediction, PrecursorPredictor } from '../failure/index.ts';
import { CHANNELS } from '../failure/telemetry.ts';
import type { SeriesLabels } from '../series.ts';
import { parseSelector, type LabelMatcher } from '../sources/source.ts';

/** Which watched series feed a precursor channel, and how several matching series combine. */
export interface ChannelBinding {
  readonly channel: Channel;
  readonly aggregate: 'sum' | 'max';
  readonly matchers: readonly LabelMatcher[];
}

/**
 * The platform's own series for the channels it has; memory, error ratio and pools need a capacity or SLO to be ratios.
 */
export const defaultChannelBindings =
  'request_rate=sum:insitechart_http_request_duration_seconds_count_rate;' +
  'latency_p99=max:insitechart_http_request_duration_seconds{quantile="0.99"};' +
  'queue_depth=sum:insitechart_bus_consumer_lag_events;' +
  'cpu=max:process_cpu_seconds_total_rate';

/** Parses `channel=sum|max:selector;...`; throws with the reason. */
export function parseChannelBindings(text: string): ChannelBinding[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([a-z_0-9]+)=(sum|max):(.+)$/s.exec(entry);
      if (m === null)
        throw new Error(
          `bad channel binding ${JSON.stringify(entry)}: use channel=sum:selector or channel=max:selector`,
        );
      const channel = m[1] as Channel;
      if (!(CHANNELS as readonly string[]).includes(channel))
        throw new Error(`unknown channel ${JSON.stringify(m[1])}: one of ${CHANNELS.join(', ')}`);
      return { channel, aggregate: m[2] as 'sum' | 'max', matchers: parseSelector(m[3] ?? '') };
    });
}

export interface PrecursorState {
  readonly at: number;
  readonly prediction: PrecursorPrediction | undefined;
  /** Steps of history held per channel (the model needs `historySteps`). */
  readonly filled: number;
}

/**
 * Feeds the learned precursor model (failure/) from watched series: every `stepMs` it samples each bound
 * channel (current values of the matching series, summed or maxed; a gap repeats the last value), keeps
 * `historySteps` samples per channel, and asks the model whether an incident is coming.
 */
export class PrecursorWatch {
  readonly #predictor: PrecursorPredictor;
  readonly #bindings: readonly ChannelBinding[];
  readonly #history = new Map<Channel, number[]>();
  #last: PrecursorState | undefined;

  constructor(predictor: PrecursorPredictor, bindings: readonly ChannelBinding[]) {
    this.#predictor = predictor;
    this.#bindings = bindings;
  }

  get predictor(): PrecursorPredictor {
    return this.#predictor;
  }

  get last(): PrecursorState | undefined {
    return this.#last;
  }

  get bindings(): readonly ChannelBinding[] {
    return this.#bindings;
  }

  /** One step: `current(matchers)` gives the current values of the matching series. */
  step(now: number, current: (matchers: readonly LabelMatcher[]) => number[]): PrecursorState {
    const keep = this.#predictor.historySteps;
    for (const b of this.#bindings) {
      const values = current(b.matchers).filter(Number.isFinite);
      const history = this.#history.get(b.channel) ?? [];
      const previous = history.at(-1);
      const value =
        values.length === 0
          ? previous
          : b.aggregate === 'sum'
            ? values.reduce((a, v) => a + v, 0)
            : Math.max(...values);
      if (value === undefined) continue;
      history.push(value);
      if (history.length > keep) history.splice(0, history.length - keep);
      this.#history.set(b.channel, history);
    }
    // Channels must be equally long: the model reads them step by step from the end.
    const filled = Math.min(...[...this.#history.values()].map((h) => h.length));
    const recent: Partial<Record<Channel, readonly number[]>> = {};
    if (this.#history.size > 0 && Number.isFinite(filled))
      for (const [c, h] of this.#history) recent[c] = h.slice(h.length - filled);
    const prediction = this.#history.size > 0 ? this.#predictor.predict(recent) : undefined;
    this.#last = { at: now, prediction, filled: Number.isFinite(filled) ? filled : 0 };
    return this.#last;
  }
}

/** The `detections` event for a precursor alert: the incident series, the probability and what drives it. */
export function precursorDetection(
  service: string,
  predictor: PrecursorPredictor,
  prediction: PrecursorPrediction,
  ts: number,
  related: readonly SeriesLabels[],
): TopicInput<'detections'> {
  const minutes = Math.round(prediction.horizonMs / 60_000);
  const drivers = prediction.drivers
    .slice(0, 3)
    .map((d) => `${d.channel} (+${d.effect.toFixed(2)})`)
    .join(', ');
  return {
    detector: 'precursor',
    series: { __name__: 'incident_precursor', service },
    score: Math.min(1, Math.max(0, prediction.probability)),
    observed: prediction.probability,
    expected: { low: 0, high: predictor.threshold },
    ts: Math.max(0, Math.round(ts)),
    explanation: `An incident is likely within ${minutes} min: probability ${prediction.probability.toFixed(2)} at or above the model's threshold ${predictor.threshold.toFixed(2)}${drivers === '' ? '' : `, driven by ${drivers}`}.`,
    related: related.map((l) => ({ ...l })),
  };
}

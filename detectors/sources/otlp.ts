import type { Series, SeriesLabels } from '../series.ts';
import type { SeriesStore } from '../../platform/series/series-store.ts';
import { matches, type LabelMatcher, type MetricSource, type TimeRange } from './source.ts';

/**
 * Series fed by the OTLP receiver (collectors/otlp): metrics from any OpenTelemetry SDK or collector,
 * plus RED series derived from spans and counts derived from logs. Reads the receiver's store.
 */
export class OtlpSource implements MetricSource {
  readonly name = 'otlp';
  readonly #store: SeriesStore;
  readonly #watch: readonly LabelMatcher[];

  constructor(options: { store: SeriesStore; watch?: readonly LabelMatcher[] }) {
    this.#store = options.store;
    this.#watch = options.watch ?? [];
  }

  listSeries(matchers: readonly LabelMatcher[]): Promise<SeriesLabels[]> {
    return Promise.resolve(this.#store.list((labels) => matches(labels, matchers)));
  }

  readRange(matchers: readonly LabelMatcher[], range: TimeRange): Promise<Series[]> {
    return Promise.resolve(this.#store.read((labels) => matches(labels, matchers), range));
  }

  poll(since: number): Promise<Series[]> {
    return Promise.resolve(this.#store.since(since, (labels) => matches(labels, this.#watch)));
  }
}

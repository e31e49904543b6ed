import type { TopicData, TopicInput } from '../../backbone/topics.ts';
import { fromDetection } from './detections.ts';

type OpsAlert = TopicInput<'alerts.ops'>;

/** Alertmanager's default `resolve_timeout`: an alert not sent again for this long is over. */
export const detectionQuietMs = 5 * 60_000;

/**
 * A detection is an event, not a state: nothing says when the anomaly ended. As Alertmanager does with an
 * alert that stops being sent, the series' alert is over once it has been quiet for `quietMs`; the next
 * detection of that series first resolves it (ending its incident when nothing else fires there), then
 * fires again, so a new anomaly opens an incident of its own instead of joining one left open hours ago.
 * Bounded: the least recently detected series are forgotten first.
 */
export class DetectionEpisodes {
  readonly #quietMs: number;
  readonly #max: number;
  /** fingerprint -> the last alert sent for it and its event time. */
  readonly #last = new Map<string, { alert: OpsAlert; at: number }>();

  constructor(quietMs = detectionQuietMs, maxSeries = 10_000) {
    this.#quietMs = quietMs;
    this.#max = maxSeries;
  }

  /** The operational alerts a detection becomes: its firing alert, after the resolve of a finished episode. */
  alertsOf(d: TopicData<'detections'>): OpsAlert[] {
    const firing = fromDetection(d);
    const last = this.#last.get(firing.fingerprint);
    this.#last.delete(firing.fingerprint);
    this.#last.set(firing.fingerprint, { alert: firing, at: d.ts });
    if (this.#last.size > this.#max) {
      const oldest = this.#last.keys().next();
      if (oldest.done !== true) this.#last.delete(oldest.value);
    }
    if (last === undefined || d.ts - last.at <= this.#quietMs) return [firing];
    const ended = new Date(last.at + this.#quietMs).toISOString();
    return [{ ...last.alert, status: 'resolved', endsAt: ended }, firing];
  }
}

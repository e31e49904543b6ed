import {
  CHANNELS,
  RATIO_CHANNELS,
  runLength,
  type ChannelSeries,
  type Incident,
  type TelemetryRun,
} from './telemetry.ts';

/** Samples of history one feature vector needs: a 30-step recent span and a 30-step baseline before it. */
export const FEATURE_HISTORY = 90;
const RECENT = 30;
const NOW = 5;
/** Steps-to-exhaustion beyond this count as "not exhausting". */
const MAX_HEADROOM = 1000;

export const FEATURE_KINDS = ['level', 'delta', 'z', 'slope', 'peak', 'trough', 'rising', 'headroom'] as const;
export const FEATURE_NAMES: readonly string[] = CHANNELS.flatMap((c) => FEATURE_KINDS.map((k) => `${c}.${k}`));

/**
 * Windowed features of one instant (index `t` of the series, using only samples up to t), per channel,
 * on the channel's scale (ratios as they are, other channels log1p):
 * level (mean of the last 5), delta (level minus the mean of the baseline 30-90 steps back), z (delta over
 * the baseline's spread), slope (least squares over the last 30, per 30 steps), peak and trough (max and
 * min over the last 30, relative to the level: a GC sawtooth's trough is its live set), rising (share of
 * the last 30 steps that went up: sustained growth versus a burst) and, for ratio channels, headroom (log
 * of the steps left until 100% at the current slope, capped: a time to exhaustion). Absent channels give
 * NaN, which the model reads as "typical".
 */
export function featuresAt(channels: ChannelSeries, t: number): Float64Array {
  const out = new Float64Array(FEATURE_NAMES.length).fill(Number.NaN);
  CHANNELS.forEach((channel, c) => {
    const raw = channels[channel];
    if (raw === undefined || t < FEATURE_HISTORY - 1 || t >= raw.length) return;
    const g = (i: number): number => {
      const v = raw[i] ?? Number.NaN;
      return RATIO_CHANNELS.has(channel) ? v : Math.log1p(Math.max(0, v));
    };
    const level = meanOf(g, t - NOW + 1, t);
    const baseFrom = t - FEATURE_HISTORY + 1;
    const baseTo = t - RECENT;
    const baseMean = meanOf(g, baseFrom, baseTo);
    let baseVar = 0;
    for (let i = baseFrom; i <= baseTo; i++) baseVar += (g(i) - baseMean) ** 2;
    const baseStd = Math.sqrt(baseVar / (baseTo - baseFrom + 1));
    const floor = RATIO_CHANNELS.has(channel) ? 0.01 : 0.05;
    let peak = Number.NEGATIVE_INFINITY;
    let trough = Number.POSITIVE_INFINITY;
    let sxy = 0;
    let sxx = 0;
    let rises = 0;
    const recentMean = meanOf(g, t - RECENT + 1, t);
    for (let i = t - RECENT + 1; i <= t; i++) {
      const v = g(i);
      if (v > g(i - 1)) rises++;
      peak = Math.max(peak, v);
      trough = Math.min(trough, v);
      const x = i - (t - (RECENT - 1) / 2);
      sxy += x * (v - recentMean);
      sxx += x * x;
    }
    const base = c * FEATURE_KINDS.length;
    out[base] = level;
    out[base + 1] = level - baseMean;
    out[base + 2] = Math.max(-20, Math.min(20, (level - baseMean) / (baseStd + floor)));
    const slope = sxy / sxx;
    out[base + 3] = slope * RECENT;
    out[base + 4] = peak - level;
    out[base + 5] = trough - level;
    out[base + 6] = rises / RECENT;
    if (RATIO_CHANNELS.has(channel))
      out[base + 7] = Math.log1p(slope > 0 ? Math.min(MAX_HEADROOM, Math.max(0, 1 - level) / slope) : MAX_HEADROOM);
  });
  return out;
}

function meanOf(g: (i: number) => number, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i <= to; i++) sum += g(i);
  return sum / (to - from + 1);
}

/** Steps after an incident's end during which precursor alerts are suppressed (the feature history). */
export const POST_INCIDENT_STEPS = FEATURE_HISTORY;

export interface LabelledSamples {
  readonly x: Float64Array[];
  readonly y: Uint8Array;
  /** For each sample: its run and step, for event-level scoring. */
  readonly origin: readonly { readonly run: number; readonly t: number }[];
}

/**
 * One sample per step with enough history, labelled 1 when an incident starts within the next
 * `horizonSteps`. Steps during an incident and until its window has left the feature history are left
 * out: the model predicts outages, it does not detect open ones, and while an incident is open (and
 * its after-effects fill the features) precursor alerts are suppressed, as an incident process would.
 */
export function labelledSamples(runs: readonly TelemetryRun[], horizonSteps: number, stride = 1): LabelledSamples {
  const x: Float64Array[] = [];
  const y: number[] = [];
  const origin: { run: number; t: number }[] = [];
  runs.forEach((run, r) => {
    const n = runLength(run);
    for (let t = FEATURE_HISTORY - 1; t < n; t += stride) {
      if (run.incidents.some((i) => t >= i.start && t <= i.end + POST_INCIDENT_STEPS)) continue;
      x.push(featuresAt(run.channels, t));
      y.push(incidentWithin(run.incidents, t, horizonSteps) ? 1 : 0);
      origin.push({ run: r, t });
    }
  });
  return { x, y: Uint8Array.from(y), origin };
}

export function incidentWithin(incidents: readonly Incident[], t: number, horizonSteps: number): boolean {
  return incidents.some((i) => i.start > t && i.start <= t + horizonSteps);
}

import type { Sample } from './sample.ts';

/**
 * Fixed checks on what users and operators feel, in the style of burn-rate and error-ratio alerts: each compares a
 * short window with a limit that holds from the first minute (a floor or a share), and where it learns a baseline
 * (latency, memory, disk) it needs only a few minutes of history and works on the floor until then. They complement
 * the anomaly detector, whose learned views need much longer history. Each fires and clears on different conditions
 * (hysteresis), so a value at the limit does not flap.
 */
export interface Evaluation {
  readonly value: number;
  readonly limit: number;
  readonly fire: boolean;
  readonly clear: boolean;
  readonly title: string;
  /** The baseline the limit was derived from, kept while the check fires (a fault must not become the norm). */
  readonly baseline?: number;
}

export interface Check {
  readonly name: string;
  /** Seconds of history before its learned baseline replaces the floor (0: none needed). */
  readonly warmupS: number;
  /** The services (or consumer groups) the check watches in this sample. */
  subjects(latest: Sample): string[];
  evaluate(history: readonly Sample[], subject: string, frozenBaseline: number | undefined): Evaluation | undefined;
}

const MB = 1024 * 1024;
const WINDOW_S = 5;

/** The newest sample at least `seconds` older than the newest one. */
export function ago(history: readonly Sample[], seconds: number): Sample | undefined {
  const newest = history.at(-1);
  if (newest === undefined) return undefined;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const s = history[i];
    if (s !== undefined && newest.ts - s.ts >= seconds * 1000) return s;
  }
  return undefined;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function httpDelta(history: readonly Sample[], service: string, seconds: number, endAgoS = 0) {
  const end = endAgoS === 0 ? history.at(-1) : ago(history, endAgoS);
  const start = ago(history, seconds + endAgoS);
  const a = start?.http[service];
  const b = end?.http[service];
  if (a === undefined || b === undefined) return undefined;
  return { count: b.count - a.count, errors: b.errors - a.errors, sum: b.sum - a.sum };
}

const errorRatio: Check = {
  name: 'error-ratio',
  warmupS: 0,
  subjects: (latest) => Object.keys(latest.http),
  evaluate(history, service) {
    const d = httpDelta(history, service, WINDOW_S);
    if (d === undefined) return undefined;
    const ratio = d.count === 0 ? 0 : d.errors / d.count;
    return {
      value: ratio,
      limit: 0.1,
      fire: d.errors >= 3 && ratio >= 0.1,
      clear: ratio < 0.02,
      title: `${service}: ${String(Math.round(ratio * 100))}% of requests failed (5xx) over ${String(WINDOW_S)} s`,
    };
  },
};

const LATENCY_FLOOR_S = 0.25;
const LATENCY_COLD_LIMIT_S = 1;

const latency: Check = {
  name: 'latency',
  warmupS: 120,
  subjects: (latest) => Object.keys(latest.http),
  evaluate(history, service, frozen) {
    const d = httpDelta(history, service, WINDOW_S);
    if (d === undefined || d.count < 3) return undefined;
    const mean = d.sum / d.count;
    let baseline = frozen;
    if (baseline === undefined) {
      // Means of past windows, ending at least 15 s ago (the fault's own start stays out of its baseline).
      const means: number[] = [];
      for (let end = 15; end <= 300; end += WINDOW_S) {
        const w = httpDelta(history, service, WINDOW_S, end);
        if (w !== undefined && w.count >= 3) means.push(w.sum / w.count);
      }
      baseline = means.length >= 20 ? median(means) : undefined;
    }
    const limit = baseline === undefined ? LATENCY_COLD_LIMIT_S : Math.max(LATENCY_FLOOR_S, 4 * baseline);
    return {
      value: mean,
      limit,
      fire: mean > limit,
      clear: mean < limit / 2,
      title: `${service}: mean response time ${mean.toFixed(3)} s over ${String(WINDOW_S)} s (limit ${limit.toFixed(3)} s)`,
      baseline,
    };
  },
};

const feedStall: Check = {
  name: 'feed-stall',
  warmupS: 35,
  subjects: () => ['market-feed'],
  evaluate(history) {
    const now = history.at(-1);
    const recent = ago(history, WINDOW_S);
    const before = ago(history, WINDOW_S + 30);
    const last2 = ago(history, 2);
    if (now === undefined || recent === undefined) return undefined;
    const quiet = now.ticks - recent.ticks;
    return {
      value: quiet,
      limit: 0,
      fire: quiet === 0 && before !== undefined && recent.ticks - before.ticks > 0,
      clear: last2 !== undefined && now.ticks - last2.ticks > 0,
      title: `market-feed: no tick published for ${String(WINDOW_S)} s (it was publishing before)`,
    };
  },
};

const LAG_LIMIT = 200;

const consumerLag: Check = {
  name: 'consumer-lag',
  warmupS: 0,
  subjects: (latest) => Object.keys(latest.lag),
  evaluate(history, group) {
    const now = history.at(-1)?.lag[group];
    const then = ago(history, WINDOW_S)?.lag[group];
    if (now === undefined || then === undefined) return undefined;
    return {
      value: now,
      limit: LAG_LIMIT,
      fire: now >= LAG_LIMIT && now >= then + 100,
      clear: now < LAG_LIMIT / 4,
      title: `${group}: consumer lag ${String(now)} events and growing (${String(now - then)} in ${String(WINDOW_S)} s)`,
    };
  },
};

const GROWTH_WARMUP_S = 90;

/** The samples from the first one that found the process ready (serving users) on. */
function servedSince(history: readonly Sample[]): readonly Sample[] {
  const first = history.findIndex((s) => s.ready);
  return first < 0 ? [] : history.slice(first);
}

/**
 * A level that rose far above its baseline and is still rising, measured only from the process's readiness: a cold
 * start loads code, fills caches and backfills history, and that growth is no leak. The check judges once `warmupS`
 * have passed since the first sample that found the process ready, against the median of the served samples 15 to
 * 90 s old (taken after readiness, so warm-up growth before it is not counted as growth). It clears when the level is
 * back near the baseline, or when it has not risen over the last minute (from its lowest level of the minute, not
 * from the level a minute ago): a level that stays is not a leak any more (freed memory may stay resident, the
 * allocator keeping its pages), and it becomes the next baseline.
 */
function growth(
  name: string,
  subjects: (latest: Sample) => string[],
  read: (s: Sample, subject: string) => number | undefined,
  fireAboveMB: number,
  risingMB: number,
  what: string,
): Check {
  return {
    name,
    warmupS: GROWTH_WARMUP_S,
    subjects,
    evaluate(all, subject, frozen) {
      const history = servedSince(all);
      const newest = history.at(-1);
      const now = newest === undefined ? undefined : read(newest, subject);
      if (newest === undefined || now === undefined) return undefined;
      if (newest.ts - (history[0]?.ts ?? newest.ts) < GROWTH_WARMUP_S * 1000) return undefined;
      const past = history.filter((s) => newest.ts - s.ts >= 15_000 && newest.ts - s.ts <= 90_000);
      const baseline = frozen ?? median(past.flatMap((s) => read(s, subject) ?? []));
      if (baseline === undefined) return undefined;
      const before = (seconds: number): number | undefined => {
        const s = ago(history, seconds);
        return s === undefined ? undefined : read(s, subject);
      };
      const earlier = before(10);
      // The lowest level of the last minute: equal to the level a minute ago is not flat when it dipped in between
      // (a fault cleared, then a new one filled it back up).
      const lastMinute = history.filter((s) => newest.ts - s.ts <= 60_000).flatMap((s) => read(s, subject) ?? []);
      const flatForAMinute = ago(history, 60) !== undefined && (now - Math.min(...lastMinute)) / MB < risingMB / 4;
      const above = (now - baseline) / MB;
      return {
        value: now,
        limit: baseline + fireAboveMB * MB,
        fire: above > fireAboveMB && earlier !== undefined && (now - earlier) / MB > risingMB,
        clear: above < fireAboveMB / 3 || flatForAMinute,
        title: `${subject}: ${what} ${String(Math.round(now / MB))} MB, ${String(Math.round(above))} MB above its usual level and rising`,
        baseline,
      };
    },
  };
}

const processWide = (): string[] => ['platform'];
const rss = (s: Sample): number => s.rssBytes;
const dataDir = (): string[] => ['data-dir'];
const dataDirBytes = (s: Sample): number | undefined => s.dataDirBytes;
const components = (latest: Sample): string[] => Object.keys(latest.componentBytes);
/** A component that held nothing earlier held 0 bytes then (its scope did not exist yet). */
const componentBytes = (s: Sample, component: string): number => s.componentBytes[component] ?? 0;

export const checks: readonly Check[] = [
  errorRatio,
  latency,
  feedStall,
  consumerLag,
  growth('memory-growth', processWide, rss, 128, 48, 'resident memory'),
  growth('component-memory', components, componentBytes, 64, 24, 'memory of its threads'),
  growth('disk-growth', dataDir, dataDirBytes, 96, 32, 'DATA_DIR holds'),
];

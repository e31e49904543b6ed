import type { Incident } from './telemetry.ts';

/** Sample-level confusion counts and the usual ratios. */
export interface SampleScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
  readonly samples: number;
  readonly positives: number;
}

export function sampleScores(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): SampleScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const alert = (probabilities[i] ?? 0) >= threshold;
    const positive = labels[i] === 1;
    if (alert && positive) tp++;
    else if (alert) fp++;
    else if (positive) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    accuracy: (tp + tn) / Math.max(1, labels.length),
    samples: labels.length,
    positives: tp + fn,
  };
}

/** What operators see: whole incidents warned of, and alert episodes that were (or were not) followed by one. */
export interface EventScores {
  readonly incidents: number;
  readonly predicted: number;
  /** Share of incidents with an alert within the horizon before their onset. */
  readonly recall: number;
  readonly alertEpisodes: number;
  readonly trueEpisodes: number;
  /** Share of alert episodes followed by an incident onset within the horizon. */
  readonly precision: number;
  readonly f1: number;
  /** Median warning time (steps between the first alert and the onset) over predicted incidents. */
  readonly medianLeadSteps: number;
}

export interface ScoredRun {
  readonly incidents: readonly Incident[];
  /** Alert decision per scored step (steps not scored are absent). */
  readonly alerts: ReadonlyMap<number, boolean>;
}

/**
 * An incident is predicted when some alert falls in the `horizonSteps` before its onset. Consecutive
 * alerting steps (gaps of up to `mergeGap` quiet steps) form one episode, which is true when an
 * incident starts within the horizon after any of its steps.
 */
export function eventScores(runs: readonly ScoredRun[], horizonSteps: number, mergeGap = 3): EventScores {
  let incidents = 0;
  let predicted = 0;
  let episodes = 0;
  let trueEpisodes = 0;
  const leads: number[] = [];
  for (const run of runs) {
    for (const incident of run.incidents) {
      incidents++;
      for (let t = incident.start - horizonSteps; t < incident.start; t++) {
        if (run.alerts.get(t) === true) {
          predicted++;
          leads.push(incident.start - t);
          break;
        }
      }
    }
    const steps = [...run.alerts.entries()]
      .filter(([, a]) => a)
      .map(([t]) => t)
      .sort((a, b) => a - b);
    let episode: number[] = [];
    const close = (): void => {
      if (episode.length === 0) return;
      episodes++;
      if (episode.some((t) => run.incidents.some((i) => i.start > t && i.start <= t + horizonSteps))) trueEpisodes++;
      episode = [];
    };
    for (const t of steps) {
      const last = episode[episode.length - 1];
      if (last !== undefined && t - last > mergeGap + 1) close();
      episode.push(t);
    }
    close();
  }
  const recall = incidents > 0 ? predicted / incidents : 0;
  const precision = episodes > 0 ? trueEpisodes / episodes : 0;
  leads.sort((a, b) => a - b);
  return {
    incidents,
    predicted,
    recall,
    alertEpisodes: episodes,
    trueEpisodes,
    precision,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    medianLeadSteps: leads.length > 0 ? (leads[leads.length >> 1] ?? 0) : 0,
  };
}

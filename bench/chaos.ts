/**
 * `npm run bench -- chaos [--minutes 15] [--seed 1] [--rate 20] [--first 180]`: the closed loop under chaos. The
 * embedded platform (every service, a fresh DATA_DIR, from cold) runs N minutes under a steady mixed load of R
 * requests/s; the first fault is injected `first` seconds after start, then every fault kind three times at seeded
 * random moments, one at a time, through the fault API as an sre would. Measured per kind: time to detect (to the
 * first detection on the right service), time to recover (to the fault's signal back to normal), actions taken
 * (`remediations` events applied), false actions, the share resolved without a person. Then a clean run of the same
 * length from cold with no fault: every action there is a false one. At most 15 + 15 minutes. Per-fault details on
 * stderr; the figures on stdout's last line.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { seededRandom } from '../platform/random/seeded.ts';
import { runPhase } from './chaos/phase.ts';
import { plan } from './chaos/schedule.ts';
import { autoResolvedShares, scoreFaults } from './chaos/score.ts';
import { round } from './support/stats.ts';

const argsSchema = z.strictObject({
  minutes: z.coerce.number().min(6).max(15).default(15),
  seed: z.coerce.number().int().min(0).default(1),
  rate: z.coerce.number().min(1).max(200).default(20),
  first: z.coerce.number().min(30).max(600).default(180),
});

function options(args: readonly string[]): z.infer<typeof argsSchema> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      minutes: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      first: { type: 'string' },
    },
  });
  return argsSchema.parse(values);
}

export default async function chaos(args: readonly string[]): Promise<Record<string, unknown>> {
  const settings = options(args);
  process.env.DETECTOR_SAMPLE_INTERVAL_MS ??= '1000';
  process.env.DETECTOR_POLL_INTERVAL_MS ??= '1000';
  const runMs = settings.minutes * 60_000;
  const schedule = plan(seededRandom(settings.seed), runMs, settings.first * 1000, 3);
  const faulty = await runPhase(schedule, runMs, settings.rate);
  for (const o of faulty.outcomes)
    process.stderr.write(
      `${JSON.stringify({
        kind: o.planned.kind,
        service: o.planned.service,
        at_s: round(o.planned.atMs / 1000, 0),
        ttd_s: o.detectedAt === undefined ? null : round((o.detectedAt - o.injectedAt) / 1000, 1),
        ttr_s: o.recoveredAt === undefined ? null : round((o.recoveredAt - o.injectedAt) / 1000, 1),
        by: o.detectedBy ?? null,
        actions: o.actions,
        ended_early: o.endedEarlyAt !== undefined,
        auto: o.autoResolved,
        false_actions: o.falseActions,
      })}\n`,
    );
  const clean = await runPhase([], runMs, settings.rate);
  process.stderr.write(`clean run detections: ${JSON.stringify(clean.detectionTitles)}\n`);
  return {
    bench: 'chaos',
    minutes_per_run: settings.minutes,
    seed: settings.seed,
    faults: scoreFaults(faulty.outcomes),
    injected: faulty.outcomes.length,
    undetected: faulty.outcomes.filter((o) => o.detectedAt === undefined).length,
    ...autoResolvedShares(faulty.outcomes),
    stray_actions: faulty.strayActions,
    fault_run_mitigations_lifted: faulty.lifted,
    fault_run_detections: faulty.detections,
    fault_run_incidents: faulty.incidents,
    clean_run_actions: clean.actions,
    clean_run_mitigations_lifted: clean.lifted,
    clean_run_detections: clean.detections,
    clean_run_incidents: clean.incidents,
    requests: faulty.requests + clean.requests,
  };
}

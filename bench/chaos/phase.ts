import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { TopicData } from '../../platform/backbone/topics.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { everyService } from '../../platform/testing/every-service.ts';
import { startTestPlatform, type TestPlatform } from '../../platform/testing/platform.ts';
import { startLoad } from '../quiet/load.ts';
import { round } from '../support/stats.ts';
import { attribute, GRACE_MS, type AppliedAction } from './attribute.ts';
import { detects, recoverySignal } from './match.ts';
import type { PlannedFault } from './schedule.ts';

/** What happened to one injected fault, in bench time (ms since the epoch, as the bench saw it). */
export interface FaultOutcome {
  readonly planned: PlannedFault;
  readonly injectedAt: number;
  readonly expiresAt: number;
  detectedAt?: number;
  detectedBy?: string;
  recoveredAt?: number;
  /** When the fault left the injector's list before its expiry: something other than time ended it. */
  endedEarlyAt?: number;
  checkFired: boolean;
  /** Filled at the end of the run (attribute.ts): actions on its target in its window, others, and whether a
   * verified action of the platform ended it. */
  actions: number;
  falseActions: number;
  autoResolved: boolean;
}

export interface PhaseResult {
  readonly outcomes: FaultOutcome[];
  /** Applied remediation actions no fault explains (outside every fault's window). */
  readonly strayActions: number;
  readonly actions: number;
  /** Temporary mitigations the platform lifted (`restored`): not counted as actions, reported beside them. */
  readonly lifted: number;
  readonly detections: number;
  /** The first 50 detections' detector and title (what a clean run alarmed on). */
  readonly detectionTitles: string[];
  readonly incidents: number;
  readonly requests: number;
}

const checkStatus = z.object({
  status: z.array(z.object({ check: z.string(), subject: z.string(), firing: z.boolean() })),
});
const faultList = z.object({ faults: z.array(z.object({ id: z.string() })) });
const incidentList = z.object({ incidents: z.array(z.object({ id: z.string() })) });
const injected = z.object({ id: z.string(), expiresAt: z.number() });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run of the embedded platform from cold (every service, a fresh DATA_DIR) under steady load for `runMs`,
 * injecting the planned faults through the API as an sre would; an empty plan is the clean run.
 */
export async function runPhase(plan: readonly PlannedFault[], runMs: number, rate: number): Promise<PhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-chaos-'));
  const platform = await startTestPlatform(dir, everyService());
  const started = Date.now();
  const outcomes: (FaultOutcome & { id: string })[] = [];
  const detections: { at: number; data: TopicData<'detections'> }[] = [];
  const applied: AppliedAction[] = [];
  const verified = new Set<string>();
  let lifted = 0;
  await platform.bus.subscribe({
    group: 'bench-chaos-detections',
    topic: 'detections',
    handler: (d) => {
      const at = Date.now();
      detections.push({ at, data: d.envelope.data });
      for (const o of outcomes)
        if (
          o.detectedAt === undefined &&
          at <= o.expiresAt + GRACE_MS &&
          detects(o.planned.kind, o.planned.service, d.envelope.data)
        ) {
          o.detectedAt = at;
          o.detectedBy = `${d.envelope.data.detector}: ${d.envelope.data.title ?? d.envelope.data.explanation}`.slice(
            0,
            200,
          );
        }
    },
  });
  await platform.bus.subscribe({
    group: 'bench-chaos-remediations',
    topic: 'remediations',
    handler: (d) => {
      const { action, target, status, policy, detail } = d.envelope.data;
      const remediationId = d.envelope.data.remediationId ?? '';
      if (status === 'verified') verified.add(remediationId);
      if (status === 'restored') lifted += 1;
      if (status === 'applied') applied.push({ at: Date.now(), remediationId, service: target.service ?? '' });
      // The per-fault timeline: every step after planning, with the guardrail's reason when one held it back.
      if (status !== 'planned')
        process.stderr.write(
          `remediation: ${JSON.stringify({
            at_s: round((Date.now() - started) / 1000, 1),
            status,
            action,
            service: target.service,
            policy,
            detail: (detail ?? '').slice(0, 200),
          })}\n`,
        );
    },
  });
  const load = startLoad(platform, rate);
  try {
    let next = 0;
    while (Date.now() - started < runMs) {
      await sleep(1_000);
      const planned = plan[next];
      if (planned !== undefined && Date.now() - started >= planned.atMs) {
        next += 1;
        const fault = await inject(platform, planned);
        outcomes.push({ ...fault, planned, checkFired: false, actions: 0, falseActions: 0, autoResolved: false });
      }
      await observe(platform, outcomes);
    }
    // Verification may confirm a recovery a little after the run's last second.
    await sleep(2_000);
    const incidents = incidentList.parse(await (await apiFetch(platform, '/api/incidents?limit=500')).json()).incidents;
    const windows = outcomes.map((o) => ({ ...o, kind: o.planned.kind, service: o.planned.service }));
    const { credits, stray } = attribute(windows, applied, verified);
    outcomes.forEach((o, i) => Object.assign(o, credits[i]));
    return {
      outcomes,
      strayActions: stray,
      actions: applied.length,
      lifted,
      detections: detections.length,
      detectionTitles: detections
        .slice(0, 50)
        .map((d) => `${d.data.detector}: ${d.data.title ?? d.data.explanation}`.slice(0, 160)),
      incidents: incidents.length,
      requests: load.counts.sent,
    };
  } finally {
    load.stop();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inject(platform: TestPlatform, planned: PlannedFault) {
  const res = await apiFetch(platform, '/api/faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: planned.kind,
      service: planned.service,
      duration: planned.durationMs,
      intensity: planned.intensity,
      ...(planned.maxBytes === undefined ? {} : { maxBytes: planned.maxBytes }),
    }),
    as: 'sre',
  });
  if (res.status !== 201) throw new Error(`injecting ${planned.kind}: ${String(res.status)} ${await res.text()}`);
  const fault = injected.parse(await res.json());
  return { id: fault.id, injectedAt: Date.now(), expiresAt: fault.expiresAt };
}

/** Once a second: is each fault still listed, is its signal back to normal. */
async function observe(platform: TestPlatform, outcomes: (FaultOutcome & { id: string })[]): Promise<void> {
  const now = Date.now();
  const open = outcomes.filter((o) => o.recoveredAt === undefined && now <= o.expiresAt + 5 * GRACE_MS);
  if (open.length === 0) return;
  const [checks, faults] = await Promise.all([
    apiFetch(platform, '/api/detectors/checks').then(async (r) => checkStatus.parse(await r.json()).status),
    apiFetch(platform, '/api/faults').then(async (r) => faultList.parse(await r.json()).faults),
  ]);
  for (const o of open) {
    const signal = recoverySignal(o.planned.kind, o.planned.service);
    const firing = checks.some((c) => c.check === signal.check && c.subject === signal.subject && c.firing);
    if (firing) o.checkFired = true;
    const listed = faults.some((f) => f.id === o.id);
    if (!listed && o.endedEarlyAt === undefined && now < o.expiresAt - 1_000) o.endedEarlyAt = now;
    if (o.detectedAt !== undefined && !firing && (o.checkFired || !listed)) o.recoveredAt = now;
  }
}

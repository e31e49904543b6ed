import type { EventBus } from '../../platform/backbone/bus.ts';
import type { TopicInput } from '../../platform/backbone/topics.ts';
import { apiFetch, type ApiTarget } from '../../platform/testing/api-client.ts';
import { RemediationEngine, type EngineOptions, type EngineSettings, type StepEvent } from './engine.ts';

/** Engine settings for unit tests: low risk runs at once, a short verification interval, a small queue. */
export const testEngineSettings: EngineSettings = {
  dryRun: { all: false, liveMaxRisk: 'low' },
  autoMaxRisk: 'low',
  cooldownMs: 60_000,
  maxPerHour: 20,
  maxPerServicePerHour: 5,
  maxCuresPerCausePerHour: 3,
  maxReplicaShare: 0.5,
  maxPending: 2,
  approvalTtlMs: 60_000,
  verifyIntervalMs: 10,
};

/**
 * An engine for unit tests: every step recorded in `events`, the probe reading `healthy()`, the test's clock; what
 * the engine options say besides (replicas, a pending store) passed through.
 */
export function testEngine(
  options: Pick<EngineOptions, 'families' | 'executor' | 'now'> &
    Partial<Pick<EngineOptions, 'replicas' | 'pending'>> & {
      readonly healthy: () => boolean;
      readonly settings?: Partial<EngineSettings>;
    },
): { engine: RemediationEngine; events: StepEvent[] } {
  const events: StepEvent[] = [];
  const { healthy, settings, replicas, ...rest } = options;
  const engine = new RemediationEngine({
    ...rest,
    probe: { recovered: () => Promise.resolve(healthy()) },
    publish: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    replicas: replicas ?? (() => undefined),
    settings: { ...testEngineSettings, ...settings },
    onError: () => undefined,
  });
  return { engine, events };
}

/**
 * Test helpers: publish a detection as the detector tier would (the chaos work injects real faults instead), and
 * create a person with a role and sign them in (approvals are a person's, not a token's).
 */
export async function publishDetection(bus: EventBus, data: TopicInput<'detections'>): Promise<void> {
  await bus.publish('detections', { key: JSON.stringify(data.series), data, source: 'test' });
}

/** A tick-rate detection far below its expected range: the feed has stalled. */
export function stalledFeedDetection(now = Date.now()): TopicInput<'detections'> {
  return {
    detector: 'drift',
    series: { __name__: 'insitechart_feed_ticks_total_rate', feed: 'simulated', service: 'insitechart' },
    score: 0.95,
    observed: 0,
    expected: { low: 5, high: 100_000 },
    ts: now,
    explanation: 'market feed ticks stopped',
    title: 'Market feed tick rate below normal: 0 (expected 5 to 100000)',
    severity: 'error',
  };
}

export interface PersonSession {
  readonly cookie: string;
  readonly csrf: string;
}

/**
 * Creates a person with a role (an admin sets a one-time password) and lets them choose `password`, as the sign-in
 * page does; returns their cookie session.
 */
export async function createPerson(
  target: ApiTarget,
  name: string,
  role: string,
  password: string,
): Promise<PersonSession> {
  const json = { 'content-type': 'application/json' };
  const oneTime = `${password}-one-time`;
  const put = await apiFetch(target, `/api/identity/users/${name}`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ role, password: oneTime }),
  });
  if (!put.ok) throw new Error(`creating ${name} answered ${String(put.status)}: ${await put.text()}`);
  const first = await signIn(target, name, oneTime);
  const changed = await apiFetch(target, '/api/identity/password', {
    as: 'anonymous',
    method: 'POST',
    headers: { ...json, cookie: first.cookie, 'x-csrf-token': first.csrf },
    body: JSON.stringify({ current: oneTime, next: password }),
  });
  if (!changed.ok) throw new Error(`changing ${name}'s password answered ${String(changed.status)}`);
  return signIn(target, name, password);
}

async function signIn(target: ApiTarget, name: string, password: string): Promise<PersonSession> {
  const response = await apiFetch(target, '/api/identity/session', {
    as: 'anonymous',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const cookie = /^((?:__Host-)?ic_session=[\w-]+);/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  const body = (await response.json()) as { csrf?: string };
  if (cookie === undefined || body.csrf === undefined) throw new Error(`signing in ${name} failed`);
  return { cookie, csrf: body.csrf };
}

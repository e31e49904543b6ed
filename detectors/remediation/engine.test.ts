import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemediationEngine, type EngineSettings, type StepEvent } from './engine.ts';
import type { RemediationAction, RemediationExecutor } from './executor.ts';
import { parseFamily } from './policy/load.ts';
import { testEngineSettings } from './testing.ts';
import type { Signal } from './types.ts';

const family = parseFamily(
  `family: test
reactive:
  - name: lag-scale
    on: { signal: detection, match: 'lag', direction: above }
    action: { kind: scale, service: analytics, params: { pool: p, replicas: 4 } }
    risk: low
    verify: { within: 200ms }
  - name: backlog-scale
    on: { signal: detection, match: 'backlog', direction: above }
    action: { kind: scale, service: analytics, params: { pool: p, replicas: 4 } }
    risk: low
    verify: { within: 200ms }
  - name: stall-restart
    on: { signal: detection, match: 'ticks', direction: below }
    action: { kind: restart, service: feed }
    risk: medium
    verify: { within: 200ms }
`,
  'test.yml',
);

const settings = testEngineSettings;

const signal = (name: string, observed: number): Signal => ({
  kind: 'detection',
  key: name,
  labels: { __name__: name },
  fingerprint: `det:${name}`,
  title: name,
  at: 0,
  score: 0.9,
  observed,
  expected: { low: 1, high: 10 },
});

function harness(
  options: { recovers?: boolean; settings?: Partial<EngineSettings>; failPublish?: () => boolean } = {},
) {
  const events: StepEvent[] = [];
  const executed: { action: RemediationAction; dryRun: boolean }[] = [];
  let replicas = 2;
  let now = 1_000;
  const executor: RemediationExecutor = {
    name: 'fake',
    supports: (kind) => kind === 'scale' || kind === 'restart',
    execute: (action, { dryRun }) => {
      executed.push({ action, dryRun });
      if (action.kind !== 'scale' || dryRun) return Promise.resolve({ ok: true, detail: `${action.kind} done` });
      const before = replicas;
      replicas = Number(action.params.replicas);
      return Promise.resolve({
        ok: true,
        detail: `scaled ${String(before)} -> ${String(replicas)}`,
        undo: { ...action, id: `${action.id}-undo`, params: { ...action.params, replicas: before } },
      });
    },
  };
  const engine = new RemediationEngine({
    families: [family],
    executor,
    probe: { recovered: () => Promise.resolve(options.recovers ?? true) },
    publish: (event) => {
      if (options.failPublish?.() === true) return Promise.reject(new Error('bus down'));
      events.push(event);
      return Promise.resolve();
    },
    replicas: (action) => (action.kind === 'scale' ? replicas : 1),
    settings: { ...settings, ...options.settings },
    onError: () => undefined,
    now: () => now,
  });
  return {
    engine,
    executor,
    events,
    executed,
    replicas: () => replicas,
    advance: (ms: number) => (now += ms),
    statuses: (id: string) => events.filter((e) => e.record.id === id).map((e) => e.status),
  };
}

const sre = { kind: 'user', role: 'sre', actor: 'user:sam' } as const;

/** `afterMs` later, the named signal arrives and everything it started finishes. */
async function signalAfter(h: ReturnType<typeof harness>, afterMs: number, name: string): Promise<void> {
  h.advance(afterMs);
  await h.engine.onSignal(signal(name, 50));
  await h.engine.idle();
}

describe('remediation engine', () => {
  it('runs a low-risk action at once, within the blast radius, and keeps it when the signal recovers', async () => {
    const h = harness();
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    const [record] = h.engine.records.list({ limit: 10 });
    assert.ok(record);
    assert.deepEqual(h.statuses(record.id), ['planned', 'applied', 'verified']);
    assert.equal(h.replicas(), 3, '2 -> 4 is cut to 2 -> 3 (half of the replicas at once)');
    assert.match(record.steps[1]?.detail ?? '', /blast radius/);
  });

  it('acts on no detection during the start-up warm-up, and on the same signal after it', async () => {
    const h = harness({ settings: { warmupMs: 120_000 } });
    await h.engine.onSignal(signal('lag', 50));
    h.advance(119_000);
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    assert.equal(h.events.length, 0, 'nothing planned while warming up');
    h.advance(1_000);
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    assert.deepEqual(
      h.events.map((e) => e.status),
      ['planned', 'applied', 'verified'],
    );
  });

  it('an action the executor refused changed nothing and does not hold the cooldown', async () => {
    const h = harness();
    let refuse = true;
    const original = h.executor.execute.bind(h.executor);
    h.executor.execute = (action, opts) =>
      refuse ? Promise.resolve({ ok: false, detail: 'no change to revert' }) : original(action, opts);
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    refuse = false;
    h.advance(1_000);
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    assert.deepEqual(
      h.events.map((e) => e.status),
      ['planned', 'failed', 'planned', 'applied', 'verified'],
    );
  });

  it('undoes the action when the signal does not recover within the deadline', async () => {
    const h = harness({ recovers: false });
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    const [record] = h.engine.records.list({ limit: 1 });
    assert.deepEqual(h.statuses(record?.id ?? ''), ['planned', 'applied', 'verification_failed', 'rolled_back']);
    assert.equal(h.replicas(), 2, 'scaled back');
  });

  it('holds a repeated signal in the open remediation and the cooldown', async () => {
    const h = harness();
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.onSignal(signal('lag', 60));
    await h.engine.idle();
    assert.equal(h.engine.records.list({ limit: 10 }).length, 1, 'the second signal joined the open one');
    h.advance(1_000);
    await h.engine.onSignal(signal('lag', 70));
    await h.engine.idle();
    assert.equal(h.executed.length, 2, 'back once after its first verified cure: acted on');
    h.advance(1_000);
    await h.engine.onSignal(signal('lag', 70));
    const [blocked] = h.engine.records.list({ limit: 1 });
    assert.equal(blocked?.status, 'blocked');
    assert.match(blocked.steps.at(-1)?.detail ?? '', /cooldown: scale on analytics again in 59 s/);
    assert.equal(h.executed.length, 2);
  });

  it('after a verified action the pair is held only briefly; after an undone one for the whole cooldown', async () => {
    const verified = harness({ settings: { cooldownVerifiedMs: 10_000 } });
    await verified.engine.onSignal(signal('lag', 50));
    await verified.engine.idle();
    verified.advance(11_000);
    await verified.engine.onSignal(signal('lag', 50));
    await verified.engine.idle();
    assert.equal(verified.executed.length, 2, 'a new incident after the recovery is acted on');
    const undone = harness({ recovers: false, settings: { cooldownVerifiedMs: 10_000 } });
    await undone.engine.onSignal(signal('lag', 50));
    await undone.engine.idle();
    undone.advance(11_000);
    await undone.engine.onSignal(signal('lag', 50));
    const [blocked] = undone.engine.records.list({ limit: 1 });
    assert.match(blocked?.steps.at(-1)?.detail ?? '', /cooldown/);
  });

  it('after a verified cure a different signal is a new cause; the cured one acts at once, a flap waits', async () => {
    const h = harness({ settings: { cooldownMs: 300_000, cooldownVerifiedMs: 60_000 } });
    await signalAfter(h, 0, 'lag');
    await signalAfter(h, 20_000, 'backlog');
    assert.equal(h.executed.length, 2, 'the backlog, a different signal, is acted on 20 s after the lag was cured');
    await signalAfter(h, 1_000, 'lag');
    assert.equal(h.executed.length, 3, 'one recurrence after a verified cure is not a loop: acted on at once');
    await signalAfter(h, 1_000, 'lag');
    const [blocked] = h.engine.records.list({ limit: 1 });
    assert.match(
      blocked?.steps.at(-1)?.detail ?? '',
      /cooldown: scale on analytics again in \d+ s: this signal came back soon after its verified cure/,
      'back quickly twice in a row: a flap, it waits a minute after its recovery, and the reason says it came back',
    );
    assert.equal(h.executed.length, 3);
    await signalAfter(h, 60_000, 'lag');
    assert.equal(h.executed.length, 4, 'after the minute it acts again');
    await signalAfter(h, 1_000, 'lag');
    assert.match(
      h.engine.records.list({ limit: 1 })[0]?.steps.at(-1)?.detail ?? '',
      /cured this signal on analytics 3 times/,
    );
    assert.equal(h.executed.length, 4, 'then the hourly maximum of cures per cause sends it to a person');
  });

  it('a different signal waits while the action on the same component is not verified', async () => {
    const h = harness({ recovers: false, settings: { cooldownVerifiedMs: 60_000 } });
    await signalAfter(h, 0, 'lag');
    await signalAfter(h, 20_000, 'backlog');
    const [blocked] = h.engine.records.list({ limit: 1 });
    assert.equal(blocked?.policy, 'backlog-scale');
    assert.match(
      blocked.steps.at(-1)?.detail ?? '',
      /cooldown: scale on analytics again in 40 s: an earlier scale on analytics is not verified yet/,
    );
    assert.equal(h.executed.filter((e) => e.action.kind === 'scale').length, 2, 'the first action and its undo only');
  });

  it('makes a medium-risk action wait for an sre, then runs it live once approved', async () => {
    const h = harness();
    await h.engine.onSignal(signal('ticks', 0));
    const [record] = h.engine.records.list({ limit: 1 });
    assert.equal(record?.status, 'pending_approval');
    assert.equal(h.executed.length, 0);
    const oncall = await h.engine.decide(record.id, true, { kind: 'user', role: 'oncall', actor: 'user:olga' });
    assert.deepEqual(oncall, { ok: false, status: 403, message: 'approvals need the sre role' });
    const token = await h.engine.decide(record.id, true, { kind: 'token', role: 'sre', actor: 'token:ci' });
    assert.equal(token.ok ? 0 : token.status, 403);
    const approved = await h.engine.decide(record.id, true, sre, 'go');
    assert.equal(approved.ok, true);
    await h.engine.idle();
    assert.deepEqual(h.statuses(record.id), ['planned', 'pending_approval', 'approved', 'applied', 'verified']);
    assert.equal(h.events.find((e) => e.status === 'approved')?.actor, 'user:sam');
    assert.deepEqual(
      h.executed.map((e) => e.dryRun),
      [false],
      'approved: live',
    );
    const again = await h.engine.decide(record.id, true, sre);
    assert.equal(again.ok ? 0 : again.status, 409);
    assert.equal((await h.engine.decide('nope', true, sre)).ok, false);
  });

  it('records a rejection and does nothing', async () => {
    const h = harness();
    await h.engine.onSignal(signal('ticks', 0));
    const [record] = h.engine.records.list({ limit: 1 });
    await h.engine.decide(record?.id ?? '', false, sre);
    await h.engine.idle();
    assert.equal(record?.status, 'rejected');
    assert.equal(h.executed.length, 0);
  });

  it('expires approvals nobody gave, and bounds how many wait', async () => {
    const h = harness({ settings: { maxPending: 1, autoMaxRisk: 'none' } });
    await h.engine.onSignal(signal('ticks', 0));
    await h.engine.onSignal(signal('lag', 50));
    const [second, first] = h.engine.records.list({ limit: 2 });
    assert.equal(first?.status, 'pending_approval');
    assert.equal(second?.status, 'blocked');
    assert.match(second.steps.at(-1)?.detail ?? '', /approval queue is full/);
    h.advance(60_000);
    await h.engine.expire();
    assert.equal(first.status, 'expired');
    assert.equal(h.executed.length, 0);
  });

  it('runs unapproved actions above the live risk dry: planned and published, nothing changed', async () => {
    const h = harness({ settings: { autoMaxRisk: 'medium', dryRun: { all: false, liveMaxRisk: 'low' } } });
    await h.engine.onSignal(signal('ticks', 0));
    await h.engine.idle();
    const [record] = h.engine.records.list({ limit: 1 });
    assert.deepEqual(h.statuses(record?.id ?? ''), ['planned', 'dry_run']);
    assert.equal(h.executed[0]?.dryRun, true);
  });

  it('changes memory only after a step is persisted', async () => {
    let fail = true;
    const h = harness({ failPublish: () => fail });
    await assert.rejects(h.engine.onSignal(signal('lag', 50)), /bus down/);
    assert.equal(h.engine.records.list({ limit: 10 }).length, 0);
    fail = false;
    await h.engine.onSignal(signal('lag', 50));
    await h.engine.idle();
    assert.equal(h.engine.records.list({ limit: 10 })[0]?.status, 'verified');
  });
});

/**
 * The Kubernetes policy family (policies/kubernetes.yml) end to end through the engine and its guardrails, acting on
 * a stack whose Automation API is faked at its port (FakeStack): each alert of platform/alerts/rules' Kubernetes
 * catalog becomes its action on the service the alert names, and every guardrail applies to each new action kind
 * (approval for a rollback, the blast radius and the lift for a scale-out, cooldown and the hourly budget for
 * restarts, undo after a failed verification). Verification deadlines are shortened (the policies' 10 minutes).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { EngineSettings } from '../engine.ts';
import { PulumiExecutor } from '../executors/pulumi/executor.ts';
import { FakeStack } from '../executors/pulumi/fake-stack.ts';
import { loadPolicies, parseFamily } from '../policy/load.ts';
import { testEngine, testEngineSettings } from '../testing.ts';
import type { Signal } from '../types.ts';

const file = new URL('../policies/kubernetes.yml', import.meta.url);
const family = parseFamily(readFileSync(file, 'utf8').replace(/within: 1[05]m/g, 'within: 150ms'), 'kubernetes.yml');
const HOLD = 30 * 60_000;
const urn = (type: string, name: string) => `urn:pulumi:prod::insitechart::${type}::${name}`;
const webHpa = urn('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'web');
const webWorkload = [urn('kubernetes:apps/v1:Deployment', 'web'), webHpa];
const sre = { kind: 'user', role: 'sre', actor: 'user:sam' } as const;
const oncall = { kind: 'user', role: 'oncall', actor: 'user:olga' } as const;

/** An alert of the Kubernetes catalog, firing, as the alerts service hands it to the engine. */
const alert = (alertname: string, service = 'web', n = 1): Signal => ({
  kind: 'incident',
  key: `${alertname}-${service}-${String(n)}`,
  labels: { alertname, service, severity: 'warning', namespace: 'insitechart' },
  fingerprint: `${alertname}-${service}-${String(n)}`,
  title: `${alertname} on ${service}`,
  at: 0,
});

function harness(options: { deployed?: Record<string, string>; settings?: Partial<EngineSettings> } = {}) {
  const stack = new FakeStack();
  stack.deployed = options.deployed ?? { 'insitechart:imageTag': 'v2', 'insitechart:previousImageTag': 'v1' };
  stack.stackOutputs = {
    scaling: { web: { autoscaler: 'hpa', minReplicas: 2, maxReplicas: 2, maxReplicasLimit: 8 } },
    remediationTargets: { web: { workload: webWorkload, scaler: [webHpa] } },
  };
  const executor = new PulumiExecutor({ stack, services: ['web', 'alerts'], targeted: true });
  const state = { healthy: true };
  const clock = { now: 1_000 };
  const { engine, events } = testEngine({
    families: [family],
    executor,
    healthy: () => state.healthy,
    replicas: (action) => executor.replicas(action),
    now: () => clock.now,
    ...(options.settings === undefined ? {} : { settings: options.settings }),
  });
  const signal = async (s: Signal, afterMs = 1_000) => {
    clock.now += afterMs;
    await engine.onSignal(s);
    await engine.idle();
    const [latest] = engine.records.list({ limit: 1 });
    assert.ok(latest);
    return latest;
  };
  const statuses = (id: string | undefined) => events.filter((e) => e.record.id === id).map((e) => e.status);
  const ups = () => stack.calls.filter((c) => c === 'up').length;
  return { stack, executor, engine, state, clock, signal, statuses, ups, events };
}

describe('the Kubernetes policy family', () => {
  it('ships with the policies, one per alert of the Kubernetes rules catalog', () => {
    const shipped = loadPolicies().find((f) => f.family === 'kubernetes');
    assert.deepEqual(
      shipped?.reactive.map((p) => [p.name, p.action.kind, p.risk]),
      [
        ['deploy-regression-rollback', 'rollback', 'medium'],
        ['saturated-scale-out', 'scale', 'low'],
        ['pod-stuck-restart', 'restart', 'low'],
        ['memory-leak-restart', 'restart', 'low'],
      ],
    );
  });

  it('rollback: waits for an sre, returns to the recorded tag, rolls forward when the alert stays', async () => {
    const h = harness();
    const record = await h.signal(alert('DeployRegression'));
    assert.equal(record.kind, 'rollback');
    assert.deepEqual(h.statuses(record.id), ['planned', 'pending_approval']);
    assert.equal(h.ups(), 0, 'nothing done before an approval');
    const refused = await h.engine.decide(record.id, true, oncall);
    assert.equal(refused.ok ? 0 : refused.status, 403);
    h.state.healthy = false;
    assert.ok((await h.engine.decide(record.id, true, sre)).ok);
    await h.engine.idle();
    assert.deepEqual(h.statuses(record.id), [
      'planned',
      'pending_approval',
      'approved',
      'applied',
      'verification_failed',
      'rolled_back',
    ]);
    assert.deepEqual(
      h.stack.calls.filter((c) => c.startsWith('set services') || c.startsWith('rm services')),
      ['set services["web"].imageTag=v1', 'rm services["web"].imageTag'],
      'back to v1, then forward to the stack tag (v2)',
    );
    assert.deepEqual(h.stack.targets, [webWorkload, webWorkload]);
  });

  it('rollback: refused with the reason when the deploy recorded no previous tag; the slot is given back', async () => {
    const h = harness({ deployed: { 'insitechart:imageTag': 'v2' } });
    const { id } = await h.signal(alert('DeployRegression'));
    await h.engine.decide(id, true, sre);
    await h.engine.idle();
    const first = h.engine.records.get(id);
    assert.equal(first?.status, 'failed');
    assert.match(first.steps.at(-1)?.detail ?? '', /no previousImageTag recorded \(a person decides\)/);
    assert.equal(h.ups(), 0);
    const second = await h.signal(alert('DeployRegression', 'web', 2));
    assert.equal(second.status, 'pending_approval', 'no cooldown held by a refusal');
  });

  it('scale-out: raised within the blast radius, verified, lowered again after the hold', async () => {
    const h = harness();
    await h.executor.loadDeployed();
    const record = await h.signal(alert('SaturatedAtMaxReplicas'));
    assert.deepEqual(h.statuses(record.id), ['planned', 'applied', 'verified']);
    assert.equal(h.stack.config.get('services["web"].maxReplicas'), '3', 'a step of 2 on a maximum of 2 is cut to 1');
    assert.match(record.steps.map((s) => s.detail).join('\n'), /step cut from \+2 to \+1 of 2 replicas/);
    assert.deepEqual(h.stack.targets, [[webHpa]], 'the autoscaler alone');
    h.clock.now += HOLD;
    h.engine.liftDue();
    await h.engine.idle();
    assert.deepEqual(h.statuses(record.id), ['planned', 'applied', 'verified', 'restored']);
    assert.equal(h.stack.config.has('services["web"].maxReplicas'), false, 'back to the stack default');
  });

  it('scale-out: refused at the limit, nothing changed', async () => {
    const h = harness();
    h.stack.stackOutputs = {
      ...h.stack.stackOutputs,
      scaling: { web: { autoscaler: 'hpa', minReplicas: 2, maxReplicas: 8, maxReplicasLimit: 8 } },
    };
    const record = await h.signal(alert('SaturatedAtMaxReplicas'));
    assert.equal(record.status, 'failed');
    assert.match(record.steps.at(-1)?.detail ?? '', /at its limit of 8 replicas/);
    assert.equal(h.ups(), 0);
  });

  it('restart: one per service while unverified (cooldown), no undo, the hourly budget ends a loop', async () => {
    const h = harness({ settings: { maxPerServicePerHour: 2 } });
    h.state.healthy = false;
    const stuck = await h.signal(alert('PodStuckNotReady'));
    assert.deepEqual(h.statuses(stuck.id), ['planned', 'applied', 'verification_failed', 'failed']);
    assert.match(h.events.at(-1)?.detail ?? '', /nothing to undo: the action has no inverse/);
    assert.match(h.stack.config.get('services["web"].restartedAt') ?? '', /^\d{4}-/);
    const leak = await h.signal(alert('ContainerMemoryLeak'));
    assert.equal(leak.status, 'blocked');
    assert.match(leak.steps.at(-1)?.detail ?? '', /restart on web is not verified yet/);
    assert.equal(h.ups(), 1);

    const second = await h.signal(alert('PodStuckNotReady', 'web', 2), testEngineSettings.cooldownMs + 1_000);
    assert.deepEqual(h.statuses(second.id), ['planned', 'applied', 'verification_failed', 'failed']);
    const third = await h.signal(alert('PodStuckNotReady', 'web', 3), testEngineSettings.cooldownMs + 1_000);
    assert.equal(third.status, 'blocked');
    assert.match(third.steps.at(-1)?.detail ?? '', /hourly maximum of 2 actions on web that were not verified cures/);
    assert.equal(h.ups(), 2);
  });
});

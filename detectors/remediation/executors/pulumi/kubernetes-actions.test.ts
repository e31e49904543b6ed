/**
 * The Kubernetes policy family's actions through the Pulumi executor, the Automation API faked at its port: a
 * scale-out raises the autoscaler's maximum within the stack's limit (the autoscaler alone updated), a rollback
 * returns to the tag the deploy workflow recorded (undo: forward again), a restart stamps the pod template.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemediationAction } from '../../executor.ts';
import { PulumiExecutor } from './executor.ts';
import { FakeStack } from './fake-stack.ts';

const urn = (type: string, name: string) => `urn:pulumi:prod::insitechart::${type}::${name}`;
const webHpa = urn('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'web');
const webWorkload = [urn('kubernetes:apps/v1:Deployment', 'web'), webHpa];
const maxPath = 'services["web"].maxReplicas';
const tagPath = 'services["web"].imageTag';
const live = { dryRun: false };

function setup(
  scaling: unknown = { web: { autoscaler: 'hpa', minReplicas: 3, maxReplicas: 12, maxReplicasLimit: 16 } },
) {
  const stack = new FakeStack();
  stack.stackOutputs = {
    scaling,
    remediationTargets: {
      web: { workload: webWorkload, scaler: [webHpa] },
      alerts: { workload: [urn('kubernetes:apps/v1:Deployment', 'alerts')] },
    },
  };
  const executor = new PulumiExecutor({ stack, services: ['web', 'alerts'], targeted: true, refreshFirst: true });
  return { stack, executor };
}
const act = (kind: RemediationAction['kind'], params: RemediationAction['params'], service = 'web') => ({
  id: 'k1',
  kind,
  service,
  params,
});
const updates = (stack: FakeStack) => stack.calls.filter((c) => c === 'up' || c === 'preview').length;

describe('Pulumi executor: scale-out raises the autoscaler, never above its limit', () => {
  it('raises maxReplicas by the step, updates the HPA alone, and its undo puts the maximum back', async () => {
    const { stack, executor } = setup();
    stack.config.set(maxPath, '12');
    const r = await executor.execute(act('scale', { step: 2 }), live);
    assert.equal(r.ok, true, r.detail);
    assert.equal(stack.seenByEngine?.get(maxPath), '14');
    assert.deepEqual(stack.targets, [[webHpa], [webHpa]], 'refresh and update touch the autoscaler only');
    assert.match(r.detail, /HPA web maxReplicas 12 -> 14 \(limit 16\)/);
    assert.deepEqual(r.undo, { id: 'k1:undo', kind: 'scale', service: 'web', params: { maxReplicas: 12 } });
    stack.stackOutputs = { ...stack.stackOutputs, scaling: { web: { ...scalingOf(14) } } };
    const back = await executor.execute(r.undo, live);
    assert.equal(back.ok, true, back.detail);
    assert.equal(stack.config.get(maxPath), '12');
  });

  it('a maximum that was the stack default is reset by the undo; a step is cut at the limit', async () => {
    const { stack, executor } = setup({ web: scalingOf(15) });
    const r = await executor.execute(act('scale', { step: 4 }), live);
    assert.equal(r.ok, true, r.detail);
    assert.equal(stack.seenByEngine?.get(maxPath), '16', 'cut to maxReplicasLimit');
    assert.deepEqual(r.undo?.params, { resetMaxReplicas: true });
    await executor.execute(r.undo ?? act('scale', {}), live);
    assert.equal(stack.config.has(maxPath), false);
  });

  it('refuses before any change at the limit, without an autoscaler, without valid outputs, with bad params', async () => {
    const refusals: [unknown, RemediationAction, RegExp][] = [
      [{ web: scalingOf(16) }, act('scale', { step: 2 }), /at its limit of 16 replicas/],
      [{ web: scalingOf(12) }, act('scale', { step: 2 }, 'alerts'), /alerts has no autoscaler/],
      [null, act('scale', { step: 2 }), /exports no valid scaling/],
      [{ web: { maxReplicas: 'many' } }, act('scale', { step: 2 }), /exports no valid scaling/],
      [{ web: scalingOf(12) }, act('scale', { step: 20 }), /bad params/],
      [{ web: scalingOf(12) }, act('scale', { maxReplicas: 40 }), /above its limit/],
      [{ web: scalingOf(12) }, act('scale', { step: 2, replicas: 4 }), /bad params/],
    ];
    for (const [scaling, action, reason] of refusals) {
      const { stack, executor } = setup(scaling);
      const r = await executor.execute(action, live);
      assert.equal(r.ok, false, JSON.stringify(action.params));
      assert.match(r.detail, reason);
      assert.equal(stack.calls.filter((c) => c.startsWith('set') || c.startsWith('rm')).length, 0);
      assert.equal(updates(stack), 0);
    }
  });

  it('a dry run previews the autoscaler alone and leaves the maximum as it was', async () => {
    const { stack, executor } = setup();
    const r = await executor.execute(act('scale', { step: 2 }), { dryRun: true });
    assert.equal(r.ok, true, r.detail);
    assert.match(r.detail, /^dry run: services\["web"\].maxReplicas \(default\) -> 14/);
    assert.deepEqual(stack.targets, [[webHpa]]);
    assert.equal(stack.config.has(maxPath), false);
  });

  it("tells the blast radius the autoscaler's maximum (a step) or minimum (replicas), from the last update", async () => {
    const { executor } = setup();
    assert.equal(executor.replicas(act('scale', { step: 2 })), undefined, 'nothing known before loading');
    await executor.loadDeployed();
    assert.equal(executor.replicas(act('scale', { step: 2 })), 12);
    assert.equal(executor.replicas(act('scale', { replicas: 5 })), 3);
    assert.equal(executor.replicas(act('restart', {})), undefined);
    assert.equal(executor.replicas(act('scale', { step: 2 }, 'alerts')), undefined);
  });
});

describe('Pulumi executor: rollback to the tag the deploy recorded, restart by a stamp', () => {
  it('rolls back to previousImageTag of the last update; the undo rolls forward to the stack tag', async () => {
    const { stack, executor } = setup();
    stack.deployed = { 'insitechart:imageTag': 'v2', 'insitechart:previousImageTag': 'v1' };
    const r = await executor.execute(act('rollback', {}), live);
    assert.equal(r.ok, true, r.detail);
    assert.equal(stack.seenByEngine?.get(tagPath), 'v1');
    assert.deepEqual(stack.targets, [webWorkload, webWorkload]);
    assert.match(r.detail, /web v2 -> v1; undo rolls forward to v2/);
    assert.deepEqual(r.undo?.params, { reset: true });
    const forward = await executor.execute(r.undo ?? act('rollback', {}), live);
    assert.equal(forward.ok, true, forward.detail);
    assert.equal(stack.config.has(tagPath), false, 'the service follows the stack tag again (v2)');
  });

  it('refuses with a reason when no previous tag is recorded, or when it is the tag running', async () => {
    const none = setup();
    none.stack.deployed = { 'insitechart:imageTag': 'v2' };
    const r = await none.executor.execute(act('rollback', {}), live);
    assert.equal(r.ok, false);
    assert.match(r.detail, /no previousImageTag recorded \(a person decides\)/);
    assert.equal(updates(none.stack), 0);

    const back = setup();
    back.stack.deployed = { 'insitechart:imageTag': 'v2', 'insitechart:previousImageTag': 'v1' };
    back.stack.config.set(tagPath, 'v1');
    const again = await back.executor.execute(act('rollback', {}), live);
    assert.equal(again.ok, false);
    assert.match(again.detail, /v1 is the tag it runs/);
    assert.equal(updates(back.stack), 0);
  });

  it('restarts the rollout by a new stamp in the pod template, the workload alone, with no undo', async () => {
    const { stack, executor } = setup();
    const r = await executor.execute(act('restart', {}), live);
    assert.equal(r.ok, true, r.detail);
    assert.match(stack.seenByEngine?.get('services["web"].restartedAt') ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(stack.targets, [webWorkload, webWorkload]);
    assert.equal(r.undo, undefined);
  });
});

function scalingOf(max: number) {
  return { autoscaler: 'hpa', minReplicas: 3, maxReplicas: max, maxReplicasLimit: 16 };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PulumiExecutor } from './executor.ts';
import { FakeStack } from './fake-stack.ts';

const urn = (type: string, name: string) => `urn:pulumi:prod::insitechart::${type}::${name}`;
const webWorkload = [
  urn('kubernetes:apps/v1:Deployment', 'web'),
  urn('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'web'),
];
const alertsClaim = [urn('kubernetes:core/v1:PersistentVolumeClaim', 'alerts-data')];
const outputs = {
  dataVolumes: {
    alerts: { claim: 'alerts-data', sizeGi: 10, maxGi: 50, storageClass: 'fast', expandable: true },
  },
  remediationTargets: {
    web: { workload: webWorkload },
    alerts: { workload: [urn('kubernetes:apps/v1:Deployment', 'alerts')], volume: alertsClaim },
  },
};

function setup(stackOutputs: Record<string, unknown> | undefined = outputs) {
  const stack = new FakeStack();
  stack.stackOutputs = stackOutputs;
  const executor = new PulumiExecutor({ stack, services: ['web', 'alerts'], targeted: true, refreshFirst: true });
  return { stack, executor };
}

describe('Pulumi executor: targeted updates (the remediation identity patches only these)', () => {
  it('refreshes and updates only the workload and its autoscaler for a scale', async () => {
    const { stack, executor } = setup();
    const r = await executor.execute(
      { id: 'a', kind: 'scale', service: 'web', params: { replicas: 4 } },
      { dryRun: false },
    );
    assert.equal(r.ok, true, r.detail);
    assert.deepEqual(stack.targets, [webWorkload, webWorkload]);
    assert.deepEqual(
      stack.calls.filter((c) => c === 'refresh' || c === 'up'),
      ['refresh', 'up'],
    );
  });

  it('updates only the claim for an expand-volume, and previews only it in a dry run', async () => {
    const { stack, executor } = setup();
    const grow = { id: 'g', kind: 'expand-volume', service: 'alerts', params: { growPercent: 50 } } as const;
    const dry = await executor.execute(grow, { dryRun: true });
    assert.equal(dry.ok, true, dry.detail);
    const r = await executor.execute(grow, { dryRun: false });
    assert.equal(r.ok, true, r.detail);
    assert.equal(stack.config.get('services["alerts"].storageGi'), '15');
    assert.deepEqual(stack.targets, [alertsClaim, alertsClaim, alertsClaim]);
  });

  it('refuses before any change when the stack names no targets for the action', async () => {
    for (const [stackOutputs, service, kind, params, why] of [
      [{ dataVolumes: outputs.dataVolumes }, 'web', 'scale', { replicas: 4 }, /exports no valid remediationTargets/],
      [
        { ...outputs, remediationTargets: { web: { workload: ['not-a-urn'] } } },
        'web',
        'scale',
        { replicas: 4 },
        /no valid/,
      ],
      [
        { ...outputs, remediationTargets: { alerts: { workload: webWorkload } } },
        'alerts',
        'expand-volume',
        { growPercent: 50 },
        /no volume resources of alerts/,
      ],
    ] as const) {
      const { stack, executor } = setup(stackOutputs);
      const r = await executor.execute({ id: 'x', kind, service, params }, { dryRun: false });
      assert.equal(r.ok, false);
      assert.match(r.detail, why);
      assert.equal(
        stack.calls.filter((c) => c.startsWith('set ') || c === 'up' || c === 'refresh').length,
        0,
        r.detail,
      );
    }
  });
});

/**
 * The distributed remediation service started on the embedded bus (Kafka cannot run here; the service sees only the
 * bus port), with the Automation API faked at its port and Prometheus at the probe's: a DataVolumeFillingUp alert on
 * alerts.ops grows that service's claim through a targeted update, and its resolution verifies the action.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TopicInput } from '../../../platform/backbone/topics.ts';
import { apiFetch } from '../../../platform/testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../../../platform/testing/platform.ts';
import type { StackLocation } from '../executors/pulumi/automation.ts';
import { FakeStack } from '../executors/pulumi/fake-stack.ts';
import type { RemediationRecord } from '../records.ts';
import { distributedRemediationService } from './service.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'remediation-distributed-'));
Object.assign(process.env, { REMEDIATION_VERIFY_INTERVAL_MS: '100', REMEDIATION_WARMUP_MS: '0' });
const claim = 'urn:pulumi:prod::insitechart::kubernetes:core/v1:PersistentVolumeClaim::alerts-data';
const webHpa = 'urn:pulumi:prod::insitechart::kubernetes:autoscaling/v2:HorizontalPodAutoscaler::web';
const stack = new FakeStack();
stack.stackOutputs = {
  dataVolumes: { alerts: { claim: 'alerts-data', sizeGi: 10, maxGi: 50, storageClass: 'fast', expandable: true } },
  scaling: { web: { autoscaler: 'hpa', minReplicas: 2, maxReplicas: 2, maxReplicasLimit: 8 } },
  remediationTargets: {
    alerts: { workload: ['urn:pulumi:prod::insitechart::kubernetes:apps/v1:Deployment::alerts'], volume: [claim] },
    web: { workload: ['urn:pulumi:prod::insitechart::kubernetes:apps/v1:Deployment::web', webHpa], scaler: [webHpa] },
  },
};
const settings = {
  stackName: 'acme/insitechart/prod',
  workDir: 'infra/pulumi',
  workspaceDir: join(dataDir, 'workspace'),
  refreshFirst: true,
  prometheusUrl: 'http://127.0.0.1:9',
  prometheusTimeoutMs: 1_000,
};
let opened: StackLocation | undefined;
let platform: TestPlatform;

before(async () => {
  platform = await startTestPlatform(dataDir, [
    distributedRemediationService({
      settings,
      services: ['alerts', 'web'],
      openStack: (location) => {
        opened = location;
        return Promise.resolve(stack);
      },
      prometheus: { instant: () => Promise.resolve([]) },
    }),
  ]);
});
after(async () => {
  await platform.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const fillingUp = (status: 'firing' | 'resolved'): TopicInput<'alerts.ops'> => ({
  fingerprint: 'f-alerts-data',
  status,
  labels: {
    alertname: 'DataVolumeFillingUp',
    service: 'alerts',
    severity: 'warning',
    namespace: 'insitechart',
    persistentvolumeclaim: 'alerts-data',
  },
  annotations: { summary: 'alerts-data (insitechart) has under 15% free and fills within 6 hours' },
  startsAt: new Date().toISOString(),
  source: 'alertmanager',
});

async function remediation(status: string, kind = 'expand-volume'): Promise<RemediationRecord> {
  const end = Date.now() + 15_000;
  for (;;) {
    const res = await apiFetch(platform, `/api/remediations?status=${status}`, { as: 'oncall' });
    assert.equal(res.status, 200);
    const { remediations } = (await res.json()) as { remediations: RemediationRecord[] };
    const found = remediations.find((r) => r.kind === kind);
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`no ${kind} remediation ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('remediation in distributed mode (bus and Automation API at their ports)', () => {
  it('opens the stack the settings name, in its writable workspace', () => {
    assert.deepEqual(opened, {
      workDir: 'infra/pulumi',
      stackName: 'acme/insitechart/prod',
      workspaceDir: join(dataDir, 'workspace'),
    });
  });

  it('grows a filling data volume by a targeted update, verified when the alert resolves', async () => {
    await platform.bus.publish('alerts.ops', { key: 'f-alerts-data', data: fillingUp('firing'), source: 'test' });
    const acting = await remediation('applied');
    assert.equal(acting.service, 'alerts');
    assert.equal(acting.policy, 'data-volume-filling-expand');
    assert.equal(stack.config.get('services["alerts"].storageGi'), '15');
    assert.deepEqual(stack.targets, [[claim], [claim]], 'refresh and update touch the claim only');
    assert.match(acting.steps.map((s) => s.detail).join('\n'), /alerts-data 10 -> 15 Gi .*no undo/);

    await platform.bus.publish('alerts.ops', { key: 'f-alerts-data', data: fillingUp('resolved'), source: 'test' });
    const verified = await remediation('verified');
    assert.equal(verified.id, acting.id);
    assert.equal(stack.calls.filter((c) => c === 'up').length, 1);
  });

  it("raises a saturated service's autoscaler within the blast radius the stack's outputs give", async () => {
    const saturated = (status: 'firing' | 'resolved'): TopicInput<'alerts.ops'> => ({
      ...fillingUp(status),
      fingerprint: 'f-web-saturated',
      labels: { alertname: 'SaturatedAtMaxReplicas', service: 'web', severity: 'warning', namespace: 'insitechart' },
      annotations: { summary: "web is saturated at its autoscaler's maximum of replicas" },
    });
    const before = stack.targets.length;
    await platform.bus.publish('alerts.ops', { key: 'f-web-saturated', data: saturated('firing'), source: 'test' });
    const acting = await remediation('applied', 'scale');
    assert.equal(acting.policy, 'saturated-scale-out');
    // A step of 2 on a maximum of 2, cut to 1 by the blast radius (read from the stack output `scaling`).
    assert.equal(stack.config.get('services["web"].maxReplicas'), '3');
    assert.deepEqual(stack.targets.slice(before), [[webHpa], [webHpa]], 'refresh and update touch the HPA only');
    await platform.bus.publish('alerts.ops', { key: 'f-web-saturated', data: saturated('resolved'), source: 'test' });
    assert.equal((await remediation('verified', 'scale')).id, acting.id);
  });

  it('decisions: unknown 404, a token (not a person) 403; reads: anonymous 401', async () => {
    const post = (id: string) => apiFetch(platform, `/api/remediations/${id}/approve`, { as: 'sre', method: 'POST' });
    assert.equal((await post('nope')).status, 404);
    assert.equal((await post((await remediation('verified')).id)).status, 403);
    assert.equal((await apiFetch(platform, '/api/remediations', { as: 'anonymous' })).status, 401);
  });
});

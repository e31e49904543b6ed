/**
 * The remediation service drives the stack (`pulumi up --target`) with its own ServiceAccount: its Role must cover
 * every kind of resource the stack names as a remediation target (or the update fails on Kubernetes), and nothing
 * more (no secrets, no create or delete, nothing cluster-wide but the StorageClass the program reads).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as pulumi from '@pulumi/pulumi';
import { stackDriverRules } from './rbac.ts';
import { services } from './services.ts';
import { deploy, field, ofType, record, secretValue, testConfig, testSecrets, type Recorded } from './testing/mocks.ts';

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));
const named = (rs: readonly Recorded[], kind: string, name: string): Recorded | undefined =>
  ofType(rs, kind).find((r) => field(r.inputs, 'metadata', 'name') === name);
const podOf = (rs: readonly Recorded[], name: string) =>
  field((named(rs, 'Deployment', name) ?? named(rs, 'Rollout', name))?.inputs, 'spec', 'template', 'spec');

/** `kubernetes:apps/v1:Deployment` -> the API group and plural resource RBAC names it by. */
function rbacResource(urn: string): { group: string; resource: string } {
  const type = (urn.split('::')[2] ?? '').split('$').at(-1) ?? '';
  const [, groupVersion = '', kind = ''] = type.split(':');
  const group = groupVersion.split('/')[0] === 'core' ? '' : (groupVersion.split('/')[0] ?? '');
  return { group, resource: `${kind.toLowerCase()}s` };
}

describe('the remediation service account (RBAC for targeted updates)', () => {
  for (const strategy of ['rolling', 'canary'] as const) {
    it(`covers every remediation target the ${strategy} stack names with read and patch, and nothing else`, async () => {
      const { resources, outputs } = await deploy(testConfig({ strategy, storageClass: 'fast' }));
      const urns: string[] = [];
      for (const t of Object.values(outputs.remediationTargets)) {
        for (const o of [...t.workload, ...(t.volume ?? []), ...(t.scaler ?? [])]) urns.push(await value(o));
      }
      assert.ok(urns.length >= services.length);
      const kinds = new Set(urns.map((u) => JSON.stringify(rbacResource(u))));
      for (const k of kinds) {
        const { group, resource } = JSON.parse(k) as { group: string; resource: string };
        const rule = stackDriverRules.find(
          (r) => (r.apiGroups as string[]).includes(group) && (r.resources as string[]).includes(resource),
        );
        assert.ok(rule !== undefined, `no rule for ${group}/${resource}`);
        assert.ok((rule.verbs as string[]).includes('patch'), `${group}/${resource} cannot be patched`);
      }
      // Every targeted kind exists in the stack under its recorded type (the URNs name real resources).
      for (const u of urns)
        assert.ok(
          resources.some((r) => u.endsWith(`${r.type}::${r.name}`)),
          u,
        );

      const role = named(resources, 'Role', 'remediation-pulumi');
      assert.deepEqual(field(role?.inputs, 'rules'), stackDriverRules);
      const binding = named(resources, 'RoleBinding', 'remediation-pulumi');
      assert.deepEqual(field(binding?.inputs, 'subjects'), [
        { kind: 'ServiceAccount', name: 'remediation-pulumi', namespace: 'insitechart' },
      ]);
      assert.deepEqual(field(binding?.inputs, 'roleRef'), {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'remediation-pulumi',
      });
      const clusterRole = named(resources, 'ClusterRole', 'insitechart-remediation-pulumi');
      assert.deepEqual(field(clusterRole?.inputs, 'rules'), [
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], resourceNames: ['fast'], verbs: ['get'] },
      ]);
      assert.equal(
        field(named(resources, 'ClusterRoleBinding', 'insitechart-remediation-pulumi')?.inputs, 'roleRef', 'name'),
        'insitechart-remediation-pulumi',
      );
    });
  }

  it('mounts a token in the remediation pod only, and reads no StorageClass when none is named', async () => {
    const { resources } = await deploy(testConfig());
    for (const s of services) {
      const pod = podOf(resources, s.name);
      const mine = s.name === 'remediation';
      assert.equal(field(pod, 'automountServiceAccountToken'), mine, s.name);
      assert.equal(field(pod, 'serviceAccountName'), mine ? 'remediation-pulumi' : undefined, s.name);
    }
    assert.equal(ofType(resources, 'ClusterRole').length, 0);
    assert.equal(ofType(resources, 'ClusterRoleBinding').length, 0);
    assert.equal(ofType(resources, 'ServiceAccount').length, 1);
  });

  it('gives the remediation pod its stack, Prometheus, an optional backend token and the API server egress', async () => {
    const { resources } = await deploy(testConfig({ kubernetesApiCidrs: ['172.18.0.2/32'] }));
    const env = (field(podOf(resources, 'remediation'), 'containers', 0, 'env') ?? []) as {
      name: string;
      value?: string;
      valueFrom?: unknown;
    }[];
    const byName = new Map(env.map((e) => [e.name, e]));
    assert.equal(byName.get('REMEDIATION_PULUMI_STACK')?.value, 'acme/insitechart/test');
    assert.match(String(byName.get('REMEDIATION_PROMETHEUS_URL')?.value), /^http:\/\/.+:9090/);
    assert.equal(byName.get('REMEDIATION_PULUMI_WORKSPACE')?.value, '/tmp/pulumi/workspace');
    assert.deepEqual(byName.get('PULUMI_ACCESS_TOKEN')?.valueFrom, {
      secretKeyRef: { name: 'insitechart-secrets', key: 'PULUMI_ACCESS_TOKEN', optional: true },
    });
    assert.equal(byName.get('DETECTOR_SOURCES'), undefined);
    const egress = field(named(resources, 'NetworkPolicy', 'remediation-egress')?.inputs, 'spec', 'egress') as {
      to: unknown[];
      ports: { port: number }[];
    }[];
    const portsTo = (peer: string) =>
      egress.filter((r) => JSON.stringify(r.to).includes(peer)).flatMap((r) => r.ports.map((p) => p.port));
    assert.deepEqual(portsTo('172.18.0.2/32'), [443, 6443]);
    assert.deepEqual(portsTo('0.0.0.0/0'), [443], 'HTTPS only to the internet');
    const others = ofType(resources, 'NetworkPolicy').filter((p) => p.name !== 'netpol-remediation-egress');
    assert.ok(!others.some((p) => JSON.stringify(p.inputs).includes('172.18.0.2/32')), 'the API server for it alone');
  });

  it('puts the backend token in the Secret, marked secret, only when the stack has one', async () => {
    const secretData = async (secrets: typeof testSecrets & { pulumiAccessToken?: string }) => {
      const { resources } = await record(async () => {
        const { deployPlatform } = await import('./platform.ts');
        return deployPlatform(testConfig(), secrets);
      });
      return secretValue(field(named(resources, 'Secret', 'insitechart-secrets')?.inputs, 'stringData')) as Record<
        string,
        string
      >;
    };
    assert.equal((await secretData({ ...testSecrets, pulumiAccessToken: 'pul-test' })).PULUMI_ACCESS_TOKEN, 'pul-test');
    assert.equal((await secretData(testSecrets)).PULUMI_ACCESS_TOKEN, undefined);
  });
});

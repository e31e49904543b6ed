import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploy, field, ofType, testConfig, type Recorded } from './testing/mocks.ts';
import { policyViolations } from './testing/policies.ts';
import { stackConfig, stackNames } from './testing/stacks.ts';

/** A copy of the recorded resources with one resource's inputs changed. */
function mutate(
  rs: readonly Recorded[],
  pick: (r: Recorded) => boolean,
  change: (inputs: Record<string, unknown>) => void,
) {
  let done = false;
  const copy = rs.map((r) => {
    if (done || !pick(r)) return r;
    done = true;
    const inputs = structuredClone(r.inputs) as Record<string, unknown>;
    change(inputs);
    return { ...r, inputs };
  });
  assert.ok(done, 'nothing to mutate');
  return copy;
}
const isNamed = (kind: string, name: string) => (r: Recorded) =>
  r.type.endsWith(`:${kind}`) && field(r.inputs, 'metadata', 'name') === name;
const spec = (inputs: Record<string, unknown>) => inputs.spec as Record<string, unknown>;
const webContainer = (inputs: Record<string, unknown>) =>
  field(inputs, 'spec', 'template', 'spec', 'containers', 0) as Record<string, unknown>;

describe('policies', () => {
  for (const stack of stackNames) {
    it(`hold for the ${stack} stack`, async () => {
      const config = stackConfig(stack);
      const { resources } = await deploy(config);
      assert.deepEqual(policyViolations(resources, config), []);
      assert.equal(ofType(resources, 'Ingress').length, config.ingress === undefined ? 0 : 1);
    });
  }

  it('hold with canaries and catch every kind of violation', async () => {
    const config = testConfig({ strategy: 'canary' });
    const { resources: rs } = await deploy(config);
    assert.deepEqual(policyViolations(rs, config), []);
    const cases: [string, Recorded[]][] = [
      [
        'Rollout/web: no readinessProbe',
        mutate(rs, isNamed('Rollout', 'web'), (i) => delete webContainer(i).readinessProbe),
      ],
      [
        'Rollout/web: no memory limits',
        mutate(rs, isNamed('Rollout', 'web'), (i) => {
          (webContainer(i).resources as Record<string, Record<string, unknown>>).limits = { cpu: '1' };
        }),
      ],
      [
        'Deployment/alerts: pod may run as root',
        mutate(rs, isNamed('Deployment', 'alerts'), (i) => {
          (field(i, 'spec', 'template', 'spec', 'securityContext') as Record<string, unknown>).runAsNonRoot = false;
        }),
      ],
      [
        'Rollout/web: writable root filesystem',
        mutate(rs, isNamed('Rollout', 'web'), (i) => {
          (webContainer(i).securityContext as Record<string, unknown>).readOnlyRootFilesystem = false;
        }),
      ],
      [
        'Service/web: exposed as LoadBalancer',
        mutate(rs, isNamed('Service', 'web'), (i) => (spec(i).type = 'LoadBalancer')),
      ],
      [
        'Service/web-canary: exposed as NodePort',
        mutate(rs, isNamed('Service', 'web-canary'), (i) => (spec(i).type = 'NodePort')),
      ],
      [
        'Deployment/analytics: no PodDisruptionBudget',
        mutate(rs, isNamed('PodDisruptionBudget', 'analytics'), (i) => {
          spec(i).selector = { matchLabels: { 'app.kubernetes.io/name': 'someone-else' } };
        }),
      ],
      [
        'no default-deny ingress NetworkPolicy for the namespace',
        mutate(rs, isNamed('NetworkPolicy', 'default-deny-ingress'), (i) => {
          spec(i).podSelector = { matchLabels: { a: 'b' } };
        }),
      ],
      [
        'Deployment/alerts: egress to any address, cluster ranges included',
        mutate(rs, isNamed('NetworkPolicy', 'alerts-egress'), (i) => {
          spec(i).egress = [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }];
        }),
      ],
      [
        'Rollout/web: mounts a service account token',
        mutate(rs, isNamed('Rollout', 'web'), (i) => {
          (field(i, 'spec', 'template', 'spec') as Record<string, unknown>).automountServiceAccountToken = true;
        }),
      ],
      [
        'Deployment/remediation: mounts a service account token',
        mutate(rs, isNamed('RoleBinding', 'remediation-pulumi'), (i) => {
          i.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' };
        }),
      ],
      [
        'Role/remediation-pulumi: reads secrets',
        mutate(rs, isNamed('Role', 'remediation-pulumi'), (i) => {
          (i.rules as unknown[]).push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] });
        }),
      ],
      [
        'Role/remediation-pulumi: grants create, delete',
        mutate(rs, isNamed('Role', 'remediation-pulumi'), (i) => {
          (i.rules as unknown[]).push({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'delete'] });
        }),
      ],
      [
        'Role/remediation-pulumi: grants a wildcard',
        mutate(rs, isNamed('Role', 'remediation-pulumi'), (i) => {
          (i.rules as unknown[]).push({ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] });
        }),
      ],
    ];
    for (const [expected, mutated] of cases) assert.deepEqual(policyViolations(mutated, config), [expected]);
    const withIngress = [...rs, { type: 'kubernetes:networking.k8s.io/v1:Ingress', name: 'x', inputs: {} }];
    assert.deepEqual(policyViolations(withIngress, config), ['an Ingress without ingress configured']);
  });

  it('allow the internet only to services that need it, never the cluster ranges', async () => {
    const config = testConfig();
    const { resources } = await deploy(config);
    const open = ofType(resources, 'NetworkPolicy')
      .filter((p) => JSON.stringify(p.inputs).includes('0.0.0.0/0'))
      .map((p) => String(field(p.inputs, 'metadata', 'name')))
      .sort();
    assert.deepEqual(open, ['alerts-egress', 'market-feed-egress', 'remediation-egress']);
    const except = field(
      ofType(resources, 'NetworkPolicy').find((p) => field(p.inputs, 'metadata', 'name') === 'alerts-egress')?.inputs,
      'spec',
      'egress',
    );
    assert.ok(JSON.stringify(except).includes('"except":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16"]'));
  });
});

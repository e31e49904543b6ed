/**
 * The Kubernetes permissions of a service that drives the stack (the remediation service running `pulumi up`).
 * Its updates are targeted (`--target`: the stack output `remediationTargets`), so it needs to read and patch only
 * those resources' kinds in the namespace, watch what the provider awaits (pods, replica sets, events), and read the
 * named StorageClass the program looks up. No secrets, no create or delete, nothing cluster-wide beyond that read.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.ts';
import { labelsFor, stackDriverAccount } from './pod.ts';
import type { ServiceSpec } from './services.ts';

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

const watchAndPatch = ['get', 'list', 'watch', 'patch'];
const read = ['get', 'list', 'watch'];

/** In the stack's namespace: the kinds `remediationTargets` names (patched), and what the provider awaits (read). */
export const stackDriverRules: readonly PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: watchAndPatch },
  { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: watchAndPatch },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: watchAndPatch },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: watchAndPatch },
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: watchAndPatch },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
  { apiGroups: [''], resources: ['pods', 'events'], verbs: read },
];

/** Cluster-scoped: reading the one StorageClass the program looks up (volume.ts), when one is named. */
export function storageClassRule(config: StackConfig): PolicyRule | undefined {
  if (config.storageClass === undefined) return undefined;
  return {
    apiGroups: ['storage.k8s.io'],
    resources: ['storageclasses'],
    resourceNames: [config.storageClass],
    verbs: ['get'],
  };
}

export function deployStackDriverRbac(
  spec: ServiceSpec,
  config: StackConfig,
  opts: pulumi.CustomResourceOptions,
): void {
  const name = stackDriverAccount(spec.name);
  const namespace = config.namespace;
  const metadata = { name, namespace, labels: labelsFor(spec.name) };
  const subjects = [{ kind: 'ServiceAccount', name, namespace }];
  new k8s.core.v1.ServiceAccount(name, { metadata, automountServiceAccountToken: false }, opts);
  new k8s.rbac.v1.Role(name, { metadata, rules: [...stackDriverRules] }, opts);
  new k8s.rbac.v1.RoleBinding(
    name,
    { metadata, subjects, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name } },
    opts,
  );
  const storage = storageClassRule(config);
  if (storage === undefined) return;
  // Cluster-scoped names are shared by every stack of the cluster: the namespace keeps them apart.
  const clusterName = `${namespace}-${name}`;
  const clusterMetadata = { name: clusterName, labels: labelsFor(spec.name) };
  new k8s.rbac.v1.ClusterRole(clusterName, { metadata: clusterMetadata, rules: [storage] }, opts);
  new k8s.rbac.v1.ClusterRoleBinding(
    clusterName,
    {
      metadata: clusterMetadata,
      subjects,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    },
    opts,
  );
}

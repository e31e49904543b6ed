/**
 * The stack's policies as checks over the recorded resources: each returns what violates it, so the tests
 * show both that the stacks pass and that a bad resource is caught.
 */
import type { StackConfig } from '../config.ts';
import { field, ofType, type Recorded } from './mocks.ts';

const nameOf = (r: Recorded) => `${r.type.split(':').at(-1) ?? r.type}/${String(field(r.inputs, 'metadata', 'name'))}`;
const isWorkload = (r: Recorded) => r.type.endsWith(':Deployment') || r.type.endsWith(':Rollout');

function selects(selector: unknown, labels: unknown): boolean {
  const match = field(selector, 'matchLabels');
  if (match === undefined || match === null || typeof match !== 'object') return false;
  return Object.entries(match).every(([k, v]) => field(labels, k) === v);
}

/** Verbs a role of the stack may grant: read and patch, never create, delete, escalate or impersonate. */
const allowedVerbs = new Set(['get', 'list', 'watch', 'patch']);

/** Least privilege for every Role and ClusterRole the stack declares. */
function roleViolations(resources: readonly Recorded[]): string[] {
  const out: string[] = [];
  for (const role of [...ofType(resources, 'Role'), ...ofType(resources, 'ClusterRole')]) {
    const cluster = role.type.endsWith(':ClusterRole');
    for (const rule of (field(role.inputs, 'rules') ?? []) as unknown[]) {
      const list = (key: string) => (field(rule, key) ?? []) as string[];
      const bad = (what: string) => out.push(`${nameOf(role)}: ${what}`);
      if ([...list('apiGroups'), ...list('resources'), ...list('verbs')].includes('*')) bad('grants a wildcard');
      if (list('resources').includes('secrets')) bad('reads secrets');
      const verbs = list('verbs').filter((v) => !allowedVerbs.has(v));
      if (verbs.length > 0) bad(`grants ${verbs.join(', ')}`);
      if (cluster && list('resourceNames').length === 0) bad('cluster-wide without resource names');
    }
  }
  return out;
}

/** Service accounts bound (by a binding of the stack) to roles of the stack only, never to a built-in role. */
function boundAccounts(resources: readonly Recorded[]): Set<string> {
  const declaredRoles = new Set(
    [...ofType(resources, 'Role'), ...ofType(resources, 'ClusterRole')].map((r) => nameOf(r)),
  );
  const accounts = new Set(ofType(resources, 'ServiceAccount').map((a) => String(field(a.inputs, 'metadata', 'name'))));
  for (const b of [...ofType(resources, 'RoleBinding'), ...ofType(resources, 'ClusterRoleBinding')]) {
    const role = `${String(field(b.inputs, 'roleRef', 'kind'))}/${String(field(b.inputs, 'roleRef', 'name'))}`;
    if (declaredRoles.has(role)) continue;
    for (const s of (field(b.inputs, 'subjects') ?? []) as unknown[]) accounts.delete(String(field(s, 'name')));
  }
  return accounts;
}

function workloadViolations(w: Recorded, pdbs: readonly Recorded[], accounts: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const pod = field(w.inputs, 'spec', 'template', 'spec');
  const labels = field(w.inputs, 'spec', 'template', 'metadata', 'labels');
  const bad = (what: string) => out.push(`${nameOf(w)}: ${what}`);
  if (field(pod, 'securityContext', 'runAsNonRoot') !== true) bad('pod may run as root');
  if (field(pod, 'securityContext', 'seccompProfile', 'type') !== 'RuntimeDefault') bad('no RuntimeDefault seccomp');
  // A token only for a pod with its own account, bound to the stack's least-privilege roles alone.
  const account = field(pod, 'serviceAccountName');
  if (field(pod, 'automountServiceAccountToken') !== false && !(typeof account === 'string' && accounts.has(account)))
    bad('mounts a service account token');
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (field(pod, key) === true) bad(key);
  const volumes = (field(pod, 'volumes') ?? []) as unknown[];
  if (volumes.some((v) => field(v, 'hostPath') !== undefined)) bad('hostPath volume');
  const containers = (field(pod, 'containers') ?? []) as unknown[];
  if (containers.length === 0) bad('no containers');
  for (const c of containers) {
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      if (field(c, probe, 'httpGet', 'path') === undefined) bad(`no ${probe}`);
    }
    for (const kind of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) if (field(c, 'resources', kind, r) === undefined) bad(`no ${r} ${kind}`);
    }
    const sc = field(c, 'securityContext');
    if (field(sc, 'runAsNonRoot') !== true) bad('container may run as root');
    if (field(sc, 'readOnlyRootFilesystem') !== true) bad('writable root filesystem');
    if (field(sc, 'allowPrivilegeEscalation') !== false) bad('privilege escalation allowed');
    if (JSON.stringify(field(sc, 'capabilities', 'drop')) !== '["ALL"]') bad('capabilities not all dropped');
    if (field(sc, 'capabilities', 'add') !== undefined) bad('adds capabilities');
    if (field(sc, 'privileged') === true) bad('privileged');
  }
  if (!pdbs.some((p) => selects(field(p.inputs, 'spec', 'selector'), labels))) bad('no PodDisruptionBudget');
  return out;
}

export function policyViolations(resources: readonly Recorded[], config: StackConfig): string[] {
  const out: string[] = [];
  const pdbs = ofType(resources, 'PodDisruptionBudget');
  const workloads = resources.filter(isWorkload);
  if (workloads.length === 0) out.push('no workloads');
  const accounts = boundAccounts(resources);
  for (const w of workloads) out.push(...workloadViolations(w, pdbs, accounts));
  out.push(...roleViolations(resources));

  for (const s of ofType(resources, 'Service')) {
    const type = field(s.inputs, 'spec', 'type');
    if (type === 'LoadBalancer' || type === 'NodePort') out.push(`${nameOf(s)}: exposed as ${type}`);
    if (field(s.inputs, 'spec', 'externalIPs') !== undefined) out.push(`${nameOf(s)}: external IPs`);
  }
  const ingresses = ofType(resources, 'Ingress');
  if (config.ingress === undefined && ingresses.length > 0) out.push('an Ingress without ingress configured');
  if (config.ingress !== undefined && ingresses.length !== 1) out.push('ingress configured: expected one Ingress');
  for (const i of ingresses) {
    if (field(i.inputs, 'spec', 'rules', 0, 'host') !== config.ingress?.host) out.push(`${nameOf(i)}: other host`);
  }

  const policies = ofType(resources, 'NetworkPolicy').map((p) => p.inputs);
  const denyIngress = policies.find(
    (p) => JSON.stringify(field(p, 'spec', 'podSelector')) === '{}' && field(p, 'spec', 'ingress') === undefined,
  );
  if (denyIngress === undefined) out.push('no default-deny ingress NetworkPolicy for the namespace');
  for (const w of workloads) {
    const labels = field(w.inputs, 'spec', 'template', 'metadata', 'labels');
    const mine = policies.filter((p) => selects(field(p, 'spec', 'podSelector'), labels));
    const denies = mine.some(
      (p) =>
        JSON.stringify(field(p, 'spec', 'policyTypes')) === '["Egress"]' && field(p, 'spec', 'egress') === undefined,
    );
    if (!denies) out.push(`${nameOf(w)}: egress not denied by default`);
    if (!mine.some((p) => field(p, 'spec', 'ingress') !== undefined)) out.push(`${nameOf(w)}: no ingress allow-list`);
    for (const p of mine) {
      const blocks = JSON.stringify(field(p, 'spec', 'egress') ?? []);
      if (blocks.includes('"cidr":"0.0.0.0/0"') && !blocks.includes('"except"')) {
        out.push(`${nameOf(w)}: egress to any address, cluster ranges included`);
      }
    }
  }
  const ns = ofType(resources, 'Namespace')[0];
  if (field(ns?.inputs, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce') !== 'restricted') {
    out.push('namespace does not enforce the restricted Pod Security Standard');
  }
  return out;
}

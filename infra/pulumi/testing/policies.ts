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

function workloadViolations(w: Recorded, pdbs: readonly Recorded[]): string[] {
  const out: string[] = [];
  const pod = field(w.inputs, 'spec', 'template', 'spec');
  const labels = field(w.inputs, 'spec', 'template', 'metadata', 'labels');
  const bad = (what: string) => out.push(`${nameOf(w)}: ${what}`);
  if (field(pod, 'securityContext', 'runAsNonRoot') !== true) bad('pod may run as root');
  if (field(pod, 'securityContext', 'seccompProfile', 'type') !== 'RuntimeDefault') bad('no RuntimeDefault seccomp');
  if (field(pod, 'automountServiceAccountToken') !== false) bad('mounts a service account token');
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
  for (const w of workloads) out.push(...workloadViolations(w, pdbs));

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

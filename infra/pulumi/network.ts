/**
 * NetworkPolicies: nothing reaches a pod of the namespace unless allowed here, and the platform's own pods
 * reach nothing but DNS and what is listed. Kafka's pods get their policies from Strimzi (the listener's
 * networkPolicyPeers, data.ts); Elasticsearch's are here. Pure: returns the policies' specs.
 */
import type * as k8s from '@pulumi/kubernetes';
import type { StackConfig } from './config.ts';
import { httpPort, labelsFor } from './pod.ts';
import type { ServiceSpec } from './services.ts';

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Rule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

export interface NamedPolicy {
  readonly name: string;
  readonly spec: Spec;
}

const platformPods = { matchLabels: { 'app.kubernetes.io/part-of': 'insitechart' } };
const pod = (service: string): Peer => ({ podSelector: { matchLabels: labelsFor(service) } });
const namespace = (name: string): Peer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));

export const kafkaPods = { matchLabels: { 'strimzi.io/cluster': 'insitechart', 'strimzi.io/kind': 'Kafka' } };
export const elasticsearchPods = { matchLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': 'insitechart' } };
/** Where the ingress controller runs (only used when an Ingress is configured). */
export const ingressControllerNamespace = 'ingress-nginx';

function ingressRules(spec: ServiceSpec, config: StackConfig): Rule[] {
  if (spec.target === undefined) {
    return [{ from: [{ podSelector: platformPods }], ports: tcp(4317, 4318) }];
  }
  // Prometheus scrapes /metrics; Alertmanager posts its webhook to the alerts service.
  const rules: Rule[] = [{ from: [namespace(config.monitoringNamespace)], ports: tcp(httpPort) }];
  if (config.ingress !== undefined && spec.routes.length > 0) {
    rules.push({ from: [namespace(ingressControllerNamespace)], ports: tcp(httpPort) });
  }
  if (spec.name === 'detectors') rules.push({ from: [pod('otel-collector')], ports: tcp(httpPort) });
  return rules;
}

function egressRules(spec: ServiceSpec, config: StackConfig): EgressRule[] {
  if (spec.target === undefined) return [{ to: [pod('detectors')], ports: tcp(httpPort) }];
  const rules: EgressRule[] = [
    { to: [pod('otel-collector')], ports: tcp(4318) },
    { to: [{ podSelector: elasticsearchPods }], ports: tcp(9200) },
  ];
  if (spec.kafka) rules.push({ to: [{ podSelector: kafkaPods }], ports: tcp(9092) });
  if (spec.readsPrometheus) rules.push({ to: [namespace(config.monitoringNamespace)], ports: tcp(9090) });
  if (spec.drivesStack && config.kubernetesApiCidrs.length > 0) {
    rules.push({ to: config.kubernetesApiCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443, 6443) });
  }
  if (spec.internetEgress) {
    // Public addresses only: notification channels and market feeds (the stack's backend for the service that
    // drives it, over HTTPS only), never the cluster's own ranges.
    rules.push({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...config.privateCidrs] } }],
      ports: spec.drivesStack ? tcp(443) : tcp(443, 465, 587),
    });
  }
  return rules;
}

export function networkPolicies(config: StackConfig, specs: readonly ServiceSpec[]): readonly NamedPolicy[] {
  const policies: NamedPolicy[] = [
    { name: 'default-deny-ingress', spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    { name: 'default-deny-egress', spec: { podSelector: platformPods, policyTypes: ['Egress'] } },
    {
      name: 'allow-dns',
      spec: {
        podSelector: platformPods,
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ...namespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    {
      name: 'elasticsearch',
      spec: {
        podSelector: elasticsearchPods,
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: platformPods }, namespace(config.monitoringNamespace)], ports: tcp(9200) },
          // The ECK operator manages the cluster over its HTTP port; nodes talk to each other on transport.
          { from: [namespace('elastic-system')], ports: tcp(9200) },
          { from: [{ podSelector: elasticsearchPods }], ports: tcp(9200, 9300) },
        ],
      },
    },
  ];
  for (const spec of specs) {
    const podSelector = { matchLabels: labelsFor(spec.name) };
    policies.push(
      {
        name: `${spec.name}-ingress`,
        spec: { podSelector, policyTypes: ['Ingress'], ingress: ingressRules(spec, config) },
      },
      {
        name: `${spec.name}-egress`,
        spec: { podSelector, policyTypes: ['Egress'], egress: egressRules(spec, config) },
      },
    );
  }
  return policies;
}

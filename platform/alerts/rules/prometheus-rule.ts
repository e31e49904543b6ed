import { platformRuleGroups, securityRuleGroups, sloRuleGroupList } from './index.ts';
import { isAlertingRule, type RuleGroup } from './model.ts';

export interface PrometheusRuleOptions {
  readonly name?: string;
  readonly namespace: string;
  /** The platform's public URL: runbook links become absolute on it. */
  readonly publicUrl: string;
  /** Labels the Prometheus Operator's ruleSelector matches (e.g. { release: 'prometheus' }). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Prometheus Operator PrometheusRule object, as the Pulumi stack (infra/pulumi) applies it. */
export interface PrometheusRuleManifest {
  readonly apiVersion: 'monitoring.coreos.com/v1';
  readonly kind: 'PrometheusRule';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly spec: { readonly groups: readonly RuleGroup[] };
}

/** Every platform rule (cause-based and SLO) in one PrometheusRule, runbook links absolute. */
export function prometheusRule(options: PrometheusRuleOptions): PrometheusRuleManifest {
  const base = options.publicUrl.replace(/\/+$/, '');
  const groups = [...platformRuleGroups, ...securityRuleGroups, ...sloRuleGroupList].map((g) => ({
    ...g,
    rules: g.rules.map((r) =>
      isAlertingRule(r) && r.annotations.runbook_url.startsWith('/')
        ? { ...r, annotations: { ...r.annotations, runbook_url: `${base}${r.annotations.runbook_url}` } }
        : r,
    ),
  }));
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: options.name ?? 'insitechart',
      namespace: options.namespace,
      labels: { 'app.kubernetes.io/name': 'insitechart', ...options.labels },
    },
    spec: { groups },
  };
}

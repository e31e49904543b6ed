import { slos } from '../../slo/definitions/index.ts';
import { burnAlert, sloRuleGroups } from '../../slo/rules.ts';
import { platformAlerts } from './catalog/index.ts';
import { kubernetesRecordingRules } from './catalog/kubernetes.ts';
import { securityAlerts } from './catalog/security.ts';
import type { PlatformAlert, RuleGroup } from './model.ts';

/** Every alert InsiteChart defines on its own telemetry: cause-based alerts and SLO burns. */
export const allAlerts: readonly PlatformAlert[] = [
  ...platformAlerts,
  ...securityAlerts,
  ...slos.map((s) => burnAlert(s)),
];

/** platform.rules.yml: the cause-based alerts, one group; the recording rules some of them read come first. */
export const platformRuleGroups: readonly RuleGroup[] = [
  { name: 'insitechart-platform', rules: [...kubernetesRecordingRules, ...platformAlerts.flatMap((a) => a.rules)] },
];

/** security.rules.yml: the threat detections over the identity layer's metrics, one group. */
export const securityRuleGroups: readonly RuleGroup[] = [
  { name: 'insitechart-security', rules: securityAlerts.flatMap((a) => a.rules) },
];

/** slo.rules.yml: per SLO, its recording rules and burn alerts. */
export const sloRuleGroupList: readonly RuleGroup[] = sloRuleGroups(slos);

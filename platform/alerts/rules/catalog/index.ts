import type { PlatformAlert } from '../model.ts';
import { alertingAlerts } from './alerting.ts';
import { backboneAlerts } from './backbone.ts';
import { capacityAlerts } from './capacity.ts';
import { detectorAlerts } from './detectors.ts';
import { httpAlerts } from './http.ts';
import { kubernetesAlerts } from './kubernetes.ts';
import { marketAlerts } from './market.ts';
import { remediationAlerts } from './remediation.ts';

/** The platform's cause-based alerts (the SLO burn alerts come from platform/slo). */
export const platformAlerts: readonly PlatformAlert[] = [
  ...httpAlerts,
  ...backboneAlerts,
  ...marketAlerts,
  ...detectorAlerts,
  ...alertingAlerts,
  ...remediationAlerts,
  ...capacityAlerts,
  ...kubernetesAlerts,
];

import type { DashboardSpec } from '../lib/spec.ts';
import { alerting } from './alerting.ts';
import { backbone } from './backbone.ts';
import { detectors } from './detectors.ts';
import { market } from './market.ts';
import { overview } from './overview.ts';
import { remediation } from './remediation.ts';
import { security } from './security.ts';
import { sloDashboard } from './slos.ts';

export const dashboards: readonly DashboardSpec[] = [
  overview,
  market,
  backbone,
  detectors,
  alerting,
  remediation,
  security,
  sloDashboard,
];

import type { SloDefinition } from '../model.ts';
import { alertNotificationLatency } from './alert-notification-latency.ts';
import { apiAvailability } from './api-availability.ts';
import { apiLatency } from './api-latency.ts';
import { detectorCoverage } from './detector-coverage.ts';
import { feedFreshness } from './feed-freshness.ts';
import { wsDeliveryLatency } from './ws-delivery-latency.ts';

/** Every SLO of the platform, in the order dashboards show them. */
export const slos: readonly SloDefinition[] = [
  apiAvailability,
  apiLatency,
  wsDeliveryLatency,
  feedFreshness,
  alertNotificationLatency,
  detectorCoverage,
];

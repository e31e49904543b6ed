import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { otlpReceiverService } from '../../collectors/otlp/service.ts';
import { platformChecksService } from '../../detectors/checks/service.ts';
import { remediationService } from '../../detectors/remediation/service.ts';
import { detectorService } from '../../detectors/service.ts';
import { faultService } from '../faults/service.ts';
import { alertsService } from '../alerts/service.ts';
import { analyticsService } from '../analytics/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { PlatformControls } from '../runtime/controls.ts';
import { RuntimeSettings } from '../runtime/runtime-settings.ts';
import { portfolioService } from '../portfolio/service.ts';
import type { Service } from '../runtime/service.ts';
import { sentimentService } from '../sentiment/service.ts';
import { webAppService } from '../web/service.ts';

/**
 * Every service of the embedded platform, in the order `npm start` runs them (platform/main.ts, which imports them
 * lazily so that configuration errors surface first), for tests and benchmarks that need the whole platform. Pass
 * `controls` to reach the services' control ports (what the remediation engine acts on) from the test.
 */
export function everyService(controls = new PlatformControls(new RuntimeSettings())): Service[] {
  const otlp = otlpReceiverService();
  return [
    faultService({ controls }),
    marketFeedService({ controls }),
    marketDataService(),
    otlp,
    detectorService({ otlp }),
    platformChecksService({ components: controls.components }),
    alertsService(),
    analyticsService({ controls }),
    portfolioService(),
    sentimentService(),
    remediationService({ controls }),
    webAppService(),
  ];
}

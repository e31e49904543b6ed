import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { otlpReceiverService } from '../../collectors/otlp/service.ts';
import { detectorService } from '../../detectors/service.ts';
import { alertsService } from '../alerts/service.ts';
import { analyticsService } from '../analytics/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { portfolioService } from '../portfolio/service.ts';
import type { Service } from '../runtime/service.ts';
import { sentimentService } from '../sentiment/service.ts';
import { webAppService } from '../web/service.ts';

/**
 * Every service of the embedded platform, in the order `npm start` runs them (platform/main.ts, which imports them
 * lazily so that configuration errors surface first), for tests and benchmarks that need the whole platform.
 */
export function everyService(): Service[] {
  const otlp = otlpReceiverService();
  return [
    marketFeedService(),
    marketDataService(),
    otlp,
    detectorService({ otlp }),
    alertsService(),
    analyticsService(),
    portfolioService(),
    sentimentService(),
    webAppService(),
  ];
}

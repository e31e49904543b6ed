/** Embedded mode: every service in one process on the in-process backbone (or Kafka when configured). */
import { marketFeedService } from '../collectors/market/feed-service.ts';
import { otlpReceiverService } from '../collectors/otlp/service.ts';
import { detectorService } from '../detectors/service.ts';
import { alertsService } from './alerts/service.ts';
import { analyticsService } from './analytics/service.ts';
import { marketDataService } from './market-data/service.ts';
import { runMain } from './runtime/run-main.ts';
import { sentimentService } from './sentiment/service.ts';
import { webAppService } from './web/service.ts';

await runMain({
  services: () => {
    const otlp = otlpReceiverService();
    // The web app goes last: its routes at the root must not shadow /v1/* (OTLP) or /runbooks/* (alerts).
    return [
      marketFeedService(),
      marketDataService(),
      otlp,
      detectorService({ otlp }),
      alertsService(),
      analyticsService(),
      sentimentService(),
      webAppService(),
    ];
  },
});

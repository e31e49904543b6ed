/** Embedded mode: every service in one process on the in-process backbone (or Kafka when configured). */
import { marketFeedService } from '../collectors/market/feed-service.ts';
import { alertsService } from './alerts/service.ts';
import { analyticsService } from './analytics/service.ts';
import { marketDataService } from './market-data/service.ts';
import { runMain } from './runtime/run-main.ts';
import { sentimentService } from './sentiment/service.ts';
import { webAppService } from './web/service.ts';

await runMain({ services: () => [marketFeedService(), marketDataService(), alertsService(), analyticsService(), sentimentService(), webAppService()] });

/** Embedded mode: every service in one process on the in-process backbone (or Kafka when configured). */
import { otlpReceiverService } from '../collectors/otlp/service.ts';
import { marketFeedService } from '../collectors/market/feed-service.ts';
import { detectorService } from '../detectors/service.ts';
import { marketDataService } from './market-data/service.ts';
import { runMain } from './runtime/run-main.ts';

await runMain({
  services: () => {
    const otlp = otlpReceiverService();
    return [marketFeedService(), marketDataService(), otlp, detectorService({ otlp })];
  },
});

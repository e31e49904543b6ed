/** Distributed mode: the market feed collector alone, on Kafka. */
import { runMain } from '../../platform/runtime/run-main.ts';
import { marketFeedService } from './feed-service.ts';

await runMain({ services: () => [marketFeedService()], distributed: true });

/** Distributed mode: the market-data service alone, on Kafka. */
import { runMain } from '../runtime/run-main.ts';
import { marketDataService } from './service.ts';

await runMain({ services: () => [marketDataService()], distributed: true });

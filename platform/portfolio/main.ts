/** Distributed mode: portfolios and watchlists alone, on Kafka (prices from market.ticks, closes from the history). */
import { runMain } from '../runtime/run-main.ts';
import { portfolioService } from './service.ts';

await runMain({ services: () => [portfolioService()], distributed: true });

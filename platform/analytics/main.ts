/** Distributed mode: the analytics service alone, on Kafka. */
import { runMain } from '../runtime/run-main.ts';
import { analyticsService } from './service.ts';

await runMain({ services: () => [analyticsService()], distributed: true });

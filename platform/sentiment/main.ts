/** Distributed mode: the sentiment service alone, on Kafka. */
import { runMain } from '../runtime/run-main.ts';
import { sentimentService } from './service.ts';

await runMain({ services: () => [sentimentService()], distributed: true });
